/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;

/**
 * A non-reentrant mutual-exclusion lock on a 32-bit futex word: an uncontended {@link #lock()} and {@link #unlock()}
 * are one atomic instruction each, with no syscall; the kernel is entered only to sleep while the lock is held, and
 * to wake a sleeper when there is one.
 *
 * <p><b>Modes.</b> {@link #FutexMutex()} keeps the word in native memory the mutex owns and uses
 * {@code FUTEX_PRIVATE_FLAG} operations. {@link #inShared(MemorySegment, long)} puts the word in a caller's
 * segment, typically a {@code MAP_SHARED} file or memfd mapping: the operations are then shared and the mutex
 * excludes threads of every process that builds a {@code FutexMutex} over the same word.
 *
 * <p><b>Spinning.</b> Before sleeping, a contended acquisition spins while the word says the mutex is held with
 * no sleeper (as Rust's {@code std} futex mutex does), with exponential backoff between reads (1, 2, 4 ... 1024
 * {@link Thread#onSpinWait()} hints, then a {@link Thread#yield()} per further round), and takes the word whenever
 * it reads it free; losing that race goes on spinning, as in a TTAS lock: a short critical section then ends
 * without any syscall on either side. It stops spinning as soon as the word says a thread may sleep, and leaves the
 * lock to that sleeper's turn instead of racing it. A spin limit counts {@code onSpinWait} hints:
 * {@link #FutexMutex()} spins up to {@link #DEFAULT_SPIN_LIMIT}, {@link #FutexMutex(int)} up to its argument
 * ({@code 0}: never), {@link #inShared(MemorySegment, long)} never. {@link #adaptive()} bounds each spin phase
 * like glibc's {@code PTHREAD_MUTEX_ADAPTIVE_NP}: up to {@code 2 * estimate + 10} hints (at most
 * {@link #DEFAULT_MAX_SPINS}), the estimate following the spins that recent acquisitions needed.
 *
 * <p><b>Unlock.</b> {@link UnlockMode#EXCHANGE} (Drepper's mutex, and every shared mutex) releases with an atomic
 * exchange on the word, a locked instruction that a spinning contender's reads keep contended.
 * {@link UnlockMode#RELEASE_STORE}, the default for in-process mutexes where the kernel offers it, releases with a
 * plain release store and then reads a separate sleep word; a thread about to sleep sets that word and calls
 * {@code membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)}, which interrupts the other CPUs running this process's
 * threads to order their unlocks against its check (an asymmetric Dekker handshake). Contended throughput then
 * approaches a spin lock's; the price is an inter-processor interrupt each time a thread goes to sleep, which
 * latency-critical threads pinned to isolated CPUs may prefer to avoid with {@link #withUnlock(UnlockMode, int)}.
 *
 * <p><b>Virtual threads.</b> In-process mutexes park a waiting virtual thread ({@link java.util.concurrent.locks.
 * LockSupport#park}) in a queue beside the futex word, so it unmounts and frees its carrier; platform threads
 * sleep in {@code FUTEX_WAIT}. An unlock that finds the word contended wakes exactly one sleeper of either kind.
 * A shared mutex cannot be unparked by another process: a virtual thread waiting on it sleeps in the kernel and
 * pins its carrier for that time.
 *
 * <p><b>Interrupts and timeouts.</b> {@link #lockInterruptibly()} sleeps in slices of at most 10 ms
 * ({@code FUTEX_WAIT_BITSET} with an absolute deadline) and notices an interrupt within one slice; a parked
 * virtual thread notices it at once. {@link #tryLock(long, TimeUnit)} computes one absolute
 * {@code CLOCK_MONOTONIC} deadline up front, so spurious wake-ups never extend it. As the {@link Lock} contract
 * says, a zero or negative timeout makes a single attempt.
 *
 * <p><b>Ownership.</b> The mutex records its holder; {@link #unlock()} by any other thread throws
 * {@link IllegalMonitorStateException}, and so does a second {@link #lock()} by the holder (it would deadlock).
 * For a shared mutex the holder is tracked per {@code FutexMutex} object, so within each process; the word does
 * not record the holder, so a second {@code FutexMutex} over the same word cannot tell, and its {@link #lock()} by
 * the holder deadlocks.
 *
 * <p><b>Memory ordering.</b> Acquiring has the memory effects of {@code VarHandle#compareAndExchangeAcquire} (or
 * {@code VarHandle#getAndSet}), releasing those of {@code VarHandle#setRelease} (the release-store unlock) or
 * {@code VarHandle#getAndSet} (the exchange unlock, which includes them): everything the holder wrote before
 * {@link #unlock()} is visible to the next holder, in this process or another.
 */
