/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhRunnerTest {

    /** The output of a real 'java -jar benchmarks.jar -lp Benchmark' (JMH 1.37), with the JDK's warnings. */
    private static final String LIST = """
            WARNING: A terminally deprecated method in sun.misc.Unsafe has been called
            WARNING: sun.misc.Unsafe::objectFieldOffset has been called by org.openjdk.jmh.util.Utils
            Benchmarks:\s
            dev.panamax.bench.BindingsBenchmark.getppid
              param "impl" = {panamax, raw, rawCritical}
            dev.panamax.bench.LockBenchmark.contended
              param "impl" = {futex, futexAdaptive, spin, reentrant, synchronized, stamped}
            dev.panamax.bench.LockBenchmark.handoff
              param "impl" = {futex, futexAdaptive, spin, reentrant, synchronized, stamped}
            dev.panamax.bench.LockBenchmark.uncontended
              param "impl" = {futex, futexAdaptive, spin, reentrant, synchronized, stamped}
            """;

    @Test
    void shouldCountParameterCombinationsOfEachListedBenchmark() {
        Map<String, Integer> combos = JmhRunner.parseList(LIST);
        assertEquals(List.of("dev.panamax.bench.BindingsBenchmark.getppid", "dev.panamax.bench.LockBenchmark.contended",
                "dev.panamax.bench.LockBenchmark.handoff", "dev.panamax.bench.LockBenchmark.uncontended"),
                List.copyOf(combos.keySet()));
        assertEquals(List.of(3, 6, 6, 6), List.copyOf(combos.values()));
    }

    @Test
    void shouldMultiplyParametersAndCountBenchmarksWithoutParametersOnce() {
        Map<String, Integer> combos = JmhRunner.parseList("""
                Benchmarks:\s
                dev.panamax.bench.AllocatorBenchmark.allocate
                  param "peer" = {panamax, panamaxStripes, arena, directBuffer, netty, malloc}
                  param "size" = {64, 4096, 65536}
                dev.panamax.bench.PlainBenchmark.run
                """);
        assertEquals(Map.of("dev.panamax.bench.AllocatorBenchmark.allocate", 18, "dev.panamax.bench.PlainBenchmark.run",
                1), combos);
    }

    @Test
    void shouldListNothingWhenNoBenchmarkMatches() {
        assertTrue(JmhRunner.parseList("Benchmarks: \n").isEmpty());
    }

    @Test
    void shouldExplainTheLockWhenAnotherJmhRunHoldsIt() {
        String error = JmhRunner.firstError(List.of("ERROR: org.openjdk.jmh.runner.RunnerException: ERROR: Another "
                + "JMH instance might be running. Unable to acquire the JMH lock (/tmp/jmh.lock), exiting. Use "
                + "-Djmh.ignoreLock=true to forcefully continue.")).orElseThrow();
        assertTrue(error.startsWith("another JMH run holds its lock"), error);
        assertTrue(error.contains("--ignore-lock"), error);
    }

    @Test
    void shouldPickTheFirstErrorLineOfAFailedBenchmark() {
        assertEquals("java.lang.IllegalStateException: raw returned 1, expected ppid 2",
                JmhRunner.firstError(List.of("# Fork: 1 of 1", "<failure>", "",
                        "java.lang.IllegalStateException: raw returned 1, expected ppid 2",
                        "\tat dev.panamax.bench.BindingsBenchmark.setUp(BindingsBenchmark.java:61)")).orElseThrow());
        assertTrue(JmhRunner.firstError(List.of("Iteration   1: 1 ns/op")).isEmpty());
    }

    @Test
    void shouldPassTheLatencyDirectoryToTheForksQuotedWhenItHasSpaces() {
        assertEquals(List.of("-jvmArgsAppend", "-Dpanamax.bench.latency.dir=\"/tmp/my report/latency\""),
                JmhRunner.latencyArgs(Path.of("/tmp/my report/latency")));
        assertEquals(List.of(), JmhRunner.latencyArgs(Path.of("/tmp/a\"b/latency")), "JMH cannot pass a quote");
    }

    @Test
    void shouldEmptyTheLatencyDirectoryAndPassItToTheForksWhenRunning(@TempDir Path tmp) throws Exception {
        Path report = Files.createDirectories(tmp.resolve("my report"));
        Path latency = Files.createDirectories(report.resolve(LatencyChart.DIR));
        Files.writeString(latency.resolve("LockBenchmark.handoff-impl=futex.hgrm"), "an earlier run's\n");
        Files.writeString(latency.resolve("LockBenchmark.handoff-impl=futex.hlog"), "an earlier run's\n");
        Files.writeString(latency.resolve("notes.txt"), "the user's\n");
        Path args = tmp.resolve("args");
        Path java = tmp.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + args + "'\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        JmhRunner.Outcome outcome = new JmhRunner(java, tmp.resolve("benchmarks.jar"), List.of())
                .run(List.of("LockBenchmark", "-f", "1"), report, tmp.resolve("jmh.log"), line -> { });
        assertEquals(0, outcome.exitCode());
        List<String> child = Files.readAllLines(args);
        int i = child.indexOf("-jvmArgsAppend");
        assertTrue(i > 0, child.toString());
        assertEquals("-Dpanamax.bench.latency.dir=\"" + latency.toAbsolutePath() + "\"", child.get(i + 1));
        assertEquals(List.of("LockBenchmark", "-f", "1"), child.subList(child.size() - 3, child.size()));
        try (Stream<Path> left = Files.list(latency)) {
            assertEquals(List.of(latency.resolve("notes.txt")), left.toList(), "stale histograms would be added to");
        }
    }
}
