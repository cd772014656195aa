/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.mutex;

import dev.panamax.jcstress.Acquisition;
import dev.panamax.jcstress.Exclusion;
import dev.panamax.jcstress.Warmup;
import dev.panamax.sync.PiMutex;
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

import java.util.concurrent.TimeUnit;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Mutual exclusion and no lost wake-up of {@link PiMutex}.
 */
@Description("PiMutex: two actors increment a plain field under the lock; no update is lost.")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "Both acquired in turn; both increments are there.")
@Outcome(id = {"1, 0, 1", "0, 1, 1"}, expect = ACCEPTABLE,
        desc = "One try-acquisition failed (lock held, or timed out); the other's increment is there.")
@Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "Both acquired, one increment lost: critical sections overlapped.")
@Outcome(expect = FORBIDDEN, desc = "Anything else breaks mutual exclusion or the tryLock contract.")
public class PiMutexStress {

    /*
     * Property: two critical sections of one PiMutex never overlap (r1, r2 = acquired by actor 1, 2; r3 = the
     * counter the arbiter sees afterwards), and a thread blocked in FUTEX_LOCK_PI gets the lock when the holder
     * unlocks (the kernel hands it over: Wake variants).
     *
     * PiMutex records kernel thread ids, so every actor is a platform thread (as jcstress's are).
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t mutex.PiMutexStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2,
     * 2 x 100 ms; 2026-11-25, machine shared with other builds). [outcome] samples, all forks merged:
     *   LockInterruptiblyVsTimedTryLock: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 1,089,073
     *   LockVsLock: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 1,016,418
     *   LockVsTryLock: OK; [0, 1, 1] 0, [1, 0, 1] 917, [1, 1, 1] 0 (forbidden), [1, 1, 2] 794,636
     *   TimedTryLockVsLock: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 832,905
     *   WakeLock: OK; [STALE] 0 (forbidden), [TERMINATED] 193
     *   WakeTimedTryLock: OK; [STALE] 0 (forbidden), [TERMINATED] 198
     * aarch64: not yet run.
     */

    /** Lock against Lock. */
    @JCStressTest
    @JCStressMeta(PiMutexStress.class)
    @State
    public static class LockVsLock extends Exclusion {
        public LockVsLock() {
            super(new PiMutex());
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
    @JCStressMeta(PiMutexStress.class)
    @State
    public static class LockVsTryLock extends Exclusion {
        public LockVsTryLock() {
            super(new PiMutex());
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
    @JCStressMeta(PiMutexStress.class)
    @State
    public static class TimedTryLockVsLock extends Exclusion {
        public TimedTryLockVsLock() {
            super(new PiMutex());
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
    @JCStressMeta(PiMutexStress.class)
    @State
    public static class LockInterruptiblyVsTimedTryLock extends Exclusion {
        public LockInterruptiblyVsTimedTryLock() {
            super(new PiMutex());
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

        private final PiMutex mutex = new PiMutex();

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

        private final PiMutex mutex = new PiMutex();

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
