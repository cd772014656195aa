/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * A counting semaphore on a 32-bit futex word (the permit count) plus a waiter count, usable in-process or in
 * shared memory between processes. {@link #release(int)} makes a syscall only when some thread may sleep.
 * Permits are not owned: any thread (of any process) may release. Acquisition is not fair: a thread that arrives
 * while a sleeper is being woken may take the permit first.
 *
 * <p>Memory ordering: a successful acquire has the memory effects of {@code VarHandle#compareAndExchange}
 * (which include those of {@code VarHandle#getAcquire}), a release those of {@code VarHandle#compareAndExchange}
 * (including {@code VarHandle#setRelease}): actions before a release are visible to the thread whose acquire takes
 * one of its permits.
 *
 * <p>Virtual threads park on an in-process semaphore and pin their carrier in the kernel on a shared one.
 * Interrupts are noticed within {@value FutexMutex#INTERRUPT_POLL_MS} ms by platform threads.
 */
public final class FutexSemaphore {

    /*
     * Overview.
     *
     *   offset 0: permits (32 bits, >= 0)
     *   offset 4: waiters (32 bits) threads inside acquire's sleep, incremented before sleeping
     *
     *   acquire: loop { c = permits; if c > 0: CAS c -> c - 1, done; waiters++; sleep while permits == 0; waiters-- }
     *   release: CAS permits += n; if waiters > 0: wake n
     *
     * Dekker pairing: the acquirer's waiters++ (volatile) precedes the kernel's (or WaitSite's volatile) check of
     * permits == 0; the releaser's CAS (volatile) precedes its volatile read of waiters. In the total order of
     * those accesses either the sleeper sees the new permits or the releaser sees the waiter. A woken thread
     * always retries the CAS before acting on a timeout or interrupt, so it never strands a permit it was woken
     * for while others sleep.
     */

    /** The number of bytes a shared semaphore occupies at its offset: two 32-bit words, 4-byte aligned. */
    public static final long BYTES = 8;

    private final Word permits;
    private final Word waiters;
    private final WaitSite site;

    /**
     * Creates an in-process semaphore.
     *
     * @param permits the initial number of permits, {@code >= 0}
     * @throws IllegalArgumentException if {@code permits < 0}
     */
    public FutexSemaphore(int permits) {
        this(new Word(Word.allocateOwned(BYTES, 4), 0), false);
        checkPermits(permits);
        this.permits.setRelease(permits);
    }

    private FutexSemaphore(Word base, boolean shared) {
        this.permits = base;
        this.waiters = new Word(base.segment, base.offset + 4);
        this.site = new WaitSite(base, shared);
    }

    /**
     * Initializes a semaphore in a caller's shared segment with {@code permits} permits and no waiters. Call it
     * once, in the process that creates the region, before any process opens it.
     *
     * @param segment native memory holding the semaphore's {@link #BYTES} bytes
     * @param offset  byte offset of the 4-byte aligned words
     * @param permits the initial number of permits, {@code >= 0}
     * @return a semaphore over those words
     * @throws IllegalArgumentException  if {@code permits < 0}, the segment is on the heap or read-only, or the
     *                                   words misaligned
     * @throws IllegalStateException     if the segment is already closed
     * @throws IndexOutOfBoundsException if the words are not inside the segment
     */
    public static FutexSemaphore createInShared(MemorySegment segment, long offset, int permits) {
        checkPermits(permits);
        FutexSemaphore semaphore = openInShared(segment, offset);
        semaphore.waiters.setRelease(0);
        semaphore.permits.setRelease(permits);
        return semaphore;
    }

    /**
     * Opens a semaphore that {@link #createInShared} initialized, in this or another process.
     *
     * @param segment native memory holding the semaphore's {@link #BYTES} bytes
     * @param offset  byte offset of the 4-byte aligned words
     * @return a semaphore over those words
     * @throws IllegalArgumentException  if the segment is on the heap or read-only, or the words misaligned
     * @throws IllegalStateException     if the segment is already closed
     * @throws IndexOutOfBoundsException if the words are not inside the segment
     */
    public static FutexSemaphore openInShared(MemorySegment segment, long offset) {
        Word.check(segment, offset, BYTES, 4);
        return new FutexSemaphore(new Word(segment, offset), true);
    }

    /**
     * Takes one permit, waiting until one is available.
     *
     * @throws InterruptedException if interrupted on entry or while waiting (status cleared)
     */
    public void acquire() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        acquire(WaitSite.NO_DEADLINE, true);
    }

    /** Takes one permit, waiting until one is available; interrupts are ignored and the status kept. */
    public void acquireUninterruptibly() {
        try {
            acquire(WaitSite.NO_DEADLINE, false);
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible acquire threw", e);
        }
    }

    /**
     * Takes one permit if one is available now.
     *
     * @return true if a permit was taken
     */
    public boolean tryAcquire() {
        int c;
        while ((c = permits.getVolatile()) > 0) {
            if (permits.compareAndExchange(c, c - 1) == c) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes one permit, waiting at most {@code timeout}; a zero or negative timeout makes one attempt.
     *
     * @param timeout the longest wait
     * @param unit    the unit of {@code timeout}
     * @return true if a permit was taken, false if the deadline passed
     * @throws InterruptedException if interrupted on entry or while waiting (status cleared)
     */
    public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        long timeoutNs = unit.toNanos(timeout);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (tryAcquire()) {
            return true;
        }
        return timeoutNs > 0 && acquire(WaitSite.deadlineAfter(timeoutNs), true);
    }

    /** Returns one permit, waking a sleeper if any. */
    public void release() {
        release(1);
    }

    /**
     * Returns {@code count} permits, waking up to {@code count} sleepers.
     *
     * @param count the number of permits, {@code > 0}
     * @throws IllegalArgumentException if {@code count <= 0}
     * @throws IllegalStateException    if the count would exceed {@link Integer#MAX_VALUE} (nothing is released)
     */
    public void release(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("count must be > 0, was " + count);
        }
        int c;
        do {
            c = permits.getVolatile();
            if (c > Integer.MAX_VALUE - count) {
                throw new IllegalStateException("permit count would exceed Integer.MAX_VALUE: " + c + " + " + count);
            }
        } while (permits.compareAndExchange(c, c + count) != c);
        if (waiters.getVolatile() > 0) {
            site.wake(count);
        }
    }

    /**
     * The number of permits available now, for monitoring.
     *
     * @return the permit word, read with the memory effects of {@code VarHandle#getAcquire}
     */
    public int availablePermits() {
        return permits.getAcquire();
    }

    private boolean acquire(long deadlineNs, boolean interruptible) throws InterruptedException {
        Thread me = Thread.currentThread();
        boolean restoreInterrupt = false;
        try {
            while (true) {
                int c = permits.getVolatile();
                if (c > 0) {
                    if (permits.compareAndExchange(c, c - 1) == c) {
                        return true;
                    }
                    continue;
                }
                if (interruptible) {
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                } else if (me.isVirtual() && Thread.interrupted()) {
                    restoreInterrupt = true; // park returns at once while the status is set
                }
                if (WaitSite.passed(deadlineNs)) {
                    return false;
                }
                waiters.getAndAdd(1);
                try {
                    site.await(0, deadlineNs, interruptible);
                } finally {
                    waiters.getAndAdd(-1);
                }
            }
        } finally {
            if (restoreInterrupt) {
                me.interrupt();
            }
        }
    }

    private static void checkPermits(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0, was " + permits);
        }
    }
}
