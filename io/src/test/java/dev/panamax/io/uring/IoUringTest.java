/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.uring;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.IoUringOps;
import dev.panamax.ffm.IoUringSyscalls;
import dev.panamax.ffm.OpenFlag;
import dev.panamax.ffm.Pipes;
import dev.panamax.io.net.Tcp;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IoUringTest {

    private static final int ECANCELED = -Errno.ECANCELED.value();
    private static final int ETIME = -Errno.ETIME.value();

    @TempDir
    Path dir;

    @BeforeEach
    void requireIoUring() {
        assumeTrue(IoUringSyscalls.FEATURE.isAvailable(), () -> "io_uring unavailable: "
                + IoUringSyscalls.FEATURE.unavailabilityCause());
    }

    private Fd file(String name) throws IOException {
        return Fd.open(dir.resolve(name), EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.CREATE), 0644);
    }

    private static MemorySegment bytes(Arena arena, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        MemorySegment s = arena.allocate(b.length);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, b.length);
        return s;
    }

    private static String text(MemorySegment s, int length) {
        return new String(s.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    @Test
    void shouldSubmitOneBatchWhenManyRequestsAreQueued() throws IOException {
        try (IoUring ring = IoUring.open(IoUring.Options.of(32))) {
            List<Integer> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                ring.nop((res, flags) -> results.add(res));
            }
            assertEquals(16, ring.pending());
            assertEquals(16, ring.submit());
            assertEquals(0, ring.pending());
            assertEquals(16, ring.await(16));
            assertEquals(16, results.size());
            assertTrue(results.stream().allMatch(r -> r == 0), results::toString);
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void shouldNegotiateSingleIssuerAndDeferTaskrunWhenKernelHasThem() throws IOException {
        try (IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            // Linux 6.1+ accepts the full group; this machine's kernel is newer, older ones fall back.
            int wanted = IoUringOps.SETUP_SINGLE_ISSUER | IoUringOps.SETUP_DEFER_TASKRUN;
            assumeTrue((ring.setupFlags() & wanted) == wanted, "kernel older than 6.1 (no DEFER_TASKRUN)");
            int group = wanted | IoUringOps.SETUP_COOP_TASKRUN | IoUringOps.SETUP_SUBMIT_ALL
                    | IoUringOps.SETUP_TASKRUN_FLAG;
            assertEquals(group, ring.setupFlags() & group);
        }
    }

    @Test
    void shouldSeeDeferredCompletionWhenPeekingWithoutWaiting() throws IOException {
        try (IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            int[] result = {Integer.MIN_VALUE};
            ring.timeout(1_000_000L, (res, flags) -> result[0] = res);
            ring.submit();
            // Under DEFER_TASKRUN the expired timeout waits as task work: only the kernel's IORING_SQ_TASKRUN flag
            // tells peekCompletions to enter and post it. A peek that never entered would spin until the guard.
            long guardNs = System.nanoTime() + 8_000_000_000L;
            while (!ring.peekCompletions()) {
                assertTrue(System.nanoTime() < guardNs, "the timeout's completion never became visible to a peek");
                Thread.onSpinWait();
            }
            assertEquals(Integer.MIN_VALUE, result[0], "peeking must not run completions");
            assertEquals(1, ring.reap());
            assertEquals(ETIME, result[0]);
            assertFalse(ring.peekCompletions(), "nothing left in flight");
        }
    }

    @Test
    void shouldPeekWithoutConsumingWhenACompletionIsAlreadyInTheQueue() throws IOException {
        try (IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            assertFalse(ring.peekCompletions(), "an idle ring has no completion");
            int[] calls = {0};
            ring.nop((res, flags) -> calls[0]++);
            ring.submitAndWait(1);
            assertTrue(ring.peekCompletions());
            assertTrue(ring.peekCompletions(), "a peek leaves the CQE in the queue");
            assertEquals(0, calls[0]);
            assertEquals(1, ring.reap());
            assertEquals(1, calls[0]);
        }
    }

    @Test
    void shouldRejectPeekWhenCalledOffTheOwnerThreadOrClosed() throws Exception {
        IoUring ring = IoUring.open(IoUring.Options.of(8));
        try {
            Throwable[] thrown = new Throwable[1];
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    ring.peekCompletions();
                } catch (Throwable t) {
                    thrown[0] = t;
                }
            });
            other.join();
            assertInstanceOf(WrongThreadException.class, thrown[0]);
        } finally {
            ring.close();
        }
        assertThrows(IllegalStateException.class, ring::peekCompletions);
    }

    @Test
    void shouldWriteThenReadBackWhenPositional() throws IOException {
        try (Arena arena = Arena.ofConfined(); Fd fd = file("f"); IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            int[] written = {Integer.MIN_VALUE};
            ring.write(fd, bytes(arena, "hello io_uring"), 100, (res, flags) -> written[0] = res);
            ring.await(1);
            assertEquals(14, written[0]);
            MemorySegment in = arena.allocate(64);
            int[] read = {Integer.MIN_VALUE};
            ring.read(fd, in, 100, (res, flags) -> read[0] = res);
            ring.await(1);
            assertEquals(14, read[0]); // short read: the file ends at 114
            assertEquals("hello io_uring", text(in, 14));
        }
    }

    @Test
    void shouldCancelRestOfChainWhenLinkedRequestFails() throws IOException {
        Path path = dir.resolve("ro");
        file("ro").close();
        try (Arena arena = Arena.ofConfined(); Fd readOnly = Fd.open(path, EnumSet.of(OpenFlag.READ), 0);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            int[] results = new int[3];
            ring.write(readOnly, bytes(arena, "x"), 0, (res, flags) -> results[0] = res);
            ring.link();
            ring.nop((res, flags) -> results[1] = res);
            ring.link();
            ring.nop((res, flags) -> results[2] = res);
            ring.await(3);
            assertEquals(-Errno.EBADF.value(), results[0]);
            assertEquals(ECANCELED, results[1]);
            assertEquals(ECANCELED, results[2]);
        }
    }

    @Test
    void shouldNotLinkUnrelatedRequestWhenTheRequestAfterLinkIsRefused() throws IOException {
        Path path = dir.resolve("ro");
        file("ro").close();
        Fd closed = file("closed");
        closed.close();
        try (Arena arena = Arena.ofConfined(); Fd readOnly = Fd.open(path, EnumSet.of(OpenFlag.READ), 0);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            int[] results = {Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE};
            ring.reserve(2);
            ring.write(readOnly, bytes(arena, "x"), 0, (res, flags) -> results[0] = res);
            ring.link();
            assertThrows(ClosedChannelException.class,
                    () -> ring.fsync(closed, false, (res, flags) -> results[1] = res));
            ring.nop((res, flags) -> results[2] = res); // another caller's request, queued next
            ring.await(2);
            assertEquals(-Errno.EBADF.value(), results[0]);
            assertEquals(Integer.MIN_VALUE, results[1], "the refused fsync never reached the kernel");
            assertEquals(0, results[2], "the nop must not be linked to the failed write");
        }
    }

    @Test
    void shouldKeepTheChainWhenLinkIsCalledAgainAfterARefusedRequest() throws IOException {
        Path path = dir.resolve("ro");
        file("ro").close();
        Fd closed = file("closed");
        closed.close();
        try (Arena arena = Arena.ofConfined(); Fd readOnly = Fd.open(path, EnumSet.of(OpenFlag.READ), 0);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            int[] results = {Integer.MIN_VALUE, Integer.MIN_VALUE};
            ring.reserve(2);
            ring.write(readOnly, bytes(arena, "x"), 0, (res, flags) -> results[0] = res);
            ring.link();
            assertThrows(ClosedChannelException.class,
                    () -> ring.fsync(closed, false, (res, flags) -> { }));
            ring.link(); // the retry below continues the chain
            ring.fsync(readOnly, false, (res, flags) -> results[1] = res);
            ring.await(2);
            assertEquals(-Errno.EBADF.value(), results[0]);
            assertEquals(ECANCELED, results[1], "the retried fsync is linked to the failed write");
        }
    }

    @Test
    void shouldFireTimeoutWhenDelayPasses() throws IOException {
        try (IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            int[] result = {Integer.MIN_VALUE};
            long start = System.nanoTime();
            ring.timeout(20_000_000L, (res, flags) -> result[0] = res);
            ring.await(1);
            assertEquals(ETIME, result[0]);
            assertTrue(System.nanoTime() - start >= 20_000_000L, "timeout completed early");
        }
    }

    @Test
    void shouldCancelLinkedReadWhenLinkTimeoutFires() throws IOException {
        try (Arena arena = Arena.ofConfined(); Pipes.Pipe pipe = Pipes.open(0);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            int[] results = {Integer.MIN_VALUE, Integer.MIN_VALUE};
            ring.read(pipe.readEnd(), arena.allocate(16), -1, (res, flags) -> results[0] = res);
            ring.linkTimeout(10_000_000L, (res, flags) -> results[1] = res);
            ring.await(2);
            assertEquals(ECANCELED, results[0]);
            assertEquals(ETIME, results[1]);
        }
    }

    @Test
    void shouldKeepLinkChainInOneSubmissionWhenReserved() throws IOException {
        try (Arena arena = Arena.ofConfined(); Pipes.Pipe pipe = Pipes.open(0);
                IoUring ring = IoUring.open(IoUring.Options.of(2))) {
            int[] done = {0};
            ring.nop((res, flags) -> done[0]++);
            ring.nop((res, flags) -> done[0]++); // the SQ is now full and nothing is submitted
            assertThrows(IllegalStateException.class, ring::link, "a chain must not straddle a full SQ");
            ring.reserve(2); // submits the two NOPs to make room for a 2-SQE chain
            assertEquals(0, ring.pending());
            int[] results = {Integer.MIN_VALUE, Integer.MIN_VALUE};
            ring.read(pipe.readEnd(), arena.allocate(8), -1, (res, flags) -> results[0] = res);
            ring.linkTimeout(5_000_000L, (res, flags) -> results[1] = res);
            ring.await(4);
            assertEquals(2, done[0]);
            assertEquals(ECANCELED, results[0], "the link timeout bounded the read: both were submitted together");
            assertEquals(ETIME, results[1]);
            assertThrows(IllegalArgumentException.class, () -> ring.reserve(3));
        }
    }

    @Test
    void shouldCancelReadWhenAsyncCancelTargetsIt() throws IOException {
        try (Arena arena = Arena.ofConfined(); Pipes.Pipe pipe = Pipes.open(0);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            int[] results = {Integer.MIN_VALUE, Integer.MIN_VALUE};
            long id = ring.read(pipe.readEnd(), arena.allocate(16), -1, (res, flags) -> results[0] = res);
            ring.submit();
            ring.cancel(id, (res, flags) -> results[1] = res);
            ring.await(2);
            assertEquals(ECANCELED, results[0]);
            assertEquals(0, results[1]);
        }
    }

    @Test
    void shouldNotCancelNewRequestWhenCancelNamesReusedSlot() throws IOException {
        try (Arena arena = Arena.ofConfined(); Pipes.Pipe pipe = Pipes.open(0);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            long old = ring.nop((res, flags) -> { });
            ring.await(1);
            int[] results = {Integer.MIN_VALUE, Integer.MIN_VALUE};
            MemorySegment buffer = arena.allocate(16);
            long fresh = ring.read(pipe.readEnd(), buffer, -1, (res, flags) -> results[0] = res);
            assertEquals((int) old, (int) fresh, "the slot is reused");
            assertTrue(old != fresh, "with a new generation");
            ring.submit();
            ring.cancel(old, (res, flags) -> results[1] = res);
            ring.await(1);
            assertEquals(-Errno.ENOENT.value(), results[1]);
            assertEquals(Integer.MIN_VALUE, results[0], "the new read must stay in flight");
            pipe.writeEnd().write(bytes(arena, "after"), 0, 5);
            ring.await(1);
            assertEquals(5, results[0]);
            assertEquals("after", text(buffer, 5));
        }
    }

    @Test
    void shouldKeepBufferReachableUntilCompletionWhenCallerDropsIt() throws IOException {
        try (Arena arena = Arena.ofConfined(); Pipes.Pipe pipe = Pipes.open(0);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            WeakReference<MemorySegment> weak = submitReadIntoAutoBuffer(ring, pipe.readEnd());
            for (int i = 0; i < 5; i++) {
                System.gc();
            }
            assertNotNull(weak.get(), "the ring must keep an in-flight buffer reachable");
            pipe.writeEnd().write(bytes(arena, "kept"), 0, 4);
            ring.await(1);
            assertEquals("kept", lastText[0]);
        }
    }

    private final String[] lastText = {null};

    private WeakReference<MemorySegment> submitReadIntoAutoBuffer(IoUring ring, Fd readEnd) throws IOException {
        MemorySegment buffer = Arena.ofAuto().allocate(16);
        WeakReference<MemorySegment> weak = new WeakReference<>(buffer);
        ring.read(readEnd, buffer, -1, (res, flags) -> lastText[0] = text(weak.get(), res));
        ring.submit();
        return weak;
    }

    @Test
    void shouldReadAndWriteRegisteredBuffersWhenFixed() throws IOException {
        try (Arena arena = Arena.ofConfined(); Fd fd = file("fixed");
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            MemorySegment out = arena.allocate(4096, 4096);
            MemorySegment in = arena.allocate(4096, 4096);
            for (int i = 0; i < 4096; i++) {
                out.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
            }
            ring.registerBuffers(out, in);
            int[] results = {Integer.MIN_VALUE, Integer.MIN_VALUE};
            ring.writeFixed(fd, 0, out, 0, (res, flags) -> results[0] = res);
            ring.link();
            ring.readFixed(fd, 1, in.asSlice(0, 1024), 1024, (res, flags) -> results[1] = res);
            ring.await(2);
            assertEquals(4096, results[0]);
            assertEquals(1024, results[1]);
            assertArrayEquals(out.asSlice(1024, 1024).toArray(ValueLayout.JAVA_BYTE),
                    in.asSlice(0, 1024).toArray(ValueLayout.JAVA_BYTE));
            ring.readFixed(fd, 0, in, 0, (res, flags) -> results[0] = res); // `in` is not in buffer 0
            ring.await(1);
            assertEquals(-Errno.EFAULT.value(), results[0]);
            ring.unregisterBuffers();
        }
    }

    @Test
    void shouldAddressFileByIndexWhenRegistered() throws IOException {
        try (Arena arena = Arena.ofConfined(); Fd a = file("a"); Fd b = file("b");
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            ring.registerFiles(a, b);
            int[] results = {Integer.MIN_VALUE, Integer.MIN_VALUE};
            ring.writeRegisteredFile(1, bytes(arena, "to-b"), 0, (res, flags) -> results[0] = res);
            ring.await(1);
            assertEquals(4, results[0]);
            MemorySegment in = arena.allocate(8);
            assertEquals(4, b.pread(in, 0, 8, 0));
            assertEquals("to-b", text(in, 4));
            assertEquals(0, a.pread(in, 0, 8, 0));
            ring.readRegisteredFile(1, in, 2, (res, flags) -> results[1] = res);
            ring.await(1);
            assertEquals(2, results[1]);
            assertEquals("-b", text(in, 2));
            ring.unregisterFiles();
        }
    }

    @Test
    void shouldFlushOverflowWhenCompletionQueueIsTiny() throws IOException {
        try (IoUring ring = IoUring.open(new IoUring.Options(4, 4, false, 0))) {
            assertEquals(4, ring.cqEntries());
            int[] completed = {0};
            for (int round = 0; round < 8; round++) {
                for (int i = 0; i < 4; i++) {
                    ring.nop((res, flags) -> completed[0]++);
                }
                ring.submit(); // no reaping: the 4-entry CQ overflows into the kernel's backlog
            }
            assertEquals(0, completed[0]);
            int reaped = ring.reap();
            assertEquals(32, completed[0]);
            assertEquals(32, reaped);
            assertTrue(ring.overflowFlushes() > 0, "expected IORING_SQ_CQ_OVERFLOW to be seen");
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void shouldSubmitAndRetryWhenSubmissionQueueIsFull() throws IOException {
        try (IoUring ring = IoUring.open(IoUring.Options.of(2))) {
            int[] completed = {0};
            for (int i = 0; i < 10; i++) {
                ring.nop((res, flags) -> completed[0]++); // claims submit the full SQ instead of overwriting it
            }
            ring.await(10);
            assertEquals(10, completed[0]);
        }
    }

    @Test
    void shouldRefuseOperationWhenKernelLacksIt() throws IOException {
        try (Arena arena = Arena.ofConfined(); Fd fd = file("f");
                IoUring ring = IoUring.open(IoUring.Options.of(2), Set.of(IoUringOps.OP_NOP))) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> ring.read(fd, arena.allocate(8), 0, (res, flags) -> { }));
            assertTrue(e.getMessage().contains("IORING_OP_READ") && e.getMessage().contains("Linux "),
                    e.getMessage());
            assertEquals(0, ring.inFlight());
            assertEquals(0, ring.pending(), "a refused request must not take an SQE");
        }
    }

    @Test
    void shouldRejectRequestWhenRingIsClosed() throws IOException {
        IoUring ring = IoUring.open(IoUring.Options.of(2));
        ring.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ring.nop((res, flags) -> { }));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        ring.close(); // idempotent
    }

    @Test
    void shouldRejectOtherThreadWhenNotOwner() throws Exception {
        try (IoUring ring = IoUring.open(IoUring.Options.of(2))) {
            Throwable[] thrown = {null};
            Thread t = new Thread(() -> {
                try {
                    ring.nop((res, flags) -> { });
                } catch (Throwable e) {
                    thrown[0] = e;
                }
            });
            t.start();
            t.join();
            assertTrue(thrown[0] instanceof WrongThreadException, String.valueOf(thrown[0]));
        }
    }

    @Test
    void shouldCancelAndWaitWhenClosedWithRequestsInFlight() throws IOException {
        try (Arena arena = Arena.ofConfined(); Pipes.Pipe pipe = Pipes.open(0)) {
            IoUring ring = IoUring.open(IoUring.Options.of(8));
            int[] results = {Integer.MIN_VALUE, Integer.MIN_VALUE};
            ring.read(pipe.readEnd(), arena.allocate(16), -1, (res, flags) -> results[0] = res);
            ring.timeout(60_000_000_000L, (res, flags) -> results[1] = res);
            ring.submit();
            ring.close();
            assertEquals(ECANCELED, results[0]);
            assertEquals(ECANCELED, results[1]);
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldNotReplayPreviousSqeWhenFallocateRefusesANullMode() throws IOException {
        try (Arena arena = Arena.ofConfined(); Fd fd = file("nullmode"); Pipes.Pipe pipe = Pipes.open(Pipes.NONBLOCK);
                IoUring ring = IoUring.open(IoUring.Options.of(1))) {
            int[] writes = {0};
            ring.write(pipe.writeEnd(), bytes(arena, "X"), -1, (res, flags) -> writes[0]++);
            ring.await(1);
            assertEquals(1, writes[0]);
            // The one SQE of this ring still holds the WRITE above: the refused request must not publish it again.
            assertFallocateRefused(ring, fd);
            assertEquals(0, ring.pending());
            assertEquals(0, ring.inFlight());
            ring.nop((res, flags) -> { });
            ring.await(1);
            assertEquals(1, pipe.readEnd().read(arena.allocate(16), 0, 16), "the WRITE ran once");
        }
    }

    /** Asks for a fallocate the ring refuses only once it has read its arguments: a mode set holding null. */
    private static void assertFallocateRefused(IoUring ring, Fd fd) {
        Set<Fd.FallocateMode> modes = new HashSet<>();
        modes.add(null);
        assertThrows(NullPointerException.class, () -> ring.fallocate(fd, modes, 0, 8, (res, flags) -> { }));
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldNotReadIntoFreedBufferAgainWhenALaterRequestIsRefused() throws IOException {
        try (Arena arena = Arena.ofConfined(); Fd fd = file("nullmode2"); Pipes.Pipe pipe = Pipes.open(Pipes.NONBLOCK);
                IoUring ring = IoUring.open(IoUring.Options.of(1))) {
            pipe.writeEnd().write(bytes(arena, "1"), 0, 1);
            Arena shortLived = Arena.ofConfined();
            ring.read(pipe.readEnd(), shortLived.allocate(64), -1, (res, flags) -> { });
            ring.await(1);
            shortLived.close(); // the read completed: its buffer may go
            assertFallocateRefused(ring, fd);
            assertEquals(0, ring.inFlight(), "no tracking slot may stay taken");
            pipe.writeEnd().write(bytes(arena, "12345678"), 0, 8);
            ring.nop((res, f) -> { });
            ring.await(1);
            assertEquals(8, pipe.readEnd().read(arena.allocate(16), 0, 16), "the old READ did not run again");
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldUnmapRingAndRunEveryCompletionWhenOneThrowsDuringClose() throws IOException {
        long before = ioUringFds();
        IoUring ring = IoUring.open(IoUring.Options.of(4));
        int[] results = {Integer.MIN_VALUE, Integer.MIN_VALUE};
        IllegalStateException boom = new IllegalStateException("from a completion");
        ring.timeout(60_000_000_000L, (res, flags) -> {
            results[0] = res;
            throw boom;
        });
        ring.timeout(60_000_000_000L, (res, flags) -> results[1] = res);
        ring.submit();
        assertEquals(before + 1, ioUringFds());
        IllegalStateException thrown = assertThrows(IllegalStateException.class, ring::close);
        assertSame(boom, thrown, "close() rethrows what the completion threw, after cleaning up");
        assertEquals(ECANCELED, results[0]);
        assertEquals(ECANCELED, results[1], "the other completion ran too");
        assertEquals(0, ring.inFlight());
        assertEquals(before, ioUringFds(), "the ring fd was closed");
        ring.close(); // idempotent
    }

    private static long ioUringFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().contains("io_uring");
                } catch (IOException e) {
                    return false; // closed since the listing
                }
            }).count();
        }
    }

    @Test
    void shouldRejectHeapBufferWhenSubmitting() throws IOException {
        try (Fd fd = file("f"); IoUring ring = IoUring.open(IoUring.Options.of(2))) {
            assertThrows(IllegalArgumentException.class,
                    () -> ring.read(fd, MemorySegment.ofArray(new byte[8]), 0, (res, flags) -> { }));
            assertEquals(0, ring.pending());
        }
    }

    @Test
    void shouldRejectReadOnlyDestinationWhenSubmitting() throws IOException {
        try (Arena arena = Arena.ofConfined(); Fd fd = file("ro"); IoUring ring = IoUring.open(IoUring.Options.of(4))) {
            MemorySegment readOnly = arena.allocate(8).asReadOnly();
            IoUring.Completion ignore = (res, flags) -> { };
            assertThrows(IllegalArgumentException.class, () -> ring.read(fd, readOnly, 0, ignore));
            assertThrows(IllegalArgumentException.class, () -> ring.readFixed(fd, 0, readOnly, 0, ignore));
            assertThrows(IllegalArgumentException.class,
                    () -> ring.readv(fd, new MemorySegment[] {arena.allocate(8), readOnly}, 0, ignore));
            assertThrows(IllegalArgumentException.class, () -> ring.recv(fd, readOnly, ignore));
            assertEquals(0, ring.pending(), "nothing was queued");
            ring.write(fd, readOnly, 0, ignore); // a read-only source is fine
            assertEquals(1, ring.pending());
        }
    }

    @Test
    void shouldCompleteWhenSqPollThreadSubmits() throws IOException {
        IoUring ring;
        try {
            ring = IoUring.open(new IoUring.Options(8, 0, true, 50));
        } catch (dev.panamax.ffm.ErrnoException e) {
            assumeTrue(false, "IORING_SETUP_SQPOLL refused by this kernel: " + e.getMessage());
            return;
        }
        try (ring) {
            assertTrue((ring.setupFlags() & IoUringOps.SETUP_SQPOLL) != 0);
            int[] completed = {0};
            for (int i = 0; i < 20; i++) {
                ring.nop((res, flags) -> completed[0]++);
            }
            ring.await(20);
            assertEquals(20, completed[0]);
        }
    }

    @Test
    void shouldEchoOverLoopbackWhenAcceptIsMultishot() throws Exception {
        int clients = 3;
        try (Arena arena = Arena.ofShared();
                Fd listener = Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16, false);
                IoUring ring = IoUring.open(IoUring.Options.of(16))) {
            assumeTrue(ring.supports(IoUringOps.OP_ACCEPT) && ring.supports(IoUringOps.OP_RECV),
                    "kernel without IORING_OP_ACCEPT/RECV");
            int port = Tcp.localPort(listener);
            List<Fd> accepted = new ArrayList<>();
            int[] more = {0};
            int[] closedConnections = {0};
            ring.accept(listener, true, (res, flags) -> {
                if ((flags & IoUringOps.CQE_F_MORE) != 0) {
                    more[0]++;
                }
                if (res < 0) {
                    return;
                }
                Fd connection = Fd.adopt(res);
                accepted.add(connection);
                MemorySegment buffer = arena.allocate(256);
                new Echo(ring, connection, buffer, closedConnections).receive();
            });
            ring.submit();
            List<java.util.concurrent.CompletableFuture<String>> replies = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String message = "message from client " + i + " ".repeat(i * 40) + "end";
                replies.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                        byte[] out = message.getBytes(StandardCharsets.US_ASCII);
                        s.getOutputStream().write(out);
                        byte[] in = s.getInputStream().readNBytes(out.length);
                        return new String(in, StandardCharsets.US_ASCII);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, Thread::startVirtualThread));
            }
            long deadline = System.nanoTime() + 8_000_000_000L;
            while (closedConnections[0] < clients && System.nanoTime() - deadline < 0) {
                ring.timeout(50_000_000L, (res, flags) -> { }); // bound each wait: no hang when a client fails
                ring.await(1);
            }
            for (int i = 0; i < clients; i++) {
                assertEquals("message from client " + i + " ".repeat(i * 40) + "end", replies.get(i).join());
            }
            assertEquals(clients, closedConnections[0], "each connection sees end of stream after its echo");
            assertEquals(clients, accepted.size());
            assertTrue(more[0] >= clients, "a multishot accept stays armed (IORING_CQE_F_MORE)");
        }
    }

    /** recv, then send back exactly what came, until end of stream; all on the ring. */
    private record Echo(IoUring ring, Fd fd, MemorySegment buffer, int[] closed) {
        void receive() {
            try {
                ring.recv(fd, buffer, (res, flags) -> {
                    if (res > 0) {
                        send(buffer.asSlice(0, res));
                    } else {
                        closed[0]++;
                        try {
                            fd.close();
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void send(MemorySegment data) {
            try {
                ring.send(fd, data, (res, flags) -> {
                    if (res < 0) {
                        throw new IllegalStateException("send failed: " + res);
                    }
                    if (res < data.byteSize()) {
                        send(data.asSlice(res));
                    } else {
                        receive();
                    }
                });
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
