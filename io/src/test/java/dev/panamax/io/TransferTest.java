/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.Epoll;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.OpenFlag;
import dev.panamax.ffm.Sockets;
import dev.panamax.io.net.Tcp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

// Transfers block in epoll_wait; a bug must fail the test, not hang the build.
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TransferTest {

    private static final long WAIT_S = 8;
    // Own threads: the common pool may have a single thread on a 2-CPU machine, and these tasks block.
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "transfer-test-peer");
        t.setDaemon(true);
        return t;
    });

    @TempDir
    Path dir;

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** A loopback connection: our non-blocking accepted socket and a blocking JDK socket as the peer. */
    private record Connection(Fd ours, Socket peer) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                peer.close();
            } finally {
                ours.close();
            }
        }
    }

    private static Connection connect() throws IOException {
        try (Fd listener = Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4, false);
                Arena arena = Arena.ofConfined(); Epoll epoll = Epoll.create()) {
            Socket peer = new Socket(InetAddress.getLoopbackAddress(), Tcp.localPort(listener));
            epoll.add(listener, Epoll.IN, 0);
            Epoll.Events events = Epoll.Events.allocate(arena, 1);
            assertEquals(1, epoll.await(events, (int) TimeUnit.SECONDS.toMillis(WAIT_S)), "no connection to accept");
            Fd ours = Tcp.accept(listener);
            assertEquals(1, Sockets.getOption(ours, Sockets.IntOption.TCP_NO_DELAY), "Tcp.accept sets TCP_NODELAY");
            return new Connection(ours, peer);
        }
    }

    private static CompletableFuture<byte[]> readAll(InputStream in, int expected) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return in.readNBytes(expected);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, THREADS);
    }

    @Test
    void shouldSendExactBytesWhenFileIsLargerThanSocketBuffer() throws Exception {
        byte[] content = random(4 << 20, 1);
        Path path = dir.resolve("src");
        Files.write(path, content);
        try (Connection c = connect(); Fd file = Fd.open(path, EnumSet.of(OpenFlag.READ), 0)) {
            Sockets.setOption(c.ours(), Sockets.IntOption.SEND_BUFFER, 8192); // forces partial sends and EAGAIN
            long offset = 12345;
            int count = content.length - 20000;
            CompletableFuture<byte[]> received = readAll(c.peer().getInputStream(), count);
            assertEquals(count, Transfer.fileToSocket(file, offset, count, c.ours()));
            assertTrue(Transfer.lastWaits() > 1, "expected EAGAIN waits with an 8 KiB send buffer");
            assertEquals(1, Transfer.lastRegistrations(), "the socket stays in the epoll set between waits");
            assertArrayEquals(Arrays.copyOfRange(content, (int) offset, (int) offset + count),
                    received.get(WAIT_S, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldStopAtEndOfFileWhenCountIsLarger() throws Exception {
        byte[] content = random(10_000, 2);
        Path path = dir.resolve("small");
        Files.write(path, content);
        try (Connection c = connect(); Fd file = Fd.open(path, EnumSet.of(OpenFlag.READ), 0)) {
            CompletableFuture<byte[]> received = readAll(c.peer().getInputStream(), 9000);
            assertEquals(9000, Transfer.fileToSocket(file, 1000, 1 << 20, c.ours()));
            assertArrayEquals(Arrays.copyOfRange(content, 1000, 10_000), received.get(WAIT_S, TimeUnit.SECONDS));
            assertEquals(0, Transfer.fileToSocket(file, 10_000, 100, c.ours()), "at end of file nothing moves");
        }
    }

    @Test
    void shouldStopAtEndOfFileWhenCountExceedsWhatOneSendfileMoves() throws Exception {
        byte[] content = random(300_000, 6);
        Path path = dir.resolve("huge-count");
        Files.write(path, content);
        try (Connection c = connect(); Fd file = Fd.open(path, EnumSet.of(OpenFlag.READ), 0)) {
            // The kernel moves at most 0x7ffff000 bytes per call and checks pos + count against s_maxbytes.
            CompletableFuture<byte[]> received = readAll(c.peer().getInputStream(), content.length - 7 + 100_000);
            assertEquals(content.length - 7, Transfer.fileToSocket(file, 7, Long.MAX_VALUE - 7, c.ours()));
            assertEquals(100_000, Transfer.fileToSocket(file, 200_000, 3L << 30, c.ours()));
            byte[] got = received.get(WAIT_S, TimeUnit.SECONDS);
            assertArrayEquals(Arrays.copyOfRange(content, 7, content.length),
                    Arrays.copyOfRange(got, 0, content.length - 7));
            assertArrayEquals(Arrays.copyOfRange(content, 200_000, content.length),
                    Arrays.copyOfRange(got, content.length - 7, got.length));
        }
    }

    @Test
    void shouldStopAtAFullSocketWithoutWaitingWhenSendingNonBlocking() throws Exception {
        byte[] content = random(2 << 20, 7);
        Path path = dir.resolve("step");
        Files.write(path, content);
        try (Connection c = connect(); Fd file = Fd.open(path, EnumSet.of(OpenFlag.READ), 0)) {
            Sockets.setOption(c.ours(), Sockets.IntOption.SEND_BUFFER, 8192);
            // Nobody reads yet: the first step fills the socket and returns a partial count, the next finds it full.
            long first = Transfer.fileToSocketNonBlocking(file, 0, content.length, c.ours());
            assertTrue(first > 0 && first < content.length, "a partial count, got " + first);
            assertEquals(Transfer.AGAIN, Transfer.fileToSocketNonBlocking(file, first, content.length - first,
                    c.ours()), "a full socket before any byte moved");
            CompletableFuture<byte[]> received = readAll(c.peer().getInputStream(), content.length);
            long done = first;
            try (Arena arena = Arena.ofConfined(); Epoll epoll = Epoll.create()) {
                Epoll.Events events = Epoll.Events.allocate(arena, 1);
                epoll.add(c.ours(), Epoll.OUT, 0);
                while (done < content.length) {
                    assertEquals(1, epoll.await(events, (int) TimeUnit.SECONDS.toMillis(WAIT_S)), "no EPOLLOUT");
                    long n = Transfer.fileToSocketNonBlocking(file, done, content.length - done, c.ours());
                    assertTrue(n > 0, "EPOLLOUT then a step that moved nothing: " + n);
                    done += n;
                }
            }
            assertArrayEquals(content, received.get(WAIT_S, TimeUnit.SECONDS));
            assertEquals(0, Transfer.fileToSocketNonBlocking(file, content.length, 10, c.ours()), "end of file");
            assertEquals(0, Transfer.fileToSocketNonBlocking(file, 0, 0, c.ours()), "nothing asked");
        }
    }

    @Test
    void shouldThrowWhenThePeerResetTheConnectionWhileSendingNonBlocking() throws Exception {
        Path path = dir.resolve("reset");
        Files.write(path, random(1 << 20, 8));
        try (Connection c = connect(); Fd file = Fd.open(path, EnumSet.of(OpenFlag.READ), 0)) {
            c.peer().setSoLinger(true, 0); // close sends RST
            c.peer().close();
            IOException e = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 3; i++) { // the first send may still be accepted before the RST is seen
                    Transfer.fileToSocketNonBlocking(file, 0, 1 << 20, c.ours());
                }
            });
            assertTrue(e.getMessage().contains("ECONNRESET") || e.getMessage().contains("EPIPE"), e.getMessage());
            Fd closed = Fd.open(path, EnumSet.of(OpenFlag.READ), 0);
            closed.close();
            assertThrows(ClosedChannelException.class, () -> Transfer.fileToSocketNonBlocking(closed, 0, 0, c.ours()));
            assertThrows(IllegalArgumentException.class, () -> Transfer.fileToSocketNonBlocking(file, -1, 1, c.ours()));
        }
    }

    @Test
    void shouldWriteExactBytesWhenSplicingSocketToFile() throws Exception {
        byte[] content = random(3 << 20, 3);
        Path path = dir.resolve("dst");
        try (Connection c = connect(); Fd file = Fd.open(path, EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE), 0644)) {
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = c.peer().getOutputStream();
                    for (int i = 0; i < content.length; i += 65536) { // in pieces: the receiver sees EAGAIN
                        out.write(content, i, Math.min(65536, content.length - i));
                        out.flush();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, THREADS);
            assertEquals(content.length, Transfer.socketToFile(c.ours(), file, 4096, content.length));
            // A file never answers EAGAIN: every wait is for the socket, registered once.
            assertEquals(Transfer.lastWaits() > 0 ? 1 : 0, Transfer.lastRegistrations());
            sender.get(WAIT_S, TimeUnit.SECONDS);
        }
        byte[] onDisk = Files.readAllBytes(path);
        assertEquals(4096 + content.length, onDisk.length);
        assertArrayEquals(content, Arrays.copyOfRange(onDisk, 4096, onDisk.length));
        assertArrayEquals(new byte[4096], Arrays.copyOfRange(onDisk, 0, 4096));
    }

    @Test
    void shouldReturnShortCountWhenPeerShutsDownFirst() throws Exception {
        byte[] content = random(1000, 4);
        Path path = dir.resolve("eos");
        try (Connection c = connect(); Fd file = Fd.open(path, EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE), 0644)) {
            c.peer().getOutputStream().write(content);
            c.peer().shutdownOutput();
            assertEquals(1000, Transfer.socketToFile(c.ours(), file, 0, 1 << 20));
        }
        assertArrayEquals(content, Files.readAllBytes(path));
    }

    @Test
    void shouldProxyExactBytesWhenSplicingSocketToSocket() throws Exception {
        byte[] content = random(2 << 20, 5);
        try (ServerSocket upstream = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
                Connection client = connect()) {
            CompletableFuture<byte[]> atUpstream = CompletableFuture.supplyAsync(() -> {
                try (Socket s = upstream.accept()) {
                    return s.getInputStream().readNBytes(content.length);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, THREADS);
            try (Fd toUpstream = Tcp.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    upstream.getLocalPort()))) {
                CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                    try {
                        client.peer().getOutputStream().write(content);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, THREADS);
                // toUpstream may still be connecting: the first splice to it waits for EPOLLOUT on EAGAIN.
                assertEquals(content.length, Transfer.socketToSocket(client.ours(), toUpstream, content.length));
                sender.get(WAIT_S, TimeUnit.SECONDS);
                assertArrayEquals(content, atUpstream.get(WAIT_S, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void shouldThrowBeforeAnySyscallWhenArgumentsAreBad() throws Exception {
        Path path = dir.resolve("f");
        Files.write(path, new byte[10]);
        try (Connection c = connect(); Fd file = Fd.open(path, EnumSet.of(OpenFlag.READ), 0)) {
            assertThrows(IllegalArgumentException.class, () -> Transfer.fileToSocket(file, -1, 10, c.ours()));
            assertThrows(IllegalArgumentException.class, () -> Transfer.fileToSocket(file, 0, -1, c.ours()));
            assertThrows(IllegalArgumentException.class, () -> Transfer.socketToSocket(c.ours(), c.ours(), -5));
            Fd closed = Fd.open(path, EnumSet.of(OpenFlag.READ), 0);
            closed.close();
            assertThrows(ClosedChannelException.class, () -> Transfer.fileToSocket(closed, 0, 10, c.ours()));
            assertThrows(ClosedChannelException.class, () -> Transfer.socketToFile(c.ours(), closed, 0, 10));
        }
    }

    @Test
    void shouldThrowClosedChannelWhenAnFdIsClosedEvenForZeroBytes() throws Exception {
        Path path = dir.resolve("f");
        Files.write(path, new byte[10]);
        try (Connection c = connect()) {
            Fd closed = Fd.open(path, EnumSet.of(OpenFlag.READ), 0);
            closed.close();
            assertThrows(ClosedChannelException.class, () -> Transfer.fileToSocket(closed, 0, 0, c.ours()));
            assertThrows(ClosedChannelException.class, () -> Transfer.socketToFile(c.ours(), closed, 0, 0));
            assertThrows(ClosedChannelException.class, () -> Transfer.socketToSocket(closed, c.ours(), 0));
        }
    }
}
