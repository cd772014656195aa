/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.IoUringSyscalls;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole {@link DurableLogTest} suite with {@link LogOptions#withIoUring(boolean)}: batches that need a flush
 * go to the kernel as one io_uring submission of a write linked to an fsync. Plus what only this path has: a
 * failed sync completion, and the rungs where io_uring does not apply.
 */
class DurableLogUringTest extends DurableLogTest {

    @BeforeEach
    void requireIoUring() {
        assumeTrue(IoUringSyscalls.FEATURE.isAvailable(), "io_uring unavailable here: "
                + IoUringSyscalls.FEATURE.unavailabilityCause());
    }

    @Override
    boolean ioUring() {
        return true;
    }

    @Test
    void shouldRefuseEveryAppendAfterFailedSyncCompletion() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            assertTrue(log.usesIoUring());
            assertEquals(1, log.append(payload(1)));
            log.redirectRingToDevNullForTest();
            LogFailedException first = assertThrows(LogFailedException.class, () -> log.append(payload(2)));
            assertTrue(first.getMessage().contains("never retries"), first.getMessage());
            // The write to /dev/null completed; its linked fsync's CQE carried -EINVAL.
            assertTrue(first.getCause().getMessage().startsWith("EINVAL (IORING_OP_FSYNC)"),
                    first.getCause().getMessage());
            LogFailedException later = assertThrows(LogFailedException.class, () -> log.append(payload(3)));
            assertEquals(first.getCause(), later.getCause());
            assertEquals(1, log.lastSequence());
            LogStats st = log.stats();
            assertEquals(1, st.uringSubmissions(), st.toString());
        }
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            // Record 2 never reached the segment (its write went to /dev/null).
            List<LogRecord> all = log.readAll();
            assertEquals(1, all.size(), all.toString());
            assertArrayEquals(payload(1), all.get(0).payload());
        }
    }

    @Test
    void shouldNotAcknowledgeRecordWhoseLinkedWriteCameBackShort() throws Exception {
        // A write crossing RLIMIT_FSIZE is cut short at the limit (the JVM ignores SIGXFSZ); the link then cancels
        // the fdatasync. The log finishes by pwrite, which meets EFBIG at the limit: fatal, nothing acknowledged.
        Path prlimit = Path.of("/usr/bin/prlimit");
        assumeTrue(Files.isExecutable(prlimit), "needs util-linux prlimit to set RLIMIT_FSIZE for a child JVM");
        Path logDir = dir.resolve("log");
        Path stderr = dir.resolve("child.err");
        Process child = new ProcessBuilder(prlimit.toString(), "--fsize=100000",
                ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                UringShortWriteChild.class.getName(), logDir.toString())
                .redirectError(stderr.toFile())
                .start();
        child.getOutputStream().close();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), out + Files.readString(stderr));
        List<String> lines = out.lines().toList();
        assertEquals("uses true", lines.get(0), out);
        assertTrue(lines.get(1).startsWith("acked "), out);
        long acked = Long.parseLong(lines.get(1).split(" ")[1]);
        // One appender, so one record per batch: every record that fits below the limit, none after.
        assertEquals((100000 - RecordFormat.SEGMENT_HEADER_BYTES) / RecordFormat.frameBytes(4000), acked, out);
        assertEquals("acked " + acked + " last " + acked, lines.get(1), out);
        assertTrue(lines.get(2).startsWith("cause EFBIG (pwrite64)"), out);
        assertTrue(lines.get(3).startsWith("suppressed ShortWriteException: short write of ")
                && lines.get(3).contains("linked fdatasync was cancelled (ECANCELED)"), out);
        try (DurableLog log = DurableLog.open(logDir, small(Durability.FDATASYNC).withPreallocation(false))) {
            // The short record is a torn tail: cut; every acknowledged record is there.
            assertEquals(acked, log.lastSequence(), log.recoveryReport().toString());
            assertEquals(acked, log.readAll().size());
            assertEquals(acked + 1, log.append(payload(acked + 1)));
        }
    }

    @Test
    void shouldFlushWithFsyncOpcodeWhenAppendingAtFsync() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.FSYNC))) {
            assertTrue(log.usesIoUring());
            assertTrue(log.fallbackReason().isEmpty(), log.fallbackReason().toString());
            for (long s = 1; s <= 10; s++) {
                log.append(payload(s));
            }
            LogStats st = log.stats();
            assertEquals(10, st.flushCalls());
            assertEquals(10, st.uringSubmissions());
            assertTrue(log.toString().contains("via io_uring"), log.toString());
        }
    }

    @Test
    void shouldSayWhyWhenIoUringIsAskedAtAnOpenFlagRung() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.DSYNC))) {
            assertFalse(log.usesIoUring());
            String why = log.fallbackReason().orElseThrow();
            assertTrue(why.contains("io_uring") && why.contains("open flags"), why);
            assertEquals(1, log.append(payload(1)));
            assertEquals(Durability.DSYNC, log.durability());
        }
    }
}
