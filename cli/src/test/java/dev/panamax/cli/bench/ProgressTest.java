/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ProgressTest {

    /** Lines of a real 'benchmarks.jar BindingsBenchmark -f 1 -wi 1 -i 2 -w 200ms -r 200ms' run, JMH 1.37. */
    private static final List<String> LOG = List.of(
            "# JMH version: 1.37",
            "# VM version: JDK 25.0.3, OpenJDK 64-Bit Server VM, 25.0.3+9-LTS",
            "# Warmup: 1 iterations, 200 ms each",
            "# Measurement: 2 iterations, 200 ms each",
            "# Benchmark mode: Average time, time/op",
            "# Benchmark: dev.panamax.bench.BindingsBenchmark.getppid",
            "# Parameters: (impl = panamax)",
            "",
            "# Run progress: 0.00% complete, ETA 00:00:12",
            "# Fork: 1 of 1",
            "WARNING: A terminally deprecated method in sun.misc.Unsafe has been called",
            "# Warmup Iteration   1: 1258.518 ns/op",
            "Iteration   1: 609.377 ns/op",
            "Iteration   2: 295.834 ns/op",
            "Result \"dev.panamax.bench.BindingsBenchmark.getppid\":",
            "# Benchmark: dev.panamax.bench.BindingsBenchmark.getppid",
            "# Parameters: (impl = raw)",
            "",
            "# Run progress: 4.76% complete, ETA 00:00:29",
            "# Fork: 1 of 1");

    @Test
    void shouldParsePercentAndEtaOfRunProgressLine() {
        Progress.RunProgress p = Progress.parse("# Run progress: 33.33% complete, ETA 00:01:23").orElseThrow();
        assertEquals(33.33, p.percent(), 1e-9);
        assertEquals("00:01:23", p.eta());
        assertEquals(100.0, Progress.parse("# Run progress: 100% complete, ETA 00:00:00").orElseThrow().percent());
    }

    @Test
    void shouldIgnoreLinesThatAreNotRunProgress() {
        assertTrue(Progress.parse("# Fork: 1 of 1").isEmpty());
        assertTrue(Progress.parse("Iteration   1: 609.377 ns/op").isEmpty());
        assertTrue(Progress.parse("# Run progress: lots").isEmpty());
    }

    @Test
    void shouldReportBenchmarkNOfMWithNameParametersAndEtaWhenFedJmhOutput() {
        Progress progress = new Progress(21);
        List<String> shown = new ArrayList<>();
        for (String line : LOG) {
            progress.accept(line).ifPresent(shown::add);
        }
        assertEquals(List.of(
                "benchmark 1 of 21 (BindingsBenchmark.getppid impl=panamax), 0% done, ETA 00:00:12",
                "benchmark 2 of 21 (BindingsBenchmark.getppid impl=raw), 5% done, ETA 00:00:29"), shown);
        assertEquals(2, progress.started());
    }

    @Test
    void shouldCountBenchmarksNotForksWhenJmhRunsSeveralForks() {
        // The headers and progress lines of a real '-p impl=raw,panamax -f 2' run.
        List<String> log = List.of(
                "# Benchmark: dev.panamax.bench.BindingsBenchmark.getppid",
                "# Parameters: (impl = raw)",
                "# Run progress: 0.00% complete, ETA 00:00:00",
                "# Fork: 1 of 2",
                "# Run progress: 25.00% complete, ETA 00:00:02",
                "# Fork: 2 of 2",
                "# Benchmark: dev.panamax.bench.BindingsBenchmark.getppid",
                "# Parameters: (impl = panamax)",
                "# Run progress: 50.00% complete, ETA 00:00:01",
                "# Fork: 1 of 2",
                "# Run progress: 75.00% complete, ETA 00:00:00",
                "# Fork: 2 of 2");
        Progress progress = new Progress(2);
        List<String> shown = new ArrayList<>();
        log.forEach(line -> progress.accept(line).ifPresent(shown::add));
        assertEquals(List.of(
                "benchmark 1 of 2 (BindingsBenchmark.getppid impl=raw), 0% done, ETA 00:00:00",
                "benchmark 1 of 2 (BindingsBenchmark.getppid impl=raw), fork 2, 25% done, ETA 00:00:02",
                "benchmark 2 of 2 (BindingsBenchmark.getppid impl=panamax), 50% done, ETA 00:00:01",
                "benchmark 2 of 2 (BindingsBenchmark.getppid impl=panamax), fork 2, 75% done, ETA 00:00:00"), shown);
        assertEquals(2, progress.started());
    }

    @Test
    void shouldJoinSeveralParametersAndOmitTheTotalWhenUnknown() {
        Progress progress = new Progress(0);
        progress.accept("# Benchmark: dev.panamax.bench.AllocatorBenchmark.allocate");
        progress.accept("# Parameters: (peer = netty, size = 64)");
        Optional<String> line = progress.accept("# Run progress: 50.00% complete, ETA 00:00:05");
        assertEquals("benchmark 1 (AllocatorBenchmark.allocate peer=netty size=64), 50% done, ETA 00:00:05",
                line.orElseThrow());
    }

    @Test
    void shouldNeverReportMoreThanTheTotalAsTheTotal() {
        Progress progress = new Progress(1);
        progress.accept("# Benchmark: dev.panamax.bench.BindingsBenchmark.getppid");
        progress.accept("# Run progress: 0.00% complete, ETA 00:00:02");
        progress.accept("# Benchmark: dev.panamax.bench.LockBenchmark.contended");
        String second = progress.accept("# Run progress: 50.00% complete, ETA 00:00:01").orElseThrow();
        assertTrue(second.startsWith("benchmark 2 of 2"), second);
    }

    @Test
    void shouldCountAProgressLineWithoutHeaderAsTheFirstBenchmark() {
        Progress progress = new Progress(3);
        assertEquals("benchmark 1 of 3, 0% done, ETA 00:00:09",
                progress.accept("# Run progress: 0.00% complete, ETA 00:00:09").orElseThrow());
    }
}
