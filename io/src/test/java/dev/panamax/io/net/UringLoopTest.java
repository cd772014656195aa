/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.IoUringSyscalls;
import dev.panamax.ffm.Sockets;
import dev.panamax.io.uring.IoUring;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class UringLoopTest {

    private static final long WAIT_S = 8;

    private UringLoop loop;
    private Arena arena;

    /**
     * Starts the loop under test; a subclass runs the whole suite on a loop that waits another way.
     *
     * @param name the thread's name
     * @return the loop
     * @throws IOException when it cannot start
     */
    UringLoop newLoop(String name) throws IOException {
        return UringLoop.start(name, IoUring.Options.of(64));
    }

    @BeforeEach
    void startLoop() throws IOException {
        assumeTrue(IoUringSyscalls.FEATURE.isAvailable(), () -> "io_uring unavailable: "
                + IoUringSyscalls.FEATURE.unavailabilityCause());
        loop = newLoop("test-uring");
        arena = Arena.ofShared();
    }

    @AfterEach
    void stopLoop() throws IOException {
        if (loop != null) {
            loop.close();
            arena.close();
        }
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> work) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(work.call());
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(WAIT_S, TimeUnit.SECONDS);
    }

    @Test
    void shouldRunTaskOnLoopThreadWhenSubmittedFromAnotherThread() throws Exception {
        assertEquals("test-uring", EventLoopTest.executeFromAnotherThread(loop, "the task").runner().getName());
        assertTrue(onLoop(loop::inEventLoop));
        assertFalse(loop.inEventLoop());
    }

    @Test
    void shouldWakeForEveryTaskWhenTheLoopSleepsBetweenThem() throws Exception {
        for (int i = 0; i < 1000; i++) { // each task finds the loop asleep in io_uring_enter
            int expected = i;
            assertEquals(expected, onLoop(() -> expected));
        }
    }

    @Test
    void shouldRunCompletionOnLoopThreadWhenARequestCompletes() throws Exception {
        CompletableFuture<Thread> completedOn = new CompletableFuture<>();
        loop.execute(() -> loop.ring().nop((result, flags) -> completedOn.complete(Thread.currentThread())));
        assertEquals("test-uring", completedOn.get(WAIT_S, TimeUnit.SECONDS).getName());
    }

    @Test
    void shouldThrowWrongThreadWhenTheRingIsUsedOffTheLoop() {
        assertThrows(WrongThreadException.class, () -> loop.ring().nop((result, flags) -> { }));
    }

    @Test
    void shouldEchoOverTcpWhenCompletionsQueueTheNextRequest() throws Exception {
        Fd listener = Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16, false);
        MemorySegment buffer = arena.allocate(4096);
        AtomicReference<Fd> accepted = new AtomicReference<>();
        try {
            loop.execute(() -> {
                try {
                    loop.ring().accept(listener, false, (fd, flags) -> {
                        Fd c = Fd.adopt(fd);
                        accepted.set(c);
                        echo(loop, c, buffer);
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), Tcp.localPort(listener))) {
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                client.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_S));
                for (int i = 0; i < 100; i++) {
                    byte[] message = ("message " + i).getBytes(StandardCharsets.US_ASCII);
                    out.write(message);
                    assertArrayEquals(message, in.readNBytes(message.length));
                }
            }
        } finally {
            loop.close();
            listener.close();
            if (accepted.get() != null) {
                accepted.get().close();
            }
        }
    }

    /** Loop thread: receives on {@code c} into {@code buffer}, sends back what came, and receives again. */
    static void echo(UringLoop loop, Fd c, MemorySegment buffer) {
        try {
            loop.ring().recv(c, buffer, (n, flags) -> {
                if (n <= 0) {
                    return;
                }
                try {
                    loop.ring().send(c, buffer.asSlice(0, n), (sent, f) -> {
                        if (sent == n) {
                            echo(loop, c, buffer);
                        }
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void shouldCancelRequestsInFlightWhenClosed() throws Exception {
        Fd[] pair = socketPair();
        try {
            CompletableFuture<Integer> result = new CompletableFuture<>();
            MemorySegment buffer = arena.allocate(64);
            onLoop(() -> loop.ring().recv(pair[0], buffer, (n, flags) -> result.complete(n)));
            loop.close(); // nothing will ever arrive: only the close's cancel completes the receive
            assertEquals(-Errno.ECANCELED.value(), result.get(WAIT_S, TimeUnit.SECONDS));
        } finally {
            pair[0].close();
            pair[1].close();
        }
    }

    @Test
    void shouldRejectTasksWhenClosed() throws Exception {
        loop.close();
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
        loop.close(); // idempotent
    }

    @Test
    void shouldRunTasksSubmittedBeforeCloseWhenClosing() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 100; i++) {
            loop.execute(ran::incrementAndGet);
        }
        loop.close();
        assertEquals(100, ran.get());
    }

    @Test
    void shouldRunTasksAcceptedBeforeAFailureWithTheRingStillOpen() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> { // holds the loop in runAll while the next two tasks are queued behind it
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(running.await(WAIT_S, TimeUnit.SECONDS));
        loop.execute(() -> {
            throw new AssertionError("thrown by a task on purpose: the loop dies of it");
        });
        CompletableFuture<Integer> nop = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                loop.ring().nop((result, flags) -> nop.complete(result));
            } catch (RuntimeException e) {
                nop.completeExceptionally(e);
            }
        });
        release.countDown();
        int result = nop.get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(result == 0 || result == -Errno.ECANCELED.value(), "the NOP ran, or the ring's close cancelled it: "
                + result);
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }), "the dead loop refuses tasks");
    }

    @Test
    void shouldKeepRunningWhenACompletionThrows() throws Exception {
        loop.execute(() -> loop.ring().nop((result, flags) -> {
            throw new IllegalStateException("thrown by a completion on purpose");
        }));
        CompletableFuture<Integer> next = new CompletableFuture<>();
        loop.execute(() -> loop.ring().nop((result, flags) -> next.complete(result)));
        assertEquals(0, next.get(WAIT_S, TimeUnit.SECONDS));
    }

    @Test
    void shouldRejectNullOptionsWhenStarting() {
        assertThrows(NullPointerException.class, () -> UringLoop.start("x", null));
        assertInstanceOf(IoUring.class, loop.ring());
    }

    private static Fd[] socketPair() throws IOException {
        Fd listener = Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, false);
        try {
            Fd client = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, 0);
            Sockets.connect(client, new InetSocketAddress(InetAddress.getLoopbackAddress(), Tcp.localPort(listener)));
            Fd server = Sockets.accept(listener, 0);
            return new Fd[] {server, client};
        } finally {
            listener.close();
        }
    }
}
