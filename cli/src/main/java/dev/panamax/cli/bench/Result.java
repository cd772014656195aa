/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One JMH result: a benchmark method run with one set of {@code @Param} values.
 *
 * @param benchmark the full name, such as {@code dev.panamax.bench.LockBenchmark.contended}
 * @param mode JMH's short mode name: {@code avgt}, {@code thrpt}, {@code sample} or {@code ss}
 * @param threads the number of threads that ran it
 * @param params the {@code @Param} values, in JMH's order
 * @param score the primary score
 * @param error the half-width of JMH's 99.9% confidence interval, NaN when JMH could not compute one
 * @param median the median of the measured iterations (or samples), NaN when JMH gave none
 * @param min the smallest measured iteration (or sample), NaN when JMH gave none
 * @param max the largest measured iteration (or sample), NaN when JMH gave none
 * @param unit such as {@code ns/op}
 * @param forks the forks JMH ran, 0 when it ran the benchmark in its own JVM
 * @param secondary JMH's secondary metrics ({@code @AuxCounters} counters, profilers' figures), in JMH's order;
 *     empty when it gave none
 */
public record Result(String benchmark, String mode, int threads, Map<String, String> params, double score,
                     double error, double median, double min, double max, String unit, int forks,
                     List<SecondaryMetric> secondary) {

    /**
     * Copies the parameters and the secondary metrics.
     *
     * @param benchmark the full name
     * @param mode the mode
     * @param threads the threads
     * @param params the parameters
     * @param score the score
     * @param error the error
     * @param median the median
     * @param min the smallest iteration
     * @param max the largest iteration
     * @param unit the unit
     * @param forks the forks
     * @param secondary the secondary metrics
     */
    public Result {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        secondary = List.copyOf(secondary);
    }

    /**
     * A result of one fork without secondary metrics.
     *
     * @param benchmark the full name
     * @param mode the mode
     * @param threads the threads
     * @param params the parameters
     * @param score the score
     * @param error the error
     * @param median the median
     * @param min the smallest iteration
     * @param max the largest iteration
     * @param unit the unit
     */
    public Result(String benchmark, String mode, int threads, Map<String, String> params, double score, double error,
                  double median, double min, double max, String unit) {
        this(benchmark, mode, threads, params, score, error, median, min, max, unit, 1, List.of());
    }

    /**
     * Returns the class and method without the package.
     *
     * @return such as {@code LockBenchmark.contended}
     */
    public String shortName() {
        String prefix = Suite.PACKAGE + ".";
        return benchmark.startsWith(prefix) ? benchmark.substring(prefix.length()) : benchmark;
    }

    /**
     * Tells whether a larger score is better: true for throughput, false for the time modes.
     *
     * @return true when higher is better
     */
    public boolean higherIsBetter() {
        return mode.equals("thrpt");
    }

    /**
     * Returns the parameters as {@code k=v} pairs separated by spaces.
     *
     * @return such as {@code impl=futex}, or the empty string without parameters
     */
    public String paramsText() {
        StringJoiner j = new StringJoiner(" ");
        params.forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }

    /**
     * Returns the parameters other than one, as {@code k=v} pairs: what a fair comparison of implementations must
     * hold equal.
     *
     * @param except the parameter left out, usually the suite's implementation parameter
     * @return such as {@code size=64}, or the empty string
     */
    public String paramsTextExcept(String except) {
        StringJoiner j = new StringJoiner(" ");
        params.forEach((k, v) -> {
            if (!k.equals(except)) {
                j.add(k + "=" + v);
            }
        });
        return j.toString();
    }
}
