/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.mutex;

import dev.panamax.jcstress.Acquisition;
import dev.panamax.jcstress.Exclusion;
import dev.panamax.sync.FutexMutex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.lang.foreign.Arena;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Mutual exclusion of {@link FutexMutex}: every pair of {@code lock}, {@code tryLock}, timed {@code tryLock} and
 * {@code lockInterruptibly}, plus the adaptive and shared modes.
 */
@Description("FutexMutex: two actors increment a plain field under the lock; no update is lost.")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "Both acquired in turn; both increments are there.")
@Outcome(id = {"1, 0, 1", "0, 1, 1"}, expect = ACCEPTABLE,
        desc = "One try-acquisition failed (lock held, or timed out); the other's increment is there.")
@Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "Both acquired, one increment lost: critical sections overlapped.")
@Outcome(expect = FORBIDDEN, desc = "Anything else breaks mutual exclusion or the tryLock contract.")
public class FutexMutexStress {

    /*
     * Property: two critical sections of one FutexMutex never overlap, whatever pair of acquisition methods the
     * threads use (r1, r2 = acquired by actor 1, 2; r3 = the counter the arbiter sees afterwards).
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t mutex.FutexMutexStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2,
     * 2 x 100 ms; 2026-11-25, machine shared with other builds). [outcome] samples, all forks merged:
     *   AdaptiveLockVsLock: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 213,605
     *   AdaptiveTimedTryLockVsLock: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 452,576
     *   LockInterruptiblyVsLockInterruptibly: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2]
     *       336,011
     *   LockVsLock: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 366,096
     *   LockVsLockInterruptibly: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 1,051,355
     *   LockVsTimedTryLock: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 662,963
     *   LockVsTryLock: OK; [0, 1, 1] 0, [1, 0, 1] 2,602, [1, 1, 1] 0 (forbidden), [1, 1, 2] 733,953
     *   SharedLockVsLock: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 11,229
     *   TimedTryLockVsLockInterruptibly: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 1,206,179
     *   TimedTryLockVsTimedTryLock: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 1,092,859
     *   TryLockVsLockInterruptibly: OK; [0, 1, 1] 1,559, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 490,665
     *   TryLockVsTimedTryLock: OK; [0, 1, 1] 45, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 5,435
     *   TryLockVsTryLock: OK; [0, 1, 1] 23,923, [1, 0, 1] 24,532, [1, 1, 1] 0 (forbidden), [1, 1, 2] 740,534
     * aarch64 (emulated: qemu-user 10 on the x86_64 host above, so TSO memory; run-aarch64.sh, -m sanity -sc false,
     * 2026-11-25): LockVsLock: OK; [1, 1, 1] 0 (forbidden), [1, 1, 2] 16. Other variants not yet run.
     */

