/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import com.sun.management.ThreadMXBean;
import dev.panamax.ffm.RobustList;
import dev.panamax.testing.AllocationRounds;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Acquiring and releasing the primitives without waiting, and signalling a condition nobody waits on, allocate
 * nothing on the Java heap once compiled (see {@link AllocationRounds}): the fast paths a latency-critical thread
 * takes millions of times a second feed the garbage collector nothing. Neither do threads that sleep in the kernel
 * on a mutex and its condition and wake each other.
 */
class SteadyStateAllocationTest {

    private static final int TURNS_PER_ROUND = 1_000;
    private static final long TIMEOUT_S = 30;

    @Test
    void shouldAllocateNothingWhenLockingUncontendedMutexes() throws Exception {
        FutexMutex standard = new FutexMutex();
        FutexMutex noSpin = new FutexMutex(0);
        FutexMutex exchange = FutexMutex.withUnlock(FutexMutex.UnlockMode.EXCHANGE, FutexMutex.DEFAULT_SPIN_LIMIT);
        FutexMutex adaptive = FutexMutex.adaptive();
        FutexMutex shared = FutexMutex.inShared(Arena.ofAuto().allocate(64, 64), 0);
        new AllocationRounds()
                .add("lock/unlock", () -> lockUnlock(standard))
                .add("no spin", () -> lockUnlock(noSpin))
                .add("exchange", () -> lockUnlock(exchange))
                .add("adaptive", () -> lockUnlock(adaptive))
                .add("shared", () -> lockUnlock(shared))
                .add("tryLock", () -> {
                    if (standard.tryLock()) {
                        standard.unlock();
                    }
                })
                .assertNothingAllocated();
    }

    @Test
    void shouldAllocateNothingWhenLockingUncontendedPiMutexes() throws Exception {
        PiMutex pi = new PiMutex();
        PiMutex shared = PiMutex.inShared(Arena.ofAuto().allocate(64, 64), 0);
        new AllocationRounds()
                .add("pi", () -> lockUnlock(pi))
                .add("shared pi", () -> lockUnlock(shared))
                .assertNothingAllocated();
    }

    @Test
    void shouldAllocateNothingWhenLockingUncontendedRobustMutex() throws Exception {
        assumeTrue(RobustMutex.isAvailable(), "robust futex list unavailable: "
                + RobustList.unavailabilityCause());
        RobustMutex robust = RobustMutex.inShared(Arena.ofAuto().allocate(RobustMutex.BYTES, 64), 0);
        new AllocationRounds()
                .add("robust", () -> lockUnlock(robust))
                .assertNothingAllocated();
    }

    @Test
    void shouldAllocateNothingWhenThreadsTakeTurnsThroughACondition() throws Exception {
        AllocationRounds.assumeMeasurable();
        FutexMutex releaseStore = new FutexMutex(0); // no spinning: a thread that finds the mutex held sleeps
        FutexMutex exchange = FutexMutex.withUnlock(FutexMutex.UnlockMode.EXCHANGE, 0);
        FutexMutex shared = FutexMutex.inShared(Arena.ofAuto().allocate(64, 64), 0, 0);
        takeTurns("release-store", releaseStore, releaseStore.newCondition());
        takeTurns("exchange", exchange, exchange.newCondition());
        takeTurns("shared", shared, FutexCondition.inShared(shared, Arena.ofAuto().allocate(64, 64), 0));
    }

