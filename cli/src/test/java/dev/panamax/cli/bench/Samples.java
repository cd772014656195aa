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
 * "NaN"). {@code alloc-sample.json} is six results of a full alloc run on the idle machine ({@code -f 2 -wi 3 -i 5},
 * JMH 1.37; {@code rawData} cut): {@code AllocatorBenchmark.allocateFree} without secondary metrics,
 * {@code AllocatorCrossThreadBenchmark.handoff} with its {@code OPERATIONS} counters {@code consume} and
 * {@code produce} (ops/us, with errors) and {@code AllocatorWorkloadBenchmark.falseSharing} with its {@code EVENTS}
 * counters ({@code #}, JMH's sum over 2 forks of 5 iterations, error "NaN").
 */
final class Samples {

    private Samples() {
    }

    static String jmhJson() {
        return resource("jmh-sample.json");
    }

    static String allocJson() {
        return resource("alloc-sample.json");
    }

    private static String resource(String name) {
        try (InputStream in = Samples.class.getResourceAsStream(name)) {
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

    static BenchRun allocRun() {
        return new BenchRun(Comparison.compare(JmhResults.parse(allocJson())), List.of("alloc"), List.of(),
                "2026-11-26T04:05:00Z", "JDK 25.0.3 (Eclipse Adoptium)", "Linux 6.18 (amd64), 2 CPUs", false,
                "-f 2 -wi 3 -i 5 -w 1s -r 1s");
    }

    static Result result(String benchmark, String mode, Map<String, String> params, double score, double error) {
        return new Result(benchmark, mode, 1, params, score, error, score, score * 0.9, score * 1.1, "ns/op");
    }
}
