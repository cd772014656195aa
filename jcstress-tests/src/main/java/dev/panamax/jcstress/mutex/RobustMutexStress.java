/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.mutex;

import dev.panamax.jcstress.Acquisition;
import dev.panamax.jcstress.Exclusion;
import dev.panamax.jcstress.Warmup;
import dev.panamax.sync.RobustMutex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Mutual exclusion and no lost wake-up of {@link RobustMutex}.
 */
@Description("RobustMutex: two actors increment a plain field under the lock; no update is lost.")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "Both acquired in turn; both increments are there.")
@Outcome(id = {"1, 0, 1", "0, 1, 1"}, expect = ACCEPTABLE,
        desc = "One try-acquisition failed (lock held, or timed out); the other's increment is there.")
@Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "Both acquired, one increment lost: critical sections overlapped.")
@Outcome(expect = FORBIDDEN, desc = "Anything else breaks mutual exclusion or the tryLock contract.")
public class RobustMutexStress {

    /*
     * Property: two critical sections of one RobustMutex never overlap (r1, r2 = acquired by actor 1, 2; r3 = the
     * counter the arbiter sees afterwards), and a thread blocked in lock() is woken by the holder's unlock (Wake
     * variants).
     *
     * Every acquisition is released before its thread ends: a robust mutex stays linked in the thread's
     * robust list while held, and the kernel writes to the word of every listed mutex when the thread exits.
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t mutex.RobustMutexStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2,
     * 2 x 100 ms; 2026-11-25, machine shared with other builds). [outcome] samples, all forks merged:
     *   LockInterruptiblyVsTimedTryLock: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 550,515
     *   LockVsLock: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 667,322
     *   LockVsTryLock: OK; [0, 1, 1] 0, [1, 0, 1] 731, [1, 1, 1] 0 (forbidden), [1, 1, 2] 653,233
     *   TimedTryLockVsLock: OK; [0, 1, 1] 3, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 272,083
     *   WakeLock: OK; [STALE] 0 (forbidden), [TERMINATED] 178
     *   WakeTimedTryLock: OK; [STALE] 0 (forbidden), [TERMINATED] 193
     * aarch64: not yet run.
     */

    /** A robust mutex over its own zeroed, 8-byte aligned native region. */
    static RobustMutex newMutex() {
        return RobustMutex.inShared(Arena.ofAuto().allocate(RobustMutex.BYTES, 8), 0);
    }

    /** Lock against Lock. */
    @JCStressTest
    @JCStressMeta(RobustMutexStress.class)
    @State
    public static class LockVsLock extends Exclusion {
        public LockVsLock() {
            super(RobustMutexStress.newMutex());
        }

        @Actor
        public void actor1(III_Result r) {
            r.r1 = enter(Acquisition.LOCK);
        }

        @Actor
        public void actor2(III_Result r) {
            r.r2 = enter(Acquisition.LOCK);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = value;
        }
    }

    /** Lock against TryLock. */
    @JCStressTest
    @JCStressMeta(RobustMutexStress.class)
    @State
    public static class LockVsTryLock extends Exclusion {
        public LockVsTryLock() {
            super(RobustMutexStress.newMutex());
        }

        @Actor
        public void actor1(III_Result r) {
            r.r1 = enter(Acquisition.LOCK);
        }

        @Actor
        public void actor2(III_Result r) {
            r.r2 = enter(Acquisition.TRY_LOCK);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = value;
        }
    }

    /** TimedTryLock against Lock. */
    @JCStressTest
    @JCStressMeta(RobustMutexStress.class)
    @State
    public static class TimedTryLockVsLock extends Exclusion {
        public TimedTryLockVsLock() {
            super(RobustMutexStress.newMutex());
        }

        @Actor
        public void actor1(III_Result r) {
            r.r1 = enter(Acquisition.TIMED_TRY_LOCK);
        }

        @Actor
        public void actor2(III_Result r) {
            r.r2 = enter(Acquisition.LOCK);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = value;
        }
    }

    /** LockInterruptibly against TimedTryLock. */
    @JCStressTest
    @JCStressMeta(RobustMutexStress.class)
    @State
    public static class LockInterruptiblyVsTimedTryLock extends Exclusion {
        public LockInterruptiblyVsTimedTryLock() {
            super(RobustMutexStress.newMutex());
        }

        @Actor
        public void actor1(III_Result r) {
            r.r1 = enter(Acquisition.LOCK_INTERRUPTIBLY);
        }

        @Actor
        public void actor2(III_Result r) {
            r.r2 = enter(Acquisition.TIMED_TRY_LOCK);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = value;
        }
    }

    /**
     * lock() blocked on a mutex the state's constructor locked (on the jcstress runner thread, which also runs the
     * signal): only the unlock can end the wait.
     */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The unlock released the waiter.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The waiter still sleeps after the unlock: a lost wake-up.")
    @State
    public static class WakeLock {
        static {
            Warmup.blockingPaths();
        }

        private final RobustMutex mutex = newMutex();

        public WakeLock() {
            mutex.lock();
        }

        @Actor
        public void actor() {
            mutex.lock();
            mutex.unlock();
        }

        @Signal
        public void signal() {
            mutex.unlock();
        }
    }

    /** tryLock(1 hour): only the unlock, not the deadline, can end the wait within the test. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The unlock released the waiter.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The waiter still sleeps after the unlock: a lost wake-up.")
    @State
    public static class WakeTimedTryLock {
        static {
            Warmup.blockingPaths();
        }

        private final RobustMutex mutex = newMutex();

        public WakeTimedTryLock() {
            mutex.lock();
        }

        @Actor
        public void actor() throws InterruptedException {
            if (!mutex.tryLock(1, TimeUnit.HOURS)) {
                throw new IllegalStateException("timed out before the one-hour deadline");
            }
            mutex.unlock();
        }

        @Signal
        public void signal() {
            mutex.unlock();
        }
    }
}
