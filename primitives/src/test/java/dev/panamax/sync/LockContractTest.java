/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Lock} contract every panamax lock passes; one subclass per implementation and mode (STYLE.md E.18).
 */
abstract class LockContractTest {

    /** Long enough for any thread to start and block on a 2-core machine shared with builds. */
    static final long GENEROUS_MS = 30_000;

    private final List<Thread> started = new ArrayList<>();

    /** A fresh, unlocked lock. */
    abstract Lock newLock();

    @AfterEach
    void joinThreads() throws InterruptedException {
        for (Thread t : started) {
            t.interrupt();
            t.join(GENEROUS_MS);
        }
    }

    Thread start(Runnable body) {
        Thread t = Thread.ofPlatform().daemon().start(body);
        started.add(t);
        return t;
    }

    /** Starts a thread that takes the lock and holds it until {@code release} opens. */
    Thread holdInAnotherThread(Lock lock, CountDownLatch release) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        Thread holder = start(() -> {
            lock.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        });
        assertTrue(held.await(GENEROUS_MS, TimeUnit.MILLISECONDS), "holder never acquired the lock");
        return holder;
    }

    @Test
    void shouldCountExactlyWhenFourPlatformThreadsContend() throws Exception {
        Lock lock = newLock();
        int threads = 4;
        int perThread = 50_000;
        long[] counter = new long[1];
        CyclicBarrier go = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < threads; t++) {
            workers.add(start(() -> {
                try {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        lock.lock();
                        try {
                            counter[0]++;
                        } finally {
                            lock.unlock();
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(null, failure.get());
        lock.lock();
        try {
            assertEquals((long) threads * perThread, counter[0]);
        } finally {
            lock.unlock();
        }
    }

    @Test
    void shouldFailTryLockWhenHeldByAnotherThread() throws Exception {
        Lock lock = newLock();
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = holdInAnotherThread(lock, release);
        assertFalse(lock.tryLock());
        release.countDown();
        holder.join();
        assertTrue(lock.tryLock());
        lock.unlock();
    }

    @Test
    void shouldReturnFalseAfterTheTimeoutWhenHeldByAnotherThread() throws Exception {
        Lock lock = newLock();
        CountDownLatch release = new CountDownLatch(1);
        holdInAnotherThread(lock, release);
        long timeoutNs = TimeUnit.MILLISECONDS.toNanos(30);
        long startNs = System.nanoTime();
        assertFalse(lock.tryLock(timeoutNs, TimeUnit.NANOSECONDS));
        long elapsedNs = System.nanoTime() - startNs;
        assertTrue(elapsedNs >= timeoutNs, "returned after " + elapsedNs + " ns, before the timeout");
        release.countDown();
    }

    @Test
    void shouldNotWaitWhenTimeoutIsNegativeOrZero() throws Exception {
        Lock lock = newLock();
        assertTrue(lock.tryLock(-1, TimeUnit.SECONDS));
        lock.unlock();
        CountDownLatch release = new CountDownLatch(1);
        holdInAnotherThread(lock, release);
        assertFalse(lock.tryLock(Long.MIN_VALUE, TimeUnit.NANOSECONDS));
        assertFalse(lock.tryLock(0, TimeUnit.DAYS));
        release.countDown();
    }

    @Test
    void shouldAcquireWithinTimeoutWhenReleased() throws Exception {
        Lock lock = newLock();
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = holdInAnotherThread(lock, release);
        release.countDown();
        assertTrue(lock.tryLock(GENEROUS_MS, TimeUnit.MILLISECONDS));
        lock.unlock();
        holder.join();
    }

    @Test
    void shouldThrowWhenUnlockedByNonOwner() throws Exception {
        Lock lock = newLock();
        CountDownLatch release = new CountDownLatch(1);
        holdInAnotherThread(lock, release);
        assertThrows(IllegalMonitorStateException.class, lock::unlock);
        release.countDown();
    }

    @Test
    void shouldThrowWhenUnlockedWhileFree() {
        Lock lock = newLock();
        assertThrows(IllegalMonitorStateException.class, lock::unlock);
        assertTrue(lock.tryLock());
        lock.unlock();
    }

    @Test
    void shouldThrowInterruptedExceptionWhenInterruptedBeforeLocking() {
        Lock lock = newLock();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, lock::lockInterruptibly);
        assertFalse(Thread.currentThread().isInterrupted());
        assertTrue(lock.tryLock());
        lock.unlock();
    }

    @Test
    void shouldThrowInterruptedExceptionWhenInterruptedWhileWaiting() throws Exception {
        Lock lock = newLock();
        CountDownLatch release = new CountDownLatch(1);
        holdInAnotherThread(lock, release);
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread waiter = start(() -> {
            waiting.countDown();
            try {
                lock.lockInterruptibly();
                outcome.set("acquired");
                lock.unlock();
            } catch (InterruptedException e) {
                outcome.set(e);
            }
        });
        assertTrue(waiting.await(GENEROUS_MS, TimeUnit.MILLISECONDS));
        waiter.interrupt();
        waiter.join(GENEROUS_MS);
        assertFalse(waiter.isAlive(), "lockInterruptibly ignored the interrupt");
        assertTrue(outcome.get() instanceof InterruptedException, "outcome: " + outcome.get());
        release.countDown();
    }

    @Test
    void shouldHandTheLockToAWaiterWhenUnlocked() throws Exception {
        Lock lock = newLock();
        lock.lock();
        CountDownLatch acquired = new CountDownLatch(1);
        Thread waiter = start(() -> {
            lock.lock();
            acquired.countDown();
            lock.unlock();
        });
        assertFalse(acquired.await(10, TimeUnit.MILLISECONDS));
        lock.unlock();
        assertTrue(acquired.await(GENEROUS_MS, TimeUnit.MILLISECONDS));
        waiter.join();
    }
}
