/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** IoBenchmark's figures, fio's next to them, and the issue targets. */
class IoReportTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = IoReportTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void shouldReadIopsAndLatencyPerEngineAndQueueDepth() throws IOException {
        IoReport r = IoReport.of(resource("io-sample.json"), null, "not run (--no-fio)", "/data").orElseThrow();
        assertEquals(5, r.engines().size());
        IoReport.Engine qd32 = r.engines().getFirst();
        assertEquals("panamaxUring", qd32.impl());
        assertTrue(qd32.panamax());
        assertEquals(32, qd32.queueDepth());
        assertEquals(81000, qd32.iops(), 1e-9);
        assertTrue(qd32.latencyUs().isEmpty());
        IoReport.Engine threads4 = r.engines().get(2);
        assertEquals(4, threads4.queueDepth());
        assertEquals(4, threads4.threads());
        assertFalse(threads4.panamax());
        IoReport.Engine qd1 = r.engines().get(3);
        assertEquals(1, qd1.queueDepth());
        assertEquals(Map.of("mean", 60.0, "p50", 50.0, "p90", 70.0, "p99", 300.0, "p99.9", 2000.0, "max", 6000.0),
                qd1.latencyUs());
        assertEquals(1e6 / 60, qd1.iops(), 1e-6);
    }

    @Test
    void shouldCheckEveryTargetWhenFioRan() throws IOException {
        IoReport r = IoReport.of(resource("io-sample.json"), resource("fio-sample.json"), null, "/data")
                .orElseThrow();
        List<IoReport.Target> t = r.targets();
        assertEquals(3, t.size());
        assertEquals(81000.0 / 80000, t.get(0).ratio(), 1e-9);
        assertTrue(t.get(0).met().orElseThrow(), "0.9x fio at QD32");
        assertEquals(81000.0 / 40000, t.get(1).ratio(), 1e-9);
        assertTrue(t.get(1).met().orElseThrow(), "2x FileChannel with 4 threads");
        assertEquals(60.0 / 50, t.get(2).ratio(), 1e-9);
        assertFalse(t.get(2).met().orElseThrow(), "1.2x fio's latency is above 1.1x");
        String text = r.text();
        assertTrue(text.contains("fio qd32  io_uring"), text);
        assertTrue(text.contains("target qd1 mean latency: panamaxUring / fio io_uring iodepth=1 (lat): 60.00 / "
                + "50.00 us = 1.200 (<= 1.10: MISSED)"), text);
        Map<String, Object> json = r.json();
        assertEquals("/data", json.get("file"));
        assertNull(json.get("fio_note"));
        assertEquals("fio-3.33", ((Map<?, ?>) json.get("fio")).get("version"));
        assertEquals(3, ((List<?>) json.get("targets")).size());
    }

    @Test
    void shouldCompareOnlyWithFileChannelAndSayWhyWhenFioDidNotRun() throws IOException {
        IoReport r = IoReport.of(resource("io-sample.json"), null, "not run: fio is not installed", null)
                .orElseThrow();
        assertEquals(1, r.targets().size());
        assertTrue(r.targets().getFirst().what().contains("FileChannel, 4 threads"));
        assertTrue(r.text().contains("  fio: not run: fio is not installed\n"), r.text());
        assertEquals("not run: fio is not installed", r.json().get("fio_note"));
    }

    @Test
    void shouldBeEmptyWhenTheResultsHoldNoIoBenchmark() throws IOException {
        assertTrue(IoReport.of(resource("jmh-sample.json"), null, null, null).isEmpty());
    }

    @Test
    void shouldRefuseFioFiguresThatAreNotTheScriptsJson() throws IOException {
        String jmh = resource("io-sample.json");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IoReport.of(jmh,
                "{\"tool\": \"fio\"}", null, null));
        assertTrue(e.getMessage().startsWith("fio figures:"), e.getMessage());
    }
}
