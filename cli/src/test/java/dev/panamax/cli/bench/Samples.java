/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Test data. {@code jmh-sample.json} is real JMH 1.37 output, cut from two runs on the 2-core build machine:
 * {@code BindingsBenchmark} with {@code -f 1 -wi 1 -i 3 -w 200ms -r 200ms} (3 iterations: JMH gives a confidence
 * interval) and four {@code LockBenchmark.uncontended} results of a {@code --quick} run (2 iterations: scoreError
 * "NaN").
 */
final class Samples {

    private Samples() {
    }

    static String jmhJson() {
        try (InputStream in = Samples.class.getResourceAsStream("jmh-sample.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Result> results() {
        return JmhResults.parse(jmhJson());
    }

    static BenchRun run() {
        return new BenchRun(Comparison.compare(results()), List.of("locks", "bindings"), List.of("alloc", "io"),
                "2026-11-25T17:00:00Z", "JDK 25.0.3 (Eclipse Adoptium)", "Linux 6.18 (amd64), 2 CPUs", true,
                "-f 1 -wi 1 -i 2 -w 200ms -r 200ms");
    }

    static Result result(String benchmark, String mode, Map<String, String> params, double score, double error) {
        return new Result(benchmark, mode, 1, params, score, error, score, score * 0.9, score * 1.1, "ns/op");
    }
}
