/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DurableLog#sync(Durability)}: the durability point of a log appended to at a lower rung. The flushes are
 * counted through {@link DurableLog#stats()}; what power loss keeps is in {@link PowerLossTest}.
 */
class DurableLogSyncTest {

    @TempDir
    Path dir;

    private static LogOptions small(Durability rung) {
        return LogOptions.defaults().withDurability(rung).withMaxRecordBytes(4096).withSegmentBytes(128 * 1024);
    }

    @Test
    void shouldFlushWhatWriteAppendsLeftAndNothingWhenAnEarlierFlushCoversIt() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            assertEquals(0, log.sync(Durability.FDATASYNC), "an empty log: nothing to cover");
            for (long s = 1; s <= 100; s++) {
                log.append(DurableLogTest.payload(s));
            }
            assertEquals(0, log.stats().flushCalls());
            long before = log.stats().flushCalls();
            assertEquals(100, log.sync(Durability.FDATASYNC));
            // One fdatasync of the segment, plus the directory: the first segment's name is flushed lazily.
            long first = log.stats().flushCalls() - before;
            assertTrue(first >= 1 && first <= 2, "flushes for the first sync: " + first);
            assertEquals(100, log.flushedThroughForTest(false));
            assertEquals(100, log.sync(Durability.FDATASYNC));
            assertEquals(before + first, log.stats().flushCalls(), "a covered sync flushes nothing");
            assertEquals(100, log.sync(Durability.FSYNC));
            assertEquals(before + first + 1, log.stats().flushCalls(), "FSYNC after FDATASYNC still fsyncs");
            assertEquals(100, log.flushedThroughForTest(true));
            assertEquals(100, log.sync(Durability.FSYNC));
            assertEquals(100, log.sync(Durability.FDATASYNC));
            assertEquals(before + first + 1, log.stats().flushCalls(), "an fsync covers both kinds");
            assertEquals(101, log.append(DurableLogTest.payload(101)));
            assertEquals(101, log.sync(Durability.FDATASYNC));
            assertEquals(before + first + 2, log.stats().flushCalls());
            assertEquals(101, log.stats().appends(), "sync appends nothing");
        }
    }

    @Test
    void shouldFlushEveryEarlierSegmentLeftUnflushed() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            for (long s = 1; s <= 2500; s++) {
                log.append(DurableLogTest.payload(s));
            }
            int segments = log.recoveryReport().segments();
            long flushes = log.stats().flushCalls();
            assertEquals(0, flushes);
            assertEquals(2500, log.sync(Durability.FDATASYNC));
            // The current segment, each earlier one, and the directory (lazy roll-overs named them).
            long made = log.stats().flushCalls() - flushes;
            assertTrue(made >= 4, "a sync over several segments flushed " + made + " files (opened with " + segments
                    + " segments)");
        }
    }

    @Test
    void shouldTreatWhatTheLastOpenerLeftAsUnflushedUntilAFlushCoversIt() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            for (long s = 1; s <= 2500; s++) {
                log.append(DurableLogTest.payload(s)); // closing flushes nothing either
            }
        }
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            int segments = log.recoveryReport().segments();
            assertTrue(segments >= 3, "the log should have rolled: " + log.recoveryReport());
            assertEquals(0, log.stats().flushCalls(), "a WRITE log flushes nothing at open");
            assertEquals(0, log.flushedThroughForTest(false), "nothing the last opener wrote is known flushed");
            assertEquals(2500, log.sync(Durability.FDATASYNC));
            assertEquals(segments + 1, log.stats().flushCalls(), "every kept segment, and the directory");
            log.append(DurableLogTest.payload(2501)); // left unflushed: no clean-close mark
        }
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            assertEquals(log.recoveryReport().segments() + 1, log.stats().flushCalls(),
                    "a log opened at a flushing rung flushes every kept segment and the directory at once");
            assertEquals(2501, log.flushedThroughForTest(false));
        }
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            assertEquals(0, log.stats().flushCalls(), "a clean close vouched that everything was flushed");
            assertEquals(2501, log.flushedThroughForTest(false));
        }
    }


    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"FDATASYNC", "DSYNC", "DIRECT", "SYNC"})
    void shouldSyncLogsOpenAtEveryRung(Durability rung) throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(rung))) {
            for (long s = 1; s <= 20; s++) {
                log.append(DurableLogTest.payload(s));
            }
            assertEquals(20, log.sync(Durability.FDATASYNC));
            assertEquals(20, log.sync(Durability.FSYNC));
            assertEquals(20, log.flushedThroughForTest(true));
        }
        try (DurableLog log = DurableLog.open(dir, small(rung))) {
            assertEquals(20, log.readAll().size());
        }
    }

    @Test
    void shouldRefuseRungsThatAreNotAFlushAndAClosedLog() throws IOException {
        DurableLog log = DurableLog.open(dir, small(Durability.WRITE));
        log.append(DurableLogTest.payload(1));
        for (Durability rung : new Durability[] {Durability.WRITE, Durability.DSYNC, Durability.DIRECT,
                Durability.SYNC}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> log.sync(rung));
            assertTrue(e.getMessage().contains("only FDATASYNC and FSYNC"), e.getMessage());
        }
        assertThrows(NullPointerException.class, () -> log.sync(null));
        assertEquals(0, log.stats().flushCalls(), "a refused sync flushes nothing");
        log.close();
        assertThrows(IllegalStateException.class, () -> log.sync(Durability.FDATASYNC));
    }

    @Test
    void shouldRefuseEveryLaterWriteWhenTheSyncFails() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            log.append(DurableLogTest.payload(1));
            log.redirectFlushesToDevNullForTest();
            LogFailedException e = assertThrows(LogFailedException.class, () -> log.sync(Durability.FDATASYNC));
            assertTrue(e.getMessage().contains("never retries"), e.getMessage());
            assertTrue(e.getCause().getMessage().startsWith("EINVAL (fdatasync)"), e.getCause().getMessage());
            assertThrows(LogFailedException.class, () -> log.append(DurableLogTest.payload(2)));
            assertThrows(LogFailedException.class, () -> log.sync(Durability.FDATASYNC));
            assertEquals(0, log.flushedThroughForTest(false), "nothing counts as flushed");
        }
    }

    /**
     * Appenders at WRITE and one thread syncing: every sync covers at least every record acknowledged before it
     * started, no appender waits forever for a batch that a sync held back, and the log stays clean.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldCoverEveryRecordAcknowledgedBeforeEachSyncWhileThreadsAppend(boolean ioUring) throws Exception {
        LogOptions options = small(Durability.WRITE).withIoUring(ioUring);
        List<Throwable> errors = new ArrayList<>();
        AtomicLong acknowledged = new AtomicLong(); // highest sequence whose append returned, raised by appenders
        int syncs = 0;
        DurableLog log = DurableLog.open(dir, options);
        boolean stuck = true; // a stuck appender keeps close() waiting: then the log is left open
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> appenders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long id = t;
                appenders.add(DurableLogTest.startCollecting(errors, () -> {
                    start.await();
                    for (long i = 0; i < 1000; i++) {
                        long s = log.append(DurableLogTest.payload(id * 10_000 + i));
                        acknowledged.accumulateAndGet(s, Math::max);
                    }
                }));
            }
            start.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (appenders.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline) {
                long before = acknowledged.get();
                Durability rung = syncs % 3 == 2 ? Durability.FSYNC : Durability.FDATASYNC;
                long covered = log.sync(rung);
                assertTrue(covered >= before, "sync covered " + covered + ", below " + before + " acknowledged");
                long flushed = log.flushedThroughForTest(rung == Durability.FSYNC);
                assertTrue(flushed >= covered, "flushes cover " + flushed + ", the sync said " + covered);
                syncs++;
            }
            stuck = appenders.stream().anyMatch(Thread::isAlive);
            assertFalse(stuck, "appenders still waiting after 60 s of syncs: a sync left staged records without "
                    + "a leader (acknowledged so far: " + acknowledged.get() + ")");
            assertTrue(errors.isEmpty(), "failures: " + errors);
            assertEquals(4000, log.sync(Durability.FDATASYNC));
        } finally {
            if (!stuck) {
                log.close();
            }
        }
        assertTrue(syncs > 0);
        try (DurableLog reopened = DurableLog.open(dir, options)) {
            assertTrue(reopened.recoveryReport().isClean(), reopened.recoveryReport().toString());
            List<LogRecord> all = reopened.readAll();
            assertEquals(4000, all.size());
            Set<String> expected = new HashSet<>();
            for (long id = 0; id < 4; id++) {
                for (long i = 0; i < 1000; i++) {
                    expected.add(new String(DurableLogTest.payload(id * 10_000 + i), StandardCharsets.UTF_8));
                }
            }
            Set<String> found = new HashSet<>();
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i + 1, all.get(i).sequence());
                found.add(new String(all.get(i).payload(), StandardCharsets.UTF_8));
            }
            assertEquals(expected, found, "every appended payload, once");
        }
    }
}
