/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.condition;

import dev.panamax.jcstress.Threads;
import dev.panamax.jcstress.Warmup;
import dev.panamax.sync.FutexCondition;
import dev.panamax.sync.FutexMutex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * No lost wake-up in {@link FutexCondition}: a thread waiting for a predicate under the mutex returns once another
 * thread makes the predicate true and signals, however the signal races the wait.
 */
@Description("FutexCondition: await in a predicate loop returns after the predicate is set and signalled.")
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The signal released every waiter.")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "A waiter still sleeps after the signal: a lost wake-up.")
public class FutexConditionWakeStress {

    /*
     * Property: await/signal has no window between "predicate false" and "asleep" in which a signal is lost (the
     * sequence word makes the kernel's check fail), and signalAll's requeue onto the mutex word is followed by a
     * wake-up of every requeued sleeper (one per unlock).
     *
     * The waits are awaitUninterruptibly(), which sleeps with no timeout and no interrupt poll, so only a wake-up
     * gets a waiter out: STALE is a lost wake-up. (await() polls for interrupts every 10 ms and would hide one.)
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t condition.FutexConditionWakeStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2,
     * 2 x 100 ms; 2026-11-25, machine shared with other builds). [outcome] samples, all forks merged:
     *   SignalAllMixedWaiters: OK; [STALE] 0 (forbidden), [TERMINATED] 190
     *   SignalAllTwoWaiters: OK; [STALE] 0 (forbidden), [TERMINATED] 189
     *   SignalOne: OK; [STALE] 0 (forbidden), [TERMINATED] 204
     *   SignalVirtualThread: OK; [STALE] 0 (forbidden), [TERMINATED] 180
     * aarch64: not yet run.
     */

    /** The mutex, its condition and the predicate it guards. */
    abstract static class Guarded {
        final FutexMutex mutex = new FutexMutex();
        final FutexCondition condition = mutex.newCondition();
        boolean ready; // plain: read and written only under the mutex

        void awaitReady() {
            mutex.lock();
            try {
                while (!ready) {
                    condition.awaitUninterruptibly();
                }
            } finally {
                mutex.unlock();
            }
        }

        void setReady(boolean all) {
            mutex.lock();
            try {
                ready = true;
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

    /** One platform-thread waiter, signal(). */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexConditionWakeStress.class)
    @State
    public static class SignalOne extends Guarded {
        static {
            Warmup.blockingPaths();
        }

        @Actor
        public void actor() {
            awaitReady();
        }

        @Signal
        public void signal() {
            setReady(false);
        }
    }

    /** One virtual-thread waiter (parks beside the sequence word), signal(). */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexConditionWakeStress.class)
    @State
    public static class SignalVirtualThread extends Guarded {
        static {
            Warmup.blockingPaths();
        }

        @Actor
        public void actor() {
            Threads.onVirtualThread(this::awaitReady);
        }

        @Signal
        public void signal() {
            setReady(false);
        }
    }

    /**
     * Two platform-thread waiters, signalAll(): one is woken, the other requeued onto the mutex word and must be
     * woken by an unlock.
     */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexConditionWakeStress.class)
    @State
    public static class SignalAllTwoWaiters extends Guarded {
        static {
            Warmup.blockingPaths();
        }

        @Actor
        public void actor() {
            Thread second = Threads.startPlatform(this::awaitReady);
            awaitReady();
            Threads.join(second);
        }

        @Signal
        public void signal() {
            setReady(true);
        }
    }

    /** One platform-thread and one virtual-thread waiter, signalAll(): the unpark and the requeue paths at once. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexConditionWakeStress.class)
    @State
    public static class SignalAllMixedWaiters extends Guarded {
        static {
            Warmup.blockingPaths();
        }

        @Actor
        public void actor() {
            Thread second = Threads.startPlatform(this::awaitReady);
            Threads.onVirtualThread(this::awaitReady);
            Threads.join(second);
        }

        @Signal
        public void signal() {
            setReady(true);
        }
    }
}
