/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import dev.panamax.ffm.Epoll;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.Pipes;
import dev.panamax.ffm.Sockets;
import dev.panamax.ffm.TimerFd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventLoopTest {

    private static final long WAIT_S = 8;

    private EventLoop loop;
    private Arena arena;

    /**
     * Starts the loop under test; a subclass runs the whole suite on a loop that waits another way.
     *
     * @param name the thread's name
     * @return the loop
     * @throws IOException when it cannot start
     */
    EventLoop newLoop(String name) throws IOException {
        return EventLoop.start(name);
    }

    @BeforeEach
    void startLoop() throws IOException {
        loop = newLoop("test-loop");
        arena = Arena.ofShared();
    }

    @AfterEach
    void stopLoop() throws IOException {
        loop.close();
        arena.close();
    }

    /** Runs {@code task} on the loop and waits: a full round trip through the wake-up eventfd and epoll_wait. */
    private void roundTrip() throws Exception {
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(null));
        f.get(WAIT_S, TimeUnit.SECONDS);
    }

    @Test
    void shouldRunTaskOnLoopThreadWhenSubmittedFromAnotherThread() throws Exception {
        Handoff h = executeFromAnotherThread(loop, "the task");
        assertEquals("test-loop", h.runner().getName());
        assertNotEquals(h.submitter(), h.runner());
    }

    /** The thread that executed a task on a loop and the thread that ran it. */
    record Handoff(Thread submitter, Thread runner) {
    }

    /**
     * Executes a task on {@code loop} from a new platform thread, and fails unless it runs within the wait; shared
     * by the loop tests of this package.
     *
     * @param what names the task in the failure message
     */
    static Handoff executeFromAnotherThread(Executor loop, String what) throws InterruptedException {
        AtomicReference<Thread> ran = new AtomicReference<>();
        CountDownLatch latch = new CountDownLatch(1);
        Thread submitter = Thread.ofPlatform().start(() -> loop.execute(() -> {
            ran.set(Thread.currentThread());
            latch.countDown();
        }));
        submitter.join();
        assertTrue(latch.await(WAIT_S, TimeUnit.SECONDS), what + " did not run");
        return new Handoff(submitter, ran.get());
    }

    @Test
    void shouldRunEveryTaskInOrderWhenManyThreadsSubmit() throws Exception {
        int threads = 4;
        int perThread = 1000;
        int[] lastSeen = new int[threads]; // loop thread only
        AtomicInteger outOfOrder = new AtomicInteger();
        CountDownLatch latch = new CountDownLatch(threads * perThread);
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            submitters.add(Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= perThread; i++) {
                    int seq = i;
                    loop.execute(() -> {
                        if (lastSeen[id] != seq - 1) {
                            outOfOrder.incrementAndGet();
                        }
                        lastSeen[id] = seq;
                        latch.countDown();
                    });
                }
            }));
        }
        for (Thread s : submitters) {
            s.join();
        }
        assertTrue(latch.await(WAIT_S, TimeUnit.SECONDS), "lost tasks: " + latch.getCount());
        assertEquals(0, outOfOrder.get());
    }

    @Test
    void shouldFireTimerWhenDelayPasses() throws Exception {
        CountDownLatch latch = new CountDownLatch(1);
        AtomicReference<Thread> ran = new AtomicReference<>();
        long[] firedAt = new long[1];
        long start = TimerFd.monotonicNanos();
        EventLoop.Scheduled s = loop.schedule(() -> {
            try {
                firedAt[0] = TimerFd.monotonicNanos();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            ran.set(Thread.currentThread());
            latch.countDown();
        }, 30, TimeUnit.MILLISECONDS);
        assertTrue(latch.await(WAIT_S, TimeUnit.SECONDS));
        assertTrue(firedAt[0] - start >= 30_000_000L, "fired early: " + (firedAt[0] - start) + " ns");
        assertTrue(firedAt[0] >= s.deadlineNanos());
        assertEquals("test-loop", ran.get().getName());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldNotFireTimerWhenDelayOverflowsTheClock() throws Exception {
        AtomicInteger fired = new AtomicInteger();
        long now = TimerFd.monotonicNanos();
        EventLoop.Scheduled nanos = loop.schedule(fired::incrementAndGet, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        EventLoop.Scheduled days = loop.schedule(fired::incrementAndGet, Long.MAX_VALUE / 2, TimeUnit.MILLISECONDS);
        CountDownLatch later = new CountDownLatch(1);
        loop.schedule(later::countDown, 20, TimeUnit.MILLISECONDS); // fires after any timer already due
        assertTrue(later.await(WAIT_S, TimeUnit.SECONDS));
        assertEquals(0, fired.get(), "a timer fired at once");
        assertTrue(nanos.deadlineNanos() > now && days.deadlineNanos() > now, "deadlines in the past");
        assertTrue(nanos.cancel() && days.cancel());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRunTimerExactlyWhenCancelReturnedFalseWhenCancelRacesTheLoop() throws Exception {
        long endNs = System.nanoTime() + 1_500_000_000L;
        while (System.nanoTime() - endNs < 0) {
            int n = 200;
            AtomicIntegerArray ran = new AtomicIntegerArray(n);
            EventLoop.Scheduled[] timers = new EventLoop.Scheduled[n];
            for (int i = 0; i < n; i++) {
                int index = i;
                timers[i] = loop.schedule(() -> ran.set(index, 1), 0, TimeUnit.NANOSECONDS);
            }
            boolean[] cancelled = new boolean[n];
            for (int i = 0; i < n; i++) {
                cancelled[i] = timers[i].cancel(); // races the loop firing them
            }
            CountDownLatch later = new CountDownLatch(1);
            loop.schedule(later::countDown, 1, TimeUnit.MILLISECONDS); // after every timer above was decided
            assertTrue(later.await(WAIT_S, TimeUnit.SECONDS));
            for (int i = 0; i < n; i++) {
                assertEquals(cancelled[i] ? 0 : 1, ran.get(i), "timer " + i + ": cancel() said " + cancelled[i]);
            }
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRunEveryAcceptedTaskWhenExecuteRacesClose() throws Exception {
        long endNs = System.nanoTime() + 1_500_000_000L;
        for (int round = 0; System.nanoTime() - endNs < 0; round++) {
            EventLoop racing = newLoop("racing-" + round);
            AtomicInteger ran = new AtomicInteger();
            AtomicInteger accepted = new AtomicInteger();
            CountDownLatch submitting = new CountDownLatch(1);
            Thread submitter = Thread.ofPlatform().daemon().start(() -> {
                submitting.countDown();
                try {
                    while (true) {
                        racing.execute(ran::incrementAndGet);
                        accepted.incrementAndGet();
                    }
                } catch (RejectedExecutionException e) {
                    // closed: stop
                }
            });
            assertTrue(submitting.await(WAIT_S, TimeUnit.SECONDS));
            racing.close(); // joins the loop thread: every task it accepted has run by now
            submitter.join(TimeUnit.SECONDS.toMillis(WAIT_S));
            assertFalse(submitter.isAlive(), "execute() went on accepting after close()");
            assertEquals(accepted.get(), ran.get(), "round " + round + ": accepted tasks that never ran");
        }
    }

    @Test
    void shouldSkipCancelledTimersWhenFiringInDeadlineOrder() throws Exception {
        List<Integer> order = new ArrayList<>(); // loop thread only until the latch
        CountDownLatch latch = new CountDownLatch(1);
        loop.schedule(() -> {
            order.add(3);
            latch.countDown();
        }, 60, TimeUnit.MILLISECONDS);
        EventLoop.Scheduled cancelled = loop.schedule(() -> order.add(-1), 20, TimeUnit.MILLISECONDS);
        loop.schedule(() -> order.add(2), 40, TimeUnit.MILLISECONDS);
        loop.schedule(() -> order.add(1), 10, TimeUnit.MILLISECONDS);
        assertTrue(cancelled.cancel());
        assertTrue(latch.await(WAIT_S, TimeUnit.SECONDS));
        roundTrip();
        assertEquals(List.of(1, 2, 3), order);
    }

    @Test
    void shouldReleaseCancelledTimersWhenMostOfThemAreCancelledBeforeTheirDeadline() throws Exception {
        EventLoop.Scheduled earliest = loop.schedule(() -> { }, 30, TimeUnit.MINUTES); // heads the heap throughout
        int n = 1000; // as a server's per-request timeouts, cancelled when the responses come
        EventLoop.Scheduled[] timeouts = new EventLoop.Scheduled[n];
        for (int i = 0; i < n; i++) {
            timeouts[i] = loop.schedule(() -> { }, 1, TimeUnit.HOURS);
        }
        roundTrip(); // every timer is in the heap
        for (EventLoop.Scheduled t : timeouts) {
            assertTrue(t.cancel());
        }
        EventLoop.Scheduled live = loop.schedule(() -> { }, 1, TimeUnit.HOURS); // the next request's timeout
        CompletableFuture<Integer> held = new CompletableFuture<>();
        loop.execute(() -> held.complete(loop.timersHeld()));
        int timers = held.get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(timers <= 4, timers + " timers held for 2 live ones: cancelled timers (and their tasks) stay "
                + "until their deadline");
        assertTrue(live.cancel() && earliest.cancel());
    }

    @Test
    void shouldNotifyRepeatedlyWhenLevelTriggeredAndNotDrained() throws Exception {
        try (Pipes.Pipe pipe = Pipes.open(Pipes.NONBLOCK)) {
            CountDownLatch three = new CountDownLatch(3);
            Registration r = loop.register(pipe.readEnd(), Epoll.IN, EventLoop.Trigger.LEVEL, false,
                    (reg, events) -> three.countDown()); // never reads: the pipe stays readable
            pipe.writeEnd().write(arena.allocate(1), 0, 1);
            assertTrue(three.await(WAIT_S, TimeUnit.SECONDS), "level-triggered must keep notifying");
            r.cancel();
        }
    }

    @Test
    void shouldNotifyOncePerArrivalWhenEdgeTriggered() throws Exception {
        try (Pipes.Pipe pipe = Pipes.open(Pipes.NONBLOCK)) {
            AtomicInteger notified = new AtomicInteger();
            CountDownLatch first = new CountDownLatch(1);
            CountDownLatch second = new CountDownLatch(2);
            Registration r = loop.register(pipe.readEnd(), Epoll.IN, EventLoop.Trigger.EDGE, false,
                    (reg, events) -> {
                        notified.incrementAndGet();
                        first.countDown();
                        second.countDown();
                    }); // never reads
            pipe.writeEnd().write(arena.allocate(1), 0, 1);
            assertTrue(first.await(WAIT_S, TimeUnit.SECONDS));
            for (int i = 0; i < 5; i++) {
                roundTrip(); // each wakes epoll_wait; a level-triggered fd would be reported again
            }
            assertEquals(1, notified.get(), "edge-triggered must not repeat while nothing new arrives");
            pipe.writeEnd().write(arena.allocate(1), 0, 1);
            assertTrue(second.await(WAIT_S, TimeUnit.SECONDS), "new data is a new edge");
            r.cancel();
        }
    }

    @Test
    void shouldStopNotifyingWhenRegistrationIsCancelled() throws Exception {
        try (Pipes.Pipe pipe = Pipes.open(Pipes.NONBLOCK)) {
            AtomicInteger notified = new AtomicInteger();
            Registration r = loop.register(pipe.readEnd(), Epoll.IN, EventLoop.Trigger.LEVEL, false,
                    (reg, events) -> notified.incrementAndGet());
            CompletableFuture<Void> cancelled = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    r.cancel();
                    cancelled.complete(null);
                } catch (IOException e) {
                    cancelled.completeExceptionally(e);
                }
            });
            cancelled.get(WAIT_S, TimeUnit.SECONDS);
            pipe.writeEnd().write(arena.allocate(1), 0, 1);
            roundTrip();
            roundTrip();
            assertEquals(0, notified.get());
        }
    }

    @Test
    void shouldEchoExactBytesWhenOneClientExchangesMessages() throws Exception {
        try (EventLoop clients = EventLoop.start("clients"); EchoServer server = new EchoServer(loop, false)) {
            EchoClient client = new EchoClient(arena, 42, 200, 9000);
            client.start(clients, new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            assertEquals(200, client.done().get(WAIT_S, TimeUnit.SECONDS));
            assertEquals(1, server.accepted.get());
        }
    }

    @Test
    void shouldEchoExactBytesWhenSixtyFourClientsAreConnected() throws Exception {
        try (EventLoop clients = EventLoop.start("clients"); EchoServer server = new EchoServer(loop, false)) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
            List<EchoClient> all = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                EchoClient c = new EchoClient(arena, i, 20, 70_000); // messages larger than a socket buffer
                all.add(c);
                c.start(clients, address);
            }
            for (EchoClient c : all) {
                assertEquals(20, c.done().get(WAIT_S, TimeUnit.SECONDS));
            }
            assertEquals(64, server.accepted.get());
        }
    }

    @Test
    void shouldShareListenerWhenRegisteredExclusiveOnTwoLoops() throws Exception {
        Fd listener = Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128, false);
        try (EventLoop second = EventLoop.start("second"); EventLoop clients = EventLoop.start("clients");
                EchoServer a = new EchoServer(loop, listener, true); EchoServer b = new EchoServer(second, listener,
                        true)) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), a.port());
            List<EchoClient> all = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                EchoClient c = new EchoClient(arena, 100 + i, 5, 1000);
                all.add(c);
                c.start(clients, address);
            }
            for (EchoClient c : all) {
                assertEquals(5, c.done().get(WAIT_S, TimeUnit.SECONDS));
            }
            assertEquals(16, a.accepted.get() + b.accepted.get());
            try (Pipes.Pipe pipe = Pipes.open(0)) {
                Registration probe = loop.register(pipe.readEnd(), Epoll.IN, EventLoop.Trigger.LEVEL, true,
                        (reg, events) -> { });
                assertThrows(IllegalStateException.class, () -> probe.modify(Epoll.IN | Epoll.OUT));
                probe.cancel();
            }
        }
    }

    @Test
    void shouldBalanceConnectionsWhenListenersReusePort() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        Fd first = Tcp.listen(any, 128, true);
        int port = Tcp.localPort(first);
        Fd second = Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128, true);
        assertEquals(1, Sockets.getOption(second, Sockets.IntOption.REUSE_PORT));
        try (EventLoop other = EventLoop.start("other"); EventLoop clients = EventLoop.start("clients");
                EchoServer a = new EchoServer(loop, first, false); EchoServer b = new EchoServer(other, second,
                        false)) {
            List<EchoClient> all = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                EchoClient c = new EchoClient(arena, 200 + i, 3, 500);
                all.add(c);
                c.start(clients, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
            for (EchoClient c : all) {
                assertEquals(3, c.done().get(WAIT_S, TimeUnit.SECONDS));
            }
            assertEquals(32, a.accepted.get() + b.accepted.get());
        }
    }

    @Test
    void shouldFailConnectWhenNothingListens() throws Exception {
        Fd unused = Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, false);
        int port = Tcp.localPort(unused);
        unused.close(); // the port is now closed: loopback answers RST
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                Fd fd = Tcp.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                loop.register(fd, Epoll.OUT, EventLoop.Trigger.EDGE, false, (reg, events) -> {
                    try {
                        Tcp.finishConnect(fd);
                        outcome.complete(null);
                    } catch (IOException e) {
                        outcome.complete(e);
                    }
                    reg.cancel();
                    fd.close();
                });
            } catch (IOException e) {
                outcome.complete(e); // loopback may refuse synchronously
            }
        });
        Throwable t = outcome.get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(t instanceof dev.panamax.ffm.ErrnoException e && e.errno() == dev.panamax.ffm.Errno.ECONNREFUSED,
                String.valueOf(t));
    }

    @Test
    void shouldRunQueuedTasksThenRejectNewOnesWhenClosed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        loop.execute(() -> {
            try {
                release.await(WAIT_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.incrementAndGet();
        });
        loop.execute(ran::incrementAndGet);
        Thread closer = Thread.ofPlatform().start(() -> {
            try {
                loop.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        assertFalse(closer.isAlive());
        assertEquals(2, ran.get());
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
        loop.close(); // idempotent
    }

    @Test
    void shouldKeepNotifyingNewRegistrationWhenACancelledOneOfTheSameFdIsModified() throws Exception {
        try (Pipes.Pipe pipe = Pipes.open(Pipes.NONBLOCK)) {
            Registration stale = loop.register(pipe.readEnd(), Epoll.IN, EventLoop.Trigger.LEVEL, false,
                    (reg, events) -> { });
            stale.cancel();
            CountDownLatch notified = new CountDownLatch(1);
            Registration current = loop.register(pipe.readEnd(), Epoll.IN, EventLoop.Trigger.LEVEL, false,
                    (reg, events) -> notified.countDown()); // never reads: stays readable
            Throwable staleModify = null;
            try {
                stale.modify(Epoll.IN); // EPOLL_CTL_MOD by fd number: must not touch `current`'s entry
            } catch (IllegalStateException | IOException e) {
                staleModify = e;
            }
            pipe.writeEnd().write(arena.allocate(1), 0, 1);
            assertTrue(notified.await(WAIT_S, TimeUnit.SECONDS),
                    "the live registration went deaf after a cancelled one of the same fd was modified");
            assertTrue(staleModify instanceof IllegalStateException, "modify after cancel: " + staleModify);
            current.cancel();
        }
    }

    @Test
    void shouldRejectTimerWhenScheduledOnTheLoopThreadAfterClose() throws Exception {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                loop.close(); // on the loop thread: returns at once, the loop stops after this task
                outcome.complete(loop.schedule(() -> { }, 0, TimeUnit.NANOSECONDS));
            } catch (IOException | RuntimeException e) {
                outcome.complete(e);
            }
        });
        Object result = outcome.get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(result instanceof RejectedExecutionException,
                "schedule() after close() gave " + result + " (a timer that never runs), not the documented rejection");
    }

    @Test
    void shouldReturnFromCancelOnAnotherThreadOnlyOnceTheHandlerHasReturned() throws Exception {
        try (Pipes.Pipe pipe = Pipes.open(Pipes.NONBLOCK)) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean cancelReturned = new AtomicBoolean();
            AtomicBoolean overlapped = new AtomicBoolean();
            Registration r = loop.register(pipe.readEnd(), Epoll.IN, EventLoop.Trigger.LEVEL, false,
                    (reg, events) -> {
                        entered.countDown();
                        try {
                            release.await(WAIT_S, TimeUnit.SECONDS); // a handler still using the fd
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        overlapped.compareAndSet(false, cancelReturned.get());
                    });
            pipe.writeEnd().write(arena.allocate(1), 0, 1);
            assertTrue(entered.await(WAIT_S, TimeUnit.SECONDS));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread canceller = Thread.ofPlatform().start(() -> {
                try {
                    r.cancel(); // the caller then closes the fd, as register() tells it to
                    cancelReturned.set(true);
                } catch (IOException | RuntimeException e) {
                    failure.set(e);
                }
            });
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
            while (canceller.isAlive() && canceller.getState() != Thread.State.TIMED_WAITING
                    && canceller.getState() != Thread.State.WAITING && System.nanoTime() - deadlineNs < 0) {
                Thread.onSpinWait(); // until cancel() has returned, or waits for the handler
            }
            release.countDown();
            canceller.join(TimeUnit.SECONDS.toMillis(WAIT_S));
            assertFalse(canceller.isAlive(), "cancel() did not return once the handler had");
            assertEquals(null, failure.get());
            roundTrip();
            assertFalse(overlapped.get(), "cancel() on another thread returned while the handler was running: closing "
                    + "the fd after it races the handler's calls on it");
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldReturnFromCancelWhenTwoLoopsHandlersCancelEachOthersRegistrations() throws Exception {
        EventLoop first = newLoop("first-loop"); // not `loop`: stopLoop() would wait forever for a deadlocked one
        EventLoop other = newLoop("other-loop");
        try (Pipes.Pipe pipe = Pipes.open(Pipes.NONBLOCK); Pipes.Pipe otherPipe = Pipes.open(Pipes.NONBLOCK)) {
            CountDownLatch bothRunning = new CountDownLatch(2);
            CountDownLatch bothCancelled = new CountDownLatch(2);
            AtomicReference<Registration> here = new AtomicReference<>();
            AtomicReference<Registration> there = new AtomicReference<>();
            // As a proxy's two connections on two loops, each closing the other side: a handler that cancels a
            // registration of the other loop while that loop's handler cancels one of this loop.
            EventLoop.Handler cancelOther = (reg, events) -> {
                bothRunning.countDown();
                try {
                    bothRunning.await(WAIT_S, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                (reg == here.get() ? there : here).get().cancel();
                bothCancelled.countDown();
                reg.cancel();
            };
            here.set(first.register(pipe.readEnd(), Epoll.IN, EventLoop.Trigger.LEVEL, false, cancelOther));
            there.set(other.register(otherPipe.readEnd(), Epoll.IN, EventLoop.Trigger.LEVEL, false, cancelOther));
            pipe.writeEnd().write(arena.allocate(1), 0, 1);
            otherPipe.writeEnd().write(arena.allocate(1), 0, 1);
            boolean returned = bothCancelled.await(WAIT_S, TimeUnit.SECONDS);
            if (returned) { // deadlocked loops would never stop: their daemon threads are left behind instead
                first.close();
                other.close();
            }
            assertTrue(returned, "the two loops' cancel() calls wait for each other's handler: deadlock");
        }
    }

    @Test
    void shouldCancelRegistrationWhenHandlerThrows() throws Exception {
        try (Pipes.Pipe pipe = Pipes.open(Pipes.NONBLOCK)) {
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch called = new CountDownLatch(1);
            loop.register(pipe.readEnd(), Epoll.IN, EventLoop.Trigger.LEVEL, false, (reg, events) -> {
                calls.incrementAndGet();
                called.countDown();
                throw new IOException("handler failure (expected by the test)");
            });
            MemorySegment one = arena.allocate(1);
            pipe.writeEnd().write(one, 0, 1);
            assertTrue(called.await(WAIT_S, TimeUnit.SECONDS));
            roundTrip();
            roundTrip();
            assertEquals(1, calls.get(), "a failed handler is cancelled, not called again");
        }
    }
}