public final class FutexMutex implements Lock {

    /** How {@link #unlock()} learns whether a thread sleeps on the mutex. */
    public enum UnlockMode {
        /** An atomic exchange on the lock word: one locked instruction per unlock, no inter-processor interrupt. */
        EXCHANGE,
        /**
         * A release store, then a read of the sleep word; sleepers pay a {@code membarrier} (in-process only, and
         * only where {@link FutexMutex#releaseStoreUnavailableReason()} is empty).
         */
        RELEASE_STORE
    }

    /*
     * Overview. Drepper's "mutex 2" ("Futexes Are Tricky", 2011, section 6):
     *
     *   word (32 bits):  0 = FREE, 1 = LOCKED (no sleeper), 2 = CONTENDED (locked, sleepers possible)
     *
     *   lock:   CAS 0 -> 1; on failure:
     *             spin while word == 1 (if maxSpins > 0, bounded, backing off); on each 0 read: CAS 0 -> 1,
     *             acquired if that succeeds, else spin on
     *             waiters++; loop { CAS 0 -> (waiters > 1 ? 2 : 1) or c = getAndSet(2): acquired if it read 0;
     *                               sleep while word == 2; spin while word == 1 }; waiters--
     *   unlock: if getAndSet(0) == 2: wake one
     *
     *   FREE      --CAS 0 -> 1 (lock, tryLock, first spin)-->           LOCKED
     *   LOCKED    --getAndSet(2) by a waiter, or markContended-->       CONTENDED
     *   FREE      --getAndSet(2) by a waiter, which thereby acquires--> CONTENDED (a sleeper may remain)
     *   FREE      --CAS by a counted waiter, alone / not alone-->       LOCKED / CONTENDED (in-process only)
     *   LOCKED    --unlock: getAndSet(0) returns 1, no syscall-->        FREE
     *   CONTENDED --unlock: getAndSet(0) returns 2, then wake one-->     FREE
     *
     * While anyone may sleep the word must say so, so that the next unlock wakes; an unlock that sees 1 knows no
     * one sleeps and makes no syscall. A thread that has not slept yet (the fast path and the first spin) may
     * take the lock with CAS 0 -> 1, as a barging newcomer would: the sleeper the last unlock woke then finds the
     * word taken and sets 2 again before sleeping. A thread that has slept must not hide other sleepers. Drepper's
     * mutex makes it acquire with getAndSet(2), which leaves 2 behind after every sleep even when no one else
     * waits: the next unlock pays a FUTEX_WAKE for nobody and a spinning acquirer, reading 2, goes to sleep, so
     * two threads settle into a convoy of wake/sleep pairs. In-process mutexes therefore count the threads that
     * may sleep on the word (waiters: incremented before the first getAndSet(2), decremented after acquiring or
     * giving up; FutexCondition counts its waiters too, since signalAll may requeue them onto the word). A counted
     * thread tries CAS 0 -> 1 when it is the only one counted and CAS 0 -> 2 otherwise, then getAndSet(2). The
     * count is read after the thread's own wake-up; any sleeper it could hide incremented the count before its
     * getAndSet(2), which came before the unlock that freed the word, so the read sees it. A sleeper counted too
     * late to be seen did its getAndSet(2) after the read, and then either finds the word free, or makes the CAS
     * fail, or sees the 1 the CAS wrote and replaces it with 2 before sleeping. Over-counting (a thread spinning
     * after its wake-up) only costs a wake-up. Shared mutexes cannot count other processes' threads and keep
     * Drepper's getAndSet(2).
     *
     * The spin only waits while the word reads 1 (held, no sleeper) and only reads it (opaque): it never writes,
     * so it never marks the word contended (which would make the holder's unlock pay a FUTEX_WAKE). A spin that
     * reads 2 stops and goes to sleep rather than race a sleeper the next unlock will wake (it can still barge
     * when it read 1 just before a waiter's getAndSet(2) and then reads the unlock's 0: that is the ordinary
     * barging case above). With a short critical section the spinner sees 0 within a few iterations and no
     * thread enters the kernel.
     *
     * The unlock exchange is volatile, not merely release: its store must be ordered before the wake's read of
     * the virtual-thread queue (see WaitSite), a store-then-load order that only a volatile access gives.
     *
     * RELEASE_STORE mode (in-process, membarrier registered). The word only holds 0 and 1; sleepers wait on a
     * second word, sleep (0 IDLE, 1 ARMED), next to it:
     *
     *   unlock: word.setRelease(0); if sleep.getOpaque() == ARMED and sleep.getAndSet(IDLE) == ARMED: wake one
     *   sleep:  sleep.setVolatile(ARMED); membarrier(PRIVATE_EXPEDITED); if word == 0: CAS 0 -> 1 (acquired if
     *           it succeeds); otherwise FUTEX_WAIT(sleep, ARMED) (or park a virtual thread on it)
     *
     * membarrier returns only after every thread of the process has passed a full barrier point P. An unlocker
     * whose sleep read came before its P also made its word store before P, so the sleeper's read after
     * membarrier sees it (or a later lock, whose own unlock reads sleep after P); an unlocker reading after P sees
     * ARMED, which was globally visible before membarrier began. So a sleeper that finds the word locked after
     * membarrier is woken by that hold's unlock: the Dekker handshake without a fence on the unlock side. The JIT
     * keeps the opaque read after the release store (it does not reorder opaque accesses).
     *
     * An unlock that wakes clears ARMED, so further unlocks make no syscall until a sleeper re-arms. The woken
     * thread may not be the only sleeper: on acquiring from the slow path it re-arms if another thread is counted
     * in waiters, and on giving up (timeout, interrupt) it wakes one if any is counted, so a cleared ARMED never
     * strands a sleeper. Conditions requeue onto the sleep word and markContended arms it.
     */

