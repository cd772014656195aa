/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the results file JMH writes with {@code -rf json}. */
public final class JmhResults {

    private JmhResults() {
    }

    /**
     * Reads a JMH JSON results file.
     *
     * @param file the file given to {@code -rff}
     * @return the results, in the file's order
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it is not JMH's JSON
     */
    public static List<Result> read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /**
     * Parses JMH's JSON results.
     *
     * @param json the text of a {@code -rf json} file: an array of one object per benchmark and parameter set
     * @return the results, in the file's order
     * @throws IllegalArgumentException when the text is not JMH's JSON, naming what is missing
     */
    public static List<Result> parse(String json) {
        if (!(JsonReader.parse(json) instanceof List<?> list)) {
            throw new IllegalArgumentException("JMH results: expected a JSON array");
        }
        List<Result> results = new ArrayList<>();
        for (Object o : list) {
            Map<?, ?> run = map(o, "a result");
            String benchmark = string(run.get("benchmark"), "benchmark");
            Map<?, ?> metric = map(run.get("primaryMetric"), benchmark + ": primaryMetric");
            Map<String, String> params = new LinkedHashMap<>();
            if (run.get("params") != null) {
                map(run.get("params"), benchmark + ": params").forEach((k, v) -> params.put((String) k,
                        String.valueOf(v)));
            }
            Map<?, ?> percentiles = metric.get("scorePercentiles") instanceof Map<?, ?> m ? m : Map.of();
            double median = percentile(percentiles, "50.0", benchmark);
            double min = percentile(percentiles, "0.0", benchmark);
            double max = percentile(percentiles, "100.0", benchmark);
            results.add(new Result(benchmark, string(run.get("mode"), benchmark + ": mode"),
                    (int) number(run.get("threads"), benchmark + ": threads"), params,
                    number(metric.get("score"), benchmark + ": score"), error(metric, benchmark),
                    median, min, max, string(metric.get("scoreUnit"), benchmark + ": scoreUnit"),
                    run.get("forks") == null ? 1 : (int) number(run.get("forks"), benchmark + ": forks"),
                    secondary(run.get("secondaryMetrics"), benchmark)));
        }
        return results;
    }

    /** JMH writes {@code "secondaryMetrics": {}} when there are none, and older files may lack the field. */
    private static List<SecondaryMetric> secondary(Object metrics, String benchmark) {
        if (metrics == null) {
            return List.of();
        }
        List<SecondaryMetric> out = new ArrayList<>();
        map(metrics, benchmark + ": secondaryMetrics").forEach((k, v) -> {
            String what = benchmark + ": secondary metric " + k;
            Map<?, ?> m = map(v, what);
            out.add(new SecondaryMetric(string(k, what), number(m.get("score"), what + ": score"), error(m, what),
                    string(m.get("scoreUnit"), what + ": scoreUnit")));
        });
        return out;
    }

    private static double error(Map<?, ?> metric, String what) {
        return metric.get("scoreError") == null ? Double.NaN : number(metric.get("scoreError"), what + ": scoreError");
    }

    /**
     * How JMH ran, as recorded in its results (taken from the first result).
     *
     * @param jvm the benchmark JVM, such as {@code JDK 25.0.3, OpenJDK 64-Bit Server VM 25.0.3+9-LTS,
     *     /usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
     * @param options the run's forks, iterations and times as JMH options, such as
     *     {@code -f 1 -wi 1 -i 2 -w 200ms -r 200ms}
     */
    public record RunInfo(String jvm, String options) {
    }

    /**
     * Reads how JMH ran from its JSON results.
     *
     * @param json the text of a {@code -rf json} file
     * @return what the first result records, or empty when there is no result
     * @throws IllegalArgumentException when the text is not JMH's JSON
     */
    public static Optional<RunInfo> info(String json) {
        if (!(JsonReader.parse(json) instanceof List<?> list) || list.isEmpty()) {
            return Optional.empty();
        }
        Map<?, ?> run = map(list.getFirst(), "a result");
        String jvm = "JDK " + run.get("jdkVersion") + ", " + run.get("vmName") + " " + run.get("vmVersion") + ", "
                + run.get("jvm");
        String options = "-f " + count(run.get("forks")) + " -wi " + count(run.get("warmupIterations")) + " -i "
                + count(run.get("measurementIterations")) + " -w " + time(run.get("warmupTime")) + " -r "
                + time(run.get("measurementTime"));
        return Optional.of(new RunInfo(jvm, options));
    }

    private static String count(Object o) {
        return o instanceof Double d ? String.valueOf(d.longValue()) : String.valueOf(o);
    }

    /** JMH records times as {@code "200 ms"}; its command line spells them {@code 200ms}. */
    private static String time(Object o) {
        return String.valueOf(o).replace(" ", "");
    }

    private static double percentile(Map<?, ?> percentiles, String key, String benchmark) {
        Object value = percentiles.get(key);
        return value == null ? Double.NaN : number(value, benchmark + ": percentile " + key);
    }

    private static Map<?, ?> map(Object o, String what) {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException("JMH results: " + what + " is not an object");
    }

    private static String string(Object o, String what) {
        if (o instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("JMH results: " + what + " is missing or not a string");
    }

    /** JMH writes numbers, but NaN and infinities as the strings "NaN", "Infinity" and "-Infinity". */
    private static double number(Object o, String what) {
        if (o instanceof Double d) {
            return d;
        }
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("JMH results: " + what + " is not a number: " + s, ex);
            }
        }
        throw new IllegalArgumentException("JMH results: " + what + " is missing or not a number");
    }
}
