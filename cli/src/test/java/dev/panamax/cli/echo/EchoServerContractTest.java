/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What every {@link EchoServer} engine must do, over real loopback connections; a subclass per engine. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class EchoServerContractTest {

    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(20);
    private static final int SO_TIMEOUT_MS = 20_000;

    private EchoServer server;

    /** The engine under test; a subclass may first check that the kernel offers it. */
    abstract EchoServer.Engine engine();

    @BeforeEach
    void start() throws IOException {
        server = EchoServer.start(engine(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        assertTrue(server.address().getPort() > 0, "port 0 reads back as the bound port");
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(server.address().getAddress(), server.address().getPort());
        s.setSoTimeout(SO_TIMEOUT_MS);
        return s;
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static void await(BooleanSupplier condition, String what) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > WAIT_NS) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // polling with a deadline
        }
    }

    private static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code payload} from another thread while this one reads the echo: neither side may stall. */
    private static byte[] roundTrip(Socket s, byte[] payload, ExecutorService threads) throws Exception {
        Future<?> writer = threads.submit(() -> {
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < payload.length; i += 100_000) {
                out.write(payload, i, Math.min(100_000, payload.length - i));
            }
            out.flush();
            return null;
        });
        byte[] echoed = s.getInputStream().readNBytes(payload.length);
        writer.get(WAIT_NS, TimeUnit.NANOSECONDS);
        return echoed;
    }

    @Test
    void shouldEchoEveryByteWhenAClientSendsALine() throws Exception {
        try (Socket s = connect()) {
            byte[] line = "hello, echo\n".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(line);
            assertArrayEquals(line, s.getInputStream().readNBytes(line.length));
        }
    }

    @Test
    void shouldEchoALargePayloadInOrderWhenItFarExceedsTheSocketBuffers() throws Exception {
        byte[] payload = random(24 << 20, 1);
        try (Socket s = connect(); ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            assertArrayEquals(payload, roundTrip(s, payload, threads));
        }
    }

    /** The byte at {@code position} of the stream the slow client sends: a shift or a loss changes what follows. */
    private static byte streamByte(long position) {
        return (byte) (position ^ (position >>> 8) ^ (position >>> 16) * 7);
    }

    @Test
    void shouldHoldBackAndLoseNoByteWhenTheClientReadsOnlyAfterItCannotWriteAnyMore() throws Exception {
        // The client writes without reading until its socket takes nothing more: by then the echoes have filled
        // its receive buffer, the server's sends wait for room and it has stopped reading, so the client's send
        // buffer fills. How much that takes depends on the kernel's buffer autotuning (tcp_rmem, tcp_wmem), so
        // the client sends a generated stream until then and checks the echo against it.
        long limit = 1L << 30; // far above any buffers: reaching it means the server never held back
        long written = 0;
        try (SocketChannel ch = SocketChannel.open(); Selector selector = Selector.open()) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 32 * 1024);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 32 * 1024);
            ch.connect(server.address());
            ch.configureBlocking(false);
            ByteBuffer out = ByteBuffer.allocate(64 * 1024);
            while (true) {
                out.clear();
                for (int i = 0; i < out.capacity(); i++) {
                    out.put(streamByte(written + i));
                }
                int n = ch.write(out.flip());
                written += n;
                if (n < out.capacity()) {
                    break;
                }
                assertTrue(written < limit, "1 GiB went out without a read: nothing held back");
            }
            ch.register(selector, SelectionKey.OP_READ);
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            long echoed = 0;
            long start = System.nanoTime();
            while (echoed < written) {
                assertTrue(System.nanoTime() - start < WAIT_NS, "the echo stalled at " + echoed + " of " + written);
                selector.select(SO_TIMEOUT_MS);
                selector.selectedKeys().clear();
                int n;
                while ((n = ch.read(in.clear())) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (in.get(i) != streamByte(echoed + i)) {
                            fail("byte " + (echoed + i) + " of the echo differs: lost, reordered or corrupted");
                        }
                    }
                    echoed += n;
                }
                assertTrue(n == 0, "the server closed the connection early");
            }
            assertEquals(written, echoed);
        }
    }

    @Test
    void shouldEchoEachConnectionItsOwnBytesWhenManyRunAtOnce() throws Exception {
        int connections = 64;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                long seed = 100 + i;
                done.add(threads.submit(() -> {
                    byte[] payload = random(256 * 1024, seed);
                    try (Socket s = connect()) {
                        assertArrayEquals(payload, roundTrip(s, payload, threads));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(WAIT_NS, TimeUnit.NANOSECONDS);
            }
        }
        await(() -> server.openConnections() == 0, "the server to close every connection at its client's end");
    }

    @Test
    void shouldCloseAfterTheLastEchoWhenTheClientShutsDownItsOutput() throws Exception {
        try (Socket s = connect()) {
            byte[] payload = random(300_000, 3);
            s.getOutputStream().write(payload);
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            assertArrayEquals(payload, in.readNBytes(payload.length));
            assertEquals(-1, in.read(), "the server closes at the client's end of stream");
        }
    }

    @Test
    void shouldCloseEveryFdWhenClientsResetOrVanish() throws Exception {
        try (Socket s = connect()) { // once before counting: lazily opened JDK files are open by then
            s.getOutputStream().write(1);
            assertEquals(1, s.getInputStream().readNBytes(1).length);
        }
        await(() -> server.openConnections() == 0, "the warm-up connection to close");
        long before = openFds();
        for (int i = 0; i < 8; i++) {
            try (Socket s = connect()) {
                s.getOutputStream().write(random(1 << 20, i)); // more than the buffers take: sends fall short
                if (i % 2 == 0) {
                    s.setSoLinger(true, 0); // RST
                }
            } // else: close with unread echoes, which is RST as well
        }
        await(() -> server.openConnections() == 0, "the server to close the vanished connections");
        await(() -> openFds() <= before, "their fds to close");
    }

    @Test
    void shouldCloseConnectionsAndListenerWhenClosed() throws Exception {
        long before = openFds();
        EchoServer other = EchoServer.start(engine(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try (Socket s = new Socket(other.address().getAddress(), other.address().getPort())) {
            s.setSoTimeout(SO_TIMEOUT_MS);
            s.getOutputStream().write(7);
            assertEquals(7, s.getInputStream().read());
            other.close();
            assertEquals(-1, s.getInputStream().read(), "the open connection is closed");
            other.close(); // idempotent
        }
        await(() -> openFds() <= before, "every fd of the closed server to close");
    }
}