    /** The number of bytes a shared mutex occupies at its offset (one 4-byte aligned word). */
    public static final long BYTES = 4;

    /** The spin limit of {@link #adaptive()}, as glibc's default {@code MAX_ADAPTIVE_COUNT} and Rust std's. */
    public static final int DEFAULT_MAX_SPINS = 100;

    /**
     * The spin limit of {@link #FutexMutex()}, in {@link Thread#onSpinWait()} hints: about 4 rounds of the longest
     * backoff, tens of microseconds, the order of a futex sleep and wake-up on a virtual machine.
     */
    public static final int DEFAULT_SPIN_LIMIT = 1 << 12;

    /** The bound on noticing an interrupt in a kernel wait, in milliseconds. */
    public static final long INTERRUPT_POLL_MS = 10;

    /** The longest backoff between two reads of the word while spinning: 2^10 spin hints. */
    private static final int MAX_BACKOFF_SHIFT = 10;

    private static final int IDLE = 0;
    private static final int ARMED = 1;

    static final int FREE = 0;
    static final int LOCKED = 1;
    static final int CONTENDED = 2;

    private final Word word;
    private final Word sleep;            // RELEASE_STORE only, else null: ARMED while a thread may sleep unwoken
    private final WaitSite site;         // where sleepers wait: on sleep (RELEASE_STORE) or on word (EXCHANGE)
    private final int sleepValue;        // the value a sleeper waits on: ARMED or CONTENDED
    private final int maxSpins;
    private final boolean adaptive;
    private final AtomicInteger waiters; // volatile RMWs; null if shared: threads that may sleep on the word
    private int spinEstimate;  // plain: a heuristic written by any acquirer; a lost update only changes a spin count
    private Thread owner;      // plain: written only by the holder, after acquiring and before releasing

    /**
     * Creates an unlocked in-process mutex that spins up to {@link #DEFAULT_SPIN_LIMIT} hints before sleeping, with
     * the {@linkplain #defaultUnlockMode() default unlock}.
     */
    public FutexMutex() {
        this(DEFAULT_SPIN_LIMIT);
    }

    /**
     * Creates an unlocked in-process mutex that spins up to {@code maxSpins} hints before sleeping, with the
     * {@linkplain #defaultUnlockMode() default unlock}.
     *
     * @param maxSpins the spin limit, {@code 0} for none
     * @throws IllegalArgumentException if {@code maxSpins < 0}
     */
    public FutexMutex(int maxSpins) {
        this(ownedWords(), false, maxSpins, false, defaultUnlockMode());
    }

