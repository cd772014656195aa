/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import dev.panamax.ffm.RobustList;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A process-shared mutex that survives the death of its holder: the kernel's robust-futex machinery marks the
 * lock {@code FUTEX_OWNER_DIED} and wakes a waiter when the holding thread exits or its process is killed (even
 * by {@code SIGKILL}). The next acquirer gets the lock <em>and</em> an {@link OwnerDiedException}; it repairs the
 * guarded data and calls {@link #markConsistent()}. If it unlocks without doing so, the lock becomes unusable and
 * every later acquisition throws {@link LockNotRecoverableException}, as with POSIX robust mutexes.
 *
 * <p>The lock occupies {@link #BYTES} bytes of a caller's shared segment, 8-byte aligned and zero when first used:
 * the futex word, a consistency word, and the robust-list entry that the holding thread links into the list glibc
 * registered for it with {@code set_robust_list} (see {@link RobustList}). Only platform threads may use it: a
 * virtual thread could change carrier, and so kernel thread and robust list, between lock and unlock; it gets an
 * {@link UnsupportedOperationException}. Waiting is done in the kernel with shared futex operations.
 *
 * <p>Memory ordering: acquiring has the memory effects of {@code VarHandle#compareAndExchange}, releasing those of
 * {@code VarHandle#getAndSet} (which include {@code VarHandle#setRelease}), so the lock orders the guarded data
 * between threads of all processes mapping the region. Interrupts and timeouts behave as in {@link FutexMutex}.
 *
 * <p><b>Closing the segment.</b> Close the segment only when no thread of this process holds or waits for the
 * lock. If it is closed anyway, every method of this object then throws {@link IllegalStateException} before
 * touching the lock's memory, and the holder's next call on any robust lock unlinks the closed lock's entry from
 * its robust list without touching the closed memory, so later robust locks keep working. A lock closed while held
 * stays held, for good, in the memory other processes still map: this process can no longer release it, nor can
 * the kernel mark it owner-died. The library cannot learn of the close itself: until that next call the kernel's
 * list still leads into the closed range, and if the holder exits meanwhile, the kernel skips the robust locks it
 * took before the closed one (they are not marked owner-died). A segment closed by another thread <em>during</em> a
 * call (a shared arena) makes that call throw {@link IllegalStateException} part way, leaving the lock unusable
 * but never writing through freed memory.
 */
public final class RobustMutex implements Lock {

    /*
     * Overview. The word has the kernel's robust-futex format, so the kernel can inspect it at thread death:
     *
     *    31       30          29 ............................ 0
     *   +--------+-----------+--------------------------------+
     *   |WAITERS |OWNER_DIED | owner TID (0 = free)            |
     *   +--------+-----------+--------------------------------+
     *
     * Region (offsets from the word; entry offsets follow glibc's pthread_mutex_t, futex_offset = -32 on LP64):
     *
     *   +0  word   +4  consistency (0 CONSISTENT, 1 INCONSISTENT, 2 NOT_RECOVERABLE)
     *   +24 entry.prev   +32 entry.next   (entry = word - futex_offset)   ... BYTES = 64
     *
     * lock (glibc's PTHREAD_MUTEX_ROBUST_NORMAL_NP): list_op_pending = entry; loop { v = word; if TID(v) == 0:
     * CAS v -> tid | WAITERS(v) | (WAITERS if this thread ever slept); else set WAITERS and FUTEX_WAIT(v) };
     * link the entry; list_op_pending = 0.
     * unlock: list_op_pending = entry; unlink; if getAndSet(0) has WAITERS: FUTEX_WAKE 1; list_op_pending = 0.
     *
     * At thread death the kernel walks the list and list_op_pending: a word whose TID is the dead thread's
     * becomes WAITERS(v) | OWNER_DIED, and one waiter is woken (a shared wake). A pending word that is free gets
     * a waiter woken too, covering a death between an unlock and its wake. A woken waiter keeps WAITERS set when
     * it takes the lock, because other sleepers may remain. The consistency word is written only by the holder.
     */

    /** The bytes a robust mutex occupies at its 8-byte aligned offset. */
    public static final long BYTES = 64;

    static final int WAITERS = 0x8000_0000;
    static final int OWNER_DIED = 0x4000_0000;
    static final int TID_MASK = 0x3fff_ffff;

    private static final int CONSISTENT = 0;
    private static final int INCONSISTENT = 1;
    private static final int NOT_RECOVERABLE = 2;

    private final MemorySegment segment;
    private final long offset;
    private final Word word;
    private final Word consistency;
    private final WaitSite site;
    private Thread owner; // plain: written only by the holder, after acquiring and before releasing

    private RobustMutex(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
        this.word = new Word(segment, offset);
        this.consistency = new Word(segment, offset + 4);
        this.site = new WaitSite(word, true);
    }

    /**
     * Tells whether robust futex lists can be used here (kernel support, glibc's list registered).
     *
     * @return true if {@link #inShared} works
     */
    public static boolean isAvailable() {
        return RobustList.isAvailable();
    }

    /**
     * Creates a robust mutex over {@link #BYTES} bytes of a caller's native segment, typically a
     * {@code MAP_SHARED} mapping, zero when first used by any process.
     *
     * @param segment native memory holding the region
     * @param offset  byte offset of the 8-byte aligned region
     * @return a robust mutex over that region
     * @throws UnsupportedOperationException if robust lists are unavailable (the message says why)
     * @throws IllegalArgumentException      if the segment is on the heap or read-only, or the region misaligned
     * @throws IllegalStateException         if the segment is already closed
     * @throws IndexOutOfBoundsException     if the region is not inside the segment
     */
    public static RobustMutex inShared(MemorySegment segment, long offset) {
        Word.check(segment, offset, BYTES, 8);
        RobustList.ensureAvailable();
        if (RobustList.bytesFromWord() > BYTES) {
            throw new UnsupportedOperationException("the C library's robust list entry needs "
                    + RobustList.bytesFromWord() + " bytes from the lock word, more than RobustMutex.BYTES");
        }
        return new RobustMutex(segment, offset);
    }

    /**
     * Acquires the lock, sleeping as long as it takes; interrupts are ignored.
     *
     * @throws OwnerDiedException            if acquired from a dead holder (the lock is held)
     * @throws LockNotRecoverableException   if the lock was made unusable (the lock is not held)
     * @throws UnsupportedOperationException if called from a virtual thread
     * @throws IllegalMonitorStateException  if the calling thread already holds it (through any view of the region)
     * @throws IllegalStateException         if the segment is closed
     */
    @Override
    public void lock() {
        ensureOpen();
        try {
            acquire(WaitSite.NO_DEADLINE, false);
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible acquire threw", e);
        }
    }

    /**
     * Acquires the lock unless interrupted (noticed within {@value FutexMutex#INTERRUPT_POLL_MS} ms).
     *
     * @throws InterruptedException          if interrupted on entry or while waiting (status cleared)
     * @throws OwnerDiedException            if acquired from a dead holder (the lock is held)
     * @throws LockNotRecoverableException   if the lock was made unusable (the lock is not held)
     * @throws UnsupportedOperationException if called from a virtual thread
     * @throws IllegalMonitorStateException  if the calling thread already holds it (through any view of the region)
     * @throws IllegalStateException         if the segment is closed
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        ensureOpen();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        acquire(WaitSite.NO_DEADLINE, true);
    }

    /**
     * Acquires the lock if it is free (or free because its holder died).
     *
     * @return true if acquired
     * @throws OwnerDiedException            if acquired from a dead holder (the lock is held)
     * @throws LockNotRecoverableException   if the lock was made unusable (the lock is not held)
     * @throws UnsupportedOperationException if called from a virtual thread
     * @throws IllegalMonitorStateException  if the calling thread already holds it (through any view of the region)
     * @throws IllegalStateException         if the segment is closed
     */
    @Override
    public boolean tryLock() {
        ensureOpen();
        try {
            return acquire(-1, false);
        } catch (InterruptedException e) {
            throw new AssertionError("non-blocking acquire threw", e);
        }
    }

    /**
     * Acquires the lock if it becomes free before an absolute deadline {@code time} from now; a zero or negative
     * timeout makes one attempt.
     *
     * @param time the longest time to wait
     * @param unit the unit of {@code time}
     * @return true if acquired, false if the deadline passed
     * @throws InterruptedException          if interrupted on entry or while waiting (status cleared)
     * @throws OwnerDiedException            if acquired from a dead holder (the lock is held)
     * @throws LockNotRecoverableException   if the lock was made unusable (the lock is not held)
     * @throws UnsupportedOperationException if called from a virtual thread
     * @throws IllegalMonitorStateException  if the calling thread already holds it (through any view of the region)
     * @throws IllegalStateException         if the segment is closed
     */
    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        ensureOpen();
        long timeoutNs = unit.toNanos(time);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return acquire(timeoutNs <= 0 ? -1 : WaitSite.deadlineAfter(timeoutNs), true);
    }

    /**
     * Releases the lock, waking one waiter if any. If the lock was acquired from a dead holder and not marked
     * consistent, it becomes permanently unusable.
     *
     * @throws IllegalMonitorStateException  if the calling thread does not hold it
     * @throws IllegalStateException         if the segment is closed (the lock's memory is gone; nothing to release)
     */
    @Override
    public void unlock() {
        ensureOpen();
        if (owner != Thread.currentThread()) {
            throw new IllegalMonitorStateException("RobustMutex not held by " + Thread.currentThread());
        }
        if (consistency.getPlain() == INCONSISTENT) {
            consistency.setRelease(NOT_RECOVERABLE);
        }
        release();
    }

    /**
     * Declares the data guarded by the lock repaired after an {@link OwnerDiedException}; the lock then works
     * normally again.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     * @throws IllegalStateException        if the lock is not in the owner-died state, or the segment is closed
     */
    public void markConsistent() {
        ensureOpen();
        if (owner != Thread.currentThread()) {
            throw new IllegalMonitorStateException("RobustMutex not held by " + Thread.currentThread());
        }
        if (consistency.getPlain() != INCONSISTENT) {
            throw new IllegalStateException("markConsistent() is only for a lock acquired with OwnerDiedException");
        }
        consistency.setRelease(CONSISTENT);
    }

    /**
     * Not supported.
     *
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("RobustMutex has no conditions");
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
     * @throws IllegalStateException if the segment is closed
     */
    public int ownerTid() {
        ensureOpen();
        return word.getAcquire() & TID_MASK;
    }

    /** Deadline -1: one attempt. Returns false only at the deadline. */
    private boolean acquire(long deadlineNs, boolean interruptible) throws InterruptedException {
        int tid = Tid.current("RobustMutex");
        if (owner == Thread.currentThread()) {
            throw new IllegalMonitorStateException("RobustMutex is not reentrant: the calling thread holds it");
        }
        final Word word = this.word;
        int assumeWaiters = 0;
        int acquired;
        RobustList.setPending(segment, offset);
        try {
            while (true) {
                int v = word.getVolatile();
                if ((v & TID_MASK) == 0) {
                    int next = tid | (v & WAITERS) | assumeWaiters;
                    if (word.compareAndExchange(v, next) == v) {
                        acquired = v;
                        break;
                    }
                    continue;
                }
                if ((v & TID_MASK) == tid) {
                    // Held by this thread through another RobustMutex over the same region: waiting would never end.
                    keepWaitersWoken(assumeWaiters);
                    throw new IllegalMonitorStateException("RobustMutex is not reentrant: the calling thread holds "
                            + "it (through another RobustMutex over the same region)");
                }
                if (deadlineNs == -1 || WaitSite.passed(deadlineNs)) {
                    keepWaitersWoken(assumeWaiters);
                    return false;
                }
                if ((v & WAITERS) == 0) {
                    if (word.compareAndExchange(v, v | WAITERS) != v) {
                        continue;
                    }
                    v |= WAITERS;
                }
                assumeWaiters = WAITERS; // others may sleep too: the unlock must still wake them
                site.await(v, deadlineNs, interruptible);
                if (interruptible && Thread.interrupted()) {
                    keepWaitersWoken(assumeWaiters);
                    throw new InterruptedException();
                }
            }
            RobustList.link(segment, offset);
        } finally {
            RobustList.clearPending();
        }
        owner = Thread.currentThread();
        int state = consistency.getAcquire();
        if (state == NOT_RECOVERABLE) {
            release();
            throw new LockNotRecoverableException("RobustMutex is not recoverable: a holder acquired it from a dead "
                    + "owner and unlocked without markConsistent()");
        }
        if ((acquired & OWNER_DIED) != 0) {
            consistency.setRelease(INCONSISTENT);
            throw new OwnerDiedException("RobustMutex acquired from a holder that died while holding it: the lock is "
                    + "held; repair the guarded data, call markConsistent(), then unlock()");
        }
        return true;
    }

    /**
     * Throws if the segment was closed, before anything reads or writes the lock's memory or the robust list; first
     * unlinks closed entries from the calling thread's list, so that a holder learns of the close at the latest here.
     */
    private void ensureOpen() {
        if (!segment.scope().isAlive()) {
            if (!Thread.currentThread().isVirtual()) {
                RobustList.unlinkClosed();
            }
            throw new IllegalStateException("RobustMutex's segment is already closed: its lock word and robust list "
                    + "entry are gone (close the segment only after every holder has unlocked)");
        }
    }

    /**
     * Before a thread that slept leaves without the lock: the wake-up it may have consumed must not strand the
     * other sleepers, so either the word keeps WAITERS (the holder's unlock wakes one) or, if free, one is woken.
     */
    private void keepWaitersWoken(int assumeWaiters) {
        if (assumeWaiters == 0) {
            return;
        }
        while (true) {
            int v = word.getVolatile();
            if ((v & TID_MASK) == 0) {
                site.wakeOne();
                return;
            }
            if ((v & WAITERS) != 0 || word.compareAndExchange(v, v | WAITERS) == v) {
                return;
            }
        }
    }

    private void release() {
        owner = null;
        RobustList.setPending(segment, offset);
        try {
            RobustList.unlink(segment, offset);
            if ((word.getAndSet(0) & WAITERS) != 0) {
                site.wakeOne();
            }
        } finally {
            RobustList.clearPending();
        }
    }
}
