/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.mutex;

import dev.panamax.jcstress.Threads;
import dev.panamax.jcstress.Warmup;
import dev.panamax.sync.FutexMutex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * No lost wake-up in {@link FutexMutex}: a thread blocked acquiring the mutex is released by the holder's unlock.
 */
@Description("FutexMutex: a waiter blocked in an acquisition returns once the holder unlocks.")
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The unlock released the waiter.")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "The waiter still sleeps after the unlock: a lost wake-up.")
public class FutexMutexWakeStress {

    /*
     * Property: unlock() of a mutex that a thread sleeps on (kernel FUTEX_WAIT or, for a virtual thread, park)
     * always wakes a sleeper, so the actor's acquisition terminates once the signal unlocks.
     *
     * The state is built, and so the mutex locked, by the jcstress thread that later runs @Signal (the harness
     * does both on its runner thread); were that to change, unlock() would throw and the test report ERROR, never
     * a false pass. lock(), timed tryLock with a one-hour timeout and the shared and adaptive variants have no
     * other way out of the wait than a wake-up, so STALE there is a lost wake-up. lockInterruptibly() on a platform
     * thread re-checks the word every 10 ms (its interrupt poll), so for it the test shows termination only.
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t mutex.FutexMutexWakeStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2,
     * 2 x 100 ms; 2026-11-25, machine shared with other builds). [outcome] samples, all forks merged:
     *   AdaptiveLock: OK; [STALE] 0 (forbidden), [TERMINATED] 202
     *   Lock: OK; [STALE] 0 (forbidden), [TERMINATED] 198
     *   LockInterruptibly: OK; [STALE] 0 (forbidden), [TERMINATED] 202
     *   LockOnVirtualThread: OK; [STALE] 0 (forbidden), [TERMINATED] 183
     *   SharedLock: OK; [STALE] 0 (forbidden), [TERMINATED] 184
     *   TimedTryLock: OK; [STALE] 0 (forbidden), [TERMINATED] 169
     * 2026-11-26, after the release-store unlock landed (same settings, -t '(mutex|condition)'): all 44 tests OK
     * in all three configurations, ExchangeLock, NoSpinLock and NoSpinLockOnVirtualThread included.
     * aarch64: not yet run.
     */

    static FutexMutex held(FutexMutex mutex) {
        mutex.lock();
        return mutex;
    }

    /** lock() on a platform thread: sleeps in FUTEX_WAIT without a timeout. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexMutexWakeStress.class)
    @State
    public static class Lock {
        static {
            Warmup.blockingPaths();
        }

        private final FutexMutex mutex = held(new FutexMutex());

        @Actor
        public void actor() {
            mutex.lock();
        }

        @Signal
        public void signal() {
            mutex.unlock();
        }
    }

    /** lock() on a virtual thread: parks in the mutex's queue. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexMutexWakeStress.class)
    @State
    public static class LockOnVirtualThread {
        static {
            Warmup.blockingPaths();
        }

        private final FutexMutex mutex = held(new FutexMutex());

        @Actor
        public void actor() {
            Threads.onVirtualThread(mutex::lock);
        }

        @Signal
        public void signal() {
            mutex.unlock();
        }
    }

    /** lock() after the adaptive spin phase gives up. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexMutexWakeStress.class)
    @State
    public static class AdaptiveLock {
        static {
            Warmup.blockingPaths();
        }

        private final FutexMutex mutex = held(FutexMutex.adaptive());

        @Actor
        public void actor() {
            mutex.lock();
        }

        @Signal
        public void signal() {
            mutex.unlock();
        }
    }

    /** lock() without a spin phase: arms the sleep word, membarrier, FUTEX_WAIT (release-store unlock). */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexMutexWakeStress.class)
    @State
    public static class NoSpinLock {
        static {
            Warmup.blockingPaths();
        }

        private final FutexMutex mutex = held(new FutexMutex(0));

        @Actor
        public void actor() {
            mutex.lock();
        }

        @Signal
        public void signal() {
            mutex.unlock();
        }
    }

    /** lock() without a spin phase on a virtual thread: parks on the sleep word. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexMutexWakeStress.class)
    @State
    public static class NoSpinLockOnVirtualThread {
        static {
            Warmup.blockingPaths();
        }

        private final FutexMutex mutex = held(new FutexMutex(0));

        @Actor
        public void actor() {
            Threads.onVirtualThread(mutex::lock);
        }

        @Signal
        public void signal() {
            mutex.unlock();
        }
    }

    /** lock() with the exchange unlock and no spin: Drepper's mutex, FUTEX_WAIT on the lock word. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexMutexWakeStress.class)
    @State
    public static class ExchangeLock {
        static {
            Warmup.blockingPaths();
        }

        private final FutexMutex mutex = held(FutexMutex.withUnlock(FutexMutex.UnlockMode.EXCHANGE, 0));

        @Actor
        public void actor() {
            mutex.lock();
        }

        @Signal
        public void signal() {
            mutex.unlock();
        }
    }

    /** lock() on a shared-mode mutex: non-private FUTEX_WAIT. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexMutexWakeStress.class)
    @State
    public static class SharedLock {
        static {
            Warmup.blockingPaths();
        }

        private final FutexMutex mutex =
                held(FutexMutex.inShared(Arena.ofAuto().allocate(FutexMutex.BYTES, FutexMutex.BYTES), 0));

        @Actor
        public void actor() {
            mutex.lock();
        }

        @Signal
        public void signal() {
            mutex.unlock();
        }
    }

    /** tryLock(1 hour): FUTEX_WAIT_BITSET with an absolute deadline far beyond the harness's patience. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexMutexWakeStress.class)
    @State
    public static class TimedTryLock {
        static {
            Warmup.blockingPaths();
        }

        private final FutexMutex mutex = held(new FutexMutex());

        @Actor
        public void actor() throws InterruptedException {
            if (!mutex.tryLock(1, TimeUnit.HOURS)) {
                throw new IllegalStateException("timed out before the one-hour deadline");
            }
        }

        @Signal
        public void signal() {
            mutex.unlock();
        }
    }

    /** lockInterruptibly(): termination only, see the overview. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexMutexWakeStress.class)
    @State
    public static class LockInterruptibly {
        static {
            Warmup.blockingPaths();
        }

        private final FutexMutex mutex = held(new FutexMutex());

        @Actor
        public void actor() throws InterruptedException {
            mutex.lockInterruptibly();
        }

        @Signal
        public void signal() {
            mutex.unlock();
        }
    }
}
