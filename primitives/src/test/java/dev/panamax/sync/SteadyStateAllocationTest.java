/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.Lock;

/**
 * Acquiring and releasing the primitives without waiting, and signalling a condition nobody waits on, allocate
 * nothing on the Java heap once compiled (see {@link AllocationRounds}): the fast paths a latency-critical thread
 * takes millions of times a second feed the garbage collector nothing.
 */
class SteadyStateAllocationTest {

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
