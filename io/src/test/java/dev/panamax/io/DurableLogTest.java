/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.Fd;
import dev.panamax.ffm.Memory;
import dev.panamax.ffm.OpenFlag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The log on real files at every rung: round trips, group commit, rollover, recovery, bad input. Flushes by
 * syscall; {@link DurableLogUringTest} runs the same suite flushing through io_uring.
 */
class DurableLogTest {

    @TempDir
    Path dir;

    static byte[] payload(long sequence) {
        return SegmentScanTest.payload(sequence);
    }

    /** What a test thread started by {@link #startCollecting} runs. */
    interface TestBody {
        /**
         * Runs the thread's work.
         *
         * @throws Exception anything, collected by the starter
         */
        void run() throws Exception;
    }

    /**
     * Starts a daemon thread running {@code body}; whatever it throws is added to {@code errors}, which is guarded
     * by itself, for the test to assert empty. Daemon: a thread stuck on a bug cannot keep the test JVM alive.
     */
    static Thread startCollecting(List<Throwable> errors, TestBody body) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                synchronized (errors) {
                    errors.add(e);
                }
            }
        });
    }

    /** Whether this suite's logs flush through io_uring: {@link DurableLogUringTest} says yes. */
    boolean ioUring() {
        return false;
    }

    /** Whether a log opened at {@code rung} by this suite writes and flushes its batches through io_uring. */
    boolean ringFlushes(Durability rung) {
        return ioUring() && rung.openMode() == Durability.OpenMode.BUFFERED;
    }

    LogOptions small(Durability rung) {
        return LogOptions.defaults().withDurability(rung).withMaxRecordBytes(4096).withSegmentBytes(256 * 1024)
                .withIoUring(ioUring());
    }

    private static void assertRecords(List<LogRecord> records, long first, long last) {
        assertEquals(last - first + 1, records.size());
        for (int i = 0; i < records.size(); i++) {
            assertEquals(first + i, records.get(i).sequence());
            assertArrayEquals(payload(first + i), records.get(i).payload(), "record " + (first + i));
        }
    }

    private static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".plog")).sorted().toList();
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void shouldRoundTripRecordsAcrossReopenWhenAppendingAtRung(Durability rung) throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(rung))) {
            assertEquals(rung, log.durability());
            assertEquals(ringFlushes(rung), log.usesIoUring(), log.fallbackReason().toString());
            assertTrue(log.recoveryReport().isClean());
            for (long s = 1; s <= 50; s++) {
                assertEquals(s, log.append(payload(s)));
            }
            assertEquals(50, log.lastSequence());
            assertRecords(log.readAll(), 1, 50);
            LogStats st = log.stats();
            assertEquals(50, st.appends());
            assertEquals(rung.usesFlushCall() ? 50 : 0, st.flushCalls());
            assertEquals(rung.usesFlushCall() || rung == Durability.WRITE ? 0 : 50, st.syncedWrites());
            // Every flush of an io_uring log is one linked write + fsync submission; none without io_uring.
            assertEquals(ringFlushes(rung) && rung.usesFlushCall() ? 50 : 0, st.uringSubmissions(), st.toString());
            assertEquals(50, st.writeCalls(), st.toString());
        }
        try (DurableLog log = DurableLog.open(dir, small(rung))) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().problems().toString());
            assertEquals(50, log.recoveryReport().records());
            // Appending after reopen: for DIRECT the partial last block is read back and rewritten.
            for (long s = 51; s <= 80; s++) {
                assertEquals(s, log.append(payload(s)));
            }
            assertRecords(log.readAll(), 1, 80);
        }
        try (DurableLog log = DurableLog.open(dir, small(rung))) {
            assertRecords(log.readAll(), 1, 80);
        }
    }

    @Test
    void shouldWriteWholeAlignedBlocksWhenDirect() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.DIRECT))) {
            long block = log.blockBytes();
            assertTrue(block >= 512 && Long.bitCount(block) == 1, "block " + block);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment native1 = arena.allocate(3000);
                native1.fill((byte) 'n');
                assertEquals(1, log.append(native1));
            }
            assertEquals(2, log.append(payload(2)));
            List<LogRecord> all = log.readAll();
            assertEquals(3000, all.get(0).payload().length);
            assertArrayEquals(payload(2), all.get(1).payload());
        }
    }

    @Test
    void shouldRollToNewSegmentsAtSizeLimit() throws IOException {
        LogOptions opts = small(Durability.WRITE).withSegmentBytes(128 * 1024).withMaxRecordBytes(4096);
        try (DurableLog log = DurableLog.open(dir, opts)) {
            for (long s = 1; s <= 1200; s++) {
                log.append(payload(s));
            }
            assertRecords(log.readAll(), 1, 1200);
            try (LogReader r = log.reader(1000)) {
                assertEquals(1000, r.next().sequence());
            }
        }
        List<Path> files = segmentFiles(dir);
        assertTrue(files.size() >= 2, "segments " + files);
        for (Path f : files) {
            assertEquals(128 * 1024, Files.size(f), "preallocated " + f);
        }
        try (DurableLog log = DurableLog.open(dir, opts)) {
            assertEquals(files.size(), log.recoveryReport().segments());
            assertRecords(log.readAll(), 1, 1200);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"FDATASYNC", "DIRECT"})
    void shouldRollOverWithLargeRecordsWhenSyncing(Durability rung) throws IOException {
        LogOptions opts = small(rung).withSegmentBytes(128 * 1024);
        try (DurableLog log = DurableLog.open(dir, opts)) {
            for (int s = 1; s <= 150; s++) {
                assertEquals(s, log.append(big(s)));
            }
        }
        assertTrue(segmentFiles(dir).size() >= 4, segmentFiles(dir).toString());
        try (DurableLog log = DurableLog.open(dir, opts)) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            List<LogRecord> all = log.readAll();
            assertEquals(150, all.size());
            for (LogRecord r : all) {
                assertArrayEquals(big(r.sequence()), r.payload());
            }
        }
    }

    /** What each of {@link #appendTogether}'s threads runs, given its index. */
    private interface Appender {
        void run(int id) throws Exception;
    }

    /** Runs {@code appender} on {@code threads} threads released at once, and rethrows the first failure. */
    private static void appendTogether(int threads, Appender appender) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            futures.add(pool.submit(() -> {
                start.await();
                appender.run(id);
                return null;
            }));
        }
        start.countDown();
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static byte[] big(long sequence) {
        byte[] b = new byte[2500 + (int) (sequence * 37 % 1500)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (sequence + i * 13);
        }
        return b;
    }

    @Test
    void shouldShareFlushesWhenEightThreadsAppendConcurrently() throws Exception {
        int threads = 8;
        int perThread = 150;
        ConcurrentHashMap<Long, String> acked = new ConcurrentHashMap<>();
        LogStats stats;
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            appendTogether(threads, id -> {
                for (int i = 0; i < perThread; i++) {
                    String text = "t" + id + "-" + i;
                    long seq = log.append(text.getBytes(StandardCharsets.UTF_8));
                    if (acked.put(seq, text) != null) {
                        throw new AssertionError("sequence " + seq + " acknowledged twice");
                    }
                }
            });
            stats = log.stats();
        }
        assertEquals(threads * perThread, stats.appends());
        assertTrue(stats.flushCalls() < stats.appends(), "group commit shared no flush: " + stats);
        assertTrue(stats.maxBatch() > 1, stats.toString());
        assertEquals(ioUring() ? stats.flushCalls() : 0, stats.uringSubmissions(), stats.toString());
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            List<LogRecord> all = log.readAll();
            assertEquals(threads * perThread, all.size());
            for (LogRecord r : all) {
                assertEquals(acked.get(r.sequence()), new String(r.payload(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void shouldAcknowledgeOnlyRecordsThatAReturnedFlushCoveredWhenThreadsAppendMixedRungsConcurrently()
            throws Exception {
        // Appenders at mixed rungs share batches: a batch flushes (fdatasync or fsync) when any record in it asks
        // for that, and WRITE batches sit between flushing ones. However they interleave, a record acknowledged at
        // FDATASYNC or FSYNC must be covered by a flush of that kind that has returned, and sequences must come back
        // whole and in order after a reopen.
        int threads = 8;
        int perThread = 200;
        Durability[] rungs = {Durability.FDATASYNC, Durability.FSYNC, Durability.WRITE, Durability.FDATASYNC};
        ConcurrentHashMap<Long, String> acked = new ConcurrentHashMap<>();
        LogOptions options = small(Durability.FDATASYNC);
        LogStats stats;
        try (DurableLog log = DurableLog.open(dir, options)) {
            appendTogether(threads, id -> {
                for (int i = 0; i < perThread; i++) {
                    Durability rung = rungs[(id + i) % rungs.length];
                    String text = "t" + id + "-" + i + "-" + rung;
                    long seq = log.append(text.getBytes(StandardCharsets.UTF_8), rung);
                    if (rung != Durability.WRITE) {
                        long covered = log.flushedThroughForTest(rung == Durability.FSYNC);
                        if (seq > covered) {
                            throw new AssertionError("record " + seq + " acknowledged at " + rung
                                    + " but returned flushes covered only up to " + covered);
                        }
                    }
                    if (log.lastSequence() < seq) {
                        throw new AssertionError("record " + seq + " acknowledged beyond lastSequence "
                                + log.lastSequence());
                    }
                    if (acked.put(seq, text) != null) {
                        throw new AssertionError("sequence " + seq + " acknowledged twice");
                    }
                }
            });
            stats = log.stats();
        }
        assertEquals(threads * perThread, stats.appends());
        assertTrue(stats.flushCalls() < stats.appends(), "group commit shared no flush: " + stats);
        try (DurableLog log = DurableLog.open(dir, options)) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            List<LogRecord> all = log.readAll();
            assertEquals(threads * perThread, all.size());
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i + 1, all.get(i).sequence());
                assertEquals(acked.get(all.get(i).sequence()), new String(all.get(i).payload(),
                        StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void shouldAcknowledgeEveryRecordAndKeepTheInterruptWhenInterruptedAppendersShareFlushes() throws Exception {
        // Each append starts with its thread's interrupt status set, so every wait inside it (a follower parked
        // for its batch, a leader gathering, an appender waiting to lead) meets a pending interrupt. A staged
        // record must not be abandoned: every append returns its sequence once durable, with the status kept.
        int threads = 8;
        int perThread = 100;
        ConcurrentHashMap<Long, String> acked = new ConcurrentHashMap<>();
        LogOptions options = small(Durability.FDATASYNC);
        try (DurableLog log = DurableLog.open(dir, options)) {
            appendTogether(threads, id -> {
                for (int i = 0; i < perThread; i++) {
                    String text = "t" + id + "-" + i;
                    Thread.currentThread().interrupt();
                    long seq = log.append(text.getBytes(StandardCharsets.UTF_8));
                    if (!Thread.interrupted()) {
                        throw new AssertionError("append " + seq + " swallowed the caller's interrupt");
                    }
                    long covered = log.flushedThroughForTest(false);
                    if (seq > covered) {
                        throw new AssertionError("record " + seq + " acknowledged but returned flushes "
                                + "covered only up to " + covered);
                    }
                    acked.put(seq, text);
                }
            });
            assertEquals(threads * perThread, log.stats().appends());
        }
        try (DurableLog log = DurableLog.open(dir, options)) {
            List<LogRecord> all = log.readAll();
            assertEquals(threads * perThread, all.size());
            for (LogRecord r : all) {
                assertEquals(acked.get(r.sequence()), new String(r.payload(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void shouldShareSynchronousWritesWhenDsyncThreadsAppendConcurrently() throws Exception {
        int threads = 4;
        try (DurableLog log = DurableLog.open(dir, small(Durability.DSYNC))) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < 200; i++) {
                            log.append(new byte[100]);
                        }
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                th.start();
                ts.add(th);
            }
            start.countDown();
            for (Thread th : ts) {
                th.join();
            }
            LogStats st = log.stats();
            assertEquals(800, st.appends());
            assertTrue(st.syncedWrites() < st.appends(), st.toString());
            assertEquals(0, st.flushCalls());
        }
    }

    @Test
    void shouldAcceptPerCallRungsThatTheOpenFileSupports() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            log.append(payload(1), Durability.FSYNC);
            log.append(payload(2), Durability.FDATASYNC);
            log.append(payload(3), Durability.WRITE);
            LogStats st = log.stats();
            assertEquals(2, st.flushCalls());
            assertEquals(ioUring() ? 2 : 0, st.uringSubmissions(), st.toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> log.append(payload(4), Durability.DSYNC));
            assertTrue(e.getMessage().contains("needs the file opened for DSYNC"), e.getMessage());
            assertRecords(log.readAll(), 1, 3);
        }
    }

    @Test
    void shouldAddFlushCallWhenPerCallRungAsksMoreThanOpenFlags() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.DSYNC))) {
            log.append(payload(1));
            log.append(payload(2), Durability.FSYNC);
            log.append(payload(3), Durability.WRITE);
            LogStats st = log.stats();
            assertEquals(3, st.syncedWrites());
            assertEquals(1, st.flushCalls());
            assertEquals(0, st.uringSubmissions(), "DSYNC writes by open flags: " + st);
            assertThrows(IllegalArgumentException.class, () -> log.append(payload(4), Durability.SYNC));
            assertRecords(log.readAll(), 1, 3);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"FDATASYNC", "DIRECT"})
    void shouldKeepEveryAcknowledgedRecordWhenThreadsRollSegmentsConcurrently(Durability rung) throws Exception {
        LogOptions opts = small(rung).withSegmentBytes(128 * 1024);
        ConcurrentHashMap<Long, Long> acked = new ConcurrentHashMap<>();
        try (DurableLog log = DurableLog.open(dir, opts)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long id = t;
                Thread th = Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (long i = 0; i < 60; i++) {
                            long key = id * 1000 + i;
                            acked.put(log.append(big(key)), key);
                        }
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
                ts.add(th);
            }
            start.countDown();
            for (Thread th : ts) {
                th.join();
            }
        }
        assertEquals(240, acked.size());
        long total = 0;
        for (long key : acked.values()) {
            total += RecordFormat.frameBytes(big(key).length);
        }
        // Every segment but the last is full to within a record and a block: no segment wasted by racing rolls.
        long most = total / (128 * 1024 - RecordFormat.SEGMENT_HEADER_BYTES - 2 * 4096 - 20) + 1;
        int segments = segmentFiles(dir).size();
        assertTrue(segments >= 5 && segments <= most, segments + " segments for " + total + " bytes");
        try (DurableLog log = DurableLog.open(dir, opts)) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            List<LogRecord> all = log.readAll();
            assertEquals(240, all.size());
            for (LogRecord r : all) {
                assertArrayEquals(big(acked.get(r.sequence())), r.payload(), "record " + r.sequence());
            }
        }
    }

    @Test
    void shouldFinishOrRefuseInFlightAppendsWhenClosedConcurrently() throws Exception {
        ConcurrentHashMap<Long, Boolean> acked = new ConcurrentHashMap<>();
        CountDownLatch someAcked = new CountDownLatch(100);
        List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC));
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    while (true) {
                        long seq = log.append(new byte[64]);
                        acked.put(seq, Boolean.TRUE);
                        someAcked.countDown();
                    }
                } catch (IllegalStateException e) {
                    if (!e.getMessage().contains("is closed")) {
                        unexpected.add(e);
                    }
                } catch (Throwable e) {
                    unexpected.add(e);
                }
            }));
        }
        someAcked.await();
        log.close();
        for (Thread th : ts) {
            th.join();
        }
        assertEquals(List.of(), unexpected);
        try (DurableLog again = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            assertTrue(again.recoveryReport().isClean(), again.recoveryReport().toString());
            long last = again.lastSequence();
            for (long seq : acked.keySet()) {
                assertTrue(seq <= last, "acknowledged " + seq + " but log ends at " + last);
            }
            assertEquals(last, again.readAll().size());
        }
    }

    @Test
    void shouldCutGarbageAfterLastRecordOnReopen() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            for (long s = 1; s <= 20; s++) {
                log.append(payload(s));
            }
        }
        Path seg = segmentFiles(dir).get(0);
        long end = validEnd(seg, 20);
        overwrite(seg, end, "garbage that a crashed writer might leave".getBytes(StandardCharsets.UTF_8));
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            RecoveryReport r = log.recoveryReport();
            assertFalse(r.isClean());
            assertEquals(20, r.lastSequence());
            assertTrue(r.truncatedBytes() > 0, r.toString());
            assertRecords(log.readAll(), 1, 20);
            assertEquals(21, log.append(payload(21)));
        }
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            assertRecords(log.readAll(), 1, 21);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldCutRecordsThatSurvivedBehindAGapOfZeros(boolean hole) throws IOException {
        // Punching a hole frees whole pages only (tmpfs; whole blocks on disk), so the gap holds two pages at least:
        // records 21-150 with 4 KiB pages, more with larger ones.
        long page = Memory.pageSize();
        int gapLast = 20;
        long gap = 0;
        while (gapLast < 150 || gap < 2 * page) {
            gapLast++;
            gap += RecordFormat.RECORD_HEADER_BYTES + payload(gapLast).length; // what validEnd steps over
        }
        int last = gapLast + 50;
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            for (long s = 1; s <= last; s++) {
                log.append(payload(s));
            }
        }
        // Power loss kept the later pages of the unflushed writes and lost earlier ones: records 21-gapLast read as
        // zeros, the 50 after them survive behind them, farther than one largest record.
        Path seg = segmentFiles(dir).get(0);
        long gapStart = validEnd(seg, 20);
        long gapEnd = validEnd(seg, gapLast);
        assertTrue(gapEnd - gapStart > RecordFormat.frameBytes(4096), "gap of " + (gapEnd - gapStart));
        overwrite(seg, gapStart, new byte[(int) (gapEnd - gapStart)]);
        if (hole) { // the lost pages as a file system reports them after the crash: a hole, skipped unread
            try (Fd fd = Fd.open(seg, Set.of(OpenFlag.WRITE), 0)) {
                long from = (gapStart + page - 1) & -page;
                fd.fallocate(EnumSet.of(Fd.FallocateMode.PUNCH_HOLE, Fd.FallocateMode.KEEP_SIZE), from,
                        (gapEnd & -page) - from);
                assertEquals(gapEnd & -page, fd.seekData(from), "the gap should read as a hole");
            }
        }
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            RecoveryReport r = log.recoveryReport();
            assertEquals(20, r.lastSequence());
            assertEquals(50, r.droppedRecords(), r.toString());
            assertRecords(log.readAll(), 1, 20);
            for (long s = 21; s <= gapLast; s++) { // the same sizes: gapLast ends where the survivors began
                log.append(payload(s));
            }
        }
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            assertRecords(log.readAll(), 1, gapLast); // not the survivors of the lost timeline after them
        }
    }

    @Test
    void shouldCutTornRecordWhenFileIsTruncatedMidRecord() throws IOException {
        LogOptions opts = small(Durability.FDATASYNC).withPreallocation(false);
        try (DurableLog log = DurableLog.open(dir, opts)) {
            for (long s = 1; s <= 20; s++) {
                log.append(payload(s));
            }
        }
        Path seg = segmentFiles(dir).get(0);
        long start20 = validEnd(seg, 19);
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            ch.truncate(start20 + 25);
        }
        try (DurableLog log = DurableLog.open(dir, opts)) {
            RecoveryReport r = log.recoveryReport();
            assertEquals(19, r.lastSequence());
            assertEquals(25, r.truncatedBytes());
            assertEquals(0, r.droppedRecords());
            assertTrue(r.problems().get(0).contains("torn tail"), r.problems().toString());
            assertRecords(log.readAll(), 1, 19);
            assertEquals(20, log.append(payload(20)));
        }
        try (DurableLog log = DurableLog.open(dir, opts)) {
            assertTrue(log.recoveryReport().isClean());
            assertRecords(log.readAll(), 1, 20);
        }
    }

    @Test
    void shouldCutAtFlippedBitAndReportDroppedRecords() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.FSYNC))) {
            for (long s = 1; s <= 40; s++) {
                log.append(payload(s));
            }
        }
        Path seg = segmentFiles(dir).get(0);
        long at = validEnd(seg, 24) + RecordFormat.RECORD_HEADER_BYTES + 2; // payload of record 25
        byte[] one = readAt(seg, at, 1);
        one[0] ^= 0x40;
        overwrite(seg, at, one);
        try (DurableLog log = DurableLog.open(dir, small(Durability.FSYNC))) {
            RecoveryReport r = log.recoveryReport();
            assertEquals(24, r.lastSequence());
            assertEquals(15, r.droppedRecords());
            assertTrue(r.problems().get(0).contains("CRC32C mismatch in record 25"), r.problems().toString());
            assertRecords(log.readAll(), 1, 24);
            assertEquals(25, log.append(payload(25)));
        }
        try (DurableLog log = DurableLog.open(dir, small(Durability.FSYNC))) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            assertRecords(log.readAll(), 1, 25);
        }
    }

    @Test
    void shouldRemoveSegmentsAfterCorruptOne() throws IOException {
        LogOptions opts = small(Durability.WRITE).withSegmentBytes(128 * 1024);
        try (DurableLog log = DurableLog.open(dir, opts)) {
            for (long s = 1; s <= 2000; s++) {
                log.append(payload(s));
            }
        }
        List<Path> files = segmentFiles(dir);
        assertTrue(files.size() >= 3, files.toString());
        Path first = files.get(0);
        long at = validEnd(first, 10) + 5;
        byte[] b = readAt(first, at, 1);
        b[0] ^= 1;
        overwrite(first, at, b);
        try (DurableLog log = DurableLog.open(dir, opts)) {
            RecoveryReport r = log.recoveryReport();
            assertEquals(10, r.lastSequence());
            assertEquals(files.size() - 1, r.droppedSegments());
            assertEquals(1989, r.droppedRecords()); // record 11 is damaged, 12..2000 intact
            assertRecords(log.readAll(), 1, 10);
        }
        assertEquals(1, segmentFiles(dir).size());
    }

    @Test
    void shouldZeroFillSegmentsAndStillRecover() throws IOException {
        LogOptions opts = small(Durability.FDATASYNC).withSegmentBytes(128 * 1024).withZeroFill(true);
        assertTrue(opts.preallocate());
        try (DurableLog log = DurableLog.open(dir, opts)) {
            for (int s = 1; s <= 60; s++) {
                log.append(big(s));
            }
        }
        List<Path> files = segmentFiles(dir);
        assertTrue(files.size() >= 2, files.toString());
        for (Path f : files) {
            assertEquals(128 * 1024, Files.size(f));
        }
        try (DurableLog log = DurableLog.open(dir, opts)) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            assertEquals(60, log.readAll().size());
        }
        Path last = files.get(files.size() - 1);
        long firstInLast = RecordFormat.parseSegmentFileName(last.getFileName().toString());
        long end = validEnd(last, (int) (60 - firstInLast + 1));
        overwrite(last, end + 3, new byte[] {1, 2, 3}); // garbage after the last record, in zero-filled space
        try (DurableLog log = DurableLog.open(dir, opts)) {
            // Cut runs to the last non-zero byte: 3 zeros, then the 3 garbage bytes.
            assertEquals(6, log.recoveryReport().truncatedBytes(), log.recoveryReport().toString());
            assertEquals(128 * 1024, Files.size(last));
            assertTrue(log.append(big(99)) > 0);
        }
    }

    @Test
    void shouldZeroFillByDefaultForEveryRungButWrite() {
        for (Durability rung : Durability.values()) {
            LogOptions o = LogOptions.defaults().withDurability(rung);
            assertEquals(rung != Durability.WRITE, o.zeroFill(), o.toString());
            assertFalse(o.withZeroFill(false).zeroFill(), o.toString());
            assertTrue(o.withZeroFill(true).zeroFill(), o.toString());
            assertFalse(o.withPreallocation(false).zeroFill(), "no zero fill without preallocation: " + o);
            assertTrue(o.withPreallocation(false).withZeroFill(true).preallocate(), o.toString());
        }
    }

    @Test
    void shouldRollOntoSegmentsPreparedInTheBackgroundAndRemoveLeftovers() throws IOException {
        LogOptions opts = small(Durability.FDATASYNC).withSegmentBytes(128 * 1024);
        assertTrue(opts.zeroFill(), opts.toString());
        Files.createDirectories(dir);
        Files.write(dir.resolve("NEXT"), new byte[] {1, 2, 3}); // a preparation cut short by a crash
        try (DurableLog log = DurableLog.open(dir, opts)) {
            assertFalse(Files.exists(dir.resolve("NEXT")), "leftover NEXT not removed at open");
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            for (int s = 1; s <= 100; s++) {
                assertEquals(s, log.append(big(s)));
            }
            assertBigRecords(log.readAll(), 100);
        }
        assertFalse(Files.exists(dir.resolve("NEXT")), "close left the prepared segment behind");
        List<Path> files = segmentFiles(dir);
        assertTrue(files.size() >= 3, files.toString());
        for (Path f : files) {
            assertEquals(128 * 1024, Files.size(f), f.toString());
        }
        try (DurableLog log = DurableLog.open(dir, opts)) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            assertEquals(100, log.recoveryReport().records());
            assertBigRecords(log.readAll(), 100);
        }
    }

    private static void assertBigRecords(List<LogRecord> records, int count) {
        assertEquals(count, records.size());
        for (int i = 0; i < count; i++) {
            assertEquals(i + 1, records.get(i).sequence());
            assertArrayEquals(big(i + 1), records.get(i).payload(), "record " + (i + 1));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Durability.class, mode = EnumSource.Mode.EXCLUDE, names = "DIRECT")
    void shouldWriteEachNewPageWholeWhenBatchesGoThroughThePageCache(Durability rung) throws IOException {
        long page = Memory.pageSize();
        // No preallocation: the file's size shows how far each batch wrote.
        LogOptions opts = small(rung).withMaxRecordBytes(Math.toIntExact(2 * page)).withPreallocation(false);
        byte[] small = "a record smaller than a page".getBytes(StandardCharsets.UTF_8);
        byte[] large = new byte[Math.toIntExact(page)];
        Arrays.fill(large, (byte) 'L');
        long header = RecordFormat.SEGMENT_HEADER_BYTES;
        try (DurableLog log = DurableLog.open(dir, opts)) {
            Path seg = segmentFiles(dir).get(0);
            log.append(small); // stays inside the page the segment header began: nothing to pad
            long end1 = header + RecordFormat.frameBytes(small.length);
            assertEquals(end1, Files.size(seg));
            log.append(large); // reaches a page no batch wrote: written through that page's end, with zeros
            long end2 = end1 + RecordFormat.frameBytes(large.length);
            long padded = DurableLog.alignUp(end2, page);
            assertEquals(padded, Files.size(seg));
            log.append(small); // lands in the padded page: written as is, over the zeros
            long end3 = end2 + RecordFormat.frameBytes(small.length);
            assertEquals(padded, Files.size(seg));
            byte[] bytes = Files.readAllBytes(seg);
            for (long i = end3; i < padded; i++) {
                assertEquals(0, bytes[(int) i], "byte " + i + " past the last record");
            }
        }
        try (DurableLog log = DurableLog.open(dir, opts)) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            List<LogRecord> all = log.readAll();
            assertEquals(3, all.size());
            assertArrayEquals(small, all.get(0).payload());
            assertArrayEquals(large, all.get(1).payload());
            assertArrayEquals(small, all.get(2).payload());
            assertEquals(4, log.append(large));
            assertEquals(4, log.readAll().size());
        }
    }

    @Test
    void shouldLeaveACleanCloseMarkOnlyWhenEverythingWrittenWasFlushedAndRemoveItAtOpen() throws IOException {
        Path mark = dir.resolve("CLEAN");
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            for (long s = 1; s <= 10; s++) {
                log.append(payload(s));
            }
        }
        assertTrue(Files.exists(mark), "a flushing log closes clean");
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            assertFalse(Files.exists(mark), "removed at open: a crash from here on must leave no mark");
            assertTrue(log.recoveryReport().isClean());
            log.append(payload(11));
        }
        assertFalse(Files.exists(mark), "a WRITE append left unflushed: nothing to vouch for");
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            log.append(payload(12));
            log.sync(Durability.FDATASYNC);
        }
        assertTrue(Files.exists(mark), "a WRITE log synced last closes clean");
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            assertEquals(0, log.stats().flushCalls(), "the mark vouched for every segment");
            assertRecords(log.readAll(), 1, 12);
            assertEquals(13, log.append(payload(13)));
        }
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            assertRecords(log.readAll(), 1, 13);
        }
    }

    @Test
    void shouldRemoveASegmentAfterTheCutEvenIfItHoldsARecordLongerThanTheLimit() throws IOException {
        LogOptions wide = small(Durability.FDATASYNC);
        try (DurableLog log = DurableLog.open(dir, wide)) {
            long s = 1;
            while (segmentFiles(dir).size() < 2) {
                log.append(PowerLossTest.pattern(3000, (byte) s++));
            }
            // In the second segment: longer than the limit the log reopens with.
            log.append(PowerLossTest.pattern(4000, (byte) s));
        }
        Path first = segmentFiles(dir).get(0);
        overwrite(first, validEnd(first, 2) + RecordFormat.RECORD_HEADER_BYTES + 10, new byte[] {'X'});
        // Record 3 is corrupt: the cut is there, and the second segment goes with everything after it, so its long
        // record must neither refuse the open nor have the first segment cut by a refused one.
        try (DurableLog log = DurableLog.open(dir, wide.withMaxRecordBytes(3500))) {
            RecoveryReport r = log.recoveryReport();
            assertEquals(2, r.lastSequence(), r.toString());
            assertEquals(1, r.droppedSegments(), r.toString());
            assertTrue(r.problems().stream().anyMatch(p -> p.contains("removed, it follows the cut")), r.toString());
            assertEquals(1, segmentFiles(dir).size());
        }
    }

    @Test
    void shouldLeaveNoSequenceGapWhenAPayloadFailsToCopy() throws Exception {
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            Arena shared = Arena.ofShared();
            MemorySegment payload = shared.allocate(100);
            List<Throwable> errors = new ArrayList<>();
            Thread appender;
            log.lockForTest().lock();
            try {
                // Checksummed before the lock, copied under it: the caller frees the payload in between.
                appender = Thread.ofVirtual().start(() -> {
                    try {
                        log.append(payload);
                    } catch (Throwable e) {
                        synchronized (errors) {
                            errors.add(e);
                        }
                    }
                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (appender.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertEquals(Thread.State.WAITING, appender.getState(), "the appender should wait for the lock");
                shared.close();
            } finally {
                log.lockForTest().unlock();
            }
            assertTrue(appender.join(Duration.ofSeconds(30)), "the appender did not return");
            synchronized (errors) {
                assertEquals(1, errors.size(), errors.toString());
                assertInstanceOf(IllegalStateException.class, errors.get(0));
            }
            assertEquals(1, log.append(payload(1)), "the failed append must not use up a sequence");
            assertRecords(log.readAll(), 1, 1);
        }
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            assertRecords(log.readAll(), 1, 1);
        }
    }

    @Test
    void shouldRoundTripEmptyRecord() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            assertEquals(1, log.append(new byte[0]));
            assertEquals(2, log.append(payload(2)));
        }
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            List<LogRecord> all = log.readAll();
            assertEquals(0, all.get(0).payload().length);
            assertArrayEquals(payload(2), all.get(1).payload());
        }
    }

    @Test
    void shouldRefuseAppendWhenClosed() throws IOException {
        DurableLog log = DurableLog.open(dir, small(Durability.WRITE));
        log.close();
        log.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> log.append(payload(1)));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> log.reader(0));
    }

    @Test
    void shouldRefuseOversizedRecord() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> log.append(new byte[4097]));
            assertTrue(e.getMessage().contains("exceeds the limit of 4096"), e.getMessage());
            assertEquals(1, log.append(new byte[4096]));
        }
    }

    @Test
    void shouldRefuseEveryAppendAfterFailedFlush() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            assertEquals(1, log.append(payload(1)));
            log.redirectFlushesToDevNullForTest();
            LogFailedException first = assertThrows(LogFailedException.class, () -> log.append(payload(2)));
            assertTrue(first.getMessage().contains("never retries"), first.getMessage());
            assertTrue(first.getCause().getMessage().startsWith("EINVAL (fdatasync)"), first.getCause().getMessage());
            LogFailedException later = assertThrows(LogFailedException.class, () -> log.append(payload(3)));
            assertEquals(first.getCause(), later.getCause());
            assertEquals(1, log.lastSequence());
        }
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            // Record 2 reached the page cache before its flush failed: recovery may keep it, intact.
            List<LogRecord> all = log.readAll();
            assertTrue(all.size() == 1 || all.size() == 2, all.toString());
            assertRecords(all, 1, all.size());
        }
    }

    @Test
    void shouldRefuseSecondOpenerWhileLogIsOpen() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            LogLockedException e = assertThrows(LogLockedException.class, () -> DurableLog.open(dir));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
            log.append(payload(1));
        }
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            assertEquals(1, log.lastSequence());
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldKeepItsLockWhenASecondOpenInThisProcessIsRefusedWhateverPathItUses() throws IOException {
        Path alias = Files.createSymbolicLink(dir.resolveSibling(dir.getFileName() + "-alias"), dir);
        try {
            try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
                Path lockFile = dir.resolve("LOCK");
                assertTrue(holdsFcntlLock(lockFile), "no fcntl lock on " + lockFile + " after open");
                for (Path other : List.of(dir, alias, dir.resolve("."), alias.resolve("..").resolve(alias
                        .getFileName()))) {
                    LogLockedException e = assertThrows(LogLockedException.class,
                            () -> DurableLog.open(other, small(Durability.WRITE)), other.toString());
                    assertTrue(e.getMessage().contains("already open in this process"), e.getMessage());
                    assertTrue(holdsFcntlLock(lockFile), "the refused open through " + other + " dropped the lock");
                }
                assertEquals(1, log.append(payload(1)));
            }
            try (DurableLog log = DurableLog.open(alias, small(Durability.WRITE))) {
                assertEquals(1, log.lastSequence(), "close released the log for the next opener");
            }
        } finally {
            Files.delete(alias);
        }
    }

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldReleaseTheDirectoryWhenALogIsDroppedWithoutClose() throws Exception {
        long ringThreads = ringThreads();
        ReferenceQueue<DurableLog> collected = new ReferenceQueue<>();
        WeakReference<DurableLog> dropped = openAppendAndDrop(collected, DROPPED_RECORDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean unreachable = false;
        while (!unreachable) {
            assertTrue(System.nanoTime() - deadline < 0, "a log dropped without close() was still reachable 60 s "
                    + "later: something keeps it (a thread, a registry)");
            System.gc();
            unreachable = collected.remove(20) == dropped; // a bounded wait between collections
        }
        DurableLog reopened = null;
        while (reopened == null) {
            try {
                reopened = DurableLog.open(dir, small(Durability.WRITE));
            } catch (LogLockedException e) {
                assertTrue(System.nanoTime() - deadline < 0, "the directory of a log collected without close() "
                        + "was still refused 60 s later: " + e.getMessage());
                System.gc();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling interval while the Cleaner runs
            }
        }
        try (DurableLog log = reopened) {
            assertEquals(DROPPED_RECORDS, log.lastSequence(), "every record the dropped log acknowledged");
            assertEquals(DROPPED_RECORDS + 1, log.append(payload(DROPPED_RECORDS + 1)));
        }
        assertEquals(ringThreads, ringThreads(), "the dropped log's io_uring threads were stopped with it");
    }

    private static long ringThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("panamax-uring-")).count();
    }

    private static final int DROPPED_RECORDS = 80;

    /**
     * Opens a log, appends {@code records} records of 2 KiB (past half of a {@link #small} segment, so a thread
     * starts preparing the next one), and returns only a weak reference: no frame of the caller holds the log.
     */
    private WeakReference<DurableLog> openAppendAndDrop(ReferenceQueue<DurableLog> queue, int records)
            throws IOException {
        DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC));
        for (long s = 1; s <= records; s++) {
            assertEquals(s, log.append(Arrays.copyOf(payload(s), 2048)));
        }
        return new WeakReference<>(log, queue);
    }

    /** Whether this process holds a POSIX (fcntl) lock on {@code file}, from {@code /proc/locks}. */
    static boolean holdsFcntlLock(Path file) throws IOException {
        String key = String.valueOf(Files.readAttributes(file, BasicFileAttributes.class).fileKey());
        String inode = key.replaceAll(".*ino=(\\d+).*", "$1"); // the JDK's UnixFileKey: (dev=...,ino=...)
        String pid = Long.toString(ProcessHandle.current().pid());
        for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
            // 1: POSIX  ADVISORY  WRITE 1234 08:01:5678 0 EOF
            String[] f = line.trim().split("\\s+");
            if (f.length > 5 && f[1].equals("POSIX") && f[4].equals(pid) && f[5].endsWith(":" + inode)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void shouldRefuseFileThatIsNotALog() throws IOException {
        Path file = dir.resolve("plain.txt");
        Files.writeString(file, "hello");
        NotALogException e = assertThrows(NotALogException.class, () -> DurableLog.open(file));
        assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
        Path logDir = dir.resolve("log");
        Files.createDirectories(logDir);
        Path fake = logDir.resolve(RecordFormat.segmentFileName(1));
        Files.writeString(fake, "this is not a segment, it is somebody's notes");
        NotALogException e2 = assertThrows(NotALogException.class, () -> DurableLog.open(logDir));
        assertTrue(e2.getMessage().contains("not a panamax log segment"), e2.getMessage());
        assertEquals("this is not a segment, it is somebody's notes", Files.readString(fake));
        // The lock was released with the failed open.
        Files.delete(fake);
        try (DurableLog log = DurableLog.open(logDir, small(Durability.WRITE))) {
            assertEquals(1, log.append(payload(1)));
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRefuseToOpenAndCutNothingWhenAnIntactRecordIsLongerThanTheRecordLimit() throws IOException {
        byte[] large = new byte[3000];
        Arrays.fill(large, (byte) 'L');
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            for (long s = 1; s <= 10; s++) {
                assertEquals(s, log.append(s == 6 ? large : payload(s)));
            }
        }
        Path segment = dir.resolve(RecordFormat.segmentFileName(1));
        byte[] before = Files.readAllBytes(segment);
        RecordTooLargeException e = assertThrows(RecordTooLargeException.class,
                () -> DurableLog.open(dir, small(Durability.FDATASYNC).withMaxRecordBytes(1000)));
        assertEquals(6, e.sequence());
        assertEquals(3000, e.recordBytes());
        assertEquals(1000, e.limitBytes());
        assertTrue(e.getMessage().contains("record 6 at offset") && e.getMessage().contains("3000 bytes")
                && e.getMessage().contains("withMaxRecordBytes(3000)"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(segment), "the refused open changed the segment");
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC).withMaxRecordBytes(3000))) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            List<LogRecord> all = log.readAll();
            assertEquals(10, all.size());
            assertArrayEquals(large, all.get(5).payload());
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldReportARecordLongerThanTheLimitToAReaderAsTooLargeNotCorrupt() throws IOException {
        LogOptions options = small(Durability.FDATASYNC).withMaxRecordBytes(100);
        try (DurableLog log = DurableLog.open(dir, options)) {
            for (long s = 1; s <= 10; s++) {
                log.append(new byte[100]);
            }
            // Record 1 rewritten under the log, intact but longer than its limit (the next nine now lie inside it).
            MemorySegment frame = MemorySegment.ofArray(new byte[(int) RecordFormat.frameBytes(500)]);
            MemorySegment p = MemorySegment.ofArray(new byte[500]);
            RecordFormat.encodeRecord(frame, 0, 1, p, RecordFormat.payloadChecksum(p));
            try (FileChannel ch = FileChannel.open(dir.resolve(RecordFormat.segmentFileName(1)),
                    StandardOpenOption.WRITE)) {
                ch.write(frame.asByteBuffer(), RecordFormat.SEGMENT_HEADER_BYTES);
            }
            try (LogReader reader = log.reader(1)) {
                RecordTooLargeException e = assertThrows(RecordTooLargeException.class, reader::next);
                assertEquals(500, e.recordBytes());
                assertTrue(e.getMessage().contains("record 1 at offset 32 holds 500 bytes"), e.getMessage());
            }
        }
    }

    @Test
    void shouldRemoveUninitialisedLastSegment() throws IOException {
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            log.append(payload(1));
        }
        Path empty = dir.resolve(RecordFormat.segmentFileName(2));
        Files.write(empty, new byte[4096]);
        try (DurableLog log = DurableLog.open(dir, small(Durability.WRITE))) {
            assertEquals(1, log.recoveryReport().droppedSegments());
            assertEquals(2, log.append(payload(2)));
            assertRecords(log.readAll(), 1, 2);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldIgnoreAStrayFileWhoseSegmentNumberOverflowsALong() throws IOException {
        Files.writeString(dir.resolve("99999999999999999999.plog"), "not ours");
        Files.writeString(dir.resolve("09223372036854775808.plog"), "not ours either");
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            assertEquals(1, log.append(payload(1)));
        }
        try (DurableLog log = DurableLog.open(dir, small(Durability.FDATASYNC))) {
            assertRecords(log.readAll(), 1, 1);
        }
        assertEquals("not ours", Files.readString(dir.resolve("99999999999999999999.plog")));
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRoundTripHeapPayloadsBackedByArraysOtherThanBytes() throws IOException {
        long[] longs = new long[5000]; // 40000 bytes: several checksum chunks
        for (int i = 0; i < longs.length; i++) {
            longs[i] = i * 0x9E3779B97F4A7C15L;
        }
        List<MemorySegment> payloads = List.of(
                MemorySegment.ofArray(new long[] {1, 2, 3}),
                MemorySegment.ofArray(longs),
                MemorySegment.ofArray(longs).asSlice(13, 30000), // starts mid-element, ends mid-chunk
                MemorySegment.ofArray(longs).asReadOnly(),
                MemorySegment.ofArray(new int[] {-1, 7, 42}),
                MemorySegment.ofArray("chars".toCharArray()),
                MemorySegment.ofArray(new double[0]));
        LogOptions options = small(Durability.FDATASYNC).withSegmentBytes(1024 * 1024).withMaxRecordBytes(64 * 1024);
        try (DurableLog log = DurableLog.open(dir, options)) {
            for (int i = 0; i < payloads.size(); i++) {
                assertEquals(i + 1, log.append(payloads.get(i)));
            }
        }
        try (DurableLog log = DurableLog.open(dir, options)) {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            List<LogRecord> all = log.readAll(); // each record's CRC32C verified again
            assertEquals(payloads.size(), all.size());
            for (int i = 0; i < payloads.size(); i++) {
                assertArrayEquals(payloads.get(i).toArray(ValueLayout.JAVA_BYTE), all.get(i).payload(),
                        "payload " + i);
            }
        }
    }

    @Test
    void shouldRefuseDirectOrFallBackVisiblyWhenFileSystemLacksODirect() throws Exception {
        Path mnt = dir.resolve("ramfs");
        Files.createDirectories(mnt);
        boolean mounted = new ProcessBuilder("mount", "-t", "ramfs", "ramfs", mnt.toString())
                .redirectErrorStream(true).start().waitFor() == 0;
        assumeTrue(mounted, "needs a file system without O_DIRECT: mounting ramfs (root and CAP_SYS_ADMIN) failed");
        try {
            Path logDir = mnt.resolve("log");
            DirectIoUnavailableException e = assertThrows(DirectIoUnavailableException.class,
                    () -> DurableLog.open(logDir, small(Durability.DIRECT)));
            assertTrue(e.getMessage().contains(logDir.toString()) && e.getMessage().contains("O_DIRECT"),
                    e.getMessage());
            try (DurableLog log = DurableLog.open(logDir, small(Durability.DIRECT).withDirectFallback(true))) {
                assertEquals(Durability.DSYNC, log.durability());
                assertTrue(log.fallbackReason().orElseThrow().contains("running at DSYNC"),
                        log.fallbackReason().toString());
                assertEquals(1, log.append(payload(1)));
                IllegalArgumentException iae = assertThrows(IllegalArgumentException.class,
                        () -> log.append(payload(2), Durability.DIRECT));
                assertTrue(iae.getMessage().contains("fallback") || iae.getMessage().contains("DIRECT requested"),
                        iae.getMessage());
                assertRecords(log.readAll(), 1, 1);
            }
        } finally {
            new ProcessBuilder("umount", mnt.toString()).redirectErrorStream(true).start().waitFor();
        }
    }

    /** Offset just past record {@code n} of a segment (records numbered from 1). */
    private static long validEnd(Path seg, int n) throws IOException {
        long pos = RecordFormat.SEGMENT_HEADER_BYTES;
        for (int i = 0; i < n; i++) {
            ByteBuffer h = ByteBuffer.wrap(readAt(seg, pos + 4, 4)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            pos += RecordFormat.RECORD_HEADER_BYTES + h.getInt();
        }
        return pos;
    }

    private static byte[] readAt(Path file, long pos, int n) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(n);
            ch.read(b, pos);
            return b.array();
        }
    }

    private static void overwrite(Path file, long pos, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.WRITE))) {
            ch.write(ByteBuffer.wrap(bytes), pos);
            ch.force(true);
        }
    }
}
