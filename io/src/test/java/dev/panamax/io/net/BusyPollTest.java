/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.IoUringSyscalls;
import dev.panamax.io.uring.IoUring;

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
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Busy polling on both loops with an unbounded budget ({@link Long#MAX_VALUE}): such a loop never blocks, so every
 * event, completion, task and timer in these tests must be found by the spin itself ({@code blockingWaits() == 0}),
 * and a task submitted from another thread is never announced through the eventfd (the loop stays awake), so only
 * the spin's look at the task queue can run it. {@link EventLoopBusyPollTest} and {@link UringLoopBusyPollTest} run
 * the loops' whole contracts with a short budget, where spinning and blocking alternate.
 */
class BusyPollTest {

    private static final long WAIT_S = 8;
    private static final LoopOptions UNBOUNDED = new LoopOptions(Long.MAX_VALUE);

    @Test
    void shouldRejectNegativeBudgetWhenCreatingOptions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LoopOptions(-1));
        assertTrue(e.getMessage().contains("busyPollNs must be >= 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoopOptions.busyPoll(-1, TimeUnit.MICROSECONDS));
        assertThrows(NullPointerException.class, () -> LoopOptions.busyPoll(1, null));
        assertThrows(NullPointerException.class, () -> EventLoop.start("x", null));
        assertThrows(NullPointerException.class, () -> UringLoop.start("x", IoUring.Options.of(8), null));
    }

    @Test
    void shouldConvertBudgetToNanosWhenGivenInAnotherUnit() {
        assertEquals(50_000, LoopOptions.busyPoll(50, TimeUnit.MICROSECONDS).busyPollNs());
        assertEquals(Long.MAX_VALUE, LoopOptions.busyPoll(Long.MAX_VALUE, TimeUnit.DAYS).busyPollNs());
        assertEquals(0, LoopOptions.DEFAULT.busyPollNs());
    }

    @Test
    void shouldEchoOnEventLoopWithoutBlockingWhenBudgetIsUnbounded() throws Exception {
        try (Arena arena = Arena.ofShared(); EventLoop loop = EventLoop.start("spin-server", UNBOUNDED);
                EventLoop clients = EventLoop.start("clients"); EchoServer server = new EchoServer(loop, false)) {
            EchoClient client = new EchoClient(arena, 7, 200, 9000);
            client.start(clients, new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            assertEquals(200, client.done().get(WAIT_S, TimeUnit.SECONDS));
            assertEquals(0, loop.blockingWaits(), "an unbounded budget must never block");
            assertTrue(loop.busyPollHits() >= 200, "the spin served " + loop.busyPollHits() + " wake-ups");
        }
    }

    @Test
    void shouldRunTaskFromAnotherThreadWhenEventLoopSpins() throws Exception {
        try (EventLoop loop = EventLoop.start("spin-loop", UNBOUNDED)) {
            assertTaskFromAnotherThreadRuns(loop, "spin-loop");
            assertEquals(0, loop.blockingWaits());
        }
    }

    @Test
    void shouldFireTimerWhenEventLoopSpins() throws Exception {
        try (EventLoop loop = EventLoop.start("spin-loop", UNBOUNDED)) {
            CountDownLatch fired = new CountDownLatch(2);
            loop.schedule(fired::countDown, 20, TimeUnit.MILLISECONDS);
            loop.schedule(fired::countDown, 1, TimeUnit.MILLISECONDS);
            assertTrue(fired.await(WAIT_S, TimeUnit.SECONDS), "timers did not fire while the loop spun");
            assertEquals(0, loop.blockingWaits());
        }
    }

    @Test
    void shouldStopPromptlyWhenEventLoopIsClosedWhileSpinning() throws Exception {
        EventLoop loop = EventLoop.start("spin-loop", UNBOUNDED);
        assertTaskFromAnotherThreadRuns(loop, "spin-loop"); // the loop is spinning now
        assertClosesFromAnotherThread(loop);
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
    }

    @Test
    void shouldEchoOnUringLoopWithoutBlockingWhenBudgetIsUnbounded() throws Exception {
        requireIoUring();
        Fd listener = Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16, false);
        AtomicReference<Fd> accepted = new AtomicReference<>();
        try (Arena arena = Arena.ofShared()) {
            UringLoop loop = UringLoop.start("spin-uring", IoUring.Options.of(64), UNBOUNDED);
            try {
                MemorySegment buffer = arena.allocate(4096);
                loop.execute(() -> {
                    try {
                        loop.ring().accept(listener, false, (fd, flags) -> {
                            if (fd >= 0) {
                                Fd c = Fd.adopt(fd);
                                accepted.set(c);
                                UringLoopTest.echo(loop, c, buffer);
                            }
                        });
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), Tcp.localPort(listener))) {
                    client.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_S));
                    OutputStream out = client.getOutputStream();
                    InputStream in = client.getInputStream();
                    for (int i = 0; i < 200; i++) {
                        byte[] message = ("message " + i).getBytes(StandardCharsets.US_ASCII);
                        out.write(message);
                        assertArrayEquals(message, in.readNBytes(message.length));
                    }
                }
                assertEquals(0, loop.blockingWaits(), "an unbounded budget must never block");
                assertTrue(loop.busyPollHits() >= 200, "the spin served " + loop.busyPollHits() + " wake-ups");
            } finally {
                loop.close();
            }
        } finally {
            listener.close();
            if (accepted.get() != null) {
                accepted.get().close();
            }
        }
    }

    @Test
    void shouldRunTaskFromAnotherThreadWhenUringLoopSpins() throws Exception {
        requireIoUring();
        try (UringLoop loop = UringLoop.start("spin-uring", IoUring.Options.of(8), UNBOUNDED)) {
            assertTaskFromAnotherThreadRuns(loop, "spin-uring");
            assertEquals(0, loop.blockingWaits());
        }
    }

    @Test
    void shouldCompleteRingTimeoutWhenUringLoopSpins() throws Exception {
        requireIoUring();
        try (UringLoop loop = UringLoop.start("spin-uring", IoUring.Options.of(8), UNBOUNDED)) {
            CompletableFuture<Integer> result = new CompletableFuture<>();
            loop.execute(() -> loop.ring().timeout(5_000_000L, (res, flags) -> result.complete(res)));
            assertEquals(-Errno.ETIME.value(), result.get(WAIT_S, TimeUnit.SECONDS));
            assertEquals(0, loop.blockingWaits());
        }
    }

    @Test
    void shouldCompleteRequestsWhenSqPollUringLoopSpins() throws Exception {
        requireIoUring();
        UringLoop started;
        try {
            started = UringLoop.start("spin-sqpoll", new IoUring.Options(8, 0, true, 50), UNBOUNDED);
        } catch (ErrnoException e) {
            assumeTrue(false, "IORING_SETUP_SQPOLL refused by this kernel: " + e.getMessage());
            return;
        }
        // SQPOLL rings have no TASKRUN flag: the kernel posts CQEs itself, and the peek finds them in the CQ.
        try (UringLoop loop = started) {
            CompletableFuture<Integer> timeout = new CompletableFuture<>();
            CompletableFuture<Integer> nop = new CompletableFuture<>();
            loop.execute(() -> {
                loop.ring().timeout(5_000_000L, (res, flags) -> timeout.complete(res));
                loop.ring().nop((res, flags) -> nop.complete(res));
            });
            assertEquals(0, nop.get(WAIT_S, TimeUnit.SECONDS));
            assertEquals(-Errno.ETIME.value(), timeout.get(WAIT_S, TimeUnit.SECONDS));
            assertTaskFromAnotherThreadRuns(loop, "spin-sqpoll");
            assertEquals(0, loop.blockingWaits());
        }
    }

    @Test
    void shouldStopPromptlyWhenUringLoopIsClosedWhileSpinning() throws Exception {
        requireIoUring();
        UringLoop loop = UringLoop.start("spin-uring", IoUring.Options.of(8), UNBOUNDED);
        assertTaskFromAnotherThreadRuns(loop, "spin-uring"); // the loop is spinning now
        assertClosesFromAnotherThread(loop);
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
    }

    private static void requireIoUring() {
        assumeTrue(IoUringSyscalls.FEATURE.isAvailable(), () -> "io_uring unavailable: "
                + IoUringSyscalls.FEATURE.unavailabilityCause());
    }

    /**
     * Submits tasks from another thread one after the other, each once the previous one ran: after the first, the
     * loop has nothing else to do, so the next ones arrive while it spins (a task that lands before the spin runs
     * in the loop's task pass anyway; a hundred make sure the spin's own look at the queue is what runs some).
     */
    private static void assertTaskFromAnotherThreadRuns(Executor loop, String loopName)
            throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            String task = "task " + i + ", queued during the spin,";
            assertEquals(loopName, EventLoopTest.executeFromAnotherThread(loop, task).runner().getName());
        }
    }

    private static void assertClosesFromAnotherThread(AutoCloseable loop) throws InterruptedException {
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread closer = Thread.ofPlatform().start(() -> {
            try {
                loop.close();
            } catch (Exception e) {
                failed.set(e);
            }
        });
        closer.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        assertFalse(closer.isAlive(), "close() did not return while the loop was spinning");
        assertNull(failed.get(), () -> "close() failed: " + failed.get());
    }
}
