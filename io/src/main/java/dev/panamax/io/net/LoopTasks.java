/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import dev.panamax.ffm.EventFd;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The cross-thread task queue of a loop thread and its eventfd wake-up, shared by {@link EventLoop} and
 * {@link UringLoop}; the eventfd belongs to the loop, which waits on it and closes it.
 */
final class LoopTasks {

    /*
     * Wake-up protocol (a Dekker pair, both sides sequentially consistent):
     *   offer():  tasks.offer(t); if (awake.compareAndSet(false, true)) wakeFd.write(1)
     *   loop:     if (mayBlock()) block in the kernel else poll only; woke(); runAll()
     * mayBlock() sets awake false before it checks the queue, so a task offered after that check finds awake false
     * and writes the eventfd, which ends the loop's wait; while the loop is awake, submitters skip the syscall.
     * A busy-polling loop (LoopOptions.busyPollNs) stays awake while it spins and looks at the queue itself
     * (hasQueued()) between polls; it calls mayBlock() only once its budget is spent, just before it blocks.
     *
     * Closing (another Dekker pair): close() sets closed, then runs the queue a last time; offer() queues, then
     * reads closed and, when set, takes its task back. Either the last run sees the task, or offer() sees closed:
     * if its remove() fails the last run took the task and runs it; if it succeeds the task is refused.
     */

    private static final System.Logger LOG = System.getLogger("dev.panamax.io.net");

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean awake = new AtomicBoolean(true); // false only while the loop may sleep
    private volatile boolean closed; // written once by the loop thread in close(), read by offer() after queuing
    private final EventFd wakeFd;
    private final String loopKind;

    /**
     * @param wakeFd   the eventfd the loop waits on for new tasks
     * @param loopKind such as {@code "event loop"}, for log messages
     */
    LoopTasks(EventFd wakeFd, String loopKind) {
        this.wakeFd = wakeFd;
        this.loopKind = loopKind;
    }

    /** What {@link #offer} did: the loop had closed, so the task was not queued. */
    static final int REFUSED = -1;
    /** What {@link #offer} did: queued; the loop was awake, or this is its own thread. */
    static final int QUEUED = 0;
    /** What {@link #offer} did: queued, and wrote the eventfd because the loop had marked itself asleep. */
    static final int QUEUED_AND_WOKE = 1;

    /**
     * Queues a task; a caller other than the loop thread wakes the loop if it may be sleeping.
     *
     * @return {@link #REFUSED} when the loop had already run its queue for the last time, else {@link #QUEUED} or
     *         {@link #QUEUED_AND_WOKE} (LoopTasksStress tells the wake-up protocol's outcomes apart by it)
     */
    int offer(Runnable task, boolean onLoopThread) {
        tasks.offer(task);
        if (closed && tasks.remove(task)) {
            return REFUSED;
        }
        if (!onLoopThread && awake.compareAndSet(false, true)) {
            wake();
            return QUEUED_AND_WOKE;
        }
        return QUEUED;
    }

    /** Ends the loop's wait whatever {@code awake} says (close() uses it to make the loop see its shutdown flag). */
    void wake() {
        try {
            wakeFd.write(1);
        } catch (IOException e) {
            // the eventfd is closed: the loop has terminated and will not run the task
        }
    }

    /** Loop thread, before waiting: marks the loop as possibly asleep and tells whether no task is queued. */
    boolean mayBlock() {
        awake.set(false);
        return tasks.isEmpty();
    }

    /** Loop thread, while busy polling (awake, so submitters do not write the eventfd): tells whether a task waits. */
    boolean hasQueued() {
        return !tasks.isEmpty();
    }

    /** Loop thread, after waiting: submitters skip the wake-up syscall again. */
    void woke() {
        awake.set(true);
    }

    /** Loop thread: runs every queued task; one that throws is logged and the others still run. */
    void runAll() {
        Runnable t;
        while ((t = tasks.poll()) != null) {
            runSafely(t, loopKind);
        }
    }

    /** Loop thread, as it exits: runs every queued task a last time, and offer() refuses tasks from now on. */
    void close() {
        closed = true;
        runAll();
    }

    static void runSafely(Runnable t, String loopKind) {
        try {
            t.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, loopKind + " task failed", e);
        }
    }
}
