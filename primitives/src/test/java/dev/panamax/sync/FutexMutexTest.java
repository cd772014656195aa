/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Processes;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
    void shouldReportTheUnlockModeOfEachKindOfMutex() {
        Optional<String> reason = FutexMutex.releaseStoreUnavailableReason();
        FutexMutex.UnlockMode expected = reason.isEmpty() ? FutexMutex.UnlockMode.RELEASE_STORE
                : FutexMutex.UnlockMode.EXCHANGE;
        assertEquals(expected, FutexMutex.defaultUnlockMode());
        assertEquals(expected, new FutexMutex().unlockMode());
        assertEquals(expected, FutexMutex.adaptive().unlockMode());
        assertEquals(FutexMutex.UnlockMode.EXCHANGE,
                FutexMutex.withUnlock(FutexMutex.UnlockMode.EXCHANGE, 0).unlockMode());
        assertEquals(FutexMutex.UnlockMode.EXCHANGE,
                FutexMutex.inShared(Arena.ofAuto().allocate(FutexMutex.BYTES, FutexMutex.BYTES), 0).unlockMode());
        if (reason.isEmpty()) {
            assertEquals(FutexMutex.UnlockMode.RELEASE_STORE,
                    FutexMutex.withUnlock(FutexMutex.UnlockMode.RELEASE_STORE, 0).unlockMode());
        } else {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> FutexMutex.withUnlock(FutexMutex.UnlockMode.RELEASE_STORE, 0));
            assertTrue(e.getMessage().contains(reason.get()), e.getMessage());
        }
        assertThrows(NullPointerException.class, () -> FutexMutex.withUnlock(null, 0));
        assertThrows(IllegalArgumentException.class,
                () -> FutexMutex.withUnlock(FutexMutex.UnlockMode.EXCHANGE, -1));
    }

    @Test
    void shouldUseTheReleaseStoreUnlockWhereTheKernelOffersMembarrier() throws Exception {
        // membarrier(PRIVATE_EXPEDITED) exists since Linux 4.14; only emulation or seccomp take it away.
        boolean offered;
        try {
            offered = (Processes.membarrierQuery() & Processes.MembarrierCommand.PRIVATE_EXPEDITED.bit()) != 0;
        } catch (ErrnoException e) {
            offered = false; // ENOSYS under an emulator without membarrier, EPERM from seccomp
        }
        assertEquals(offered, FutexMutex.releaseStoreUnavailableReason().isEmpty(),
                "query says " + offered + ", FutexMutex says " + FutexMutex.releaseStoreUnavailableReason());
    }

    @Test
    void shouldFallBackToTheExchangeUnlockWhenTheFenceIsDisabled() throws Exception {
        Process child = ChildProcess.builder("fence-disabled").start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("EXCHANGE EXCHANGE 200000", out.readLine());
            assertEquals("disabled by -Dpanamax.sync.asymmetricFence=false", out.readLine());
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
            assertEquals(0, child.exitValue());
        } finally {
            child.destroyForcibly();
        }
    }

    @ParameterizedTest
    @EnumSource(FutexMutex.UnlockMode.class)
    void shouldStrandNoSleeperWhenTimedWaitersGiveUp(FutexMutex.UnlockMode mode) throws Exception {
        // No spin: every contended acquisition sleeps. Timed waiters that give up after a wake-up must hand it on
        // (and acquirers re-arm), or a lock()er sleeps forever and the join below never returns.
        assumeTrue(mode == FutexMutex.UnlockMode.EXCHANGE || FutexMutex.releaseStoreUnavailableReason().isEmpty(),
                () -> "membarrier unavailable: " + FutexMutex.releaseStoreUnavailableReason().orElse(""));
        FutexMutex mutex = FutexMutex.withUnlock(mode, 0);
        int threads = 6;
        int perThread = 3_000;
        long[] counter = new long[1];
        AtomicLong acquired = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean timed = (t & 1) == 0;
            workers.add(Thread.ofPlatform().daemon().start(() -> {
                try {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        if (timed ? mutex.tryLock(20, TimeUnit.MICROSECONDS) : lockAndTrue(mutex)) {
                            try {
                                counter[0]++;
                            } finally {
                                mutex.unlock();
                            }
                            acquired.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }));
        }
        go.countDown();
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(120));
            assertFalse(w.isAlive(), "a worker is stuck: " + mutex);
        }
        assertEquals(null, failure.get());
        mutex.lock();
        try {
            assertEquals(acquired.get(), counter[0]);
            assertTrue(counter[0] >= (long) (threads / 2) * perThread, "lock() callers all succeed: " + counter[0]);
        } finally {
            mutex.unlock();
        }
    }

    private static boolean lockAndTrue(FutexMutex mutex) {
        mutex.lock();
        return true;
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
