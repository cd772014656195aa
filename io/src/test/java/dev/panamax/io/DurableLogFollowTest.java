/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DurableLog#follow(long)} and {@link DurableLog#awaitDurable(long, long, TimeUnit)}: a consumer that reads
 * the log as it grows, across segments, alongside appenders, truncation and close.
 */
class DurableLogFollowTest {

    @TempDir
    Path dir;

    private static LogOptions small(Durability rung) {
        return LogOptions.defaults().withDurability(rung).withMaxRecordBytes(4096).withSegmentBytes(128 * 1024);
    }

    private static List<Long> segmentStarts(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> RecordFormat.parseSegmentFileName(p.getFileName().toString()))
                    .filter(first -> first >= 0).sorted().toList();
        }
    }

    /** Reads until the reader has caught up, checking each record against {@code payload(sequence)}. */
    private static long readToEnd(LogReader reader, long expectFirst) throws IOException {
        long expected = expectFirst;
        for (LogRecord r = reader.next(); r != null; r = reader.next()) {
            assertEquals(expected, r.sequence());
            assertArrayEquals(DurableLogTest.payload(expected), r.payload(), "record " + expected);
            expected++;
        }
        return expected;
    }

    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"WRITE", "FDATASYNC", "DIRECT"})
    void shouldReturnRecordsMadeDurableAfterItCaughtUpAcrossSegments(Durability rung) throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(rung));
             LogReader follower = log.follow(1);
             LogReader snapshot = log.reader(1)) {
            assertNull(follower.next(), "an empty log");
            for (long s = 1; s <= 10; s++) {
                log.append(DurableLogTest.payload(s));
            }
            assertEquals(11, readToEnd(follower, 1));
            assertNull(snapshot.next(), "a snapshot reader sees only what was durable when it opened");
            for (long s = 11; s <= 2500; s++) {
                log.append(DurableLogTest.payload(s));
            }
            assertTrue(segmentStarts(dir).size() >= 4, "the log should have rolled: " + segmentStarts(dir));
            assertEquals(2501, readToEnd(follower, 11));
            assertNull(follower.next(), "caught up stays caught up");
            log.append(DurableLogTest.payload(2501));
            assertEquals(2502, readToEnd(follower, 2501));
        }
    }

    @Test
    void shouldHandRecordsOverWithoutAHeapCopyToSnapshotsAndFollowers() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            for (long s = 1; s <= 1500; s++) {
                log.append(DurableLogTest.payload(s));
            }
            long[] next = {1};
            LogReader.RecordHandler check = (sequence, payload) -> {
                assertEquals(next[0], sequence);
                assertTrue(payload.isReadOnly(), "the handler gets a read-only view");
                assertArrayEquals(DurableLogTest.payload(sequence), payload.toArray(ValueLayout.JAVA_BYTE));
                next[0]++;
            };
            try (LogReader reader = log.reader(1); LogReader follower = log.follow(1)) {
                while (reader.next(check)) {
                    assertTrue(next[0] <= 1501, "past the end: " + next[0]);
                }
                assertEquals(1501, next[0]);
                assertFalse(reader.next(check));
                next[0] = 1;
                while (follower.next(check)) {
                    assertTrue(next[0] <= 1501, "past the end: " + next[0]);
                }
                log.append(DurableLogTest.payload(1501));
                assertTrue(follower.next(check));
                assertEquals(1502, next[0]);
                assertThrows(NullPointerException.class, () -> follower.next((LogReader.RecordHandler) null));
            }
            try (LogReader reader = log.reader(10)) {
                IOException e = assertThrows(IOException.class, () -> reader.next((sequence, payload) -> {
                    throw new IOException("handler failed at " + sequence);
                }));
                assertEquals("handler failed at 10", e.getMessage());
                assertEquals(11, reader.next().sequence(), "the record handed over counts as read");
            }
            LogReader closed = log.reader(1);
            closed.close();
            assertThrows(IllegalStateException.class, () -> closed.next(check));
        }
    }

    @Test
    void shouldStartAtTheSequenceAskedFor() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            for (long s = 1; s <= 1500; s++) {
                log.append(DurableLogTest.payload(s));
            }
            try (LogReader follower = log.follow(1200)) {
                assertEquals(1501, readToEnd(follower, 1200));
                log.append(DurableLogTest.payload(1501));
                assertEquals(1502, readToEnd(follower, 1501));
            }
        }
    }

    @Test
    void shouldWaitForTheNextRecordAndTimeOutWhenNoneComes() throws Exception {
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            log.append(DurableLogTest.payload(1));
            assertTrue(log.awaitDurable(1, 0, TimeUnit.SECONDS), "already durable");
            assertFalse(log.awaitDurable(2, 20, TimeUnit.MILLISECONDS), "nothing appended");
            CountDownLatch waiting = new CountDownLatch(1);
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread consumer = Thread.ofPlatform().start(() -> {
                try {
                    waiting.countDown();
                    outcome.set(log.awaitDurable(2, 30, TimeUnit.SECONDS));
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            waiting.await();
            log.append(DurableLogTest.payload(2));
            consumer.join(TimeUnit.SECONDS.toMillis(30));
            assertEquals(Boolean.TRUE, outcome.get());
            assertThrows(NullPointerException.class, () -> log.awaitDurable(3, 1, null));
        }
    }

    @Test
    void shouldWakeAWaitingConsumerWhenTheLogClosesAndWhenInterrupted() throws Exception {
        DurableLog log = DurableLog.open(dir, small(Durability.WRITE));
        log.append(DurableLogTest.payload(1));
        CountDownLatch started = new CountDownLatch(2);
        AtomicReference<Throwable> closedOutcome = new AtomicReference<>();
        Thread onClose = waitForRecordFive(log, started, closedOutcome);
        AtomicReference<Throwable> interruptOutcome = new AtomicReference<>();
        Thread interrupted = waitForRecordFive(log, started, interruptOutcome);
        started.await();
        interrupted.interrupt();
        interrupted.join(TimeUnit.SECONDS.toMillis(30));
        assertTrue(interruptOutcome.get() instanceof InterruptedException, String.valueOf(interruptOutcome.get()));
        log.close();
        onClose.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(onClose.isAlive(), "a consumer still waits on a closed log");
        assertTrue(closedOutcome.get() instanceof IllegalStateException, String.valueOf(closedOutcome.get()));
        assertTrue(closedOutcome.get().getMessage().contains("closed"), closedOutcome.get().getMessage());
        assertThrows(IllegalStateException.class, () -> log.follow(1));
        assertThrows(IllegalStateException.class, () -> log.awaitDurable(2, 1, TimeUnit.MILLISECONDS));
        // Durable before close: a follower that got null just before close still finds it.
        assertTrue(log.awaitDurable(1, 1, TimeUnit.MILLISECONDS));
    }

    /** A consumer waiting (up to 60 s) for record 5, which never comes; what ends its wait goes to outcome. */
    private static Thread waitForRecordFive(DurableLog log, CountDownLatch started,
                                            AtomicReference<Throwable> outcome) {
        return Thread.ofPlatform().start(() -> {
            try {
                started.countDown();
                log.awaitDurable(5, 60, TimeUnit.SECONDS);
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
    }

    /**
     * Records made durable after the follower caught up, across segments, then the log closes: the follower gets
     * every one of them, then hears that the log is closed instead of a null that would look like catching up.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldDrainEveryRecordDurableAtCloseThenSayTheLogIsClosedRatherThanCaughtUp() throws Exception {
        DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC));
        try (LogReader follower = log.follow(1)) {
            for (long s = 1; s <= 5; s++) {
                log.append(DurableLogTest.payload(s));
            }
            assertEquals(6, readToEnd(follower, 1));
            for (long s = 6; s <= 1500; s++) {
                log.append(DurableLogTest.payload(s), s % 2 == 0 ? Durability.WRITE : Durability.FDATASYNC);
            }
            assertTrue(segmentStarts(dir).size() > 2, "the records after the catch-up span segments");
            log.close();
            for (long s = 6; s <= 1500; s++) {
                LogRecord r = follower.next();
                assertNotNull(r, "record " + s + " was durable at close but the follower returned null");
                assertEquals(s, r.sequence());
                assertArrayEquals(DurableLogTest.payload(s), r.payload(), "record " + s);
            }
            IllegalStateException closed = assertThrows(IllegalStateException.class, follower::next);
            assertTrue(closed.getMessage().contains("is closed") && closed.getMessage().contains("through sequence "
                    + "1500"), closed.getMessage());
            assertThrows(IllegalStateException.class, () -> follower.next((sequence, payload) -> { }));
            assertTrue(log.awaitDurable(1500, 0, TimeUnit.SECONDS), "record 1500 was durable at close");
            IllegalStateException never = assertThrows(IllegalStateException.class,
                    () -> log.awaitDurable(1501, 0, TimeUnit.SECONDS));
            assertTrue(never.getMessage().contains("closed"), never.getMessage());
        }
    }

    /**
     * A consumer following the documented loop (next, and awaitDurable when it returns null) while the log closes
     * under it, at any moment: it ends on IllegalStateException having read every acknowledged record.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldHandEveryDurableRecordToAFollowingConsumerWhenTheLogClosesUnderIt() throws Exception {
        for (int round = 0; round < 20; round++) {
            DurableLog log = DurableLog.open(dir.resolve("round-" + round), small(Durability.WRITE));
            AtomicLong read = new AtomicLong();
            List<Throwable> errors = new ArrayList<>();
            CountDownLatch following = new CountDownLatch(1);
            Thread consumer = DurableLogTest.startCollecting(errors, () -> {
                try (LogReader follower = log.follow(1)) {
                    following.countDown();
                    long next = 1;
                    while (true) {
                        LogRecord r;
                        try {
                            r = follower.next();
                            if (r == null) {
                                log.awaitDurable(next, 10, TimeUnit.SECONDS);
                                continue;
                            }
                        } catch (IllegalStateException closed) {
                            break;
                        }
                        assertEquals(next, r.sequence());
                        next++;
                    }
                    read.set(next - 1);
                }
            });
            assertTrue(following.await(30, TimeUnit.SECONDS), "the consumer never started");
            long last = 0;
            for (int i = 0; i < 100 + round * 37; i++) {
                last = log.append(DurableLogTest.payload(i));
            }
            log.close();
            consumer.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(consumer.isAlive(), "the consumer still runs after close");
            assertTrue(errors.isEmpty(), "failures: " + errors);
            assertEquals(last, read.get(), "round " + round + ": records acknowledged before close never read");
        }
    }

    @Test
    void shouldFailWhenTruncationRemovedRecordsItHadNotReadAndContinueWhenItHadReadThem() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            for (long s = 1; s <= 100; s++) {
                log.append(DurableLogTest.payload(s));
            }
            try (LogReader ahead = log.follow(1); LogReader behind = log.follow(1)) {
                assertEquals(101, readToEnd(ahead, 1));
                assertEquals(1, behind.next().sequence()); // behind saw the first segment end at record 100
                for (long s = 101; s <= 2000; s++) {
                    log.append(DurableLogTest.payload(s));
                }
                List<Long> starts = segmentStarts(dir);
                assertEquals(2001, readToEnd(ahead, 101));
                log.truncateBefore(starts.get(2));
                for (long s = 2001; s <= 2010; s++) {
                    log.append(DurableLogTest.payload(s));
                }
                assertEquals(2011, readToEnd(ahead, 2001), "a follower past the removed segments goes on");
                // behind reads its open segment to the end it knew, then finds the rest of it removed.
                for (long s = 2; s <= 100; s++) {
                    assertEquals(s, behind.next().sequence());
                }
                NoSuchFileException e = assertThrows(NoSuchFileException.class, behind::next);
                assertTrue(e.getMessage().contains("records 101.." + (starts.get(2) - 1) + " were removed"),
                        e.getMessage());
            }
        }
    }

    /** Four appenders at WRITE and FDATASYNC, one follower waiting for the next record: every record once, in order. */
    @Test
    void shouldDeliverEveryRecordInOrderWhileThreadsAppend() throws Exception {
        Map<String, Long> payloadToKey = new HashMap<>();
        for (long id = 0; id < 4; id++) {
            for (long i = 0; i < 750; i++) {
                long key = id * 10_000 + i;
                payloadToKey.put(new String(DurableLogTest.payload(key), StandardCharsets.UTF_8), key);
            }
        }
        ConcurrentHashMap<Long, Long> acked = new ConcurrentHashMap<>();
        Map<Long, Long> read = new HashMap<>();
        List<Throwable> errors = new ArrayList<>();
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            List<Thread> appenders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long id = t;
                appenders.add(DurableLogTest.startCollecting(errors, () -> {
                    for (long i = 0; i < 750; i++) {
                        long key = id * 10_000 + i;
                        Durability rung = i % 50 == 49 ? Durability.FDATASYNC : Durability.WRITE;
                        acked.put(log.append(DurableLogTest.payload(key), rung), key);
                    }
                }));
            }
            long next = 1;
            try (LogReader follower = log.follow(1)) {
                while (next <= 3000) {
                    LogRecord r = follower.next();
                    if (r == null) {
                        assertTrue(log.awaitDurable(next, 60, TimeUnit.SECONDS), "record " + next + " never came");
                        r = follower.next();
                        assertNotNull(r, "record " + next + " is durable, but the follower returned null");
                    }
                    assertEquals(next, r.sequence());
                    Long key = payloadToKey.remove(new String(r.payload(), StandardCharsets.UTF_8));
                    assertTrue(key != null, "record " + next + " holds no payload appended, or one read before");
                    read.put(next, key);
                    next++;
                }
                assertNull(follower.next());
            }
            for (Thread a : appenders) {
                a.join();
            }
            assertTrue(errors.isEmpty(), "failures: " + errors);
            assertTrue(payloadToKey.isEmpty(), payloadToKey.size() + " payloads never read");
            assertEquals(acked, read, "each sequence holds what its appender was told");
        }
    }
}
