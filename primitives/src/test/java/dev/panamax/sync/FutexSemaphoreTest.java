/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FutexSemaphoreTest {

    @ParameterizedTest
    @ValueSource(strings = {"platform", "virtual", "shared"})
    void shouldNeverAdmitMoreThanPermitsWhenThreadsContend(String mode) throws Exception {
        int permits = 2;
        FutexSemaphore semaphore = mode.equals("shared")
                ? FutexSemaphore.createInShared(Arena.ofAuto().allocate(8, 8), 0, permits)
                : new FutexSemaphore(permits);
        Thread.Builder builder = mode.equals("virtual") ? Thread.ofVirtual() : Thread.ofPlatform();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        AtomicInteger passes = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        int threadCount = mode.equals("virtual") ? 200 : 4;
        int perThread = mode.equals("virtual") ? 100 : 5_000;
        for (int t = 0; t < threadCount; t++) {
            threads.add(builder.start(() -> {
                for (int i = 0; i < perThread; i++) {
                    semaphore.acquireUninterruptibly();
                    int now = inside.incrementAndGet();
                    maxInside.accumulateAndGet(now, Math::max);
                    passes.incrementAndGet();
                    inside.decrementAndGet();
                    semaphore.release();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(threadCount * perThread, passes.get());
        assertTrue(maxInside.get() <= permits, "inside at once: " + maxInside.get());
        assertEquals(permits, semaphore.availablePermits());
    }

    @Test
    void shouldTimeOutWhenNoPermitIsReleased() throws Exception {
        FutexSemaphore semaphore = new FutexSemaphore(0);
        long startNs = System.nanoTime();
        assertFalse(semaphore.tryAcquire(20, TimeUnit.MILLISECONDS));
        assertTrue(System.nanoTime() - startNs >= TimeUnit.MILLISECONDS.toNanos(20));
        assertFalse(semaphore.tryAcquire(-1, TimeUnit.SECONDS));
        semaphore.release(3);
        assertTrue(semaphore.tryAcquire(-1, TimeUnit.SECONDS));
        assertEquals(2, semaphore.availablePermits());
    }

    @Test
    void shouldWakeWaiterWhenPermitReleased() throws Exception {
        FutexSemaphore semaphore = new FutexSemaphore(0);
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                semaphore.acquire();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        semaphore.release();
        waiter.join(LockContractTest.GENEROUS_MS);
        assertFalse(waiter.isAlive());
        assertEquals(0, semaphore.availablePermits());
    }

    @Test
    void shouldThrowInterruptedExceptionWhenInterruptedWhileAcquiring() throws Exception {
        FutexSemaphore semaphore = new FutexSemaphore(0);
        Object[] outcome = new Object[1];
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                semaphore.acquire();
                outcome[0] = "acquired";
            } catch (InterruptedException e) {
                outcome[0] = e;
            }
        });
        waiter.interrupt();
        waiter.join(LockContractTest.GENEROUS_MS);
        assertTrue(outcome[0] instanceof InterruptedException, "outcome: " + outcome[0]);
    }

    @Test
    void shouldRejectBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new FutexSemaphore(-1));
        FutexSemaphore semaphore = new FutexSemaphore(Integer.MAX_VALUE - 1);
        assertThrows(IllegalArgumentException.class, () -> semaphore.release(0));
        assertThrows(IllegalStateException.class, () -> semaphore.release(2));
        assertEquals(Integer.MAX_VALUE - 1, semaphore.availablePermits());
        MemorySegment small = Arena.ofAuto().allocate(8, 8);
        assertThrows(IndexOutOfBoundsException.class, () -> FutexSemaphore.openInShared(small, 4));
        assertThrows(IllegalArgumentException.class, () -> FutexSemaphore.createInShared(small, 0, -2));
    }
}
