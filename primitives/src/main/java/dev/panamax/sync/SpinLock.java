/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A test-and-test-and-set spin lock with bounded exponential backoff, for critical sections of a few hundred
 * nanoseconds where a futex sleep would cost more than the wait. It never enters the kernel.
 *
 * <p>The lock word is a 32-bit int in native memory: either memory the lock owns ({@link #SpinLock()}) or a
 * caller's segment ({@link #inShared(MemorySegment, long)}), for example a {@code MAP_SHARED} mapping used by
 * several processes. The lock is not reentrant.
 *
 * <p>Memory ordering: a successful {@link #lock()} or {@link #tryLock()} has the memory effects of
 * {@code VarHandle#compareAndExchangeAcquire}; {@link #unlock()} has the memory effects as specified by
 * {@code VarHandle#setRelease}. Everything written before an unlock is visible to the thread that next acquires
 * the lock, in this process or in another one mapping the same word.
 *
 * <p>Virtual threads may use it, but a virtual thread spinning holds its carrier; after the backoff reaches its
 * cap each round also calls {@link Thread#yield()}, which lets a descheduled (or unmounted) holder run.
 */
public final class SpinLock implements Lock {

    /*
     * Overview. TTAS: read the word with opaque reads until it looks free, then try one compareAndExchangeAcquire
     * 0 -> 1. A failed attempt backs off for 2^k onSpinWait() hints, k growing to MAX_BACKOFF_SHIFT, so that
     * contending threads stop hammering the cache line with read-for-ownership requests.
     *
     *   word (32 bits):  0 = free, 1 = held. No other value is ever written.
     *
     * The opaque spin reads only decide when to try the CAS; they carry no ordering duty, because the CAS has
     * acquire semantics and is the only access whose success admits the thread into the critical section.
     * unlock() is a setRelease(0), which pairs with that acquire.
     */

    /** The number of bytes a shared spin lock occupies at its offset. */
    public static final long BYTES = 4;

    private static final int FREE = 0;
    private static final int HELD = 1;
    private static final int MAX_BACKOFF_SHIFT = 10;

    private final Word word;
    private Thread owner; // plain: written only by the holder, after acquiring and before releasing

    /** Creates an unlocked spin lock whose word lives in native memory owned by this object. */
    public SpinLock() {
        this.word = new Word(Word.allocateOwned(BYTES, BYTES), 0);
    }

    private SpinLock(MemorySegment segment, long offset) {
        Word.check(segment, offset, BYTES, BYTES);
        this.word = new Word(segment, offset);
    }

    /**
     * Creates a spin lock over a 4-byte aligned word of a caller's native segment, typically a {@code MAP_SHARED}
     * mapping. The word must be zero (unlocked) when first used; every process builds its own {@code SpinLock}
     * over the same word. The segment must stay alive while the lock is used.
     *
     * @param segment native memory holding the word
     * @param offset  byte offset of the word
     * @return a spin lock over that word
     * @throws IllegalArgumentException  if the segment is on the heap or read-only, or the word misaligned
     * @throws IllegalStateException     if the segment is already closed
     * @throws IndexOutOfBoundsException if the word is not inside the segment
     */
    public static SpinLock inShared(MemorySegment segment, long offset) {
        return new SpinLock(segment, offset);
    }

    /**
     * Acquires the lock, spinning (with backoff) for as long as it takes.
     */
    @Override
    public void lock() {
        if (word.compareAndExchangeAcquire(FREE, HELD) != FREE) {
            spin(false, Long.MAX_VALUE, false);
        }
        owner = Thread.currentThread();
    }

    /**
     * Acquires the lock unless the thread is interrupted; the interrupt status is checked between backoff
     * rounds, so the bound is one backoff round (at most 2^10 spin hints plus a yield).
     *
     * @throws InterruptedException if the thread is interrupted before or while spinning
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (word.compareAndExchangeAcquire(FREE, HELD) != FREE && !spin(true, Long.MAX_VALUE, false)) {
            Thread.interrupted(); // the exception reports the interrupt; clear the status as j.u.c locks do
            throw new InterruptedException();
        }
        owner = Thread.currentThread();
    }

    /**
     * Acquires the lock if it is free, with one compare-and-exchange.
     *
     * @return true if the lock was acquired
     */
    @Override
    public boolean tryLock() {
        if (word.getOpaque() == FREE && word.compareAndExchangeAcquire(FREE, HELD) == FREE) {
            owner = Thread.currentThread();
            return true;
        }
        return false;
    }

    /**
     * Spins for the lock until the timeout elapses. As for {@link Lock#tryLock(long, TimeUnit)}, a zero or
     * negative timeout makes one attempt only.
     *
     * @param time the longest time to spin
     * @param unit the unit of {@code time}
     * @return true if the lock was acquired
     * @throws InterruptedException if the thread is interrupted before or while spinning
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
        if (timeoutNs <= 0) {
            return false;
        }
        long deadlineNs = System.nanoTime() + timeoutNs;
        if (spin(true, deadlineNs, true)) {
            owner = Thread.currentThread();
            return true;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return false;
    }

    /**
     * Releases the lock.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    @Override
    public void unlock() {
        if (owner != Thread.currentThread()) {
            throw new IllegalMonitorStateException("SpinLock not held by " + Thread.currentThread());
        }
        owner = null;
        word.setRelease(FREE);
    }

    /**
     * Not supported: a spin lock has no wait queue to park a condition's waiters on.
     *
     * @return never
     * @throws UnsupportedOperationException always; use {@link FutexMutex#newCondition()}
     */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("SpinLock has no conditions; use FutexMutex.newCondition()");
    }

    /**
     * Tells whether some thread (in any process sharing the word) holds the lock, with the memory effects of
     * {@code VarHandle#getAcquire}. The answer may be stale when it returns: for monitoring only.
     *
     * @return true if the word reads as held
     */
    public boolean isLocked() {
        return word.getAcquire() != FREE;
    }

    /**
     * Tells whether the calling thread holds the lock.
     *
     * @return true if the calling thread acquired the lock through this object and has not released it
     */
    public boolean isHeldByCurrentThread() {
        return owner == Thread.currentThread();
    }

    /** Returns false if interrupted (interruptible) or past the deadline (timed), true once acquired. */
    private boolean spin(boolean interruptible, long deadlineNs, boolean timed) {
        final Word word = this.word;
        int shift = 0;
        while (true) {
            // Opaque read: only a hint on when to try; the acquiring CAS below orders the critical section.
            if (word.getOpaque() == FREE && word.compareAndExchangeAcquire(FREE, HELD) == FREE) {
                return true;
            }
            for (int i = 1 << shift; i > 0; i--) {
                Thread.onSpinWait();
            }
            if (shift < MAX_BACKOFF_SHIFT) {
                shift++;
            } else {
                Thread.yield();
            }
            if (interruptible && Thread.currentThread().isInterrupted()) {
                return false;
            }
            if (timed && System.nanoTime() - deadlineNs >= 0) {
                return false;
            }
        }
    }
}
