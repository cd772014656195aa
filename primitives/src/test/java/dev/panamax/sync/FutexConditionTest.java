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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FutexConditionTest {

    private static final long GENEROUS_MS = LockContractTest.GENEROUS_MS;

    /** A bounded buffer: producers wait on notFull, consumers on notEmpty; every item must arrive once. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shouldDeliverEveryItemWhenProducersAndConsumersUseConditions(boolean virtual) throws Exception {
        FutexMutex mutex = new FutexMutex();
        FutexCondition notEmpty = mutex.newCondition();
        FutexCondition notFull = mutex.newCondition();
        ArrayDeque<Integer> buffer = new ArrayDeque<>();
        int capacity = 4;
        int items = 20_000;
        long[] sum = new long[1];
        Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            int base = p * items;
            threads.add(builder.start(() -> {
                for (int i = 0; i < items; i++) {
                    mutex.lock();
                    try {
                        while (buffer.size() == capacity) {
                            notFull.awaitUninterruptibly();
                        }
                        buffer.add(base + i);
                        notEmpty.signal();
                    } finally {
                        mutex.unlock();
                    }
                }
            }));
        }
        for (int c = 0; c < 2; c++) {
            threads.add(builder.start(() -> {
                for (int i = 0; i < items; i++) {
                    mutex.lock();
                    try {
                        while (buffer.isEmpty()) {
                            notEmpty.awaitUninterruptibly();
                        }
                        sum[0] += buffer.poll();
                        notFull.signal();
                    } finally {
                        mutex.unlock();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        long n = 2L * items;
        assertEquals(n * (n - 1) / 2, sum[0]);
    }

    @Test
    void shouldWakeEveryWaiterWhenSignalAllRequeues() throws Exception {
        wakeAll(m -> m.newCondition(), new FutexMutex());
    }

    @Test
    void shouldWakeEveryWaiterWhenSignalAllRequeuesOntoANonSpinningMutex() throws Exception {
        wakeAll(m -> m.newCondition(), new FutexMutex(0));
    }

    @Test
    void shouldWakeEveryWaiterWhenSignalAllRequeuesWithTheExchangeUnlock() throws Exception {
        wakeAll(m -> m.newCondition(), FutexMutex.withUnlock(FutexMutex.UnlockMode.EXCHANGE, 0));
    }

    @Test
    void shouldWakeEveryWaiterWhenSignalAllRequeuesInSharedMemory() throws Exception {
        MemorySegment region = Arena.ofAuto().allocate(64, 64);
        FutexMutex mutex = FutexMutex.inShared(region, 0);
        wakeAll(m -> FutexCondition.inShared(m, region, 8), mutex);
    }

    private static void wakeAll(Function<FutexMutex, FutexCondition> factory, FutexMutex mutex) throws Exception {
        FutexCondition condition = factory.apply(mutex);
        int waiters = 6;
        boolean[] go = new boolean[1];
        CountDownLatch done = new CountDownLatch(waiters);
        for (int i = 0; i < waiters; i++) {
            Thread.ofPlatform().daemon().start(() -> {
                mutex.lock();
                try {
                    while (!go[0]) {
                        condition.awaitUninterruptibly();
                    }
                } finally {
                    mutex.unlock();
                }
                done.countDown();
            });
        }
        while (true) {
            mutex.lock();
            try {
                if (condition.waiterCount() == waiters) {
                    go[0] = true;
                    condition.signalAll();
                    break;
                }
            } finally {
                mutex.unlock();
            }
            Thread.onSpinWait();
        }
        assertTrue(done.await(GENEROUS_MS, TimeUnit.MILLISECONDS), "waiters left: " + done.getCount());
        assertFalse(mutex.isLocked());
    }

    @Test
    void shouldReturnFalseWhenAwaitTimesOut() throws Exception {
        FutexMutex mutex = new FutexMutex();
        FutexCondition condition = mutex.newCondition();
        mutex.lock();
        try {
            long startNs = System.nanoTime();
            assertFalse(condition.await(20, TimeUnit.MILLISECONDS));
            assertTrue(System.nanoTime() - startNs >= TimeUnit.MILLISECONDS.toNanos(20));
            assertTrue(mutex.isHeldByCurrentThread());
            assertTrue(condition.awaitNanos(-5) <= 0);
        } finally {
            mutex.unlock();
        }
    }

    @Test
    void shouldThrowInterruptedExceptionAndHoldMutexWhenInterruptedWhileAwaiting() throws Exception {
        FutexMutex mutex = new FutexMutex();
        FutexCondition condition = mutex.newCondition();
        CountDownLatch waiting = new CountDownLatch(1);
        Object[] outcome = new Object[2];
        Thread waiter = Thread.ofPlatform().start(() -> {
            mutex.lock();
            try {
                waiting.countDown();
                condition.await();
                outcome[0] = "signalled";
            } catch (InterruptedException e) {
                outcome[0] = e;
            } finally {
                outcome[1] = mutex.isHeldByCurrentThread();
                mutex.unlock();
            }
        });
        assertTrue(waiting.await(GENEROUS_MS, TimeUnit.MILLISECONDS));
        mutex.lock(); // the waiter released it inside await()
        mutex.unlock();
        waiter.interrupt();
        waiter.join(GENEROUS_MS);
        assertFalse(waiter.isAlive());
        assertTrue(outcome[0] instanceof InterruptedException, "outcome: " + outcome[0]);
        assertEquals(Boolean.TRUE, outcome[1]);
    }

    @Test
    void shouldThrowWhenUsedWithoutHoldingTheMutex() {
        FutexMutex mutex = new FutexMutex();
        FutexCondition condition = mutex.newCondition();
        assertThrows(IllegalMonitorStateException.class, condition::signal);
        assertThrows(IllegalMonitorStateException.class, condition::signalAll);
        assertThrows(IllegalMonitorStateException.class, condition::await);
        assertThrows(IllegalArgumentException.class,
                () -> FutexCondition.inShared(mutex, Arena.ofAuto().allocate(8, 8), 0));
    }
}