    /** Lock against Lock on a default mutex (release-store unlock, spin phase). */
    @JCStressTest
    @JCStressMeta(FutexMutexStress.class)
    @State
    public static class LockVsLock extends Exclusion {
        public LockVsLock() {
            super(new FutexMutex());
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

    /** Lock against Lock on a mutex without a spin phase: every contended lock() arms the sleep word and sleeps. */
    @JCStressTest
    @JCStressMeta(FutexMutexStress.class)
    @State
    public static class NoSpinLockVsLock extends Exclusion {
        public NoSpinLockVsLock() {
            super(new FutexMutex(0));
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

    /** Lock against Lock on a mutex with the exchange unlock and no spin phase (Drepper). */
    @JCStressTest
    @JCStressMeta(FutexMutexStress.class)
    @State
    public static class ExchangeLockVsLock extends Exclusion {
        public ExchangeLockVsLock() {
            super(FutexMutex.withUnlock(FutexMutex.UnlockMode.EXCHANGE, 0));
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

    /** Lock against TryLock on a default mutex (release-store unlock, spin phase). */
    @JCStressTest
    @JCStressMeta(FutexMutexStress.class)
    @State
    public static class LockVsTryLock extends Exclusion {
        public LockVsTryLock() {
            super(new FutexMutex());
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

    /** Lock against TimedTryLock on a default mutex (release-store unlock, spin phase). */
    @JCStressTest
    @JCStressMeta(FutexMutexStress.class)
    @State
    public static class LockVsTimedTryLock extends Exclusion {
        public LockVsTimedTryLock() {
            super(new FutexMutex());
        }

        @Actor
        public void actor1(III_Result r) {
            r.r1 = enter(Acquisition.LOCK);
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

    /** Lock against LockInterruptibly on a default mutex (release-store unlock, spin phase). */
    @JCStressTest
    @JCStressMeta(FutexMutexStress.class)
    @State
    public static class LockVsLockInterruptibly extends Exclusion {
        public LockVsLockInterruptibly() {
            super(new FutexMutex());
        }

        @Actor
        public void actor1(III_Result r) {
            r.r1 = enter(Acquisition.LOCK);
        }

        @Actor
        public void actor2(III_Result r) {
            r.r2 = enter(Acquisition.LOCK_INTERRUPTIBLY);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = value;
        }
    }

    /** TryLock against TryLock on a default mutex (release-store unlock, spin phase). */
    @JCStressTest
    @JCStressMeta(FutexMutexStress.class)
    @State
    public static class TryLockVsTryLock extends Exclusion {
        public TryLockVsTryLock() {
            super(new FutexMutex());
        }

        @Actor
        public void actor1(III_Result r) {
            r.r1 = enter(Acquisition.TRY_LOCK);
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

    /** TryLock against TimedTryLock on a default mutex (release-store unlock, spin phase). */
    @JCStressTest
    @JCStressMeta(FutexMutexStress.class)
    @State
    public static class TryLockVsTimedTryLock extends Exclusion {
        public TryLockVsTimedTryLock() {
            super(new FutexMutex());
        }

        @Actor
        public void actor1(III_Result r) {
            r.r1 = enter(Acquisition.TRY_LOCK);
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

    /** TryLock against LockInterruptibly on a default mutex (release-store unlock, spin phase). */
    @JCStressTest
    @JCStressMeta(FutexMutexStress.class)
    @State
    public static class TryLockVsLockInterruptibly extends Exclusion {
        public TryLockVsLockInterruptibly() {
            super(new FutexMutex());
        }

        @Actor
        public void actor1(III_Result r) {
            r.r1 = enter(Acquisition.TRY_LOCK);
        }

        @Actor
        public void actor2(III_Result r) {
            r.r2 = enter(Acquisition.LOCK_INTERRUPTIBLY);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = value;
        }
    }

    /** TimedTryLock against TimedTryLock on a default mutex (release-store unlock, spin phase). */
    @JCStressTest
    @JCStressMeta(FutexMutexStress.class)
    @State
    public static class TimedTryLockVsTimedTryLock extends Exclusion {
        public TimedTryLockVsTimedTryLock() {
            super(new FutexMutex());
        }

        @Actor
        public void actor1(III_Result r) {
            r.r1 = enter(Acquisition.TIMED_TRY_LOCK);
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

    /** TimedTryLock against LockInterruptibly on a default mutex (release-store unlock, spin phase). */
    @JCStressTest
    @JCStressMeta(FutexMutexStress.class)
    @State
    public static class TimedTryLockVsLockInterruptibly extends Exclusion {
        public TimedTryLockVsLockInterruptibly() {
            super(new FutexMutex());
        }

        @Actor
        public void actor1(III_Result r) {
            r.r1 = enter(Acquisition.TIMED_TRY_LOCK);
        }

        @Actor
        public void actor2(III_Result r) {
            r.r2 = enter(Acquisition.LOCK_INTERRUPTIBLY);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = value;
        }
    }

    /** LockInterruptibly against LockInterruptibly on a default mutex (release-store unlock, spin phase). */
    @JCStressTest
    @JCStressMeta(FutexMutexStress.class)
    @State
    public static class LockInterruptiblyVsLockInterruptibly extends Exclusion {
        public LockInterruptiblyVsLockInterruptibly() {
            super(new FutexMutex());
        }

        @Actor
        public void actor1(III_Result r) {
            r.r1 = enter(Acquisition.LOCK_INTERRUPTIBLY);
        }

        @Actor
        public void actor2(III_Result r) {
            r.r2 = enter(Acquisition.LOCK_INTERRUPTIBLY);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = value;
        }
    }

    /** Lock against lock on an adaptive (spinning) mutex. */
    @JCStressTest
    @JCStressMeta(FutexMutexStress.class)
    @State
    public static class AdaptiveLockVsLock extends Exclusion {
        public AdaptiveLockVsLock() {
            super(FutexMutex.adaptive());
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

    /** Timed tryLock against lock on an adaptive mutex. */
    @JCStressTest
    @JCStressMeta(FutexMutexStress.class)
    @State
    public static class AdaptiveTimedTryLockVsLock extends Exclusion {
        public AdaptiveTimedTryLockVsLock() {
            super(FutexMutex.adaptive());
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

    /** Lock against lock on a shared-mode mutex (shared futex operations, no park queue). */
    @JCStressTest
    @JCStressMeta(FutexMutexStress.class)
    @State
    public static class SharedLockVsLock extends Exclusion {
        public SharedLockVsLock() {
            super(FutexMutex.inShared(Arena.ofAuto().allocate(FutexMutex.BYTES, FutexMutex.BYTES), 0));
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
}
