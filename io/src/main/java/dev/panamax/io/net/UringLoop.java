/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.EventFd;
import dev.panamax.io.uring.IoUring;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A single-threaded completion loop on {@link IoUring}: the loop thread owns the ring, and every
 * {@link IoUring.Completion} and every task submitted from any thread ({@link #execute}) runs on it. Requests are
 * queued on {@link #ring()} from the loop thread (inside a task or a completion); each loop turn hands all of them
 * to the kernel and waits for the next completion in one {@code io_uring_enter}, or, with the busy-poll budget of
 * its {@link LoopOptions}, first watches the completion queue without sleeping. An eventfd read kept armed in the
 * ring wakes the loop for new tasks.
 *
 * <p>Typical server: {@code loop.execute(() -> loop.ring().accept(listener, true, onAccept))}, then from each
 * completion queue the next receive or send.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/io_uring.7.html">io_uring(7)</a>
 */
public final class UringLoop implements Executor, AutoCloseable {

    /*
     * Overview.
     *
     * Wake-up protocol: LoopTasks's, the wait being submitAndWait(1). A task's eventfd write completes the ring's
     * pending read of the eventfd, so io_uring_enter returns; the read's completion re-arms it.
     *
     * Busy polling (busyPollNs > 0): after running the tasks, the loop submits what they queued without waiting
     * (IoUring.submit), then spins on IoUring.peekCompletions (shared-memory loads; io_uring_enter only once the
     * kernel flags completion task work), the task queue and the shutdown flag, with Thread.onSpinWait between
     * rounds, until one has something or busyPollNs has passed (System.nanoTime differences). LoopTasks.awake stays
     * true meanwhile, so submitters only queue. Only a spin that found nothing takes the blocking path (mayBlock,
     * submitAndWait(1), woke), unchanged.
     *
     * Completions run inside IoUring.reap() on the loop thread. One that throws is logged; the CQEs after it stay
     * in the ring for the next reap, so the loop goes on.
     *
     * Ending, by close() or by a failure (an Error thrown by a task or a completion, io_uring_enter failing, the
     * wake-up read failing): LoopTasks.close() runs the tasks accepted so far with the ring still open and refuses
     * later ones, then the ring is closed, which cancels every request in flight and runs its completion, so a
     * task run last gets what any task gets, never a closed ring.
     */

    private static final AtomicInteger LOOPS = new AtomicInteger();
    private static final System.Logger LOG = System.getLogger("dev.panamax.io.net");

    private final Thread thread;
    private final IoUring.Options options;
    private final long busyPollNs;
    private final LoopTasks tasks;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final EventFd wakeFd;
    private IoUring ring; // written once by the loop thread before `started` completes
    private MemorySegment wakeBuffer; // loop thread only
    private int wakeError; // loop thread only: the errno of a failed wake-up read, 0 while it works
    // Made once: each wake-up re-arms the eventfd read with it, allocating nothing (LoopAllocationTest).
    private final IoUring.Completion onWake = (result, flags) -> woken(result);
    private volatile boolean shutdown; // written once by close(), read by the loop and by execute()
    private volatile boolean terminated; // written once by the loop as it exits
    private volatile long blockingWaits; // written by the loop thread only (so ++ loses nothing), read by tests
    private volatile long busyPollHits; // written by the loop thread only: spins that found work, read by tests

    private UringLoop(String name, IoUring.Options options, LoopOptions loopOptions) throws IOException {
        this.options = options;
        this.busyPollNs = loopOptions.busyPollNs();
        this.wakeFd = EventFd.create(0, EventFd.NONBLOCK);
        this.tasks = new LoopTasks(wakeFd, "io_uring loop");
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    /**
     * Creates a ring on a new daemon thread and starts its loop.
     *
     * @param name    the thread's name, or null for {@code panamax-uring-N}
     * @param options the ring's sizes
     * @return the running loop
     * @throws IOException                   ErrnoException when the ring or its eventfd cannot be created
     * @throws UnsupportedOperationException when io_uring is unavailable here, with the kernel's cause
     */
    public static UringLoop start(String name, IoUring.Options options) throws IOException {
        return start(name, options, LoopOptions.DEFAULT);
    }

    /**
     * Creates a ring on a new daemon thread and starts its loop, which waits as {@code loopOptions} say: with a
     * busy-poll budget it watches the completion queue without sleeping for that long after its last work before
     * it blocks, burning its core meanwhile (see {@link LoopOptions}).
     *
     * @param name        the thread's name, or null for {@code panamax-uring-N}
     * @param options     the ring's sizes
     * @param loopOptions how the idle loop waits
     * @return the running loop
     * @throws IOException                   ErrnoException when the ring or its eventfd cannot be created
     * @throws UnsupportedOperationException when io_uring is unavailable here, with the kernel's cause
     */
    public static UringLoop start(String name, IoUring.Options options, LoopOptions loopOptions) throws IOException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(loopOptions, "loopOptions");
        UringLoop loop = new UringLoop(name != null ? name : "panamax-uring-" + LOOPS.incrementAndGet(), options,
                loopOptions);
        loop.thread.start();
        try {
            loop.started.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loop.close();
            throw new InterruptedIOException("interrupted while the io_uring loop started");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("the io_uring loop failed to start", cause);
        }
        return loop;
    }

    /**
     * The loop's ring. Its methods may be called on the loop thread only (others get a
     * {@link WrongThreadException}): inside a task or a completion.
     *
     * @return the ring
     */
    public IoUring ring() {
        return ring;
    }

    /**
     * Tells whether the caller is the loop thread.
     *
     * @return true on the loop thread
     */
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code task} on the loop thread, after the tasks submitted before it. Callable from any thread.
     *
     * @param task the task
     * @throws RejectedExecutionException after {@link #close()}, or once the loop has stopped on a failure (logged);
     *                                    the tasks accepted before either still run, with the ring open
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (shutdown || tasks.offer(task, inEventLoop()) == LoopTasks.REFUSED) {
            throw new RejectedExecutionException("io_uring loop " + thread.getName() + " is closed");
        }
    }

    private void run() {
        IoUring r;
        try {
            r = IoUring.open(options);
        } catch (IOException | RuntimeException | Error e) {
            terminated = true;
            closeWakeFd();
            started.completeExceptionally(e);
            return;
        }
        try (Arena arena = Arena.ofConfined(); r) {
            ring = r;
            wakeBuffer = arena.allocate(Long.BYTES);
            armWake(r);
            started.complete(null);
            try {
                loop(r);
            } catch (IOException | RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "io_uring loop " + thread.getName() + " failed", e);
            }
            // Tasks accepted before close(), or before a failure, still run, with the ring open (the ring's close
            // then cancels what they queued, as it does for the requests before them); later ones are refused.
            tasks.close();
        } catch (IOException | RuntimeException | Error e) {
            // Starting failed (started still pending), a last task threw an Error, or closing the ring failed.
            LOG.log(System.Logger.Level.ERROR, "io_uring loop " + thread.getName() + " failed", e);
            started.completeExceptionally(e);
        } finally {
            shutdown = true;
            terminated = true;
            closeWakeFd();
        }
    }

    private void loop(IoUring r) throws IOException {
        final long busyPollNs = this.busyPollNs;
        while (!shutdown) {
            tasks.runAll();
            boolean found = busyPollNs > 0 && busyPoll(r, busyPollNs); // then reap without waiting
            if (!found) {
                if (!tasks.mayBlock() || shutdown) {
                    r.submit(); // work is queued: do not sleep
                } else {
                    blockingWaits++;
                    r.submitAndWait(1);
                }
                tasks.woke();
            }
            reap(r);
            if (wakeError != 0) {
                throw new ErrnoException("read", wakeError); // tasks could no longer wake the loop
            }
        }
    }

    /**
     * Submits what the tasks queued, then polls without sleeping until a completion, a task or close() turns up,
     * or {@code budgetNs} passes.
     *
     * @return true when something turned up, false when the budget was spent
     */
    private boolean busyPoll(IoUring r, long budgetNs) throws IOException {
        final LoopTasks tasks = this.tasks;
        r.submit(); // under DEFER_TASKRUN this also posts the completions already due
        long startNs = System.nanoTime();
        while (true) {
            if (r.peekCompletions() || tasks.hasQueued()) {
                busyPollHits++;
                return true;
            }
            if (shutdown) {
                return true;
            }
            if (System.nanoTime() - startNs >= budgetNs) {
                return false;
            }
            Thread.onSpinWait();
        }
    }

    /** Times the loop blocked in {@code io_uring_enter} (for tests: a budget of Long.MAX_VALUE keeps it at 0). */
    long blockingWaits() {
        return blockingWaits;
    }

    /** Times a busy poll found a completion or a task before its budget ran out. */
    long busyPollHits() {
        return busyPollHits;
    }

    private void armWake(IoUring r) throws IOException {
        r.read(wakeFd.fd(), wakeBuffer, -1, onWake);
    }

    private void woken(int result) {
        if (shutdown) {
            return; // -ECANCELED from close(), or a last wake-up
        }
        if (result < 0 && result != -Errno.EINTR.value() && result != -Errno.EAGAIN.value()) {
            wakeError = -result; // re-arming would fail the same way, in a busy loop
            return;
        }
        try {
            armWake(ring);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void reap(IoUring r) throws IOException {
        while (true) {
            try {
                r.reap();
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "io_uring completion failed", e);
            }
        }
    }

    private void closeWakeFd() {
        try {
            wakeFd.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the wake-up eventfd failed", e);
        }
    }

    /**
     * Stops the loop: tasks already submitted still run, then the ring is closed, which cancels every request in
     * flight and runs their completions (with {@code -ECANCELED}); fds used by requests are not closed. Waits for
     * the loop thread unless called on it. Idempotent.
     *
     * @throws InterruptedIOException when interrupted while waiting
     */
    @Override
    public void close() throws InterruptedIOException {
        shutdown = true;
        if (inEventLoop()) {
            return;
        }
        if (!terminated) {
            tasks.wake();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the io_uring loop to stop");
        }
    }
}
