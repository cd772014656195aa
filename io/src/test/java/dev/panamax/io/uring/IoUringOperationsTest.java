/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.uring;

import dev.panamax.ffm.Epoll;
import dev.panamax.ffm.Errno;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.IoUringOps;
import dev.panamax.ffm.IoUringSyscalls;
import dev.panamax.ffm.OpenFlag;
import dev.panamax.ffm.Pipes;
import dev.panamax.ffm.Sockets;
import dev.panamax.ffm.Statx;
import dev.panamax.ffm.ZeroCopy;
import dev.panamax.io.net.Tcp;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The io_uring operations beyond read/write/fsync/timeouts/accept/recv/send, on real files and loopback sockets. */
class IoUringOperationsTest {

    private static final int ECANCELED = -Errno.ECANCELED.value();
    private static final int UNSET = Integer.MIN_VALUE;
    private static final long WAIT_NS = 10_000_000_000L;

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

    private static String text(MemorySegment s, long length) {
        return new String(s.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }

    private static void requireOp(IoUring ring, int opcode) {
        // Only on kernels older than the op; the CI kernel has them all and check-skips.py flags a skip here.
        assumeTrue(ring.supports(opcode), IoUringOps.opcodeName(opcode) + " is not supported by this kernel");
    }

    /**
     * Reaps until {@code done} holds, bounding each wait by a timer so that a lost completion fails the test
     * instead of hanging it; the timer is cancelled and reaped, so it leaves nothing in flight.
     */
    private static void awaitUntil(IoUring ring, java.util.function.BooleanSupplier done) throws IOException {
        long deadline = System.nanoTime() + WAIT_NS;
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "completion did not arrive in 10 s");
            boolean[] timer = {false, false}; // fired, cancel completed
            long id = ring.timeout(50_000_000L, (res, flags) -> timer[0] = true);
            while (!timer[0] && !done.getAsBoolean()) {
                ring.await(1);
            }
            if (!timer[0]) {
                ring.cancel(id, (res, flags) -> timer[1] = true);
                while (!timer[0] || !timer[1]) {
                    ring.await(1);
                }
            }
        }
    }

    /** A loopback TCP connection: {@code client} is blocking, {@code server} the accepted end (blocking). */
    private record Connection(Fd client, Fd server) implements AutoCloseable {
        static Connection open(int clientReceiveBuffer) throws IOException {
            try (Fd listener = Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false)) {
                Fd client = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, 0);
                if (clientReceiveBuffer > 0) {
                    Sockets.setOption(client, Sockets.IntOption.RECEIVE_BUFFER, clientReceiveBuffer);
                }
                Sockets.connect(client, Sockets.localAddress(listener));
                Fd server = null;
                long deadline = System.nanoTime() + WAIT_NS;
                while (server == null && System.nanoTime() - deadline < 0) {
                    server = Tcp.accept(listener); // the listener is non-blocking; the connect already completed
                }
                assertNotNull(server, "loopback accept");
                return new Connection(client, server);
            }
        }

        @Override
        public void close() throws IOException {
            try (client; server) {
                // closes both
            }
        }
    }

    @Test
    void shouldGatherAndScatterWhenVectored() throws IOException {
        try (Arena arena = Arena.ofConfined(); Fd fd = file("v"); IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            requireOp(ring, IoUringOps.OP_WRITEV);
            requireOp(ring, IoUringOps.OP_READV);
            int[] results = {UNSET, UNSET};
            MemorySegment[] out = {bytes(arena, "alpha-"), bytes(arena, "beta-"), bytes(arena, "gamma")};
            ring.writev(fd, out, 10, (res, flags) -> results[0] = res);
            ring.link();
            MemorySegment a = arena.allocate(8);
            MemorySegment b = arena.allocate(32);
            ring.readv(fd, new MemorySegment[] {a, b}, 10, (res, flags) -> results[1] = res);
            ring.await(2);
            assertEquals(16, results[0]);
            assertEquals(16, results[1], "a short read: the file ends at 26");
            assertEquals("alpha-be", text(a, 8));
            assertEquals("ta-gamma", text(b, 8));
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void shouldRejectBadVectorsBeforeTakingAnSqe() throws IOException {
        try (Fd fd = file("v"); IoUring ring = IoUring.open(IoUring.Options.of(4))) {
            Arena closed = Arena.ofConfined();
            MemorySegment dead = closed.allocate(8);
            closed.close();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment ok = arena.allocate(8);
                IoUring.Completion ignore = (res, flags) -> { };
                assertThrows(IllegalArgumentException.class, () -> ring.readv(fd, new MemorySegment[0], 0, ignore));
                assertThrows(NullPointerException.class, () -> ring.readv(fd, null, 0, ignore));
                assertThrows(NullPointerException.class,
                        () -> ring.readv(fd, new MemorySegment[] {ok, null}, 0, ignore));
                assertThrows(IllegalArgumentException.class,
                        () -> ring.writev(fd, new MemorySegment[] {MemorySegment.ofArray(new byte[4])}, 0, ignore));
                assertThrows(IllegalStateException.class,
                        () -> ring.writev(fd, new MemorySegment[] {dead}, 0, ignore));
                assertThrows(IllegalArgumentException.class,
                        () -> ring.readv(fd, new MemorySegment[IoUringOps.MAX_IOVECS + 1], 0, ignore));
                assertThrows(IllegalArgumentException.class,
                        () -> ring.readv(fd, new MemorySegment[] {ok}, -2, ignore));
                assertThrows(NullPointerException.class, () -> ring.readv(fd, new MemorySegment[] {ok}, 0, null));
                assertThrows(NullPointerException.class, () -> ring.readv(null, new MemorySegment[] {ok}, 0, ignore));
                assertEquals(0, ring.pending(), "a refused request must not take an SQE");
                assertEquals(0, ring.inFlight());
            }
        }
    }

    @Test
    void shouldKeepVectorBuffersReachableUntilCompletionWhenCallerDropsThem() throws IOException {
        try (Arena arena = Arena.ofConfined(); Pipes.Pipe pipe = Pipes.open(0);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            String[] seen = {null};
            WeakReference<MemorySegment> weak = readvIntoAutoBuffers(ring, pipe.readEnd(), seen);
            for (int i = 0; i < 5; i++) {
                System.gc();
            }
            assertNotNull(weak.get(), "the ring must keep the buffers of an in-flight readv reachable");
            pipe.writeEnd().write(bytes(arena, "abcdef"), 0, 6);
            ring.await(1);
            assertEquals("abcdef", seen[0]);
        }
    }

    private static WeakReference<MemorySegment> readvIntoAutoBuffers(IoUring ring, Fd readEnd, String[] seen)
            throws IOException {
        MemorySegment first = Arena.ofAuto().allocate(3);
        MemorySegment second = Arena.ofAuto().allocate(3);
        WeakReference<MemorySegment> a = new WeakReference<>(first);
        WeakReference<MemorySegment> b = new WeakReference<>(second);
        ring.readv(readEnd, new MemorySegment[] {first, second}, -1,
                (res, flags) -> seen[0] = text(a.get(), 3) + text(b.get(), res - 3));
        ring.submit();
        return b;
    }

    @Test
    void shouldAllocateBlocksWhenFallocate() throws IOException {
        try (Fd fd = file("alloc"); IoUring ring = IoUring.open(IoUring.Options.of(4))) {
            requireOp(ring, IoUringOps.OP_FALLOCATE);
            int[] results = {UNSET, UNSET};
            ring.fallocate(fd, Set.of(), 0, 1 << 20, (res, flags) -> results[0] = res);
            ring.await(1);
            assertEquals(0, results[0]);
            Statx grown = fd.statx();
            assertEquals(1 << 20, grown.size());
            assertTrue(grown.blocks() * 512 >= 1 << 20, "blocks allocated: " + grown.blocks());
            ring.fallocate(fd, Set.of(Fd.FallocateMode.KEEP_SIZE), 1 << 20, 1 << 20, (res, flags) -> results[1] = res);
            ring.await(1);
            assertEquals(0, results[1]);
            Statx kept = fd.statx();
            assertEquals(1 << 20, kept.size(), "KEEP_SIZE leaves the size alone");
            assertTrue(kept.blocks() * 512 >= 2 << 20, "blocks past the end allocated: " + kept.blocks());
            assertThrows(IllegalArgumentException.class,
                    () -> ring.fallocate(fd, Set.of(), 0, 0, (res, flags) -> { }));
            assertEquals(0, ring.pending());
        }
    }

    @Test
    void shouldFailFallocateWhenFileIsReadOnly() throws IOException {
        file("ro").close();
        try (Fd readOnly = Fd.open(dir.resolve("ro"), EnumSet.of(OpenFlag.READ), 0);
                IoUring ring = IoUring.open(IoUring.Options.of(4))) {
            int[] result = {UNSET};
            ring.fallocate(readOnly, Set.of(), 0, 4096, (res, flags) -> result[0] = res);
            ring.await(1);
            assertEquals(-Errno.EBADF.value(), result[0]);
        }
    }

    @Test
    void shouldOpenWriteSyncAndCloseWhenChained() throws IOException {
        Path path = dir.resolve("opened");
        try (Arena arena = Arena.ofConfined(); IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            requireOp(ring, IoUringOps.OP_OPENAT);
            requireOp(ring, IoUringOps.OP_CLOSE);
            int[] opened = {UNSET};
            ring.openAt(path, EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE, OpenFlag.EXCLUSIVE), 0600,
                    (res, flags) -> opened[0] = res);
            ring.await(1);
            assertTrue(opened[0] >= 0, "openat result " + opened[0]);
            Fd fd = Fd.adopt(opened[0]);
            int[] results = {UNSET, UNSET, UNSET};
            ring.reserve(3);
            ring.write(fd, bytes(arena, "durable"), 0, (res, flags) -> results[0] = res);
            ring.link();
            ring.fsync(fd, true, (res, flags) -> results[1] = res);
            ring.link();
            ring.close(fd, (res, flags) -> results[2] = res);
            assertTrue(fd.isClosed(), "the ring owns the number once the close is queued");
            assertThrows(ClosedChannelException.class, fd::intValue);
            ring.await(3);
            assertEquals(7, results[0]);
            assertEquals(0, results[1]);
            assertEquals(0, results[2]);
            assertEquals("durable", Files.readString(path));
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(path));
            fd.close(); // a no-op: released
            assertThrows(ClosedChannelException.class, () -> ring.close(fd, (res, flags) -> { }));
            assertEquals(0, ring.pending());
        }
    }

    @Test
    void shouldOpenRelativeToDirectoryWhenGivenDirectoryFd() throws IOException {
        Files.writeString(dir.resolve("inside"), "relative");
        try (Arena arena = Arena.ofConfined(); Fd directory = Fd.open(dir, Set.of(OpenFlag.DIRECTORY), 0);
                IoUring ring = IoUring.open(IoUring.Options.of(4))) {
            int[] opened = {UNSET};
            ring.openAt(directory, "inside", Set.of(OpenFlag.READ), 0, (res, flags) -> opened[0] = res);
            ring.await(1);
            try (Fd fd = Fd.adopt(opened[0])) {
                MemorySegment in = arena.allocate(16);
                assertEquals(8, fd.pread(in, 0, 16, 0));
                assertEquals("relative", text(in, 8));
            }
            assertThrows(IllegalArgumentException.class,
                    () -> ring.openAt(directory, "a\0b", Set.of(OpenFlag.READ), 0, (res, flags) -> { }));
            assertEquals(0, ring.pending());
        }
    }

    @Test
    void shouldCancelLinkedReadWhenOpenatFails() throws IOException {
        Files.writeString(dir.resolve("present"), "untouched?");
        try (Arena arena = Arena.ofConfined(); Fd present = Fd.open(dir.resolve("present"), Set.of(OpenFlag.READ), 0);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            int[] results = {UNSET, UNSET};
            MemorySegment buffer = arena.allocate(16);
            buffer.fill((byte) '#');
            ring.openAt(dir.resolve("missing"), Set.of(OpenFlag.READ), 0, (res, flags) -> results[0] = res);
            ring.link();
            ring.read(present, buffer, 0, (res, flags) -> results[1] = res);
            ring.await(2);
            assertEquals(-Errno.ENOENT.value(), results[0]);
            assertEquals(ECANCELED, results[1], "a failed OPENAT breaks the chain: the READ never runs");
            assertEquals("################", text(buffer, 16));
        }
    }

    @Test
    void shouldDescribeFileWhenStatx() throws IOException {
        Path path = dir.resolve("stat");
        Files.writeString(path, "x".repeat(123));
        try (Arena arena = Arena.ofConfined(); Fd fd = Fd.open(path, Set.of(OpenFlag.READ), 0);
                IoUring ring = IoUring.open(IoUring.Options.of(4))) {
            requireOp(ring, IoUringOps.OP_STATX);
            MemorySegment byPath = arena.allocate(IoUringOps.STATX_BYTES, Long.BYTES);
            MemorySegment byFd = arena.allocate(IoUringOps.STATX_BYTES, Long.BYTES);
            MemorySegment missing = arena.allocate(IoUringOps.STATX_BYTES, Long.BYTES);
            int[] results = {UNSET, UNSET, UNSET};
            ring.statx(path, byPath, (res, flags) -> results[0] = res);
            ring.statx(fd, byFd, (res, flags) -> results[1] = res);
            ring.statx(dir.resolve("nope"), missing, (res, flags) -> results[2] = res);
            ring.await(3);
            assertEquals(0, results[0]);
            assertEquals(0, results[1]);
            assertEquals(-Errno.ENOENT.value(), results[2]);
            Statx expected = Fd.statx(path);
            for (Statx s : List.of(IoUring.statxResult(byPath), IoUring.statxResult(byFd))) {
                assertEquals(123, s.size());
                assertTrue(s.isRegularFile());
                assertEquals(expected.inode(), s.inode());
            }
            assertThrows(IllegalArgumentException.class,
                    () -> ring.statx(path, arena.allocate(IoUringOps.STATX_BYTES - 8, 8), (res, flags) -> { }));
            assertThrows(IllegalArgumentException.class,
                    () -> ring.statx(path, arena.allocate(IoUringOps.STATX_BYTES + 8, 8).asSlice(4),
                            (res, flags) -> { }));
            assertEquals(0, ring.pending());
        }
    }

    @Test
    void shouldConnectWhenPeerListens() throws IOException {
        try (Arena arena = Arena.ofConfined();
                Fd listener = Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false);
                Fd client = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, Sockets.NONBLOCK);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            requireOp(ring, IoUringOps.OP_CONNECT);
            int[] results = {UNSET, UNSET};
            ring.connect(client, Sockets.localAddress(listener), (res, flags) -> results[0] = res);
            ring.link();
            ring.send(client, bytes(arena, "hello"), (res, flags) -> results[1] = res);
            ring.await(2);
            assertEquals(0, results[0]);
            assertEquals(5, results[1]);
            try (Fd server = Sockets.accept(listener, 0)) {
                MemorySegment in = arena.allocate(8);
                assertEquals(5, Sockets.receive(server, in, 0));
                assertEquals("hello", text(in, 5));
            }
        }
    }

    @Test
    void shouldFailConnectWhenNobodyListens() throws IOException {
        InetSocketAddress vacant;
        try (Fd probe = Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, false)) {
            vacant = (InetSocketAddress) Sockets.localAddress(probe);
        }
        try (Fd client = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, 0);
                IoUring ring = IoUring.open(IoUring.Options.of(4))) {
            int[] result = {UNSET};
            ring.connect(client, vacant, (res, flags) -> result[0] = res);
            ring.await(1);
            assertEquals(-Errno.ECONNREFUSED.value(), result[0]);
            assertThrows(IllegalArgumentException.class, () -> ring.connect(client,
                    InetSocketAddress.createUnresolved("example.invalid", 80), (res, flags) -> { }));
            assertEquals(0, ring.pending());
        }
    }

    @Test
    void shouldHoldBufferUntilNotificationWhenSendZeroCopy() throws IOException {
        // A tiny receive window keeps most of the send queued in the sender, so the kernel still references the
        // buffer after the result CQE: the notification comes only once the receiver has drained everything.
        try (Arena arena = Arena.ofConfined(); Connection c = Connection.open(4096);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            requireOp(ring, IoUringOps.OP_SEND_ZC);
            int size = 4 << 20;
            List<int[]> cqes = new ArrayList<>();
            WeakReference<MemorySegment> weak = sendZeroCopyFromAutoBuffer(ring, c.server(), size, cqes);
            awaitUntil(ring, () -> !cqes.isEmpty());
            int sent = cqes.get(0)[0];
            assertTrue(sent > 0 && sent <= size, "bytes sent: " + sent);
            assertTrue((cqes.get(0)[1] & IoUringOps.CQE_F_MORE) != 0, "the result announces a notification");
            assertEquals(1, cqes.size(), "no notification while the bytes wait for the receiver");
            assertEquals(1, ring.inFlight(), "the request stays in flight until its notification");
            for (int i = 0; i < 5; i++) {
                System.gc();
            }
            assertNotNull(weak.get(), "the ring must keep a zero-copy buffer reachable until the notification");
            MemorySegment in = arena.allocate(64 * 1024);
            long received = 0;
            while (received < sent) {
                long n = Sockets.receive(c.client(), in, 0);
                assertTrue(n > 0, "receive: " + n);
                for (long i = 0; i < n; i++) {
                    assertEquals((byte) ((received + i) * 31), in.get(ValueLayout.JAVA_BYTE, i));
                }
                received += n;
            }
            assertEquals(sent, received);
            awaitUntil(ring, () -> cqes.size() == 2);
            assertEquals(0, cqes.get(1)[0]);
            assertTrue((cqes.get(1)[1] & IoUringOps.CQE_F_NOTIF) != 0, "the second CQE is the notification");
            assertEquals(0, ring.inFlight());
        }
    }

    private static WeakReference<MemorySegment> sendZeroCopyFromAutoBuffer(IoUring ring, Fd socket, int size,
            List<int[]> cqes) throws IOException {
        MemorySegment buffer = Arena.ofAuto().allocate(size, 4096);
        for (int i = 0; i < size; i++) {
            buffer.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31));
        }
        ring.sendZeroCopy(socket, buffer, (res, flags) -> cqes.add(new int[] {res, flags}));
        ring.submit();
        return new WeakReference<>(buffer);
    }

    @Test
    void shouldSpliceFileThroughPipeIntoFileWhenLinked() throws IOException {
        Path source = dir.resolve("source");
        Files.writeString(source, "0123456789");
        try (Fd in = Fd.open(source, Set.of(OpenFlag.READ), 0); Fd out = file("target");
                Pipes.Pipe pipe = Pipes.open(0);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            requireOp(ring, IoUringOps.OP_SPLICE);
            int[] results = {UNSET, UNSET};
            ring.splice(in, 2, pipe.writeEnd(), -1, 5, 0, (res, flags) -> results[0] = res);
            ring.link();
            ring.splice(pipe.readEnd(), -1, out, 100, 5, ZeroCopy.MOVE, (res, flags) -> results[1] = res);
            ring.await(2);
            assertEquals(5, results[0]);
            assertEquals(5, results[1]);
            assertEquals("\0".repeat(100) + "23456", Files.readString(dir.resolve("target")));
        }
    }

    @Test
    void shouldFailSpliceWhenNeitherSideIsAPipe() throws IOException {
        Files.writeString(dir.resolve("a"), "abc");
        try (Fd a = Fd.open(dir.resolve("a"), Set.of(OpenFlag.READ), 0); Fd b = file("b");
                IoUring ring = IoUring.open(IoUring.Options.of(4))) {
            int[] result = {UNSET};
            ring.splice(a, 0, b, 0, 3, 0, (res, flags) -> result[0] = res);
            ring.await(1);
            assertEquals(-Errno.EINVAL.value(), result[0]);
            assertThrows(IllegalArgumentException.class, () -> ring.splice(a, 0, b, 0, 0, 0, (res, flags) -> { }));
            assertThrows(IllegalArgumentException.class, () -> ring.splice(a, -2, b, 0, 1, 0, (res, flags) -> { }));
            assertThrows(IllegalArgumentException.class,
                    () -> ring.splice(a, 0, b, 0, 1, 0x40, (res, flags) -> { }));
            assertEquals(0, ring.pending());
        }
    }

    @Test
    void shouldReportReadinessWhenPollAdd() throws IOException {
        try (Arena arena = Arena.ofConfined(); Pipes.Pipe pipe = Pipes.open(0);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            int[] result = {UNSET};
            ring.pollAdd(pipe.readEnd(), Epoll.IN, false, (res, flags) -> result[0] = res);
            ring.submit();
            ring.reap();
            assertEquals(UNSET, result[0], "an empty pipe is not readable");
            pipe.writeEnd().write(bytes(arena, "x"), 0, 1);
            awaitUntil(ring, () -> result[0] != UNSET);
            assertTrue((result[0] & Epoll.IN) != 0, "ready events: 0x" + Integer.toHexString(result[0]));
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void shouldStayArmedUntilCancelledWhenPollIsMultishot() throws IOException {
        try (Arena arena = Arena.ofConfined(); Pipes.Pipe pipe = Pipes.open(0);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            List<int[]> cqes = new ArrayList<>();
            long id = ring.pollAdd(pipe.readEnd(), Epoll.IN, true, (res, flags) -> cqes.add(new int[] {res, flags}));
            ring.submit();
            MemorySegment one = bytes(arena, "y");
            MemorySegment sink = arena.allocate(8);
            for (int i = 1; i <= 2; i++) {
                pipe.writeEnd().write(one, 0, 1);
                int expected = i;
                awaitUntil(ring, () -> cqes.size() >= expected);
                assertTrue((cqes.get(i - 1)[0] & Epoll.IN) != 0);
                assertTrue((cqes.get(i - 1)[1] & IoUringOps.CQE_F_MORE) != 0, "still armed");
                assertEquals(1, pipe.readEnd().read(sink, 0, 8));
            }
            int[] cancel = {UNSET};
            ring.cancel(id, (res, flags) -> cancel[0] = res);
            awaitUntil(ring, () -> ring.inFlight() == 0);
            assertEquals(0, cancel[0]);
            int[] last = cqes.get(cqes.size() - 1);
            assertEquals(ECANCELED, last[0]);
            assertEquals(0, last[1] & IoUringOps.CQE_F_MORE);
        }
    }

    @Test
    void shouldRecycleProvidedBuffersWhenMoreMessagesThanBuffers() throws IOException {
        try (Arena arena = Arena.ofConfined(); Connection c = Connection.open(0);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            BufferRing group = ring.registerBufferRing(7, 4, 64);
            assertEquals(7, group.groupId());
            Set<Integer> ids = new TreeSet<>();
            for (int i = 0; i < 10; i++) {
                String message = "message " + i;
                int[] cqe = {UNSET, 0};
                ring.recv(c.server(), group, false, (res, flags) -> {
                    cqe[0] = res;
                    cqe[1] = flags;
                });
                ring.submit();
                assertEquals(message.length(), Sockets.send(c.client(), bytes(arena, message), 0));
                awaitUntil(ring, () -> cqe[0] != UNSET);
                assertEquals(message.length(), cqe[0]);
                int id = IoUringOps.cqeBufferId(cqe[1]);
                assertTrue(id >= 0 && id < 4, "buffer id " + id);
                assertEquals(message, text(group.received(cqe[0], cqe[1]), cqe[0]));
                assertEquals(1, group.lentCount());
                group.recycle(id);
                assertEquals(0, group.lentCount());
                assertThrows(IllegalStateException.class, () -> group.recycle(id), "recycled twice");
                ids.add(id);
            }
            assertEquals(Set.of(0, 1, 2, 3), ids, "ten messages through four recycled buffers");
        }
    }

    @Test
    void shouldFailWithNoBuffersWhenAllAreLentOut() throws IOException {
        try (Arena arena = Arena.ofConfined(); Connection c = Connection.open(0);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            BufferRing group = ring.registerBufferRing(1, 2, 16);
            List<int[]> cqes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                assertEquals(2, Sockets.send(c.client(), bytes(arena, "m" + i), 0));
                ring.recv(c.server(), group, false, (res, flags) -> cqes.add(new int[] {res, flags}));
                int expected = i + 1;
                awaitUntil(ring, () -> cqes.size() == expected);
            }
            assertEquals(2, cqes.get(0)[0]);
            assertEquals(2, cqes.get(1)[0]);
            assertEquals(2, group.lentCount());
            assertEquals(-Errno.ENOBUFS.value(), cqes.get(2)[0], "no buffer left: not recycled");
            assertEquals(-1, IoUringOps.cqeBufferId(cqes.get(2)[1]));
            assertThrows(IllegalArgumentException.class, () -> group.received(cqes.get(2)[0], cqes.get(2)[1]));
            group.recycle(IoUringOps.cqeBufferId(cqes.get(0)[1]));
            int[] again = {UNSET, 0};
            ring.recv(c.server(), group, false, (res, flags) -> {
                again[0] = res;
                again[1] = flags;
            });
            awaitUntil(ring, () -> again[0] != UNSET);
            assertEquals("m2", text(group.received(again[0], again[1]), 2), "the recycled buffer is used again");
        }
    }

    @Test
    void shouldDeliverEachChunkWhenRecvIsMultishotWithProvidedBuffers() throws IOException {
        try (Arena arena = Arena.ofConfined(); Connection c = Connection.open(0);
                IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            BufferRing group = ring.registerBufferRing(3, 2, 32);
            List<String> received = new ArrayList<>();
            int[] last = {UNSET, 0};
            long id = ring.recv(c.server(), group, true, (res, flags) -> {
                if (res > 0) {
                    received.add(text(group.received(res, flags), res));
                    group.recycle(IoUringOps.cqeBufferId(flags));
                }
                last[0] = res;
                last[1] = flags;
            });
            ring.submit();
            for (int i = 0; i < 5; i++) {
                Sockets.send(c.client(), bytes(arena, "chunk" + i), 0);
                int expected = i + 1;
                awaitUntil(ring, () -> received.size() == expected);
                assertTrue((last[1] & IoUringOps.CQE_F_MORE) != 0, "multishot stays armed");
            }
            assertEquals(List.of("chunk0", "chunk1", "chunk2", "chunk3", "chunk4"), received);
            assertThrows(IllegalStateException.class, group::close, "a request on the group is in flight");
            ring.cancel(id, (res, flags) -> { });
            awaitUntil(ring, () -> ring.inFlight() == 0);
            assertEquals(ECANCELED, last[0]);
            group.close();
            group.close(); // idempotent
            assertThrows(IllegalStateException.class, () -> ring.recv(c.server(), group, false, (res, flags) -> { }));
            assertEquals(0, ring.pending());
        }
    }

    @Test
    void shouldRejectBadBufferRingArguments() throws IOException {
        try (IoUring ring = IoUring.open(IoUring.Options.of(4)); IoUring other = IoUring.open(IoUring.Options.of(4));
                Connection c = Connection.open(0)) {
            assertThrows(IllegalArgumentException.class, () -> ring.registerBufferRing(0, 3, 64));
            assertThrows(IllegalArgumentException.class, () -> ring.registerBufferRing(0, 4, 0));
            assertThrows(IllegalArgumentException.class, () -> ring.registerBufferRing(65536, 4, 64));
            BufferRing group = ring.registerBufferRing(0, 4, 64);
            assertThrows(dev.panamax.ffm.ErrnoException.class, () -> ring.registerBufferRing(0, 4, 64),
                    "EEXIST: the group id is taken");
            assertThrows(IllegalStateException.class, () -> group.recycle(2), "never lent out");
            assertThrows(IllegalArgumentException.class, () -> group.recycle(4));
            assertThrows(IllegalArgumentException.class, () -> group.buffer(-1));
            assertThrows(IllegalArgumentException.class,
                    () -> other.recv(c.server(), group, false, (res, flags) -> { }));
            assertEquals(0, other.pending());
        }
    }

    @Test
    void shouldRefuseEachNewOperationWhenKernelLacksIt() throws IOException {
        try (Arena arena = Arena.ofConfined(); Fd fd = file("f"); Pipes.Pipe pipe = Pipes.open(0);
                IoUring ring = IoUring.open(IoUring.Options.of(4), Set.of(IoUringOps.OP_NOP))) {
            MemorySegment buffer = arena.allocate(8);
            MemorySegment statx = arena.allocate(IoUringOps.STATX_BYTES, 8);
            IoUring.Completion ignore = (res, flags) -> { };
            List<org.junit.jupiter.api.function.Executable> calls = List.of(
                    () -> ring.readv(fd, new MemorySegment[] {buffer}, 0, ignore),
                    () -> ring.writev(fd, new MemorySegment[] {buffer}, 0, ignore),
                    () -> ring.fallocate(fd, Set.of(), 0, 8, ignore),
                    () -> ring.openAt(dir.resolve("x"), Set.of(OpenFlag.READ), 0, ignore),
                    () -> ring.close(fd, ignore),
                    () -> ring.statx(fd, statx, ignore),
                    () -> ring.connect(fd, new InetSocketAddress(InetAddress.getLoopbackAddress(), 1), ignore),
                    () -> ring.sendZeroCopy(fd, buffer, ignore),
                    () -> ring.splice(pipe.readEnd(), -1, fd, 0, 8, 0, ignore),
                    () -> ring.pollAdd(fd, Epoll.IN, false, ignore));
            String[] names = {"READV", "WRITEV", "FALLOCATE", "OPENAT", "CLOSE", "STATX", "CONNECT", "SEND_ZC",
                "SPLICE", "POLL_ADD"};
            for (int i = 0; i < calls.size(); i++) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, calls.get(i));
                String message = e.getMessage();
                assertTrue(message.contains("IORING_OP_" + names[i] + " ") && message.contains("Linux "), message);
            }
            assertFalse(fd.isClosed(), "a refused close leaves the descriptor open");
            assertEquals(0, ring.pending());
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void shouldRejectNewOperationsWhenRingIsClosed() throws IOException {
        try (Arena arena = Arena.ofConfined(); Fd fd = file("f")) {
            IoUring ring = IoUring.open(IoUring.Options.of(4));
            ring.close();
            IoUring.Completion ignore = (res, flags) -> { };
            MemorySegment buffer = arena.allocate(8);
            assertThrows(IllegalStateException.class, () -> ring.readv(fd, new MemorySegment[] {buffer}, 0, ignore));
            assertThrows(IllegalStateException.class, () -> ring.close(fd, ignore));
            assertThrows(IllegalStateException.class, () -> ring.statx(fd, arena.allocate(512, 8), ignore));
            assertThrows(IllegalStateException.class, () -> ring.sendZeroCopy(fd, buffer, ignore));
            assertThrows(IllegalStateException.class, () -> ring.registerBufferRing(0, 4, 64));
            assertFalse(fd.isClosed());
        }
    }

    @Test
    void shouldCloseBufferRingsWhenRingCloses() throws IOException {
        IoUring ring = IoUring.open(IoUring.Options.of(4));
        BufferRing group = ring.registerBufferRing(9, 4, 64);
        MemorySegment buffer = group.buffer(0);
        ring.close();
        assertFalse(buffer.scope().isAlive(), "the buffer ring's memory is freed with the ring");
        group.close(); // idempotent after the ring closed it
        assertThrows(IllegalStateException.class, () -> group.buffer(0).get(ValueLayout.JAVA_BYTE, 0));
    }
}