    private FutexMutex(Word word, boolean shared, int maxSpins, boolean adaptive, UnlockMode mode) {
        if (maxSpins < 0) {
            throw new IllegalArgumentException("maxSpins must be >= 0, was " + maxSpins);
        }
        this.word = word;
        if (mode == UnlockMode.RELEASE_STORE) {
            this.sleep = new Word(word.segment, word.offset + BYTES);
            this.site = new WaitSite(sleep, false);
            this.sleepValue = ARMED;
        } else {
            this.sleep = null;
            this.site = new WaitSite(word, shared);
            this.sleepValue = CONTENDED;
        }
        this.maxSpins = maxSpins;
        this.adaptive = adaptive;
        this.waiters = shared ? null : new AtomicInteger();
    }

    /** The lock word and, next to it, the sleep word: 8 bytes that share a cache line. */
    private static Word ownedWords() {
        return new Word(Word.allocateOwned(2 * BYTES, 2 * BYTES), 0);
    }

    /**
     * Creates an in-process mutex with an adaptive spin phase of at most {@link #DEFAULT_MAX_SPINS} hints.
     *
     * @return an unlocked adaptive mutex
     */
    public static FutexMutex adaptive() {
        return new FutexMutex(ownedWords(), false, DEFAULT_MAX_SPINS, true, defaultUnlockMode());
    }

    /**
     * Creates an in-process mutex with the given unlock and spin limit.
     *
     * @param mode     the unlock
     * @param maxSpins the spin limit in hints, {@code 0} for none
     * @return an unlocked mutex
     * @throws IllegalArgumentException      if {@code maxSpins < 0}
     * @throws UnsupportedOperationException if {@code mode} is {@link UnlockMode#RELEASE_STORE} and this process
     *                                       cannot use it ({@link #releaseStoreUnavailableReason()} says why)
     */
    public static FutexMutex withUnlock(UnlockMode mode, int maxSpins) {
        Objects.requireNonNull(mode, "mode");
        if (mode == UnlockMode.RELEASE_STORE && !AsymmetricFence.isAvailable()) {
            throw new UnsupportedOperationException("UnlockMode.RELEASE_STORE is unavailable: "
                    + AsymmetricFence.UNAVAILABLE_REASON);
        }
        return new FutexMutex(ownedWords(), false, maxSpins, false, mode);
    }

    /**
     * Returns the unlock of in-process mutexes made without naming one: {@link UnlockMode#RELEASE_STORE} when
     * {@code membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)} could be registered and
     * {@code -Dpanamax.sync.asymmetricFence=false} is not set, {@link UnlockMode#EXCHANGE} otherwise.
     *
     * @return the default unlock mode of this process
     */
    public static UnlockMode defaultUnlockMode() {
        return AsymmetricFence.isAvailable() ? UnlockMode.RELEASE_STORE : UnlockMode.EXCHANGE;
    }

    /**
     * Tells why {@link UnlockMode#RELEASE_STORE} cannot be used in this process, if it cannot.
     *
     * @return the reason (membarrier refused by seccomp or emulation, an old kernel, or the property), or empty
     */
    public static Optional<String> releaseStoreUnavailableReason() {
        return Optional.ofNullable(AsymmetricFence.UNAVAILABLE_REASON);
    }

    /**
     * Returns how this mutex unlocks; always {@link UnlockMode#EXCHANGE} for a shared mutex.
     *
     * @return the unlock mode
     */
    public UnlockMode unlockMode() {
        return sleep != null ? UnlockMode.RELEASE_STORE : UnlockMode.EXCHANGE;
    }

    /**
     * Creates a mutex over a word in a caller's native segment, using shared futex operations. The word must be
     * zero (unlocked) when first used by any process, and the segment must stay alive while the mutex is used.
     *
     * @param segment native memory holding the word, typically a {@code MAP_SHARED} mapping
     * @param offset  byte offset of the 4-byte aligned word
     * @return a mutex over that word
     * @throws IllegalArgumentException  if the segment is on the heap or read-only, or the word misaligned
     * @throws IllegalStateException     if the segment is already closed
     * @throws IndexOutOfBoundsException if the word is not inside the segment
     */
    public static FutexMutex inShared(MemorySegment segment, long offset) {
        return inShared(segment, offset, 0);
    }

