/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.loop;

import dev.panamax.io.net.EventLoop;
import dev.panamax.io.net.LoopOptions;
import dev.panamax.io.net.UringLoop;
import dev.panamax.io.uring.IoUring;
import dev.panamax.jcstress.Threads;
import dev.panamax.jcstress.Warmup;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link EventLoop#execute} and {@link UringLoop#execute} from another thread: the task runs even when the loop was
 * on its way to sleep in the kernel (epoll_wait, io_uring_enter) when it was queued.
 */
@Description("Event loops: a task executed from another thread always runs; the loop never sleeps on a queued task.")
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The loop woke and ran the task.")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "The task stays queued while the loop sleeps: a lost wake-up.")
public class LoopWakeStress {

    /*
     * Property: a task executed from another thread runs, whatever the loop was doing: running the previous task,
     * spinning, on its way into the kernel or asleep there. End to end, on the real loops: the Dekker pair between
     * queueing and marking the loop asleep (LoopTasks), the eventfd write, and the loop's way of listening to that
     * eventfd (epoll registration; for io_uring a read of the eventfd that must be submitted again after each
     * wake-up). That last part is what this test catches: with the io_uring loop's re-arm removed, every fork ended
     * STALE. The Dekker race itself is too narrow to hit in a few hundred termination samples (reading the queue
     * before marking the loop asleep passed here); io.net.LoopTasksStress races it millions of times.
     *
     * Each test VM runs one loop (a thread, an epoll or an io_uring instance and an eventfd), shared by its states:
     * between states the loop has nothing to do and goes back to sleep, so each signal races the loop's way into the
     * kernel somewhere between running the previous state's task and blocking. The actor waits for its state's task
     * with no timeout: if the loop slept on it, nothing else would wake the loop (no timers, no sockets), and the
     * state ends STALE. The busy-polling variants add the spin-then-block transition: the loop spins 20 us after each
     * task (submitters skip the syscall while it spins) and marks itself asleep only when the budget is spent.
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t loop.LoopWakeStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2, 2 x 100 ms;
     * 2026-11-26, idle machine). [outcome] samples, all forks merged:
     *   Epoll: OK; [STALE] 0 (forbidden), [TERMINATED] 230
     *   EpollBusyPoll: OK; [STALE] 0 (forbidden), [TERMINATED] 220
     *   Uring: OK; [STALE] 0 (forbidden), [TERMINATED] 211
     *   UringBusyPoll: OK; [STALE] 0 (forbidden), [TERMINATED] 179
     * With the io_uring loop's eventfd read not re-armed after a wake-up: Uring FAILED, STALE in every fork.
     * aarch64: not yet run (io_uring cannot run under qemu-user).
     */

    static final LoopOptions SPIN = LoopOptions.busyPoll(20, TimeUnit.MICROSECONDS);

    /** Runs one task through the loop and waits for it: links the loop's syscalls before the first state. */
    static <E extends Executor> E warm(E loop) {
        CountDownLatch ran = new CountDownLatch(1);
        loop.execute(ran::countDown);
        Threads.await(ran);
        return loop;
    }

    static EventLoop epoll(LoopOptions options) {
        Warmup.blockingPaths();
        try {
            return warm(EventLoop.start("jcstress-epoll", options));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static UringLoop uring(LoopOptions options) {
        Warmup.blockingPaths();
        try {
            return warm(UringLoop.start("jcstress-uring", IoUring.Options.of(64), options));
        } catch (IOException e) {
            throw new UncheckedIOException("this test needs io_uring (" + e.getMessage() + ")", e);
        }
    }

    /** The epoll loop, blocking in epoll_wait as soon as its queue is empty. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(LoopWakeStress.class)
    @State
    public static class Epoll {
        static final EventLoop LOOP = epoll(LoopOptions.DEFAULT);

        private final CountDownLatch ran = new CountDownLatch(1);

        @Actor
        public void actor() {
            Threads.await(ran);
        }

        @Signal
        public void signal() {
            LOOP.execute(ran::countDown);
        }
    }

    /** The epoll loop spinning 20 us before it blocks. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(LoopWakeStress.class)
    @State
    public static class EpollBusyPoll {
        static final EventLoop LOOP = epoll(SPIN);

        private final CountDownLatch ran = new CountDownLatch(1);

        @Actor
        public void actor() {
            Threads.await(ran);
        }

        @Signal
        public void signal() {
            LOOP.execute(ran::countDown);
        }
    }

    /** The io_uring loop, blocking in io_uring_enter as soon as its queue is empty. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(LoopWakeStress.class)
    @State
    public static class Uring {
        static final UringLoop LOOP = uring(LoopOptions.DEFAULT);

        private final CountDownLatch ran = new CountDownLatch(1);

        @Actor
        public void actor() {
            Threads.await(ran);
        }

        @Signal
        public void signal() {
            LOOP.execute(ran::countDown);
        }
    }

    /** The io_uring loop spinning 20 us (peeking at its completion queue) before it blocks. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(LoopWakeStress.class)
    @State
    public static class UringBusyPoll {
        static final UringLoop LOOP = uring(SPIN);

        private final CountDownLatch ran = new CountDownLatch(1);

        @Actor
        public void actor() {
            Threads.await(ran);
        }

        @Signal
        public void signal() {
            LOOP.execute(ran::countDown);
        }
    }
}
