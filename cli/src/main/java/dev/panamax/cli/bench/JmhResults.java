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
                    number(metric.get("score"), benchmark + ": score"),
                    metric.get("scoreError") == null ? Double.NaN
                            : number(metric.get("scoreError"), benchmark + ": scoreError"),
                    median, min, max, string(metric.get("scoreUnit"), benchmark + ": scoreUnit")));
        }
        return results;
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
