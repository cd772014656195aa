/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DurableLog#truncateBefore(long)}: whole segments before a sequence go, durably, while the log stays
 * readable, recoverable and appendable, alone and with appenders running.
 */
class DurableLogTruncationTest {

    @TempDir
    Path dir;

    private static LogOptions small(Durability rung, boolean ioUring) {
        return LogOptions.defaults().withDurability(rung).withMaxRecordBytes(4096)
                .withSegmentBytes(128 * 1024).withIoUring(ioUring);
    }

    /** First sequences of the segment files in the directory, in order. */
    private static List<Long> segmentStarts(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> RecordFormat.parseSegmentFileName(p.getFileName().toString()))
                    .filter(first -> first >= 0).sorted().toList();
        }
    }

    private static void assertRecords(DurableLog log, long first, long last) throws IOException {
        List<LogRecord> all = log.readAll();
        assertEquals(last - first + 1, all.size(), "records " + first + ".." + last);
        for (int i = 0; i < all.size(); i++) {
            assertEquals(first + i, all.get(i).sequence());
            assertArrayEquals(DurableLogTest.payload(first + i), all.get(i).payload(), "record " + (first + i));
        }
    }

    @ParameterizedTest
    @CsvSource({"WRITE, false", "FDATASYNC, false", "FDATASYNC, true", "DIRECT, false"})
    void shouldRemoveWholeSegmentsBeforeTheSequenceAndRecoverFromTheFirstKept(Durability rung, boolean ioUring)
            throws IOException {
        LogOptions options = small(rung, ioUring);
        long keepFrom;
        long firstKept;
        try (DurableLog log = DurableLog.open(dir, options)) {
            for (long s = 1; s <= 4000; s++) {
                assertEquals(s, log.append(DurableLogTest.payload(s)));
            }
            List<Long> before = segmentStarts(dir);
            assertTrue(before.size() >= 5, "the log should span several segments: " + before);
            // A sequence inside the fourth segment: the three before it go, the fourth stays whole.
            keepFrom = before.get(3) + 5;
            firstKept = before.get(3);
            assertEquals(firstKept, log.truncateBefore(keepFrom));
            assertEquals(firstKept, log.firstSequence());
            assertEquals(before.subList(3, before.size()), segmentStarts(dir));
            assertRecords(log, firstKept, 4000);
            try (LogReader reader = log.reader(1)) {
                assertEquals(firstKept, reader.next().sequence(), "a reader starts at the first kept record");
            }
            assertEquals(4001, log.append(DurableLogTest.payload(4001)));
        }
        try (DurableLog log = DurableLog.open(dir, options)) {
            RecoveryReport report = log.recoveryReport();
            assertTrue(report.isClean(), report.toString());
            assertEquals(firstKept, report.firstSequence());
            assertEquals(firstKept, log.firstSequence());
            assertRecords(log, firstKept, 4001);
            assertEquals(4002, log.append(DurableLogTest.payload(4002)));
        }
    }

    @Test
    void shouldKeepTheSegmentBeingWrittenWhenTruncatingPastEveryRecord() throws IOException {
        LogOptions options = small(Durability.FDATASYNC, false);
        long last;
        try (DurableLog log = DurableLog.open(dir, options)) {
            assertEquals(1, log.firstSequence());
            assertEquals(1, log.truncateBefore(1), "nothing to remove in a one-segment log");
            for (long s = 1; s <= 1500; s++) {
                log.append(DurableLogTest.payload(s));
            }
            last = log.lastSequence();
            List<Long> before = segmentStarts(dir);
            assertTrue(before.size() >= 3, before.toString());
            long current = before.get(before.size() - 1);
            assertEquals(current, log.truncateBefore(last + 1));
            assertEquals(List.of(current), segmentStarts(dir));
            assertRecords(log, current, last);
            assertEquals(current, log.truncateBefore(last + 1), "a second call finds nothing more to remove");
            assertEquals(last + 1, log.append(DurableLogTest.payload(last + 1)));
        }
        try (DurableLog log = DurableLog.open(dir, options)) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            assertEquals(last + 1, log.lastSequence());
        }
    }

    @Test
    void shouldAcknowledgeAFlushingAppendAfterUnflushedSegmentsWereRemoved() throws IOException {
        // A WRITE log leaves retired segments unflushed until a flushing append flushes them (flushEarlier): the
        // removed ones must drop out of that list, or the flush would look for files that are gone.
        LogOptions options = small(Durability.WRITE, false);
        long current;
        try (DurableLog log = DurableLog.open(dir, options)) {
            for (long s = 1; s <= 2000; s++) {
                log.append(DurableLogTest.payload(s));
            }
            List<Long> starts = segmentStarts(dir);
            assertTrue(starts.size() >= 3, starts.toString());
            current = starts.get(starts.size() - 1);
            assertEquals(current, log.truncateBefore(2001));
            assertEquals(2001, log.append(DurableLogTest.payload(2001), Durability.FDATASYNC));
            assertRecords(log, current, 2001);
        }
        try (DurableLog log = DurableLog.open(dir, options)) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            assertRecords(log, current, 2001);
        }
    }

    @Test
    void shouldRefuseSequencesOutsideTheDurableRecordsAndAClosedLog() throws IOException {
        DurableLog log = DurableLog.open(dir, small(Durability.WRITE, false));
        for (long s = 1; s <= 600; s++) {
            log.append(DurableLogTest.payload(s));
        }
        List<Long> before = segmentStarts(dir);
        for (long bad : new long[] {0, -1, Long.MIN_VALUE, 602, Long.MAX_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> log.truncateBefore(bad));
            assertTrue(e.getMessage().contains("between 1 and 601"), e.getMessage());
        }
        assertEquals(before, segmentStarts(dir), "a refused call removes nothing");
        log.close();
        assertThrows(IllegalStateException.class, () -> log.truncateBefore(1));
        assertThrows(IllegalStateException.class, log::firstSequence);
        assertEquals(before, segmentStarts(dir));
    }

    @Test
    void shouldFailAReaderWhenItReachesASegmentRemovedAfterItOpened() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE, false))) {
            for (long s = 1; s <= 2000; s++) {
                log.append(DurableLogTest.payload(s));
            }
            List<Long> starts = segmentStarts(dir);
            try (LogReader reader = log.reader(1)) {
                assertEquals(1, reader.next().sequence()); // the first segment is open now
                log.truncateBefore(starts.get(2));
                // The open segment stays readable through the reader's descriptor, to its end.
                for (long s = 2; s < starts.get(1); s++) {
                    LogRecord r = reader.next();
                    assertEquals(s, r.sequence());
                    assertArrayEquals(DurableLogTest.payload(s), r.payload());
                }
                NoSuchFileException e = assertThrows(NoSuchFileException.class, reader::next);
                assertTrue(e.getMessage().contains("truncateBefore"), e.getMessage());
                assertTrue(e.getMessage().contains("from sequence " + starts.get(1)), e.getMessage());
            }
        }
    }

    /**
     * Appenders run while another thread keeps truncating behind them; WRITE appends mixed with FDATASYNC ones make
     * leaders flush retired, unflushed segments by name (flushEarlier) while segments are being removed.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldKeepEveryRecordFromTheFirstKeptWhenTruncatingWhileThreadsAppend(boolean ioUring) throws Exception {
        LogOptions options = small(Durability.WRITE, ioUring);
        ConcurrentHashMap<Long, Long> acked = new ConcurrentHashMap<>();
        List<Throwable> errors = new ArrayList<>();
        int truncations;
        DurableLog log = DurableLog.open(dir, options);
        boolean stuck = true; // a stuck appender keeps close() waiting: then the log is left open
        try {
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean appending = new AtomicBoolean(true);
            List<Thread> appenders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long id = t;
                appenders.add(DurableLogTest.startCollecting(errors, () -> {
                    start.await();
                    for (long i = 0; i < 750; i++) {
                        long key = id * 10_000 + i;
                        Durability rung = i % 10 == 9 ? Durability.FDATASYNC : Durability.WRITE;
                        acked.put(log.append(DurableLogTest.payload(key), rung), key);
                    }
                }));
            }
            int[] calls = {0};
            Thread truncator = DurableLogTest.startCollecting(errors, () -> {
                start.await();
                while (appending.get()) {
                    // Every other call right behind the appenders: a segment just retired, not yet flushed, goes.
                    long last = log.lastSequence();
                    log.truncateBefore(calls[0] % 2 == 0 ? last + 1 : Math.max(1, last - 200));
                    calls[0]++;
                    log.awaitDurable(last + 1, 100, TimeUnit.MILLISECONDS); // once per new record at most
                }
            });
            start.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (Thread a : appenders) {
                a.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            }
            appending.set(false);
            truncator.join(Duration.ofSeconds(10));
            stuck = truncator.isAlive() || appenders.stream().anyMatch(Thread::isAlive);
            assertFalse(stuck, "appenders or the truncating thread still blocked after 60 s (" + acked.size()
                    + " records acknowledged)");
            truncations = calls[0];
            assertTrue(errors.isEmpty(), "failures: " + errors);
            assertEquals(3000, acked.size());
        } finally {
            if (!stuck) {
                log.close();
            }
        }
        assertTrue(truncations > 0, "the truncating thread never ran");
        try (DurableLog reopened = DurableLog.open(dir, options)) {
            RecoveryReport report = reopened.recoveryReport();
            assertTrue(report.isClean(), report.toString());
            long first = reopened.firstSequence();
            assertTrue(first > 1, "segments should have been removed: " + report + ", " + truncations + " calls");
            List<LogRecord> all = reopened.readAll();
            assertEquals(3000 - first + 1, all.size(), report.toString());
            for (LogRecord r : all) {
                Long key = acked.get(r.sequence());
                assertNotNull(key, "record " + r.sequence() + " was never acknowledged");
                assertArrayEquals(DurableLogTest.payload(key), r.payload(), "record " + r.sequence());
            }
        }
    }
}
