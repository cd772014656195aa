/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.spinlock;

import dev.panamax.jcstress.Acquisition;
import dev.panamax.jcstress.Exclusion;
import dev.panamax.sync.SpinLock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Mutual exclusion and acquire/release visibility of {@link SpinLock}.
 */
@Description("SpinLock: two actors increment a plain field under the lock; no update is lost.")
@Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "Both acquired in turn; both increments are there.")
@Outcome(id = {"1, 0, 1", "0, 1, 1"}, expect = ACCEPTABLE,
        desc = "One try-acquisition failed (lock held, or timed out); the other's increment is there.")
@Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "Both acquired, one increment lost: critical sections overlapped.")
@Outcome(expect = FORBIDDEN, desc = "Anything else breaks mutual exclusion or the tryLock contract.")
public class SpinLockStress {

    /*
     * Property: two critical sections of one SpinLock never overlap (r1, r2 = acquired by actor 1, 2; r3 = the
     * counter the arbiter sees afterwards), and a holder sees the previous holder's writes whole (Visibility).
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t spinlock.SpinLockStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2,
     * 2 x 100 ms; 2026-11-25, machine shared with other builds). [outcome] samples, all forks merged:
     *   LockInterruptiblyVsTryLock: OK; [0, 1, 1] 0, [1, 0, 1] 22,548, [1, 1, 1] 0 (forbidden), [1, 1, 2] 825,699
     *   LockVsLock: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 724,137
     *   LockVsTryLock: OK; [0, 1, 1] 0, [1, 0, 1] 70,308, [1, 1, 1] 0 (forbidden), [1, 1, 2] 1,130,330
     *   TimedTryLockVsLock: OK; [0, 1, 1] 0, [1, 0, 1] 0, [1, 1, 1] 0 (forbidden), [1, 1, 2] 1,122,337
     *   Visibility: OK; [0, 0] 134,284, [0, 1] 0 (forbidden), [1, 0] 0 (forbidden), [1, 1] 610,301
     * aarch64 (emulated: qemu-user 10 on the x86_64 host above, so TSO memory; run-aarch64.sh, -m sanity -sc false,
     * 2026-11-25): Visibility: OK; [0, 0] 5, [0, 1] 0, [1, 0] 0, [1, 1] 11. Other variants not yet run.
     */

    /** Lock against Lock. */
    @JCStressTest
    @JCStressMeta(SpinLockStress.class)
    @State
    public static class LockVsLock extends Exclusion {
        public LockVsLock() {
            super(new SpinLock());
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
    @JCStressMeta(SpinLockStress.class)
    @State
    public static class LockVsTryLock extends Exclusion {
        public LockVsTryLock() {
            super(new SpinLock());
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
    @JCStressMeta(SpinLockStress.class)
    @State
    public static class TimedTryLockVsLock extends Exclusion {
        public TimedTryLockVsLock() {
            super(new SpinLock());
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

    /** LockInterruptibly against TryLock. */
    @JCStressTest
    @JCStressMeta(SpinLockStress.class)
    @State
    public static class LockInterruptiblyVsTryLock extends Exclusion {
        public LockInterruptiblyVsTryLock() {
            super(new SpinLock());
        }

        @Actor
        public void actor1(III_Result r) {
            r.r1 = enter(Acquisition.LOCK_INTERRUPTIBLY);
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

    /**
     * Visibility: the reader, under the lock, sees the writer's critical section all or nothing (r1 = flag, r2 =
     * data). Its outcomes differ from the exclusion variants', so it declares its own.
     */
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Reader's critical section ran first: it sees neither write.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Writer's critical section ran first: both writes seen.")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "Saw the flag but not the data written before it.")
    @Outcome(id = "0, 1", expect = FORBIDDEN, desc = "Saw the data but not the flag: critical sections overlapped.")
    @State
    public static class Visibility {
        private final SpinLock lock = new SpinLock();
        private int data; // plain: written and read only under the lock
        private int flag; // plain: written and read only under the lock, after data

        @Actor
        public void writer() {
            lock.lock();
            try {
                data = 1;
                flag = 1;
            } finally {
                lock.unlock();
            }
        }

        @Actor
        public void reader(II_Result r) {
            lock.lock();
            try {
                r.r1 = flag;
                r.r2 = data;
            } finally {
                lock.unlock();
            }
        }
    }
}
