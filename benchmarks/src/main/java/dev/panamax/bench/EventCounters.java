/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Divisors for {@code @AuxCounters(Type.EVENTS)} counters that report a mean rather than a count. JMH sums such a
 * counter over the measured iterations of every fork; each iteration reports its own figure divided by their
 * number, so the sum JMH prints is the mean over them.
 */
final class EventCounters {

    private EventCounters() {
    }

    /**
     * The measured iterations JMH sums an {@code EVENTS} counter over: those of one fork times the forks (a run
     * with {@code -f 0} measures in the harness's own JVM, as one fork).
     *
     * @param benchmark the run's parameters
     * @return at least 1
     */
    static int measuredIterations(BenchmarkParams benchmark) {
        return Math.max(1, benchmark.getMeasurement().getCount()) * Math.max(1, benchmark.getForks());
    }

    /**
     * The divisor for one iteration's figure: {@link #measuredIterations} for a measured iteration; a warm-up
     * iteration is reported whole.
     *
     * @param benchmark the run's parameters (its forks)
     * @param iteration this iteration's parameters
     * @return the divisor for this iteration's figure
     */
    static int shareOf(BenchmarkParams benchmark, IterationParams iteration) {
        return iteration.getType() == IterationType.MEASUREMENT ? measuredIterations(benchmark) : 1;
    }
}
