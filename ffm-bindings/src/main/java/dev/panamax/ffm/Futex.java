/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.Check;
import dev.panamax.ffm.internal.ErrnoState;
import dev.panamax.ffm.internal.Words;
import dev.panamax.ffm.internal.uapi.Syscalls;
import dev.panamax.ffm.internal.uapi.futex_h;
import dev.panamax.ffm.internal.uapi.futex_waitv;
import dev.panamax.ffm.internal.uapi.time_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.Objects;

/**
 * Futex syscalls on a 32-bit word in native memory: wait, wake, requeue, priority-inheritance locks, and the
 * futex2 calls {@code futex_waitv}, {@code futex_wait} and {@code futex_wake}.
 *
 * <p>A futex word is given as a native {@link MemorySegment} plus a byte offset; the word must lie inside the
 * segment and be 4-byte aligned, which is checked before the call. Every method takes a {@code shared} flag:
 * {@code false} adds {@code FUTEX_PRIVATE_FLAG} (faster, same process only); {@code true} is needed when the
 * word lives in {@code MAP_SHARED} memory that other processes wait on.
 *
 * <p>Waits return result codes instead of throwing for the errnos that are part of the futex protocol:
 * {@link #OK}, {@link #AGAIN} (the word did not hold the expected value), {@link #TIMED_OUT} and
 * {@link #INTERRUPTED}. A wake-up may be spurious: callers re-check their condition. Any other errno
 * throws {@link ErrnoException}. Timed waits use a per-thread {@code timespec}: no call allocates.
 */
public final class Futex {

    /*
     * Overview. Each method is one futex(2) operation: validate the word (native, in bounds, aligned, alive), build
     * the op (operation | FUTEX_PRIVATE_FLAG unless shared), fill the calling thread's scratch timespec for timed
     * variants, call, and map the result through Check.futexResult (EAGAIN/EINTR/ETIMEDOUT → negative codes).
     * Deadlines are absolute CLOCK_MONOTONIC nanoseconds, the clock Processes.clockMonotonicNanos() reads.
     */

    /** The wait returned after a wake-up (possibly spurious), or the lock was acquired. */
    public static final int OK = 0;
    /** EAGAIN: the word did not hold the expected value (or, for PI locks, the lock was busy). */
    public static final int AGAIN = Check.AGAIN;
    /** ETIMEDOUT: the timeout or deadline passed. */
    public static final int TIMED_OUT = Check.TIMED_OUT;
    /** EINTR: a signal handler ran. */
    public static final int INTERRUPTED = Check.INTERRUPTED;
    /** A bitset matching every waiter, for {@link #waitBitset} and {@link #wakeBitset}. */
    public static final int BITSET_MATCH_ANY = futex_h.FUTEX_BITSET_MATCH_ANY();
    /** Pass as a deadline to wait without one. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;
    /** The most futexes one {@link #waitv} call takes. */
    public static final int WAITV_MAX = futex_h.FUTEX_WAITV_MAX();

    private static final String FUTEX = "futex";
    private static final MemorySegment NULL = MemorySegment.NULL;
    private static final int PRIVATE = futex_h.FUTEX_PRIVATE_FLAG();
    private static final int WAIT = futex_h.FUTEX_WAIT();
    private static final int WAKE = futex_h.FUTEX_WAKE();
    private static final int WAIT_BITSET = futex_h.FUTEX_WAIT_BITSET();
    private static final int WAKE_BITSET = futex_h.FUTEX_WAKE_BITSET();
    private static final int REQUEUE = futex_h.FUTEX_REQUEUE();
    private static final int CMP_REQUEUE = futex_h.FUTEX_CMP_REQUEUE();
    private static final int LOCK_PI = futex_h.FUTEX_LOCK_PI();
    private static final int LOCK_PI2 = futex_h.FUTEX_LOCK_PI2();
    private static final int UNLOCK_PI = futex_h.FUTEX_UNLOCK_PI();
    private static final int TRYLOCK_PI = futex_h.FUTEX_TRYLOCK_PI();
    private static final int FUTEX2_SIZE_U32 = futex_h.FUTEX2_SIZE_U32();
    private static final int FUTEX2_PRIVATE = futex_h.FUTEX2_PRIVATE();
    private static final int CLOCK_MONOTONIC = time_h.CLOCK_MONOTONIC();

    private Futex() {
    }