    /**
     * Like {@link #inShared(MemorySegment, long)}, with a spin phase of at most {@code maxSpins} spins.
     *
     * @param segment  native memory holding the word
     * @param offset   byte offset of the 4-byte aligned word
     * @param maxSpins the spin limit, {@code 0} for none
     * @return a mutex over that word
     * @throws IllegalArgumentException  if {@code maxSpins < 0}, the segment is on the heap or read-only, or the
     *                                   word misaligned
     * @throws IllegalStateException     if the segment is already closed
     * @throws IndexOutOfBoundsException if the word is not inside the segment
     */
    public static FutexMutex inShared(MemorySegment segment, long offset, int maxSpins) {
        Word.check(segment, offset, BYTES, BYTES);
        return new FutexMutex(new Word(segment, offset), true, maxSpins, false, UnlockMode.EXCHANGE);
    }

    /**
     * Acquires the mutex, sleeping as long as it takes; interrupts are ignored (and the status kept).
     *
     * @throws IllegalMonitorStateException if the calling thread already holds it
     */
    @Override
    public void lock() {
        if (word.compareAndExchangeAcquire(FREE, LOCKED) != FREE) {
            acquireSlow(WaitSite.NO_DEADLINE, false);
        }
        owner = Thread.currentThread();
    }

