/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import java.lang.foreign.MemorySegment;
import java.util.Date;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * A condition variable bound to a {@link FutexMutex}, on a 32-bit sequence word plus a waiter count.
 * {@link #signal()} wakes one waiter; {@link #signalAll()} wakes one and moves the other kernel sleepers onto the
 * mutex's word with {@code FUTEX_CMP_REQUEUE}, so they are woken one per unlock instead of all stampeding for the
 * mutex at once.
 *
 * <p>Every method requires the calling thread to hold the mutex ({@link IllegalMonitorStateException} otherwise).
 * Waits may return spuriously, as {@link Condition} allows; wait in a loop that re-checks the predicate. A signal
 * is never lost: a waiter that reads the sequence before releasing the mutex cannot sleep through a later signal.
 *
 * <p>Virtual threads waiting on an in-process condition park (and {@code signalAll} unparks them to contend for
 * the mutex); on a shared condition they sleep in the kernel and pin their carrier. Interrupts are noticed as by
 * {@link FutexMutex#lockInterruptibly()}: within {@value FutexMutex#INTERRUPT_POLL_MS} ms for platform threads.
 * Timed waits use one absolute {@code CLOCK_MONOTONIC} deadline.
 *
 * <p>Memory ordering: a wait releases and re-acquires the mutex, with the memory effects of
 * {@link FutexMutex#unlock()} and {@link FutexMutex#lock()}; the mutex orders everything else.
 */
public final class FutexCondition implements Condition {

    /*
     * Overview. The classic futex condition variable (glibc before 2.25, "Futexes Are Tricky" section 9):
     *
     *   offset 0: seq     (32 bits) incremented by every signal that finds a waiter, wraps
     *   offset 4: waiters (32 bits) threads between "about to wait" and "re-acquired the mutex"
     *
     *   await:     waiters++, s = seq (both under the mutex); unlock; sleep while seq == s; lock with
     *              getAndSet(2) (FutexMutex.reacquireAfterWait); waiters--
     *   signal:    if waiters > 0: seq++, wake one
     *   signalAll: if waiters > 0: seq++, mark the mutex contended (its word 2, or its sleep word ARMED with the
     *              release-store unlock), CMP_REQUEUE(seq, wake 1, requeue all -> the word the mutex sleeps on)
     *
     * seq and waiters change only under the mutex, so the signaller's count is exact for the threads that have
     * read seq. A signal racing a waiter between its unlock and its futex wait changes seq first, so the kernel's
     * check fails with EAGAIN and the waiter returns. Marking the mutex contended before requeueing
     * guarantees that the unlock of the signaller wakes a requeued sleeper. The sequence wraps after 2^32 signals;
     * a waiter descheduled across exactly 2^32 signals would sleep until the next one (accepted, as in glibc).
     */

    /** The number of bytes a shared condition occupies at its offset: two 32-bit words, 4-byte aligned. */
    public static final long BYTES = 8;

    private final FutexMutex mutex;
    private final Word seq;
    private final Word waiters;
    private final WaitSite site;

    FutexCondition(FutexMutex mutex, Word base) {
        this.mutex = mutex;
        this.seq = base;
        this.waiters = new Word(base.segment, base.offset + 4);
        this.site = new WaitSite(seq, mutex.isShared());
    }

    /**
     * Creates a condition of a shared mutex over {@link #BYTES} bytes of a caller's native segment, zero when
     * first used. Every process builds its own over the same words.
     *
     * @param mutex   a mutex made by {@link FutexMutex#inShared}
     * @param segment native memory holding the condition's words, shared like the mutex's
     * @param offset  byte offset of the 4-byte aligned words
     * @return a condition bound to {@code mutex}
     * @throws IllegalArgumentException  if the mutex is not shared, the segment is on the heap or read-only, or the
     *                                   words misaligned
     * @throws IllegalStateException     if the segment is already closed
     * @throws IndexOutOfBoundsException if the words are not inside the segment
     */
    public static FutexCondition inShared(FutexMutex mutex, MemorySegment segment, long offset) {
        FutexMutex.requireSameMode(mutex, true);
        Word.check(segment, offset, BYTES, 4);
        return new FutexCondition(mutex, new Word(segment, offset));
    }

    /**
     * Releases the mutex, waits for a signal or an interrupt, and re-acquires the mutex.
     *
     * @throws InterruptedException         if interrupted on entry or while waiting (after re-acquiring)
     * @throws IllegalMonitorStateException if the calling thread does not hold the mutex
     */
    @Override
    public void await() throws InterruptedException {
        await(WaitSite.NO_DEADLINE, true);
    }

    /**
     * Releases the mutex, waits for a signal, and re-acquires the mutex; interrupts are ignored and the status
     * kept.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the mutex
     */
    @Override
    public void awaitUninterruptibly() {
        try {
            await(WaitSite.NO_DEADLINE, false);
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible wait threw", e);
        }
    }

    /**
     * Waits at most {@code nanosTimeout}; a zero or negative timeout checks ownership and interrupt status and
     * returns at once without releasing the mutex.
     *
     * @param nanosTimeout the longest wait in nanoseconds
     * @return an estimate of the time left, zero or negative if the deadline passed
     * @throws InterruptedException         if interrupted on entry or while waiting
     * @throws IllegalMonitorStateException if the calling thread does not hold the mutex
     */
    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        if (nanosTimeout <= 0) {
            mutex.checkOwner();
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return nanosTimeout;
        }
        long deadlineNs = WaitSite.deadlineAfter(nanosTimeout);
        await(deadlineNs, true);
        return deadlineNs == WaitSite.NO_DEADLINE ? Long.MAX_VALUE : deadlineNs - System.nanoTime();
    }

    /**
     * Waits at most {@code time}.
     *
     * @param time the longest wait
     * @param unit the unit of {@code time}
     * @return false if the deadline passed before a signal, true otherwise
     * @throws InterruptedException         if interrupted on entry or while waiting
     * @throws IllegalMonitorStateException if the calling thread does not hold the mutex
     */
    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return awaitNanos(unit.toNanos(time)) > 0;
    }

    /**
     * Waits until a wall-clock {@code deadline}, converted once to a {@code CLOCK_MONOTONIC} deadline.
     *
     * @param deadline the wall-clock time to give up at
     * @return false if the deadline passed before a signal, true otherwise
     * @throws InterruptedException         if interrupted on entry or while waiting
     * @throws IllegalMonitorStateException if the calling thread does not hold the mutex
     */
    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        Objects.requireNonNull(deadline, "deadline");
        long remainingMs = deadline.getTime() - System.currentTimeMillis();
        return awaitNanos(TimeUnit.MILLISECONDS.toNanos(remainingMs)) > 0;
    }

    /**
     * Wakes one waiter, if any, with no syscall when none waits.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the mutex
     */
    @Override
    public void signal() {
        mutex.checkOwner();
        if (waiters.getVolatile() == 0) {
            return; // see signalAll
        }
        seq.getAndAdd(1);
        site.wakeOne();
    }

    /**
     * Wakes every waiter: one now, the other kernel sleepers requeued onto the mutex word, woken one per unlock.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the mutex
     */
    @Override
    public void signalAll() {
        mutex.checkOwner();
        if (waiters.getVolatile() == 0) {
            // waiters changes only under the mutex, which we hold: no thread has read seq for a wait it has not
            // finished, and a later waiter reads seq after our unlock. Leaving seq alone then loses nothing and
            // spares the atomic add, which costs a signaller with no waiters (the common case) the most.
            return;
        }
        int s = seq.getAndAdd(1) + 1;
        mutex.markContended();
        if (!site.requeueAll(s, mutex.site())) {
            // Only a signaller changes seq, and all of them hold the mutex: a mismatch means foreign writes.
            site.wakeAll();
        }
    }

    /**
     * The number of threads that are waiting or have been signalled but not yet re-acquired the mutex, for
     * monitoring.
     *
     * @return the waiter count word, read with the memory effects of {@code VarHandle#getAcquire}
     */
    public int waiterCount() {
        return waiters.getAcquire();
    }

    /** Returns true unless the deadline passed without a signal. */
    private boolean await(long deadlineNs, boolean interruptible) throws InterruptedException {
        mutex.checkOwner();
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        Thread me = Thread.currentThread();
        waiters.getAndAdd(1);
        mutex.enterWaiting(); // counted from before the unlock: signalAll may requeue this thread onto the mutex
        int s = seq.getVolatile();
        mutex.releaseForWait();
        boolean signalled = true;
        boolean interrupted = false;
        boolean restoreInterrupt = false;
        while (seq.getVolatile() == s) {
            int result = site.await(s, deadlineNs, interruptible);
            if (seq.getVolatile() != s) {
                break; // a signal: it takes precedence over a timeout or interrupt, so none is lost
            }
            if (result == WaitSite.TIMED_OUT) {
                signalled = false;
                break;
            }
            if (interruptible) {
                if (Thread.interrupted()) {
                    interrupted = true;
                    break;
                }
            } else if (me.isVirtual() && Thread.interrupted()) {
                restoreInterrupt = true; // park returns at once while the status is set
            }
        }
        mutex.reacquireAfterWait();
        mutex.leaveWaiting();
        waiters.getAndAdd(-1);
        if (restoreInterrupt) {
            me.interrupt();
        }
        if (interrupted) {
            throw new InterruptedException();
        }
        return signalled;
    }
}