    /**
     * Two platform threads take turns under {@code mutex}, each waiting on {@code condition} for its turn and
     * signalling the other's, so that every turn sleeps in the kernel and is woken; they count their own allocated
     * bytes in rounds until a round in which neither allocated. A barrier between rounds lets both read both counts.
     */
    private static void takeTurns(String name, FutexMutex mutex, FutexCondition condition) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        long[][] allocated = new long[2][AllocationRounds.MAX_ROUNDS];
        int[] turn = new int[1]; // guarded by mutex: whose turn it is, 0 or 1
        CompletableFuture<Integer> other = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                other.complete(turnRounds(mutex, condition, turn, barrier, allocated, 1));
            } catch (Throwable e) {
                other.completeExceptionally(e);
            }
        });
        t.start();
        int rounds = turnRounds(mutex, condition, turn, barrier, allocated, 0);
        assertEquals(rounds, other.get(TIMEOUT_S, TimeUnit.SECONDS), "both threads stop after the same round");
        if (rounds == AllocationRounds.MAX_ROUNDS) {
            fail("after " + rounds + " rounds of " + TURNS_PER_ROUND + " turns per thread, the last round of the "
                    + name + " mutex still allocated " + allocated[0][rounds - 1] + " and "
                    + allocated[1][rounds - 1] + " bytes");
        }
    }

    /** Returns the number of rounds run: fewer than MAX_ROUNDS when the last one allocated nothing on either side. */
    private static int turnRounds(FutexMutex mutex, FutexCondition condition, int[] turn, CyclicBarrier barrier,
            long[][] allocated, int me) throws Exception {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int round = 0; round < AllocationRounds.MAX_ROUNDS; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < TURNS_PER_ROUND; i++) {
                mutex.lock();
                try {
                    while (turn[0] != me) {
                        condition.await();
                    }
                    turn[0] = 1 - me;
                    condition.signal();
                } finally {
                    mutex.unlock();
                }
            }
            allocated[me][round] = threads.getCurrentThreadAllocatedBytes() - before;
            barrier.await(TIMEOUT_S, TimeUnit.SECONDS); // both counts of this round are visible after it
            if (allocated[0][round] == 0 && allocated[1][round] == 0) {
                return round + 1;
            }
        }
        return AllocationRounds.MAX_ROUNDS;
    }

    @Test
    void shouldAllocateNothingWhenSignallingWithoutWaiters() throws Exception {
        FutexMutex mutex = new FutexMutex();
        FutexCondition condition = mutex.newCondition();
        FutexMutex sharedMutex = FutexMutex.inShared(Arena.ofAuto().allocate(64, 64), 0);
        FutexCondition sharedCondition = FutexCondition.inShared(sharedMutex, Arena.ofAuto().allocate(64, 64), 0);
        new AllocationRounds()
                .add("signal", () -> signal(mutex, condition, false))
                .add("signalAll", () -> signal(mutex, condition, true))
                .add("shared signal", () -> signal(sharedMutex, sharedCondition, false))
                .add("shared signalAll", () -> signal(sharedMutex, sharedCondition, true))
                .assertNothingAllocated();
    }

    @Test
    void shouldAllocateNothingWhenSpinLockIsFree() throws Exception {
        SpinLock owned = new SpinLock();
        SpinLock shared = SpinLock.inShared(Arena.ofAuto().allocate(64, 64), 0);
        new AllocationRounds()
                .add("lock/unlock", () -> lockUnlock(owned))
                .add("shared", () -> lockUnlock(shared))
                .add("tryLock", () -> {
                    if (owned.tryLock()) {
                        owned.unlock();
                    }
                })
                .assertNothingAllocated();
    }

    @Test
    void shouldAllocateNothingWhenSemaphoreHasPermits() throws Exception {
        FutexSemaphore owned = new FutexSemaphore(1);
        MemorySegment memory = Arena.ofAuto().allocate(64, 64);
        FutexSemaphore shared = FutexSemaphore.createInShared(memory, 0, 1);
        new AllocationRounds()
                .add("acquire/release", () -> {
                    owned.acquire();
                    owned.release();
                })
                .add("tryAcquire/release", () -> {
                    if (owned.tryAcquire()) {
                        owned.release();
                    }
                })
                .add("shared", () -> {
                    shared.acquire();
                    shared.release();
                })
                .assertNothingAllocated();
    }

    private static void lockUnlock(Lock lock) {
        lock.lock();
        lock.unlock();
    }

    private static void signal(FutexMutex mutex, FutexCondition condition, boolean all) {
        mutex.lock();
        try {
            if (all) {
                condition.signalAll();
            } else {
                condition.signal();
            }
        } finally {
            mutex.unlock();
        }
    }
}
