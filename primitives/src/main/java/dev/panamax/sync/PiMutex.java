/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Futex;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A priority-inheritance mutex on {@code FUTEX_LOCK_PI} / {@code FUTEX_UNLOCK_PI}: while a thread waits, the
 * kernel boosts the holder to the waiter's priority, bounding priority inversion for real-time threads. The word
 * holds the owner's kernel thread id, so an uncontended lock and unlock are one compare-and-exchange each with no
 * syscall; under contention the kernel queues waiters in priority order and hands the lock over directly.
 *
 * <p>In-process ({@link #PiMutex()}, private futex operations) or over a word of a caller's shared segment
 * ({@link #inShared}). Platform threads only: the word records a kernel thread id, and a virtual thread's carrier
 * may change between lock and unlock ({@link UnsupportedOperationException}). Timed waits use
 * {@code FUTEX_LOCK_PI2} (Linux 5.14) with an absolute {@code CLOCK_MONOTONIC} deadline; interruptible waits sleep
 * in slices of {@value FutexMutex#INTERRUPT_POLL_MS} ms. Not robust: see {@link RobustMutex} for owner death.
 *
 * <p>Memory ordering: acquiring has the memory effects of {@code VarHandle#compareAndExchangeAcquire} (or of the
 * kernel's atomic update, which is a full barrier), releasing those of {@code VarHandle#compareAndExchange}
 * (or the kernel's hand-over).
 */
public final class PiMutex implements Lock {

    /*
     * Overview. The kernel's PI futex protocol (Documentation/locking/pi-futex.rst):
     *
     *   word (32 bits):  bit 31 FUTEX_WAITERS | bit 30 FUTEX_OWNER_DIED | bits 0-29 owner TID (0 = free)
     *
     *   lock:   CAS 0 -> tid, else FUTEX_LOCK_PI (the kernel sets WAITERS, sleeps, and writes our TID on hand-over)
     *   unlock: CAS tid -> 0, else (WAITERS set) FUTEX_UNLOCK_PI (the kernel picks the top waiter)
     *
     * Userspace never writes the word except those two CASes; the kernel owns it while WAITERS is set.
     */

    /** The number of bytes a shared PI mutex occupies at its offset (one 4-byte aligned word). */
    public static final long BYTES = 4;

    private final Word word;
    private final boolean shared;
    private Thread owner; // plain: written only by the holder, after acquiring and before releasing

    /** Creates an unlocked in-process PI mutex. */
    public PiMutex() {
        this(new Word(Word.allocateOwned(BYTES, BYTES), 0), false);
    }

    private PiMutex(Word word, boolean shared) {
        this.word = word;
        this.shared = shared;
    }

    /**
     * Creates a PI mutex over a word of a caller's native segment, zero when first used.
     *
     * @param segment native memory holding the word, typically a {@code MAP_SHARED} mapping
     * @param offset  byte offset of the 4-byte aligned word
     * @return a PI mutex over that word
     * @throws IllegalArgumentException  if the segment is on the heap or read-only, or the word misaligned
     * @throws IllegalStateException     if the segment is already closed
     * @throws IndexOutOfBoundsException if the word is not inside the segment
     */
    public static PiMutex inShared(MemorySegment segment, long offset) {
        Word.check(segment, offset, BYTES, BYTES);
        return new PiMutex(new Word(segment, offset), true);
    }

    /**
     * Acquires the lock, sleeping in the kernel (with priority inheritance) as long as it takes.
     *
     * @throws UnsupportedOperationException if called from a virtual thread
     * @throws IllegalMonitorStateException  if the calling thread already holds it (through any view of the word)
     */
    @Override
    public void lock() {
        int tid = enter();
        if (word.compareAndExchangeAcquire(0, tid) != 0) {
            while (kernelLock(Futex.NO_DEADLINE) != Futex.OK) {
                Thread.onSpinWait(); // AGAIN: the owner is exiting; retry
            }
        }
        owner = Thread.currentThread();
    }

    /**
     * Acquires the lock unless interrupted (noticed within {@value FutexMutex#INTERRUPT_POLL_MS} ms).
     *
     * @throws InterruptedException          if interrupted on entry or while waiting (status cleared)
     * @throws UnsupportedOperationException if called from a virtual thread
     * @throws IllegalMonitorStateException  if the calling thread already holds it (through any view of the word)
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!acquire(WaitSite.NO_DEADLINE)) {
            throw new AssertionError("wait without deadline timed out");
        }
    }

    /**
     * Acquires the lock if it is free, with one compare-and-exchange.
     *
     * @return true if acquired
     * @throws UnsupportedOperationException if called from a virtual thread
     */
    @Override
    public boolean tryLock() {
        int tid = Tid.current("PiMutex");
        if (word.compareAndExchangeAcquire(0, tid) == 0) {
            owner = Thread.currentThread();
            return true;
        }
        return false;
    }

    /**
     * Acquires the lock if it becomes free before an absolute deadline {@code time} from now; a zero or negative
     * timeout makes one attempt.
     *
     * @param time the longest time to wait
     * @param unit the unit of {@code time}
     * @return true if acquired, false if the deadline passed
     * @throws InterruptedException          if interrupted on entry or while waiting (status cleared)
     * @throws UnsupportedOperationException if called from a virtual thread
     * @throws IllegalMonitorStateException  if the calling thread already holds it (through any view of the word)
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        long timeoutNs = unit.toNanos(time);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (tryLock()) {
            return true;
        }
        return timeoutNs > 0 && acquire(WaitSite.deadlineAfter(timeoutNs));
    }

    /**
     * Releases the lock; with waiters the kernel hands it to the highest-priority one.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold it
     */
    @Override
    public void unlock() {
        if (owner != Thread.currentThread()) {
            throw new IllegalMonitorStateException("PiMutex not held by " + Thread.currentThread());
        }
        owner = null;
        int tid = Tid.current("PiMutex");
        if (word.compareAndExchange(tid, 0) != tid) {
            try {
                Futex.unlockPi(word.segment, word.offset, shared);
            } catch (ErrnoException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Not supported.
     *
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("PiMutex has no conditions");
    }

    /**
     * Tells whether the calling thread holds this lock.
     *
     * @return true if the calling thread acquired it through this object and has not released it
     */
    public boolean isHeldByCurrentThread() {
        return owner == Thread.currentThread();
    }

    /**
     * The kernel thread id of the holder (in any process), 0 when free, for monitoring.
     *
     * @return the TID bits of the word, read with the memory effects of {@code VarHandle#getAcquire}
     */
    public int ownerTid() {
        return word.getAcquire() & RobustMutex.TID_MASK;
    }

    private int enter() {
        int tid = Tid.current("PiMutex");
        if (owner == Thread.currentThread()) {
            throw new IllegalMonitorStateException("PiMutex is not reentrant: the calling thread holds it");
        }
        return tid;
    }

    /** Interruptible acquisition in slices; false at the deadline. */
    private boolean acquire(long deadlineNs) throws InterruptedException {
        int tid = enter();
        if (word.compareAndExchangeAcquire(0, tid) == 0) {
            owner = Thread.currentThread();
            return true;
        }
        while (true) {
            long sliceNs = System.nanoTime() + WaitSite.INTERRUPT_POLL_NS;
            if (deadlineNs != WaitSite.NO_DEADLINE && deadlineNs - sliceNs < 0) {
                sliceNs = deadlineNs;
            }
            int result = kernelLock(sliceNs);
            if (result == Futex.OK) {
                owner = Thread.currentThread();
                return true;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (WaitSite.passed(deadlineNs)) {
                return false;
            }
        }
    }

    private int kernelLock(long deadlineNs) {
        try {
            return deadlineNs == Futex.NO_DEADLINE
                    ? Futex.lockPi(word.segment, word.offset, shared)
                    : Futex.lockPi(word.segment, word.offset, deadlineNs, shared);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EDEADLK) {
                // The word holds our TID: this thread took it through another PiMutex over the same word.
                throw new IllegalMonitorStateException("PiMutex is not reentrant: the calling thread holds it "
                        + "(through another PiMutex over the same word)");
            }
            throw new UncheckedIOException(e);
        }
    }
}