    /**
     * Acquires the mutex unless the thread is interrupted. A platform thread notices an interrupt within
     * {@value #INTERRUPT_POLL_MS} ms plus scheduling delay; a virtual thread at once.
     *
     * @throws InterruptedException         if the thread is interrupted on entry or while waiting (status cleared)
     * @throws IllegalMonitorStateException if the calling thread already holds it
     */
    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (word.compareAndExchangeAcquire(FREE, LOCKED) != FREE) {
            acquireSlowInterruptibly(WaitSite.NO_DEADLINE);
        }
        owner = Thread.currentThread();
    }

    /**
     * Acquires the mutex if it is free, with one compare-and-exchange and no syscall.
     *
     * @return true if acquired
     */
    @Override
    public boolean tryLock() {
        if (word.compareAndExchangeAcquire(FREE, LOCKED) == FREE) {
            owner = Thread.currentThread();
            return true;
        }
        return false;
    }

    /**
     * Acquires the mutex if it becomes free before an absolute deadline {@code time} from now.
     *
     * @param time the longest time to wait; zero or negative makes one attempt
     * @param unit the unit of {@code time}
     * @return true if acquired, false if the deadline passed
     * @throws InterruptedException         if the thread is interrupted on entry or while waiting (status cleared)
     * @throws IllegalMonitorStateException if the calling thread already holds it
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
        if (acquireSlowInterruptibly(WaitSite.deadlineAfter(timeoutNs))) {
            owner = Thread.currentThread();
            return true;
        }
        return false;
    }

    /**
     * Releases the mutex and, if a thread may sleep on it, wakes one.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold it
     */
    @Override
    public void unlock() {
        checkOwner();
        owner = null;
        release();
    }

    private void release() {
        if (sleep != null) {
            word.setRelease(FREE);
            // Opaque read after the release store: the sleeper's membarrier supplies the store-load order.
            if (sleep.getOpaque() == ARMED && sleep.getAndSet(IDLE) == ARMED) {
                site.wakeOne();
            }
        } else if (word.getAndSet(FREE) == CONTENDED) {
            site.wakeOne();
        }
    }

    /**
     * Returns a new condition bound to this in-process mutex; {@code signalAll} requeues kernel sleepers onto this
     * mutex's word ({@code FUTEX_CMP_REQUEUE}) instead of waking them all.
     *
     * @return a new condition
     * @throws UnsupportedOperationException for a shared mutex, whose condition word must also live in shared
     *                                       memory: use {@link FutexCondition#inShared}
     */
    @Override
    public FutexCondition newCondition() {
        if (site.shared) {
            throw new UnsupportedOperationException("a shared FutexMutex needs its condition word in shared memory "
                    + "too: use FutexCondition.inShared(mutex, segment, offset)");
        }
        return new FutexCondition(this, new Word(Word.allocateOwned(FutexCondition.BYTES, 4), 0));
    }

    /**
     * Tells whether any thread (of any process sharing the word) holds the mutex, with the memory effects of
     * {@code VarHandle#getAcquire}. For monitoring: the answer may be stale on return.
     *
     * @return true if the word reads as locked
     */
    public boolean isLocked() {
        return word.getAcquire() != FREE;
    }

    /**
     * Tells whether the calling thread holds this mutex.
     *
     * @return true if the calling thread acquired it through this object and has not released it
     */
    public boolean isHeldByCurrentThread() {
        return owner == Thread.currentThread();
    }

    /**
     * Tells whether the word lives in caller-supplied memory and uses shared futex operations.
     *
     * @return true for a mutex made by {@code inShared}
     */
    public boolean isShared() {
        return site.shared;
    }

    @Override
    public String toString() {
        Thread holder = owner;
        return "FutexMutex[" + (site.shared ? "shared" : "private") + ", " + unlockMode() + ", word=" + word.getOpaque()
                + (holder != null ? ", held by " + holder.getName() : "") + "]";
    }

    WaitSite site() {
        return site;
    }

    void checkOwner() {
        if (owner != Thread.currentThread()) {
            throw new IllegalMonitorStateException("FutexMutex not held by " + Thread.currentThread());
        }
    }

    /** Releases on behalf of a condition wait; the caller checked ownership. */
    void releaseForWait() {
        owner = null;
        release();
    }

    /**
     * Re-acquires after a condition wait, always through getAndSet(2): other waiters may have been requeued onto
     * the word and must be woken by the next unlock. Uninterruptible; the interrupt status is kept.
     */
    void reacquireAfterWait() {
        Thread me = Thread.currentThread();
        boolean interrupted = false;
        while (acquireAsWaiter() != FREE) {
            site.await(sleepValue, WaitSite.NO_DEADLINE, false);
            if (me.isVirtual() && Thread.interrupted()) {
                interrupted = true; // park returns at once while the status is set
            }
        }
        rearmForOthers();
        owner = me;
        if (interrupted) {
            me.interrupt();
        }
    }

    /** Marks the held mutex contended, so that its next unlock wakes a thread a condition requeues onto it. */
    void markContended() {
        if (sleep != null) {
            sleep.setVolatile(ARMED);
        } else {
            word.getAndSet(CONTENDED);
        }
    }

    private void acquireSlow(long deadlineNs, boolean interruptible) {
        try {
            acquire(deadlineNs, interruptible);
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible acquire threw", e);
        }
    }

    private boolean acquireSlowInterruptibly(long deadlineNs) throws InterruptedException {
        return acquire(deadlineNs, true);
    }

    /** The contended path; returns false at the deadline. Does not set {@link #owner}. */
    private boolean acquire(long deadlineNs, boolean interruptible) throws InterruptedException {
        Thread me = Thread.currentThread();
        // Not counted yet: may barge with CAS 0 -> 1 (see the overview). The holder's own spin ends in the check
        // below; reading owner first would pull the holder's cache line on every contended acquisition.
        if (maxSpins > 0 && spin(false)) {
            return true;
        }
        if (owner == me) {
            throw new IllegalMonitorStateException("FutexMutex is not reentrant: " + me + " already holds it");
        }
        boolean interrupted = false;
        boolean acquired = false;
        enterWaiting();
        try {
            int c = acquireAsWaiter();
            while (c != FREE) {
                int result = site.await(sleepValue, deadlineNs, interruptible);
                // Retry before acting on a timeout or interrupt: the wait may have consumed an unlock's wake-up.
                c = maxSpins > 0 && spin(true) ? FREE : acquireAsWaiter();
                if (c == FREE) {
                    break;
                }
                if (interruptible) {
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                } else if (me.isVirtual() && Thread.interrupted()) {
                    interrupted = true; // park returns at once while the status is set; restore it on the way out
                }
                if (result == WaitSite.TIMED_OUT || WaitSite.passed(deadlineNs)) {
                    return false; // EXCHANGE: the word stays CONTENDED, the holder's unlock wakes another sleeper
                }
            }
            rearmForOthers();
            acquired = true;
        } finally {
            leaveWaiting();
            if (!acquired) {
                passWakeUp(); // reached by a timeout, an interrupt or an exception
            }
            if (interrupted) {
                me.interrupt();
            }
        }
        return true;
    }

    /**
     * RELEASE_STORE: after a counted acquisition, arms the sleep word if another thread is counted, because the
     * wake-up that let this thread in cleared ARMED and another sleeper may still wait for one.
     */
    private void rearmForOthers() {
        if (sleep != null && waiters.get() > 1) {
            sleep.setVolatile(ARMED);
        }
    }

    /**
     * RELEASE_STORE: a counted thread leaving without the mutex may have consumed the wake-up meant to let a
     * sleeper retry; hand it on.
     */
    private void passWakeUp() {
        if (sleep != null && waiters.get() > 0) {
            site.wakeOne();
        }
    }

    /** Counts the calling thread as one that may sleep on the word, until {@link #leaveWaiting()}. */
    void enterWaiting() {
        if (waiters != null) {
            waiters.getAndIncrement();
        }
    }

    void leaveWaiting() {
        if (waiters != null) {
            waiters.getAndDecrement();
        }
    }

    /**
     * One acquisition attempt by a counted waiter (see the overview): CAS 0 -> 1 when no other thread is counted,
     * CAS 0 -> 2 when one is, then getAndSet(2), which marks the word for the sleep that follows a failure.
     *
     * @return the word's value before the attempt that decided it: {@link #FREE} if acquired
     */
    private int acquireAsWaiter() {
        if (sleep != null) {
            return acquireOrArm();
        }
        if (waiters != null
                && word.compareAndExchangeAcquire(FREE, waiters.get() > 1 ? CONTENDED : LOCKED) == FREE) {
            return FREE;
        }
        return word.getAndSet(CONTENDED);
    }

    /**
     * RELEASE_STORE: takes the word if free, otherwise arms the sleep word and, after the process-wide barrier,
     * looks again (see the overview).
     *
     * @return {@link #FREE} if acquired, {@link #LOCKED} if the caller may sleep on the sleep word
     */
    private int acquireOrArm() {
        if (word.getOpaque() == FREE && word.compareAndExchangeAcquire(FREE, LOCKED) == FREE) {
            return FREE;
        }
        sleep.setVolatile(ARMED);
        AsymmetricFence.heavy();
        // Opaque read after membarrier: a free word (or a failed CAS, taken by a locker after the barrier point,
        // whose unlock then sees ARMED) decides; the acquiring CAS orders the critical section.
        if (word.getOpaque() == FREE && word.compareAndExchangeAcquire(FREE, LOCKED) == FREE) {
            return FREE;
        }
        return LOCKED;
    }

    /**
     * Spins while the word reads {@link #LOCKED}, with exponential backoff up to the spin limit, and takes it
     * whenever it reads {@link #FREE}: a lost race goes on spinning, as in a TTAS lock, instead of going to sleep
     * (a holder that re-locks at once would otherwise send every waiter into the kernel, where FUTEX_WAIT fails
     * with EAGAIN because the word moved on). Stops when the word reads {@link #CONTENDED}: a sleeper's turn.
     *
     * @param counted whether the caller is a counted waiter, which acquires as {@link #acquireAsWaiter} says;
     *                otherwise it barges with CAS 0 -> 1
     * @return true if it acquired the mutex
     */
    private boolean spin(boolean counted) {
        final Word word = this.word;
        final int limit = adaptive ? Math.min(maxSpins, spinEstimate * 2 + 10) : maxSpins;
        int spins = 0;
        int shift = 0;
        boolean acquired = false;
        while (true) {
            // Opaque read: a hint on when to try; the acquiring CAS orders the critical section.
            int c = word.getOpaque();
            if (c == FREE) {
                if (!counted || sleep != null) {
                    acquired = word.compareAndExchangeAcquire(FREE, LOCKED) == FREE;
                } else if (waiters != null) {
                    acquired = word.compareAndExchangeAcquire(FREE, waiters.get() > 1 ? CONTENDED : LOCKED) == FREE;
                } else {
                    break; // a shared waiter acquires only through getAndSet(2), after the spin
                }
                if (acquired) {
                    break;
                }
            } else if (c == CONTENDED || spins >= limit) {
                break;
            }
            for (int i = 1 << shift; i > 0; i--) {
                Thread.onSpinWait();
            }
            spins += 1 << shift;
            if (shift < MAX_BACKOFF_SHIFT) {
                shift++;
            } else {
                Thread.yield(); // past the longest backoff, let a descheduled holder run
            }
        }
        if (adaptive) {
            spinEstimate += (spins - spinEstimate) / 8;
        }
        return acquired;
    }

    static FutexMutex requireSameMode(FutexMutex mutex, boolean shared) {
        Objects.requireNonNull(mutex, "mutex");
        if (mutex.site.shared != shared) {
            throw new IllegalArgumentException("a " + (shared ? "shared" : "private")
                    + " condition needs a mutex of the same mode, got " + mutex);
        }
        return mutex;
    }
}