    /**
     * Sleeps while the word holds {@code expected} ({@code FUTEX_WAIT}, no timeout).
     *
     * @param word     native memory holding the futex word
     * @param offset   byte offset of the 4-byte aligned word in {@code word}
     * @param expected the value the caller saw; the kernel sleeps only if the word still holds it
     * @param shared   true for a word in memory shared between processes
     * @return {@link #OK}, {@link #AGAIN} or {@link #INTERRUPTED}
     * @throws ErrnoException           for errnos outside the protocol (EFAULT, EINVAL, ENOSYS)
     * @throws IllegalArgumentException if the segment is on the heap or the word misaligned
     * @throws IndexOutOfBoundsException if the word is not inside the segment
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public static int wait(MemorySegment word, long offset, int expected, boolean shared) throws ErrnoException {
        MemorySegment uaddr = word(word, offset);
        MemorySegment es = ErrnoState.current();
        return Check.futexResult(Syscalls.futex(es, uaddr, op(WAIT, shared), expected, NULL, NULL, 0), es, FUTEX);
    }

    /**
     * Sleeps while the word holds {@code expected}, at most {@code timeoutNs} ({@code FUTEX_WAIT}; the relative
     * timeout is measured against CLOCK_MONOTONIC).
     *
     * @param word      native memory holding the futex word
     * @param offset    byte offset of the 4-byte aligned word
     * @param expected  the value the caller saw
     * @param timeoutNs the longest sleep in nanoseconds, {@code >= 0}
     * @param shared    true for a word in memory shared between processes
     * @return {@link #OK}, {@link #AGAIN}, {@link #TIMED_OUT} or {@link #INTERRUPTED}
     * @throws ErrnoException           for errnos outside the protocol
     * @throws IllegalArgumentException if {@code timeoutNs < 0}, the segment is on the heap or the word misaligned
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public static int wait(MemorySegment word, long offset, int expected, long timeoutNs, boolean shared)
            throws ErrnoException {
        Words.checkNonNegative("timeoutNs", timeoutNs);
        MemorySegment uaddr = word(word, offset);
        MemorySegment es = ErrnoState.current();
        MemorySegment ts = Words.timespec(timeoutNs);
        return Check.futexResult(Syscalls.futex(es, uaddr, op(WAIT, shared), expected, ts, NULL, 0), es, FUTEX);
    }

    /**
     * Sleeps while the word holds {@code expected}, until woken by a {@link #wakeBitset} whose bitset intersects
     * {@code bitset}, or until the absolute CLOCK_MONOTONIC {@code deadlineNs} ({@code FUTEX_WAIT_BITSET}).
     *
     * @param word       native memory holding the futex word
     * @param offset     byte offset of the 4-byte aligned word
     * @param expected   the value the caller saw
     * @param bitset     non-zero wake mask, {@link #BITSET_MATCH_ANY} for all
     * @param deadlineNs absolute CLOCK_MONOTONIC deadline in nanoseconds, or {@link #NO_DEADLINE}
     * @param shared     true for a word in memory shared between processes
     * @return {@link #OK}, {@link #AGAIN}, {@link #TIMED_OUT} or {@link #INTERRUPTED}
     * @throws ErrnoException           for errnos outside the protocol
     * @throws IllegalArgumentException if {@code deadlineNs < 0} or {@code bitset == 0}, or the word is invalid
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public static int waitBitset(MemorySegment word, long offset, int expected, int bitset, long deadlineNs,
                                 boolean shared) throws ErrnoException {
        Words.checkNonNegative("deadlineNs", deadlineNs);
        checkBitset(bitset);
        MemorySegment ts = deadlineNs == NO_DEADLINE ? NULL : Words.timespec(deadlineNs);
        if (isWholeWord(word, offset)) {
            return waitBitset(wholeWord(word), expected, bitset, ts, shared);
        }
        MemorySegment uaddr = word(word, offset);
        MemorySegment es = ErrnoState.current();
        return Check.futexResult(Syscalls.futex(es, uaddr, op(WAIT_BITSET, shared), expected, ts, NULL, bitset),
                es, FUTEX);
    }

    private static int waitBitset(MemorySegment uaddr, int expected, int bitset, MemorySegment ts, boolean shared)
            throws ErrnoException {
        MemorySegment es = ErrnoState.current();
        // FUTEX_WAIT_BITSET takes an absolute timeout, on CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME is set.
        return Check.futexResult(Syscalls.futex(es, uaddr, op(WAIT_BITSET, shared), expected, ts, NULL, bitset),
                es, FUTEX);
    }

    /**
     * Wakes at most {@code count} waiters of the word ({@code FUTEX_WAKE}).
     *
     * @param word   native memory holding the futex word
     * @param offset byte offset of the 4-byte aligned word
     * @param count  the most waiters to wake, {@code >= 0} ({@code Integer.MAX_VALUE} for all)
     * @param shared true for a word in memory shared between processes
     * @return the number of waiters woken
     * @throws ErrnoException for errnos such as EFAULT or EINVAL
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public static int wake(MemorySegment word, long offset, int count, boolean shared) throws ErrnoException {
        Words.checkNonNegative("count", count);
        if (isWholeWord(word, offset)) {
            return wake(wholeWord(word), count, shared);
        }
        MemorySegment uaddr = word(word, offset);
        MemorySegment es = ErrnoState.current();
        return Check.intResult(Syscalls.futex(es, uaddr, op(WAKE, shared), count, NULL, NULL, 0), es, FUTEX);
    }

    private static int wake(MemorySegment uaddr, int count, boolean shared) throws ErrnoException {
        MemorySegment es = ErrnoState.current();
        return Check.intResult(Syscalls.futex(es, uaddr, op(WAKE, shared), count, NULL, NULL, 0), es, FUTEX);
    }

    /**
     * Wakes at most {@code count} waiters whose wait bitset intersects {@code bitset} ({@code FUTEX_WAKE_BITSET}).
     *
     * @param word   native memory holding the futex word
     * @param offset byte offset of the 4-byte aligned word
     * @param count  the most waiters to wake, {@code >= 0}
     * @param bitset non-zero mask
     * @param shared true for a word in memory shared between processes
     * @return the number of waiters woken
     * @throws ErrnoException for errnos such as EFAULT or EINVAL
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public static int wakeBitset(MemorySegment word, long offset, int count, int bitset, boolean shared)
            throws ErrnoException {
        Words.checkNonNegative("count", count);
        checkBitset(bitset);
        MemorySegment uaddr = word(word, offset);
        MemorySegment es = ErrnoState.current();
        return Check.intResult(Syscalls.futex(es, uaddr, op(WAKE_BITSET, shared), count, NULL, NULL, bitset),
                es, FUTEX);
    }

    /**
     * Wakes at most {@code wakeCount} waiters of the word and moves at most {@code requeueLimit} of the others
     * to wait on {@code target} ({@code FUTEX_REQUEUE}, without the value check of {@link #cmpRequeue}).
     *
     * @param word         native memory holding the source futex word
     * @param offset       byte offset of the source word
     * @param wakeCount    the most waiters to wake, {@code >= 0}
     * @param target       native memory holding the target word
     * @param targetOffset byte offset of the target word
     * @param requeueLimit the most waiters to requeue, {@code >= 0}
     * @param shared       true for words in memory shared between processes
     * @return the number of waiters woken
     * @throws ErrnoException for errnos such as EFAULT or EINVAL
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public static int requeue(MemorySegment word, long offset, int wakeCount, MemorySegment target,
                              long targetOffset, int requeueLimit, boolean shared) throws ErrnoException {
        Words.checkNonNegative("wakeCount", wakeCount);
        Words.checkNonNegative("requeueLimit", requeueLimit);
        MemorySegment uaddr = word(word, offset);
        MemorySegment uaddr2 = word(target, targetOffset);
        MemorySegment es = ErrnoState.current();
        // The timeout argument carries val2, the requeue limit, cast to a pointer.
        return Check.intResult(Syscalls.futex(es, uaddr, op(REQUEUE, shared), wakeCount,
                MemorySegment.ofAddress(requeueLimit), uaddr2, 0), es, FUTEX);
    }

    /**
     * Like {@link #requeue}, but only if the source word still holds {@code expected} ({@code FUTEX_CMP_REQUEUE}).
     *
     * @param word         native memory holding the source futex word
     * @param offset       byte offset of the source word
     * @param expected     the value the source word must hold
     * @param wakeCount    the most waiters to wake, {@code >= 0}
     * @param target       native memory holding the target word
     * @param targetOffset byte offset of the target word
     * @param requeueLimit the most waiters to requeue, {@code >= 0}
     * @param shared       true for words in memory shared between processes
     * @return the number of waiters woken plus requeued, or {@link #AGAIN} if the word changed
     * @throws ErrnoException for errnos such as EFAULT or EINVAL
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public static int cmpRequeue(MemorySegment word, long offset, int expected, int wakeCount, MemorySegment target,
                                 long targetOffset, int requeueLimit, boolean shared) throws ErrnoException {
        Words.checkNonNegative("wakeCount", wakeCount);
        Words.checkNonNegative("requeueLimit", requeueLimit);
        MemorySegment uaddr = word(word, offset);
        MemorySegment uaddr2 = word(target, targetOffset);
        MemorySegment es = ErrnoState.current();
        return Check.futexResult(Syscalls.futex(es, uaddr, op(CMP_REQUEUE, shared), wakeCount,
                MemorySegment.ofAddress(requeueLimit), uaddr2, expected), es, FUTEX);
    }

    /**
     * Acquires a priority-inheritance lock ({@code FUTEX_LOCK_PI}). The word holds the owner's TID (0 when
     * free) plus the {@code FUTEX_WAITERS} and {@code FUTEX_OWNER_DIED} bits; the kernel takes a free lock
     * itself, so callers may skip their own 0 to TID compare-and-set.
     *
     * @param word   native memory holding the lock word
     * @param offset byte offset of the 4-byte aligned word
     * @param shared true for a word in memory shared between processes
     * @return {@link #OK} once acquired, or {@link #AGAIN} if the owner is exiting (retry)
     * @throws ErrnoException EDEADLK if the caller already owns it, EPERM/ESRCH for a corrupt owner TID
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public static int lockPi(MemorySegment word, long offset, boolean shared) throws ErrnoException {
        MemorySegment uaddr = word(word, offset);
        MemorySegment es = ErrnoState.current();
        return Check.futexResult(Syscalls.futex(es, uaddr, op(LOCK_PI, shared), 0, NULL, NULL, 0), es, FUTEX);
    }

    /**
     * Acquires a priority-inheritance lock, giving up at an absolute CLOCK_MONOTONIC deadline
     * ({@code FUTEX_LOCK_PI2}, Linux 5.14; {@code FUTEX_LOCK_PI} would measure against CLOCK_REALTIME).
     *
     * @param word       native memory holding the lock word
     * @param offset     byte offset of the 4-byte aligned word
     * @param deadlineNs absolute CLOCK_MONOTONIC deadline in nanoseconds, or {@link #NO_DEADLINE}
     * @param shared     true for a word in memory shared between processes
     * @return {@link #OK}, {@link #TIMED_OUT} or {@link #AGAIN} (owner exiting)
     * @throws ErrnoException EDEADLK if the caller already owns it, ENOSYS before Linux 5.14
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public static int lockPi(MemorySegment word, long offset, long deadlineNs, boolean shared)
            throws ErrnoException {
        Words.checkNonNegative("deadlineNs", deadlineNs);
        MemorySegment uaddr = word(word, offset);
        MemorySegment es = ErrnoState.current();
        MemorySegment ts = deadlineNs == NO_DEADLINE ? NULL : Words.timespec(deadlineNs);
        return Check.futexResult(Syscalls.futex(es, uaddr, op(LOCK_PI2, shared), 0, ts, NULL, 0), es, FUTEX);
    }

    /**
     * Tries to acquire a priority-inheritance lock without sleeping ({@code FUTEX_TRYLOCK_PI}).
     *
     * @param word   native memory holding the lock word
     * @param offset byte offset of the 4-byte aligned word
     * @param shared true for a word in memory shared between processes
     * @return {@link #OK} if acquired, {@link #AGAIN} if another thread holds it
     * @throws ErrnoException EDEADLK if the caller already owns it
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public static int trylockPi(MemorySegment word, long offset, boolean shared) throws ErrnoException {
        MemorySegment uaddr = word(word, offset);
        MemorySegment es = ErrnoState.current();
        return Check.futexResult(Syscalls.futex(es, uaddr, op(TRYLOCK_PI, shared), 0, NULL, NULL, 0), es, FUTEX);
    }

    /**
     * Releases a priority-inheritance lock held by the calling thread and hands it to the top waiter
     * ({@code FUTEX_UNLOCK_PI}).
     *
     * @param word   native memory holding the lock word
     * @param offset byte offset of the 4-byte aligned word
     * @param shared true for a word in memory shared between processes
     * @throws ErrnoException EPERM if the calling thread does not own the lock
     * @see <a href="https://man7.org/linux/man-pages/man2/futex.2.html">futex(2)</a>
     */
    public static void unlockPi(MemorySegment word, long offset, boolean shared) throws ErrnoException {
        MemorySegment uaddr = word(word, offset);
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.futex(es, uaddr, op(UNLOCK_PI, shared), 0, NULL, NULL, 0), es, FUTEX);
    }

    /**
     * Sleeps until one of the futexes in {@code waiters} is woken, or until an absolute CLOCK_MONOTONIC
     * deadline ({@code futex_waitv}, Linux 5.16; see {@link Feature#FUTEX_WAITV}).
     *
     * @param waiters    the futexes and their expected values
     * @param deadlineNs absolute CLOCK_MONOTONIC deadline in nanoseconds, or {@link #NO_DEADLINE}
     * @return the index in {@code waiters} of a woken futex, or {@link #AGAIN} (one held an unexpected value),
     *         {@link #TIMED_OUT} or {@link #INTERRUPTED}
     * @throws ErrnoException           ENOSYS before Linux 5.16, EINVAL for an empty list
     * @throws IllegalStateException    if a word's segment was closed after it was added
     * @throws IllegalArgumentException if {@code deadlineNs < 0}
     * @see <a href="https://docs.kernel.org/userspace-api/futex2.html">futex2 (kernel documentation)</a>
     */
    public static int waitv(WaitList waiters, long deadlineNs) throws ErrnoException {
        Words.checkNonNegative("deadlineNs", deadlineNs);
        waiters.checkAlive();
        MemorySegment es = ErrnoState.current();
        MemorySegment ts = deadlineNs == NO_DEADLINE ? NULL : Words.timespec(deadlineNs);
        long raw = Syscalls.futex_waitv(es, waiters.array, waiters.size, 0, ts, CLOCK_MONOTONIC);
        int result = Check.futexResult(raw, es, "futex_waitv");
        waiters.keepAlive();
        return result;
    }

    /**
     * Sleeps while the word holds {@code expected}, until woken through a bit of {@code mask} or until the
     * absolute CLOCK_MONOTONIC deadline (the futex2 {@code futex_wait} syscall, Linux 6.7; see
     * {@link Feature#FUTEX2}).
     *
     * @param word       native memory holding the futex word
     * @param offset     byte offset of the 4-byte aligned word
     * @param expected   the value the caller saw
     * @param mask       non-zero wake mask, {@link #BITSET_MATCH_ANY} for all
     * @param deadlineNs absolute CLOCK_MONOTONIC deadline in nanoseconds, or {@link #NO_DEADLINE}
     * @param shared     true for a word in memory shared between processes
     * @return {@link #OK}, {@link #AGAIN}, {@link #TIMED_OUT} or {@link #INTERRUPTED}
     * @throws ErrnoException ENOSYS before Linux 6.7, and errnos outside the protocol
     * @see <a href="https://docs.kernel.org/userspace-api/futex2.html">futex2 (kernel documentation)</a>
     */
    public static int wait2(MemorySegment word, long offset, int expected, int mask, long deadlineNs,
                            boolean shared) throws ErrnoException {
        Words.checkNonNegative("deadlineNs", deadlineNs);
        checkBitset(mask);
        MemorySegment uaddr = word(word, offset);
        MemorySegment es = ErrnoState.current();
        MemorySegment ts = deadlineNs == NO_DEADLINE ? NULL : Words.timespec(deadlineNs);
        long raw = Syscalls.futex_wait(es, uaddr, Integer.toUnsignedLong(expected), Integer.toUnsignedLong(mask),
                flags2(shared), ts, CLOCK_MONOTONIC);
        return Check.futexResult(raw, es, "futex_wait");
    }

    /**
     * Wakes at most {@code count} waiters whose mask intersects {@code mask} (the futex2 {@code futex_wake}
     * syscall, Linux 6.7; see {@link Feature#FUTEX2}).
     *
     * @param word   native memory holding the futex word
     * @param offset byte offset of the 4-byte aligned word
     * @param count  the most waiters to wake, {@code >= 0}
     * @param mask   non-zero wake mask
     * @param shared true for a word in memory shared between processes
     * @return the number of waiters woken
     * @throws ErrnoException ENOSYS before Linux 6.7, EFAULT or EINVAL
     * @see <a href="https://docs.kernel.org/userspace-api/futex2.html">futex2 (kernel documentation)</a>
     */
    public static int wake2(MemorySegment word, long offset, int count, int mask, boolean shared)
            throws ErrnoException {
        Words.checkNonNegative("count", count);
        checkBitset(mask);
        MemorySegment uaddr = word(word, offset);
        MemorySegment es = ErrnoState.current();
        return Check.intResult(Syscalls.futex_wake(es, uaddr, Integer.toUnsignedLong(mask), count, flags2(shared)),
                es, "futex_wake");
    }

    static int flags2(boolean shared) {
        return shared ? FUTEX2_SIZE_U32 : FUTEX2_SIZE_U32 | FUTEX2_PRIVATE;
    }

    private static int op(int op, boolean shared) {
        return shared ? op : op | PRIVATE;
    }

    static MemorySegment word(MemorySegment segment, long offset) {
        MemorySegment uaddr = Words.slice("futex word", segment, offset, Integer.BYTES);
        Words.checkAligned("futex word", segment, offset, Integer.BYTES);
        return uaddr;
    }

    /*
     * A segment of exactly the word, at offset 0 (as a lock keeps for its word), is passed to the kernel as it is:
     * slicing it would make an object per call that only C2's escape analysis removes, and not on every path
     * (SteadyStateAllocationTest in primitives: threads taking turns through a condition). A word inside a larger
     * segment is still sliced per call, as before. The two paths make the downcall separately: a slice merged with the
     * caller's segment into one value could not be removed at all.
     */
    private static boolean isWholeWord(MemorySegment segment, long offset) {
        return offset == 0 && segment.byteSize() == Integer.BYTES;
    }

    private static MemorySegment wholeWord(MemorySegment segment) {
        Words.checkNative("futex word", segment);
        Words.checkAligned("futex word", segment, 0, Integer.BYTES);
        return segment;
    }

    private static void checkBitset(int bitset) {
        if (bitset == 0) {
            throw new IllegalArgumentException("futex bitset must not be 0 (it would match no waiter)");
        }
    }

    /**
     * A reusable list of futex words and expected values for {@link #waitv}: a native
     * {@code struct futex_waitv} array owned by the list. Not thread-safe; reuse one per waiting thread.
     */
    public static final class WaitList {

        private final MemorySegment array;
        private final MemorySegment[] words; // keeps each word's segment reachable while its address is in array
        private int size;

        /**
         * Creates an empty list.
         *
         * @param capacity the most entries, 1 to {@link #WAITV_MAX}
         * @throws IllegalArgumentException if {@code capacity} is out of range
         */
        public WaitList(int capacity) {
            if (capacity < 1 || capacity > WAITV_MAX) {
                throw new IllegalArgumentException("capacity must be in [1, " + WAITV_MAX + "], got " + capacity);
            }
            this.array = Arena.ofAuto().allocate(
                    futex_waitv.layout(), capacity);
            this.words = new MemorySegment[capacity];
        }

        /**
         * Appends a futex word.
         *
         * @param word     native memory holding the futex word
         * @param offset   byte offset of the 4-byte aligned word
         * @param expected the value the caller saw
         * @param shared   true for a word in memory shared between processes
         * @return the index of the entry, as {@link #waitv} returns it
         * @throws IllegalStateException if the list is full
         */
        public int add(MemorySegment word, long offset, int expected, boolean shared) {
            MemorySegment uaddr = word(word, offset);
            if (size == words.length) {
                throw new IllegalStateException("WaitList is full (" + words.length + " entries)");
            }
            MemorySegment entry = array.asSlice(size * futex_waitv.sizeof(),
                    futex_waitv.sizeof());
            futex_waitv.val(entry, Integer.toUnsignedLong(expected));
            futex_waitv.uaddr(entry, uaddr.address());
            futex_waitv.flags(entry, flags2(shared));
            futex_waitv.__reserved(entry, 0);
            words[size] = uaddr;
            return size++;
        }

        /**
         * Replaces the expected value of entry {@code index}, to re-arm the list before the next wait.
         *
         * @param index    an index returned by {@link #add}
         * @param expected the new expected value
         */
        public void setExpected(int index, int expected) {
            Objects.checkIndex(index, size);
            MemorySegment entry = array.asSlice(index * futex_waitv.sizeof());
            futex_waitv.val(entry, Integer.toUnsignedLong(expected));
        }

        /**
         * Returns the number of entries.
         *
         * @return the size
         */
        public int size() {
            return size;
        }

        /** Removes every entry. */
        public void clear() {
            Arrays.fill(words, 0, size, null);
            size = 0;
        }

        void checkAlive() {
            for (int i = 0; i < size; i++) {
                if (!words[i].scope().isAlive()) {
                    throw new IllegalStateException("futex word " + i + " of the WaitList is already closed");
                }
            }
        }

        void keepAlive() {
            Reference.reachabilityFence(words);
        }
    }
}
