/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.Check;
import dev.panamax.ffm.internal.ErrnoState;
import dev.panamax.ffm.internal.Scratch;
import dev.panamax.ffm.internal.uapi.Syscalls;
import dev.panamax.ffm.internal.uapi.socket_h;
import dev.panamax.ffm.internal.uapi.sockaddr_un;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SocketsTest {

    static InetSocketAddress loopback(int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port);
    }

    /** A TCP listener on 127.0.0.1 with a kernel-picked port. */
    static Fd listener() throws Exception {
        Fd listener = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, 0);
        Sockets.setOption(listener, Sockets.IntOption.REUSE_ADDRESS, 1);
        Sockets.bind(listener, loopback(0));
        Sockets.listen(listener, 16);
        return listener;
    }

    static int port(Fd socket) throws Exception {
        return ((InetSocketAddress) Sockets.localAddress(socket)).getPort();
    }

    static void sendAll(Fd socket, MemorySegment bytes) throws Exception {
        long sent = 0;
        while (sent < bytes.byteSize()) {
            long n = Sockets.send(socket, bytes.asSlice(sent), Sockets.NO_SIGNAL);
            assertTrue(n > 0 || n == Sockets.INTERRUPTED, "send returned " + n);
            sent += Math.max(n, 0);
        }
    }

    static byte[] receiveExactly(Fd socket, Arena arena, int length) throws Exception {
        MemorySegment buffer = arena.allocate(length);
        long received = 0;
        while (received < length) {
            long n = Sockets.receive(socket, buffer.asSlice(received), 0);
            assertTrue(n > 0 || n == Sockets.INTERRUPTED, "receive returned " + n);
            received += Math.max(n, 0);
        }
        return buffer.toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void shouldExchangeBytesWhenConnectedOverLoopback() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Fd listener = listener();
             Fd client = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, 0)) {
            int port = port(listener);
            assertNotEquals(0, port, "the kernel picked a port");
            assertTrue(Sockets.connect(client, loopback(port)), "blocking connect completes");
            try (Fd server = Sockets.accept(listener, 0)) {
                assertNotNull(server);
                assertEquals(loopback(port), Sockets.remoteAddress(client));
                assertEquals(Sockets.localAddress(client), Sockets.remoteAddress(server));

                byte[] ping = "ping from client".getBytes(StandardCharsets.US_ASCII);
                sendAll(client, arena.allocateFrom(ValueLayout.JAVA_BYTE, ping));
                assertArrayEquals(ping, receiveExactly(server, arena, ping.length));
                byte[] pong = "pong".getBytes(StandardCharsets.US_ASCII);
                sendAll(server, arena.allocateFrom(ValueLayout.JAVA_BYTE, pong));
                assertArrayEquals(pong, receiveExactly(client, arena, pong.length));

                Sockets.shutdown(server, Sockets.Shutdown.WRITE);
                assertEquals(0, Sockets.receive(client, arena.allocate(8), 0), "end of stream after SHUT_WR");
            }
        }
    }

    @Test
    void shouldThrowConnectionRefusedWhenNothingListens() throws Exception {
        int closedPort;
        try (Fd reserve = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, 0)) {
            Sockets.bind(reserve, loopback(0)); // bound, never listening: connects to it are refused
            closedPort = port(reserve);
            try (Fd client = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, 0)) {
                ErrnoException e = assertThrows(ErrnoException.class,
                        () -> Sockets.connect(client, loopback(closedPort)));
                assertEquals(Errno.ECONNREFUSED, e.errno());
                assertEquals("ECONNREFUSED (connect): Connection refused", e.getMessage());
            }
        }
    }

    @Test
    void shouldReportInProgressThenConnectWhenNonBlocking() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Fd listener = listener();
             Fd client = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, Sockets.NONBLOCK);
             Epoll epoll = Epoll.create()) {
            boolean connected = Sockets.connect(client, loopback(port(listener)));
            if (!connected) {
                Epoll.Events events = Epoll.Events.allocate(arena, 1);
                epoll.add(client, Epoll.OUT, 9);
                int n;
                do {
                    n = epoll.await(events, 10_000);
                } while (n == Epoll.INTERRUPTED);
                assertEquals(1, n, "writable once the handshake completes");
                assertEquals(Epoll.OUT, events.events(0) & Epoll.OUT);
            }
            assertEquals(0, Sockets.getOption(client, Sockets.IntOption.ERROR), "no pending error");
            assertEquals(Sockets.AGAIN, Sockets.receive(client, arena.allocate(4), 0), "nothing sent yet");
        }
    }

    @Test
    void shouldReturnNullWhenNoConnectionIsPendingOnNonBlockingListener() throws Exception {
        try (Fd listener = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, Sockets.NONBLOCK)) {
            Sockets.bind(listener, loopback(0));
            Sockets.listen(listener, 1);
            assertNull(Sockets.accept(listener, 0));
        }
    }

    @Test
    void shouldRoundTripIntOptionsWhenSetAndRead() throws Exception {
        try (Fd socket = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, 0)) {
            Sockets.setOption(socket, Sockets.IntOption.TCP_NO_DELAY, 1);
            assertEquals(1, Sockets.getOption(socket, Sockets.IntOption.TCP_NO_DELAY));
            Sockets.setOption(socket, Sockets.IntOption.TCP_NO_DELAY, 0);
            assertEquals(0, Sockets.getOption(socket, Sockets.IntOption.TCP_NO_DELAY));
            Sockets.setOption(socket, Sockets.IntOption.REUSE_PORT, 1);
            assertEquals(1, Sockets.getOption(socket, Sockets.IntOption.REUSE_PORT));
            Sockets.setOption(socket, Sockets.IntOption.RECEIVE_BUFFER, 64 * 1024);
            assertEquals(2 * 64 * 1024, Sockets.getOption(socket, Sockets.IntOption.RECEIVE_BUFFER),
                    "the kernel doubles SO_RCVBUF");
            Sockets.setOption(socket, Sockets.IntOption.SEND_BUFFER, 64 * 1024);
            assertEquals(2 * 64 * 1024, Sockets.getOption(socket, Sockets.IntOption.SEND_BUFFER));
            assertThrows(IllegalArgumentException.class, () -> Sockets.setOption(socket, Sockets.IntOption.ERROR, 1));
        }
    }

    @Test
    void shouldExchangeDatagramsWhenUdpOverLoopback() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Fd a = Sockets.open(Sockets.Family.INET, Sockets.Type.DGRAM, 0);
             Fd b = Sockets.open(Sockets.Family.INET, Sockets.Type.DGRAM, 0)) {
            Sockets.bind(a, loopback(0));
            Sockets.bind(b, loopback(0));
            assertTrue(Sockets.connect(a, Sockets.localAddress(b)));
            byte[] datagram = {1, 2, 3, 4, 5};
            assertEquals(5, Sockets.send(a, arena.allocateFrom(ValueLayout.JAVA_BYTE, datagram), 0));
            MemorySegment buffer = arena.allocate(16);
            assertEquals(5, Sockets.receive(b, buffer, 0));
            assertArrayEquals(datagram, buffer.asSlice(0, 5).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(Sockets.AGAIN, Sockets.receive(b, buffer, Sockets.DONT_WAIT));
        }
    }

    @Test
    void shouldExchangeBytesWhenUnixDomainStream(@TempDir Path dir) throws Exception {
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of(dir.resolve("s.sock"));
        try (Arena arena = Arena.ofConfined();
             Fd listener = Sockets.open(Sockets.Family.UNIX, Sockets.Type.STREAM, 0);
             Fd client = Sockets.open(Sockets.Family.UNIX, Sockets.Type.STREAM, 0)) {
            Sockets.bind(listener, path);
            Sockets.listen(listener, 1);
            assertEquals(path, Sockets.localAddress(listener));
            assertTrue(Sockets.connect(client, path));
            try (Fd server = Sockets.accept(listener, 0)) {
                byte[] hello = "over AF_UNIX".getBytes(StandardCharsets.US_ASCII);
                sendAll(client, arena.allocateFrom(ValueLayout.JAVA_BYTE, hello));
                assertArrayEquals(hello, receiveExactly(server, arena, hello.length));
            }
        }
    }

    @Test
    void shouldReadOnlyWhatTheKernelWroteWhenAUnixPathFillsSunPath() throws Exception {
        // 108 bytes and no NUL: C programs may bind such a path; getsockname then reports 111 bytes of a 110-byte
        // sockaddr_un. Sockets.bind itself keeps room for the NUL, so the bind here is the raw syscall.
        String name = "/tmp/pnmx-" + ProcessHandle.current().pid() + "-";
        name = name + "p".repeat(108 - name.length());
        Files.deleteIfExists(Path.of(name));
        try (Fd socket = Sockets.open(Sockets.Family.UNIX, Sockets.Type.STREAM, 0); Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(sockaddr_un.sizeof(), 8);
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) socket_h.AF_UNIX());
            MemorySegment.copy(name.getBytes(StandardCharsets.US_ASCII), 0, sa, ValueLayout.JAVA_BYTE,
                    sockaddr_un.sun_path$offset(), 108);
            MemorySegment errno = ErrnoState.current();
            Check.result(Syscalls.bind(errno, socket.intValue(), sa, (int) sa.byteSize()), errno, "bind");
            Scratch.current().fill((byte) 'Z'); // what earlier calls left in the scratch buffer
            assertEquals(UnixDomainSocketAddress.of(name), Sockets.localAddress(socket));
        } finally {
            Files.deleteIfExists(Path.of(name));
        }
    }

    @Test
    void shouldWriteNetworkByteOrderWhenFillingSockaddrIn() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sockaddr = arena.allocate(128);
            int length = Sockets.writeAddress(loopback(0x1234), sockaddr);
            assertEquals(16, length);
            // sin_port big-endian at offset 2, sin_addr 127.0.0.1 at offset 4 (both arches).
            assertEquals(0x12, sockaddr.get(ValueLayout.JAVA_BYTE, 2));
            assertEquals(0x34, sockaddr.get(ValueLayout.JAVA_BYTE, 3));
            assertArrayEquals(new byte[] {127, 0, 0, 1}, sockaddr.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(loopback(0x1234), Sockets.readAddress(sockaddr, length));

            InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 65535);
            int length6 = Sockets.writeAddress(v6, sockaddr);
            assertEquals(28, length6);
            assertEquals((byte) 0xff, sockaddr.get(ValueLayout.JAVA_BYTE, 2));
            assertEquals(1, sockaddr.get(ValueLayout.JAVA_BYTE, 8 + 15), "::1 ends in 1 at sin6_addr[15]");
            SocketAddress back = Sockets.readAddress(sockaddr, length6);
            assertEquals(v6, back);
            assertTrue(((InetSocketAddress) back).getAddress() instanceof Inet6Address);
        }
    }

    @Test
    void shouldRejectBadAddressesAndBuffersBeforeAnySyscall() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Fd socket = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, 0)) {
            assertThrows(IllegalArgumentException.class,
                    () -> Sockets.bind(socket, InetSocketAddress.createUnresolved("localhost", 1)));
            assertThrows(IllegalArgumentException.class, () -> Sockets.writeAddress(loopback(1), arena.allocate(8)));
            assertThrows(IllegalArgumentException.class,
                    () -> Sockets.send(socket, MemorySegment.ofArray(new byte[4]), 0));
            assertThrows(IllegalArgumentException.class, () -> Sockets.listen(socket, -1));
            IllegalArgumentException readOnly = assertThrows(IllegalArgumentException.class,
                    () -> Sockets.receive(socket, arena.allocate(8).asReadOnly(), 0));
            assertTrue(readOnly.getMessage().contains("read-only"), readOnly.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, 0x0800_0000));
            assertThrows(IllegalArgumentException.class, () -> Sockets.bind(socket,
                    UnixDomainSocketAddress.of("/" + "x".repeat(200))));
        }
        Fd closed = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, 0);
        closed.close();
        assertThrows(ClosedChannelException.class, () -> Sockets.listen(closed, 1));
    }
}
