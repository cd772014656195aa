/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Futex;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A futex word plus the means to sleep on it and wake its sleepers: {@code FUTEX_WAIT_BITSET} with an absolute
 * {@code CLOCK_MONOTONIC} deadline for platform threads, and, for in-process words, a parking queue for virtual
 * threads so that they unmount instead of pinning their carrier inside the kernel.
 *
 * <p>Callers keep the futex rule: after any return from {@link #await}, re-check the word and try to make progress
 * (acquire) before giving up on a timeout or an interrupt, because the return may have consumed a wake-up meant to
 * keep the protocol moving.
 */
final class WaitSite {

    /*
     * Overview. Two kinds of sleepers share one word:
     *
     *   platform thread (or any thread, for a shared word): futex(FUTEX_WAIT_BITSET[_PRIVATE], word, expected,
     *       absolute deadline). The kernel checks word == expected under its hash-bucket lock, after a full
     *       barrier, so a waker that changed the word before calling FUTEX_WAKE is never missed.
     *   virtual thread, in-process word only: enqueue a Parked node (a volatile CAS in the queue), then re-read
     *       the word with getVolatile, and park only if it still holds expected. A waker changes the word with a
     *       volatile read-modify-write, then polls the queue. Both sides are volatile (sequentially consistent)
     *       accesses, so either the sleeper sees the new value or the waker sees the node: no lost wake-up.
     *
     * A node is WAITING until exactly one of two CASes wins: the waker's WAITING -> SIGNALLED (it then unparks
     * the thread) or the sleeper's WAITING -> CANCELLED (timeout, interrupt, value already changed). A sleeper
     * whose cancel fails was signalled and reports WOKEN, so the wake-up is never dropped. Cancelled nodes are
     * skipped by wakers and swept out after SWEEP_THRESHOLD cancellations.
     *
     * Interruptible kernel waits sleep in slices of at most INTERRUPT_POLL_NS: Thread.interrupt() does not
     * interrupt a futex wait, so the bound on noticing an interrupt is one slice plus scheduling delay.
     */

    static final int WOKEN = 0;
    static final int TIMED_OUT = 1;
    static final long NO_DEADLINE = Futex.NO_DEADLINE;

    /** The longest an interruptible kernel wait sleeps before re-checking the thread's interrupt status. */
    static final long INTERRUPT_POLL_NS = TimeUnit.MILLISECONDS.toNanos(FutexMutex.INTERRUPT_POLL_MS);

    private static final int SWEEP_THRESHOLD = 256;

    final Word word;
    final boolean shared;
    // The word's 4 bytes alone, sliced once: passed whole to the futex calls, which then slice nothing per call.
    private final MemorySegment futexWord;
    private final ConcurrentLinkedQueue<Parked> parked; // null if shared; added by sleepers, polled by wakers
    private final AtomicInteger cancelledNodes;          // cancellations since the last sweep

    WaitSite(Word word, boolean shared) {
        this.word = word;
        this.shared = shared;
        this.futexWord = word.segment.asSlice(word.offset, Integer.BYTES);
        this.parked = shared ? null : new ConcurrentLinkedQueue<>();
        this.cancelledNodes = shared ? null : new AtomicInteger();
    }

    /** The absolute deadline {@code timeoutNs} from now, saturating at {@link #NO_DEADLINE}. */
    static long deadlineAfter(long timeoutNs) {
        long now = System.nanoTime();
        return timeoutNs >= NO_DEADLINE - now ? NO_DEADLINE : now + timeoutNs;
    }

    static boolean passed(long deadlineNs) {
        return deadlineNs != NO_DEADLINE && System.nanoTime() - deadlineNs >= 0;
    }

    /**
     * Sleeps while the word holds {@code expected}, until woken, the deadline, or (if {@code interruptible}) an
     * interrupt. Never throws for an interrupt: the caller checks the status after its retry.
     *
     * @return {@link #TIMED_OUT} if the deadline passed without a wake-up, {@link #WOKEN} otherwise (including
     *         spurious returns, a changed word and interrupts)
     */
    int await(int expected, long deadlineNs, boolean interruptible) {
        if (parked != null && Thread.currentThread().isVirtual()) {
            return park(expected, deadlineNs);
        }
        long sliceNs = deadlineNs;
        if (interruptible) {
            long pollNs = System.nanoTime() + INTERRUPT_POLL_NS;
            if (deadlineNs == NO_DEADLINE || pollNs - deadlineNs < 0) {
                sliceNs = pollNs;
            }
        }
        if (sliceNs < 0) {
            return TIMED_OUT; // a deadline before the clock's epoch cannot be handed to the kernel, and has passed
        }
        int result;
        try {
            result = Futex.waitBitset(futexWord, 0, expected, Futex.BITSET_MATCH_ANY, sliceNs, shared);
        } catch (ErrnoException e) {
            throw new UncheckedIOException(e);
        }
        if (result == Futex.TIMED_OUT && (sliceNs == deadlineNs || passed(deadlineNs))) {
            return TIMED_OUT;
        }
        return WOKEN;
    }

    private int park(int expected, long deadlineNs) {
        Parked node = new Parked(Thread.currentThread());
        parked.add(node);
        // Volatile re-read after the volatile enqueue: pairs with the waker's volatile update then poll.
        if (word.getVolatile() != expected) {
            cancel(node);
            return WOKEN;
        }
        if (deadlineNs == NO_DEADLINE) {
            LockSupport.park(this);
        } else {
            long remainingNs = deadlineNs - System.nanoTime();
            if (remainingNs > 0) {
                LockSupport.parkNanos(this, remainingNs);
            }
        }
        if (!cancel(node)) {
            return WOKEN; // a waker signalled this node: its wake-up is ours to use
        }
        return passed(deadlineNs) ? TIMED_OUT : WOKEN;
    }

    private boolean cancel(Parked node) {
        if (!node.cancel()) {
            return false;
        }
        if (cancelledNodes.incrementAndGet() >= SWEEP_THRESHOLD) {
            cancelledNodes.set(0);
            parked.removeIf(Parked::isCancelled);
        }
        return true;
    }

    /** Wakes one sleeper: a parked virtual thread if there is one, otherwise one kernel sleeper. */
    void wakeOne() {
        if (unpark(1) == 0) {
            futexWake(1);
        }
    }

    /** Wakes up to {@code count} sleepers. */
    void wake(int count) {
        int unparked = unpark(count);
        if (unparked < count) {
            futexWake(count - unparked);
        }
    }

    /** Wakes every sleeper. */
    void wakeAll() {
        unpark(Integer.MAX_VALUE);
        futexWake(Integer.MAX_VALUE);
    }

    /**
     * Moves the kernel sleepers of this word onto {@code target}'s word, waking one, provided this word still
     * holds {@code expected} ({@code FUTEX_CMP_REQUEUE}); parked virtual threads are unparked instead, and
     * contend for the target themselves.
     *
     * @return false if the word no longer held {@code expected} (nothing requeued; the caller re-reads and retries)
     */
    boolean requeueAll(int expected, WaitSite target) {
        unpark(Integer.MAX_VALUE);
        int result;
        try {
            result = Futex.cmpRequeue(futexWord, 0, expected, 1, target.futexWord, 0, Integer.MAX_VALUE, shared);
        } catch (ErrnoException e) {
            throw new UncheckedIOException(e);
        }
        return result != Futex.AGAIN;
    }

    private int unpark(int count) {
        if (parked == null) {
            return 0;
        }
        int unparked = 0;
        Parked node;
        while (unparked < count && (node = parked.poll()) != null) {
            if (node.signal()) {
                LockSupport.unpark(node.thread);
                unparked++;
            }
        }
        return unparked;
    }

    private void futexWake(int count) {
        try {
            Futex.wake(futexWord, 0, count, shared);
        } catch (ErrnoException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A parked virtual thread. */
    static final class Parked {
        private static final int WAITING = 0;
        private static final int SIGNALLED = 1;
        private static final int CANCELLED = 2;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Parked.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Thread thread;
        private volatile int state; // WAITING until one CAS: SIGNALLED by a waker or CANCELLED by the sleeper

        Parked(Thread thread) {
            this.thread = thread;
        }

        boolean signal() {
            return STATE.compareAndSet(this, WAITING, SIGNALLED);
        }

        boolean cancel() {
            return STATE.compareAndSet(this, WAITING, CANCELLED);
        }

        boolean isCancelled() {
            return state == CANCELLED;
        }
    }
}
