/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.ffm.Processes;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import org.junit.jupiter.api.Test;

class FutexMutexTest extends LockContractTest {

    @Override
    Lock newLock() {
        return new FutexMutex();
    }

    @Test
    void shouldCountExactlyWhenTenThousandVirtualThreadsContend() throws Exception {
        FutexMutex mutex = new FutexMutex();
        int threads = 10_000;
        int perThread = 20;
        long[] counter = new long[1];
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                executor.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        mutex.lock();
                        try {
                            counter[0]++;
                            if ((i & 3) == 0) {
                                Thread.yield(); // unmount while holding: others must park, not spin or pin
                            }
                        } finally {
                            mutex.unlock();
                        }
                    }
                    return null;
                });
            }
            go.countDown();
        }
        mutex.lock();
        try {
            assertEquals((long) threads * perThread, counter[0]);
        } finally {
            mutex.unlock();
        }
        assertFalse(mutex.isLocked());
    }

    @Test
    void shouldCountExactlyWhenVirtualAndPlatformThreadsMix() throws Exception {
        FutexMutex mutex = new FutexMutex();
        int perThread = 20_000;
        long[] counter = new long[1];
        Runnable body = () -> {
            for (int i = 0; i < perThread; i++) {
                mutex.lock();
                try {
                    counter[0]++;
                } finally {
                    mutex.unlock();
                }
            }
        };
        Thread[] threads = {
            Thread.ofPlatform().start(body), Thread.ofPlatform().start(body),
            Thread.ofVirtual().start(body), Thread.ofVirtual().start(body),
        };
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(4L * perThread, counter[0]);
    }

    @Test
    void shouldThrowInterruptedExceptionWhenVirtualThreadIsInterruptedWhileParked() throws Exception {
        FutexMutex mutex = new FutexMutex();
        mutex.lock();
        CountDownLatch waiting = new CountDownLatch(1);
        Object[] outcome = new Object[1];
        Thread waiter = Thread.ofVirtual().start(() -> {
            waiting.countDown();
            try {
                mutex.lockInterruptibly();
                outcome[0] = "acquired";
            } catch (InterruptedException e) {
                outcome[0] = e;
            }
        });
        assertTrue(waiting.await(GENEROUS_MS, TimeUnit.MILLISECONDS));
        waiter.interrupt();
        waiter.join(GENEROUS_MS);
        assertFalse(waiter.isAlive());
        assertTrue(outcome[0] instanceof InterruptedException, "outcome: " + outcome[0]);
        mutex.unlock();
    }

    @Test
    void shouldTimeOutWhenVirtualThreadWaitsOnHeldMutex() throws Exception {
        FutexMutex mutex = new FutexMutex();
        mutex.lock();
        boolean[] result = {true};
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                result[0] = mutex.tryLock(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        waiter.join();
        assertFalse(result[0]);
        mutex.unlock();
        assertTrue(mutex.tryLock());
        mutex.unlock();
    }

    @Test
    void shouldKeepInterruptStatusWhenLockIsUninterruptible() throws Exception {
        FutexMutex mutex = new FutexMutex();
        mutex.lock();
        CountDownLatch waiting = new CountDownLatch(1);
        boolean[] interruptedAfter = new boolean[1];
        Thread waiter = Thread.ofVirtual().start(() -> {
            waiting.countDown();
            mutex.lock();
            interruptedAfter[0] = Thread.currentThread().isInterrupted();
            mutex.unlock();
        });
        assertTrue(waiting.await(GENEROUS_MS, TimeUnit.MILLISECONDS));
        waiter.interrupt();
        mutex.unlock();
        waiter.join();
        assertTrue(interruptedAfter[0]);
    }

    @Test
    void shouldThrowWhenHolderLocksAgain() {
        FutexMutex mutex = new FutexMutex();
        mutex.lock();
        try {
            assertThrows(IllegalMonitorStateException.class, mutex::lock);
            assertTrue(mutex.isHeldByCurrentThread());
        } finally {
            mutex.unlock();
        }
        assertFalse(mutex.isHeldByCurrentThread());
    }

    @Test
    void shouldRejectNegativeSpinLimit() {
        assertThrows(IllegalArgumentException.class, () -> new FutexMutex(-1));
    }

    @Test
    void shouldRejectBadSegments() {
        MemorySegment aligned = Arena.ofAuto().allocate(16, 8);
        assertThrows(IllegalArgumentException.class, () -> FutexMutex.inShared(MemorySegment.ofArray(new byte[8]), 0));
        assertThrows(IllegalArgumentException.class, () -> FutexMutex.inShared(aligned, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> FutexMutex.inShared(aligned, 13));
        assertThrows(IndexOutOfBoundsException.class, () -> FutexMutex.inShared(aligned, -4));
        assertThrows(NullPointerException.class, () -> FutexMutex.inShared(null, 0));
        assertThrows(IllegalArgumentException.class, () -> FutexMutex.inShared(aligned.asReadOnly(), 0));
        Arena arena = Arena.ofConfined();
        MemorySegment closed = arena.allocate(8, 8);
        arena.close();
        assertThrows(IllegalStateException.class, () -> FutexMutex.inShared(closed, 0));
    }

    @Test
    void shouldFailCleanlyWhenSharedSegmentIsClosedAfterCreation() {
        Arena arena = Arena.ofShared();
        FutexMutex mutex = FutexMutex.inShared(arena.allocate(8, 8), 0);
        mutex.lock();
        mutex.unlock();
        arena.close();
        assertThrows(IllegalStateException.class, mutex::lock);
    }

    @Test
    void shouldRefuseNewConditionWhenShared() {
        FutexMutex mutex = FutexMutex.inShared(Arena.ofAuto().allocate(8, 8), 0);
        assertThrows(UnsupportedOperationException.class, mutex::newCondition);
    }

    @Test
    void shouldUseSystemNanoTimeAsClockMonotonic() {
        // Deadlines handed to FUTEX_WAIT_BITSET are System.nanoTime() values: both must read CLOCK_MONOTONIC.
        long before = System.nanoTime();
        long monotonic = Processes.clockMonotonicNanos();
        long after = System.nanoTime();
        assertTrue(before <= monotonic && monotonic <= after,
                "System.nanoTime() is not CLOCK_MONOTONIC: " + before + " <= " + monotonic + " <= " + after);
    }
}
