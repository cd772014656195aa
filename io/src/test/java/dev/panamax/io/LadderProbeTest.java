/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ladder probe's bookkeeping (not its numbers: timing belongs in JMH). */
class LadderProbeTest {

    @TempDir
    Path dir;

    @Test
    void shouldMeasureEveryRungThroughItsOwnKernelPathAndCleanUp() throws IOException {
        List<LadderProbe.Result> results = LadderProbe.run(dir, 64, 40, 2);
        assertEquals(Durability.values().length, results.size());
        for (LadderProbe.Result r : results) {
            assertEquals(40, r.operations(), r.toString());
            assertTrue(r.p50Nanos() > 0 && r.p50Nanos() <= r.p99Nanos() && r.p99Nanos() <= r.p999Nanos(),
                    r.toString());
            LogStats st = r.stats();
            // 40 measured plus 4 warmup appends; each rung's durable work is its own syscall kind.
            assertEquals(44, st.appends(), r.toString());
            switch (r.rung()) {
                case WRITE -> assertEquals(0, st.durabilityPoints(), r.toString());
                case FDATASYNC, FSYNC -> assertTrue(st.flushCalls() > 0 && st.syncedWrites() == 0, r.toString());
                default -> assertTrue(st.syncedWrites() > 0 && st.flushCalls() == 0, r.toString());
            }
        }
        String table = LadderProbe.format(results);
        assertTrue(table.contains("FDATASYNC") && table.contains("p99.9 us"), table);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count(), "probe left files behind");
        }
    }

    @Test
    void shouldRefuseBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> LadderProbe.run(dir, 0, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> LadderProbe.run(dir, 10, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> LadderProbe.run(dir, 10, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> LadderProbe.run(dir.resolve("missing"), 10, 10, 1));
    }

    @Test
    void shouldPickPercentilesFromSortedSamples() {
        long[] s = new long[1000];
        for (int i = 0; i < s.length; i++) {
            s[i] = i + 1;
        }
        assertEquals(500, LadderProbe.percentile(s, 0.5));
        assertEquals(990, LadderProbe.percentile(s, 0.99));
        assertEquals(999, LadderProbe.percentile(s, 0.999));
        assertEquals(0, LadderProbe.percentile(new long[0], 0.5));
    }
}
