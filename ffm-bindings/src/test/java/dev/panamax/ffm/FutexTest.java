/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FutexTest {

    private static final long MS = 1_000_000L;
    private static final long TEST_TIMEOUT_S = 10;

    private Arena arena;
    private MemorySegment words;
    private ExecutorService pool;

    @BeforeEach
    void setUp() {
        arena = Arena.ofShared();
        words = arena.allocate(64, 64);
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
        arena.close();
    }

    /** Wakes the word until the waiter has returned; a wake before the waiter sleeps is lost, hence the loop. */
    private static int wakeUntilDone(MemorySegment word, long offset, Future<Integer> waiter, boolean shared)
            throws Exception {
        while (!waiter.isDone()) {
            Futex.wake(word, offset, 1, shared);
            Thread.onSpinWait();
        }
        return waiter.get(TEST_TIMEOUT_S, TimeUnit.SECONDS);
    }

    @Test
    void shouldWakeWaiterWhenAnotherThreadWakes() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Future<Integer> waiter = pool.submit(() -> {
            started.countDown();
            int r;
            do {
                r = Futex.wait(words, 0, 0, false);
            } while (words.get(ValueLayout.JAVA_INT, 0) == 0); // spurious wake-ups re-check
            return r;
        });
        assertTrue(started.await(TEST_TIMEOUT_S, TimeUnit.SECONDS));
        words.set(ValueLayout.JAVA_INT, 0, 1);
        int r = wakeUntilDone(words, 0, waiter, false);
        assertTrue(r == Futex.OK || r == Futex.AGAIN, "wait result " + r);
    }

    @Test
    void shouldReturnAgainWhenValueDiffers() throws ErrnoException {
        words.set(ValueLayout.JAVA_INT, 4, 7);
        assertEquals(Futex.AGAIN, Futex.wait(words, 4, 6, false));
        assertEquals(Futex.AGAIN, Futex.wait(words, 4, 6, 1_000 * MS, true));
    }

    @Test
    void shouldReturnTimedOutWhenNobodyWakes() throws ErrnoException {
        assertEquals(Futex.TIMED_OUT, Futex.wait(words, 0, 0, 1 * MS, false));
        assertEquals(Futex.TIMED_OUT, Futex.wait(words, 0, 0, 0, false));
    }

    @Test
    void shouldTimeOutAtAbsoluteDeadlineWhenBitsetWaitIsNotWoken() throws ErrnoException {
        long deadline = Processes.clockMonotonicNanos() + 2 * MS;
        assertEquals(Futex.TIMED_OUT, Futex.waitBitset(words, 0, 0, Futex.BITSET_MATCH_ANY, deadline, false));
        assertTrue(Processes.clockMonotonicNanos() >= deadline, "returned before the deadline");
        // A deadline already in the past times out at once.
        assertEquals(Futex.TIMED_OUT, Futex.waitBitset(words, 0, 0, 1, 0, false));
    }

    @Test
    void shouldWakeOnlyMatchingBitsWhenWakingBitset() throws Exception {
        Future<Integer> waiter = pool.submit(() -> Futex.waitBitset(words, 0, 0, 0b10, Futex.NO_DEADLINE, false));
        // A wake with disjoint bits never wakes it; keep waking with the right bit until it returns.
        assertEquals(0, Futex.wakeBitset(words, 0, 1, 0b01, false));
        while (!waiter.isDone()) {
            Futex.wakeBitset(words, 0, 1, 0b10, false);
            Thread.onSpinWait();
        }
        assertEquals(Futex.OK, waiter.get(TEST_TIMEOUT_S, TimeUnit.SECONDS));
    }

    @Test
    void shouldReturnZeroWhenWakingWithoutWaiters() throws ErrnoException {
        assertEquals(0, Futex.wake(words, 8, Integer.MAX_VALUE, false));
        assertEquals(0, Futex.wakeBitset(words, 8, 1, Futex.BITSET_MATCH_ANY, true));
    }

    @Test
    void shouldMoveWaiterWhenRequeued() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Future<Integer> waiter = pool.submit(() -> {
            started.countDown();
            return Futex.wait(words, 0, 0, false);
        });
        assertTrue(started.await(TEST_TIMEOUT_S, TimeUnit.SECONDS));
        // Requeue (wake 0, move 1) until the waiter sits on the second word: then a wake there releases it.
        int moved = 0;
        while (moved == 0 && !waiter.isDone()) {
            moved = Futex.cmpRequeue(words, 0, 0, 0, words, 16, 1, false);
        }
        assertEquals(1, moved);
        assertEquals(0, Futex.wake(words, 0, 1, false), "nobody should remain on the first word");
        assertEquals(1, Futex.wake(words, 16, 1, false));
        assertEquals(Futex.OK, waiter.get(TEST_TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(0, Futex.requeue(words, 0, 1, words, 16, 1, false));
    }

    @Test
    void shouldReturnAgainWhenCmpRequeueValueDiffers() throws ErrnoException {
        words.set(ValueLayout.JAVA_INT, 0, 5);
        assertEquals(Futex.AGAIN, Futex.cmpRequeue(words, 0, 4, 1, words, 16, 1, false));
    }

    @Test
    void shouldHandOverPiLockWhenTwoThreadsContend() throws Exception {
        assertEquals(Futex.OK, Futex.lockPi(words, 0, false));
        assertEquals(Processes.gettid(), words.get(ValueLayout.JAVA_INT, 0) & 0x3fffffff);
        ErrnoException again = assertThrows(ErrnoException.class, () -> Futex.lockPi(words, 0, false));
        assertSame(Errno.EDEADLK, again.errno());
        CountDownLatch tried = new CountDownLatch(1);
        Future<Integer> other = pool.submit(() -> {
            int busy = Futex.trylockPi(words, 0, false);
            tried.countDown();
            if (busy != Futex.AGAIN) {
                return -1000;
            }
            int r = Futex.lockPi(words, 0, false);
            int owner = words.get(ValueLayout.JAVA_INT, 0) & 0x3fffffff;
            Futex.unlockPi(words, 0, false);
            return owner == Processes.gettid() ? r : -2000;
        });
        assertTrue(tried.await(TEST_TIMEOUT_S, TimeUnit.SECONDS));
        Future<Errno> notOwner = pool.submit(() -> {
            try {
                Futex.unlockPi(words, 0, false);
                return null;
            } catch (ErrnoException e) {
                return e.errno();
            }
        });
        assertSame(Errno.EPERM, notOwner.get(TEST_TIMEOUT_S, TimeUnit.SECONDS), "unlock by a non-owner");
        Futex.unlockPi(words, 0, false);
        assertEquals(Futex.OK, other.get(TEST_TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(0, words.get(ValueLayout.JAVA_INT, 0));
    }

    @Test
    void shouldTimeOutWhenPiLockIsHeldPastDeadline() throws Exception {
        assertEquals(Futex.OK, Futex.trylockPi(words, 0, false));
        Future<Integer> other = pool.submit(() ->
                Futex.lockPi(words, 0, Processes.clockMonotonicNanos() + 2 * MS, false));
        assertEquals(Futex.TIMED_OUT, other.get(TEST_TIMEOUT_S, TimeUnit.SECONDS));
        Futex.unlockPi(words, 0, false);
    }

    @Test
    void shouldWakeAcrossMappingsWhenFutexIsSharedMemfd() throws Exception {
        try (Fd memfd = Memory.memfdCreate("panamax-futex-test", false)) {
            memfd.ftruncate(Memory.pageSize());
            EnumSet<Memory.Protection> rw = EnumSet.of(Memory.Protection.READ, Memory.Protection.WRITE);
            EnumSet<Memory.MapFlag> shared = EnumSet.of(Memory.MapFlag.SHARED);
            try (MappedRegion a = Memory.mapFile(memfd, 0, Memory.pageSize(), rw, shared);
                 MappedRegion b = Memory.mapFile(memfd, 0, Memory.pageSize(), rw, shared)) {
                assertTrue(a.segment().address() != b.segment().address());
                // Two virtual addresses, one physical page: a shared futex is keyed by the page, not the address.
                Future<Integer> waiter = pool.submit(() -> Futex.wait(a.segment(), 128, 0, true));
                while (!waiter.isDone()) {
                    b.segment().set(ValueLayout.JAVA_INT, 128, 0);
                    Futex.wake(b.segment(), 128, 1, true);
                    Thread.onSpinWait();
                }
                assertEquals(Futex.OK, waiter.get(TEST_TIMEOUT_S, TimeUnit.SECONDS));
                b.segment().set(ValueLayout.JAVA_INT, 128, 3);
                assertEquals(Futex.AGAIN, Futex.wait(a.segment(), 128, 0, true));
            }
        }
    }

    @Test
    void shouldReturnIndexOfWokenWordWhenWaitingOnVector() throws Exception {
        assumeTrue(Feature.FUTEX_WAITV.isAvailable(), Feature.FUTEX_WAITV.unavailabilityCause());
        Futex.WaitList list = new Futex.WaitList(2);
        assertEquals(0, list.add(words, 0, 0, false));
        assertEquals(1, list.add(words, 4, 0, false));
        Future<Integer> waiter = pool.submit(() -> Futex.waitv(list, Futex.NO_DEADLINE));
        while (!waiter.isDone()) {
            Futex.wake(words, 4, 1, false);
            Thread.onSpinWait();
        }
        assertEquals(1, waiter.get(TEST_TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(Futex.TIMED_OUT, Futex.waitv(list, Processes.clockMonotonicNanos() + MS));
        list.setExpected(1, 9);
        assertEquals(Futex.AGAIN, Futex.waitv(list, Futex.NO_DEADLINE));
    }

    @Test
    void shouldWaitAndWakeWhenUsingFutex2Syscalls() throws Exception {
        assumeTrue(Feature.FUTEX2.isAvailable(), Feature.FUTEX2.unavailabilityCause());
        assertEquals(Futex.AGAIN, Futex.wait2(words, 0, 1, Futex.BITSET_MATCH_ANY, Futex.NO_DEADLINE, false));
        assertEquals(Futex.TIMED_OUT,
                Futex.wait2(words, 0, 0, Futex.BITSET_MATCH_ANY, Processes.clockMonotonicNanos() + MS, false));
        Future<Integer> waiter = pool.submit(() ->
                Futex.wait2(words, 0, 0, Futex.BITSET_MATCH_ANY, Futex.NO_DEADLINE, false));
        while (!waiter.isDone()) {
            Futex.wake2(words, 0, 1, Futex.BITSET_MATCH_ANY, false);
            Thread.onSpinWait();
        }
        assertEquals(Futex.OK, waiter.get(TEST_TIMEOUT_S, TimeUnit.SECONDS));
    }

    @Test
    void shouldRejectMisalignedWordBeforeCalling() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Futex.wait(words, 2, 0, false));
        assertTrue(e.getMessage().contains("not 4-byte aligned"), e.getMessage());
    }

    @Test
    void shouldRejectOutOfBoundsWordBeforeCalling() {
        assertThrows(IndexOutOfBoundsException.class, () -> Futex.wake(words, 64, 1, false));
        assertThrows(IndexOutOfBoundsException.class, () -> Futex.wake(words, -4, 1, false));
    }

    @Test
    void shouldRejectHeapSegment() {
        MemorySegment heap = MemorySegment.ofArray(new int[4]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Futex.wake(heap, 0, 1, false));
        assertTrue(e.getMessage().contains("heap segment"), e.getMessage());
    }

    @Test
    void shouldRejectNegativeTimeoutAndZeroBitset() {
        assertThrows(IllegalArgumentException.class, () -> Futex.wait(words, 0, 0, -1, false));
        assertThrows(IllegalArgumentException.class, () -> Futex.waitBitset(words, 0, 0, 1, -1, false));
        assertThrows(IllegalArgumentException.class, () -> Futex.waitBitset(words, 0, 0, 0, 0, false));
    }

    @Test
    void shouldRejectClosedSegment() {
        Arena closed = Arena.ofConfined();
        MemorySegment word = closed.allocate(4, 4);
        closed.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Futex.wake(word, 0, 1, false));
        assertTrue(e.getMessage().contains("already closed"), e.getMessage());
    }

    @Test
    void shouldThrowErrnoExceptionWhenKernelRejectsUnlockOfFreeLock() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Futex.unlockPi(words, 0, false));
        assertSame(Errno.EPERM, e.errno());
        assertEquals("futex", e.syscall());
        assertEquals("EPERM (futex): Operation not permitted", e.getMessage());
    }
}
