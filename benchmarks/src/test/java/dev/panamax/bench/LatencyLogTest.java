/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyLogTest {

    @TempDir
    Path tmp;

    @Test
    void shouldNameFilesAfterBenchmarkAndParametersInKeyOrder() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("impl", "futex");
        params.put("depth", "1");
        assertEquals("LockBenchmark.handoff-depth=1-impl=futex",
                LatencyLog.fileName("dev.panamax.bench.LockBenchmark.handoff", params));
        assertEquals("LockBenchmark.handoff", LatencyLog.fileName("dev.panamax.bench.LockBenchmark.handoff", Map.of()));
    }

    @Test
    void shouldReplaceCharactersUnfitForFileNamesWhenParametersHaveThem() {
        assertEquals("IoBenchmark.read-file=_tmp_a_b",
                LatencyLog.fileName("dev.panamax.bench.IoBenchmark.read", Map.of("file", "/tmp/a b")));
    }

    @Test
    void shouldWritePercentileDistributionAndLosslessLogWhenTrialEnds() throws Exception {
        Histogram h = LatencyLog.newHistogram();
        for (long v = 1; v <= 1000; v++) {
            h.recordValue(v * 100);
        }
        LatencyLog.write(tmp, "LockBenchmark.handoff-impl=futex", h);

        List<String> hgrm = Files.readAllLines(tmp.resolve("LockBenchmark.handoff-impl=futex.hgrm"));
        assertTrue(hgrm.getFirst().strip().startsWith("Value"), hgrm.getFirst());
        assertTrue(hgrm.stream().anyMatch(l -> l.startsWith("#[Max") && l.contains("Total count    =         1000")),
                String.join("\n", hgrm));
        assertEquals(1000, readLog(tmp.resolve("LockBenchmark.handoff-impl=futex.hlog")).getTotalCount());
        try (var files = Files.list(tmp)) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".tmp")), "temporary files left behind");
        }
    }

    @Test
    void shouldAddEarlierForksHistogramWhenFileExists() throws Exception {
        Histogram first = LatencyLog.newHistogram();
        first.recordValueWithCount(200, 10);
        Histogram second = LatencyLog.newHistogram();
        second.recordValueWithCount(5_000_000, 5);
        LatencyLog.write(tmp, "b", first);
        LatencyLog.write(tmp, "b", second);

        Histogram total = readLog(tmp.resolve("b.hlog"));
        assertEquals(15, total.getTotalCount());
        assertEquals(200, total.getMinValue());
        assertEquals(5_000_000, total.highestEquivalentValue(total.getMaxValue()), 5_000_000 / 1000.0);
        assertTrue(Files.readString(tmp.resolve("b.hgrm")).contains("Total count    =           15"));
    }

    @Test
    void shouldRecordNothingWhenPropertyIsAbsent() {
        // Surefire runs without -Dpanamax.bench.latency.dir: plain JMH runs must not time anything.
        assertFalse(LatencyLog.ENABLED);
        LatencyLog.Recorder r = new LatencyLog.Recorder();
        assertEquals(0, r.start());
    }

    private static Histogram readLog(Path file) throws Exception {
        HistogramLogReader reader = new HistogramLogReader(file.toFile());
        try {
            Histogram total = LatencyLog.newHistogram();
            while (reader.hasNext()) {
                total.add((Histogram) reader.nextIntervalHistogram());
            }
            return total;
        } finally {
            reader.close();
        }
    }
}
