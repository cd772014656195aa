/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.OpenFlag;
import dev.panamax.ffm.Pipes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract of {@link UringFile}, run once per engine by the subclasses: both engines must give the same
 * results, errors, cancellation and timeouts.
 */
abstract class UringFileContractTest {

    private static final Set<OpenFlag> RW = EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.CREATE);
    private static final long WAIT_S = 5;

    @TempDir
    Path dir;

    /** The engine under test; subclasses assume it is usable here. */
    abstract UringFile.Engine engine();

    private UringFile open(String name, Set<OpenFlag> flags) throws IOException {
        UringFile f = UringFile.open(dir.resolve(name), flags, 0644, engine());
        assertEquals(engine(), f.engine());
        return f;
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT_S, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> f) throws InterruptedException, TimeoutException {
        try {
            f.get(WAIT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (CancellationException e) {
            return e;
        }
        throw new AssertionError("expected the request to fail");
    }

    private static MemorySegment pattern(Arena arena, int size, int seed) {
        MemorySegment s = arena.allocate(size, 4096);
        for (int i = 0; i < size; i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + seed));
        }
        return s;
    }

    private static MemorySegment ascii(Arena arena, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        MemorySegment s = arena.allocate(b.length);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, b.length);
        return s;
    }

    @Test
    void shouldReadBackWhatWasWrittenWhenPositional() throws Exception {
        try (Arena arena = Arena.ofShared(); UringFile f = open("rw", RW)) {
            MemorySegment out = pattern(arena, 8192, 3);
            assertEquals(8192, await(f.write(out, 4096)));
            MemorySegment in = arena.allocate(8192);
            assertEquals(8192, await(f.read(in, 4096)));
            assertEquals(-1, in.mismatch(out));
            assertEquals(4096 + 8192, Files.size(dir.resolve("rw")));
        }
    }

    @Test
    void shouldReadShortWhenRangeCrossesEndOfFile() throws Exception {
        try (Arena arena = Arena.ofShared(); UringFile f = open("short", RW)) {
            assertEquals(100, await(f.write(pattern(arena, 100, 1), 0)));
            MemorySegment in = arena.allocate(64);
            assertEquals(20, await(f.read(in, 80)));
            assertEquals(pattern(arena, 100, 1).asSlice(80, 20).mismatch(in.asSlice(0, 20)), -1);
        }
    }

    @Test
    void shouldReturnZeroWhenReadingPastEndOfFile() throws Exception {
        try (Arena arena = Arena.ofShared(); UringFile f = open("eof", RW)) {
            assertEquals(10, await(f.write(pattern(arena, 10, 1), 0)));
            assertEquals(0, await(f.read(arena.allocate(64), 10)));
            assertEquals(0, await(f.read(arena.allocate(64), 1 << 20)));
        }
    }

    @Test
    void shouldFailWithClosedChannelWhenFileIsClosed() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            UringFile f = open("closed", RW);
            f.close();
            assertInstanceOf(ClosedChannelException.class, failure(f.read(arena.allocate(8), 0)));
            assertInstanceOf(ClosedChannelException.class, failure(f.write(arena.allocate(8), 0)));
            assertInstanceOf(ClosedChannelException.class, failure(f.fdatasync()));
            f.close(); // idempotent
        }
    }

    @Test
    void shouldThrowBeforeSubmittingWhenBufferIsOnHeap() throws Exception {
        try (UringFile f = open("heap", RW)) {
            assertThrows(IllegalArgumentException.class, () -> f.read(MemorySegment.ofArray(new byte[8]), 0));
            assertThrows(IllegalArgumentException.class, () -> f.write(MemorySegment.ofArray(new byte[8]), -2));
        }
    }

    @Test
    void shouldThrowBeforeSubmittingWhenReadingIntoAReadOnlySegment() throws Exception {
        try (Arena arena = Arena.ofShared(); UringFile f = open("readonly", RW)) {
            MemorySegment data = pattern(arena, 64, 3);
            assertEquals(64, f.write(data.asReadOnly(), 0).get(10, TimeUnit.SECONDS), "a read-only source is fine");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> f.read(data.asReadOnly(), 0));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
        }
    }

    @Test
    void shouldReportErrnoWhenWritingReadOnlyFile() throws Exception {
        Files.write(dir.resolve("ro"), new byte[16]);
        try (Arena arena = Arena.ofShared(); UringFile f = open("ro", EnumSet.of(OpenFlag.READ))) {
            Throwable t = failure(f.write(ascii(arena, "x"), 0));
            ErrnoException e = assertInstanceOf(ErrnoException.class, t);
            assertEquals(Errno.EBADF, e.errno());
        }
    }

    @Test
    void shouldWriteAndSyncWhenLinked() throws Exception {
        try (Arena arena = Arena.ofShared(); UringFile f = open("sync", RW)) {
            MemorySegment out = pattern(arena, 4096, 9);
            assertEquals(4096, await(f.writeAndSync(out, 0, true)));
            assertEquals(4096, await(f.writeAndSync(out, 4096, false)));
            byte[] onDisk = Files.readAllBytes(dir.resolve("sync"));
            assertEquals(8192, onDisk.length);
            byte[] expected = out.toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(onDisk, 4096, 8192));
            await(f.fsync());
            await(f.fdatasync());
        }
    }

    @Test
    void shouldFailLinkedSyncWhenWriteFails() throws Exception {
        Files.write(dir.resolve("ro-sync"), new byte[16]);
        try (Arena arena = Arena.ofShared(); UringFile f = open("ro-sync", EnumSet.of(OpenFlag.READ))) {
            ErrnoException e = assertInstanceOf(ErrnoException.class,
                    failure(f.writeAndSync(ascii(arena, "x"), 0, true)));
            assertEquals(Errno.EBADF, e.errno(), "the write's errno, not the cancelled sync's");
        }
    }

    @Test
    void shouldCompleteEveryRequestWhenThirtyTwoAreInFlight() throws Exception {
        int blocks = 32;
        try (Arena arena = Arena.ofShared(); UringFile f = open("qd32", RW)) {
            List<CompletableFuture<Integer>> writes = new ArrayList<>();
            for (int i = 0; i < blocks; i++) {
                writes.add(f.write(pattern(arena, 4096, i), i * 4096L));
            }
            for (CompletableFuture<Integer> w : writes) {
                assertEquals(4096, await(w));
            }
            List<CompletableFuture<Integer>> reads = new ArrayList<>();
            List<MemorySegment> buffers = new ArrayList<>();
            for (int i = 0; i < blocks; i++) {
                MemorySegment b = arena.allocate(4096);
                buffers.add(b);
                reads.add(f.read(b, i * 4096L));
            }
            for (int i = 0; i < blocks; i++) {
                assertEquals(4096, await(reads.get(i)));
                assertEquals(-1, buffers.get(i).mismatch(pattern(arena, 4096, i)), "block " + i);
            }
        }
    }

    @Test
    void shouldReadAlignedBlockWhenOpenedWithDirectIo() throws Exception {
        Set<OpenFlag> direct = EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.CREATE, OpenFlag.DIRECT);
        UringFile f;
        try {
            f = open("direct", direct);
        } catch (ErrnoException e) {
            assumeTrue(e.errno() != Errno.EINVAL, "the temp file system refuses O_DIRECT: " + e.getMessage());
            throw e;
        }
        try (Arena arena = Arena.ofShared(); f) {
            MemorySegment out = pattern(arena, 8192, 5); // 4096-aligned address, length and offset
            assertEquals(8192, await(f.write(out, 0)));
            MemorySegment in = arena.allocate(4096, 4096);
            assertEquals(4096, await(f.read(in, 4096)));
            assertEquals(-1, in.mismatch(out.asSlice(4096, 4096)));
            MemorySegment misaligned = arena.allocate(4096 + 1, 4096).asSlice(1, 4096); // below any dio_mem_align
            ErrnoException e = assertInstanceOf(ErrnoException.class, failure(f.read(misaligned, 0)));
            assertEquals(Errno.EINVAL, e.errno());
        }
    }

    @Test
    void shouldCancelReadWhenPipeHasNoData() throws Exception {
        Pipes.Pipe pipe = Pipes.open(0);
        try (Arena arena = Arena.ofShared(); Fd writeEnd = pipe.writeEnd();
                UringFile f = UringFile.wrap(pipe.readEnd(), engine())) {
            CompletableFuture<Integer> read = f.read(arena.allocate(16), UringFile.STREAM);
            assertFalse(read.isDone());
            assertTrue(f.cancel(read));
            assertInstanceOf(CancellationException.class, failure(read));
            assertTrue(read.isCancelled());
            assertFalse(f.cancel(read), "already complete");
            // The pipe still works, and the cancelled read did not consume these bytes.
            writeEnd.write(ascii(arena, "later"), 0, 5);
            MemorySegment in = arena.allocate(16);
            assertEquals(5, await(f.read(in, UringFile.STREAM)));
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldCompleteOnlyAfterTheReadStoppedWhenTheCallerTimesTheFutureOut() throws Exception {
        Pipes.Pipe pipe = Pipes.open(0);
        try (Arena arena = Arena.ofShared(); Fd writeEnd = pipe.writeEnd();
                UringFile f = UringFile.wrap(pipe.readEnd(), engine())) {
            MemorySegment buffer = arena.allocate(8);
            CompletableFuture<Integer> read = f.read(buffer, UringFile.STREAM);
            assertSame(read, read.orTimeout(20, TimeUnit.MILLISECONDS));
            assertInstanceOf(TimeoutException.class, failure(read));
            // The future completed, so the read no longer owns the buffer: a byte written now stays in the pipe.
            writeEnd.write(ascii(arena, "Z"), 0, 1);
            MemorySegment next = arena.allocate(8);
            assertEquals(1, await(f.read(next, UringFile.STREAM)));
            assertEquals('Z', next.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(0, buffer.get(ValueLayout.JAVA_BYTE, 0), "the timed-out read wrote into its buffer");
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldStopTheReadFirstWhenTheCallerCompletesOrCancelsTheFuture() throws Exception {
        Pipes.Pipe pipe = Pipes.open(0);
        try (Arena arena = Arena.ofShared(); Fd writeEnd = pipe.writeEnd();
                UringFile f = UringFile.wrap(pipe.readEnd(), engine())) {
            CompletableFuture<Integer> completed = f.read(arena.allocate(8), UringFile.STREAM);
            assertFalse(completed.complete(7), "the I/O owns the buffer until it stops");
            assertEquals(7, await(completed));
            CompletableFuture<Integer> cancelled = f.read(arena.allocate(8), UringFile.STREAM);
            assertFalse(cancelled.cancel(true));
            assertInstanceOf(CancellationException.class, failure(cancelled));
            assertTrue(cancelled.isCancelled());
            assertFalse(f.cancel(cancelled), "already complete");
            CompletableFuture<Integer> pending = f.read(arena.allocate(8), UringFile.STREAM);
            assertThrows(UnsupportedOperationException.class, () -> pending.obtrudeValue(1));
            writeEnd.write(ascii(arena, "ab"), 0, 2);
            assertEquals(2, await(pending), "neither stopped read consumed the bytes");
        }
    }

    @Test
    void shouldTimeOutReadWhenPipeStaysEmpty() throws Exception {
        Pipes.Pipe pipe = Pipes.open(0);
        try (Arena arena = Arena.ofShared(); Fd writeEnd = pipe.writeEnd();
                UringFile f = UringFile.wrap(pipe.readEnd(), engine())) {
            long start = System.nanoTime();
            CompletableFuture<Integer> read = f.read(arena.allocate(16), UringFile.STREAM, 20_000_000L);
            assertInstanceOf(InterruptedByTimeoutException.class, failure(read));
            assertTrue(System.nanoTime() - start >= 20_000_000L, "timed out early");
            assertTrue(writeEnd.write(ascii(arena, "x"), 0, 1) == 1);
        }
    }

    @Test
    void shouldReadBeforeTimeoutWhenDataIsThere() throws Exception {
        Pipes.Pipe pipe = Pipes.open(0);
        try (Arena arena = Arena.ofShared(); Fd writeEnd = pipe.writeEnd();
                UringFile f = UringFile.wrap(pipe.readEnd(), engine())) {
            writeEnd.write(ascii(arena, "ready"), 0, 5);
            MemorySegment in = arena.allocate(16);
            assertEquals(5, await(f.read(in, UringFile.STREAM, 5_000_000_000L)));
            assertEquals("ready", new String(in.asSlice(0, 5).toArray(ValueLayout.JAVA_BYTE),
                    StandardCharsets.US_ASCII));
        }
    }

    @Test
    void shouldFailInFlightReadWithAsynchronousCloseWhenFileIsClosed() throws Exception {
        Pipes.Pipe pipe = Pipes.open(0);
        try (Arena arena = Arena.ofShared(); Fd writeEnd = pipe.writeEnd()) {
            UringFile f = UringFile.wrap(pipe.readEnd(), engine());
            CompletableFuture<Integer> read = f.read(arena.allocate(16), UringFile.STREAM);
            f.close(); // returns only once the read has completed
            assertTrue(read.isDone(), "close() must wait for requests in flight");
            assertFalse(writeEnd.isClosed(), "only the wrapped end is closed");
            assertInstanceOf(AsynchronousCloseException.class, failure(read));
            assertTrue(pipe.readEnd().isClosed());
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldCloseWhenAStreamReadIsJustStarting() throws Exception {
        // close() lands at a different point of the read's start each round; the first rounds, while the worker
        // threads are new, hit the span between the engine's checks and its wait most often.
        long endNs = System.nanoTime() + 2_000_000_000L;
        for (int round = 0; round < 500 && System.nanoTime() - endNs < 0; round++) {
            try (Arena arena = Arena.ofShared(); Pipes.Pipe pipe = Pipes.open(Pipes.NONBLOCK)) {
                UringFile f = UringFile.wrapBorrowed(pipe.readEnd(), engine());
                CompletableFuture<Integer> read = f.read(arena.allocate(8), UringFile.STREAM);
                long spinNs = (round % 50) * 1_000L;
                for (long start = System.nanoTime(); System.nanoTime() - start < spinNs; ) {
                    Thread.onSpinWait();
                }
                Thread closer = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        f.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                closer.join(TimeUnit.SECONDS.toMillis(WAIT_S));
                if (closer.isAlive()) {
                    pipe.writeEnd().write(ascii(arena, "x"), 0, 1); // free the stuck reader before failing
                    closer.join(TimeUnit.SECONDS.toMillis(WAIT_S));
                    fail("close() hung in round " + round + " until data arrived for the read it should end");
                }
                assertInstanceOf(AsynchronousCloseException.class, failure(read), "round " + round);
            }
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldFailOnlyThatRequestWhenItsBufferIsClosedBeforeItStarts() throws Exception {
        Pipes.Pipe pipe = Pipes.open(0);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Arena arena = Arena.ofShared(); Fd writeEnd = pipe.writeEnd();
                UringFile f = UringFile.wrap(pipe.readEnd(), engine())) {
            CompletableFuture<Integer> first = f.read(arena.allocate(8), UringFile.STREAM);
            // On the ring engine this holds its loop thread, so the next request is queued but not started.
            CompletableFuture<Void> held = first.thenRun(() -> {
                holding.countDown();
                awaitQuietly(release);
            });
            writeEnd.write(ascii(arena, "1"), 0, 1);
            assertTrue(holding.await(WAIT_S, TimeUnit.SECONDS));
            Arena gone = Arena.ofShared();
            CompletableFuture<Integer> bad = f.read(gone.allocate(8), UringFile.STREAM);
            gone.close(); // a caller error that concerns this request alone
            release.countDown();
            await(held);
            writeEnd.write(ascii(arena, "2"), 0, 1); // the blocking engine reads only once the pipe is readable
            assertInstanceOf(IllegalStateException.class, failure(bad));
            MemorySegment in = arena.allocate(8);
            assertEquals(1, await(f.read(in, UringFile.STREAM)), "the file still works");
            assertEquals('2', in.get(ValueLayout.JAVA_BYTE, 0), "the refused read consumed nothing");
        } finally {
            release.countDown();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void shouldRunCompletionsFromManyThreadsWhenSubmittedConcurrently() throws Exception {
        try (Arena arena = Arena.ofShared(); UringFile f = open("mt", RW)) {
            int threads = 4;
            int perThread = 16;
            List<Thread> workers = new ArrayList<>();
            List<CompletableFuture<Integer>> all = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                workers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perThread; i++) {
                        all.add(f.write(pattern(arena, 512, base + i), (base + i) * 512L));
                    }
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            for (CompletableFuture<Integer> w : all) {
                assertEquals(512, await(w));
            }
            byte[] onDisk = Files.readAllBytes(dir.resolve("mt"));
            assertEquals(threads * perThread * 512, onDisk.length);
            for (int i = 0; i < threads * perThread; i++) {
                assertArrayEquals(pattern(arena, 512, i).toArray(ValueLayout.JAVA_BYTE),
                        java.util.Arrays.copyOfRange(onDisk, i * 512, i * 512 + 512), "block " + i);
            }
        } catch (CompletionException e) {
            throw new AssertionError(e.getCause());
        }
    }

    @Test
    void shouldLeaveFdOpenWhenBorrowedFileIsClosed() throws Exception {
        try (Arena arena = Arena.ofShared();
                Fd fd = Fd.open(dir.resolve("borrowed"), EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.CREATE),
                        0644)) {
            try (UringFile f = UringFile.wrapBorrowed(fd, engine())) {
                assertEquals(engine(), f.engine());
                assertEquals(5, await(f.writeAndSync(ascii(arena, "owned"), 0, true)));
            }
            assertFalse(fd.isClosed(), "a borrowed fd stays open");
            MemorySegment in = arena.allocate(8);
            assertEquals(5, fd.pread(in, 0, 8, 0));
        }
    }
}
