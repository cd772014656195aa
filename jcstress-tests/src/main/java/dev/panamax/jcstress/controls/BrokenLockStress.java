/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.controls;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Negative control for the mutual-exclusion and visibility tests: the same shapes as {@code FutexMutexStress} and
 * {@code FutexMutexVisibilityStress}, run on {@link BrokenLock}. The broken outcomes are declared FORBIDDEN, so a
 * harness that can observe them reports these tests FAILED; {@code run.sh} fails when one of them passes.
 */
@Description("Control: a check-then-set lock loses updates and lets critical sections interleave.")
public class BrokenLockStress {

    /*
     * Property (expected to be violated): two critical sections of a check-then-set lock overlap, so an increment
     * is lost (LostUpdate: r1 = counter) or a reader sees half of a writer's critical section (Interleaving:
     * r1 = flag, r2 = data, written data then flag with a spin of work between).
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t controls.BrokenLockStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2,
     * 2 x 100 ms; 2026-11-25, machine shared with other builds). [outcome] samples, all forks merged:
     *   Interleaving: FAILED; [0, 0] 180,578, [0, 1] 128 (forbidden), [1, 0] 8 (forbidden), [1, 1] 625,948
     *   LostUpdate: FAILED; [1] 544 (forbidden), [2] 1,346,737
     * aarch64: not yet run.
     */

    /** Two actors increment a plain counter under the broken lock. */
    @JCStressTest
    @Outcome(id = "2", expect = ACCEPTABLE, desc = "The critical sections happened not to overlap this time.")
    @Outcome(id = "1", expect = FORBIDDEN, desc = "Lost update: the broken lock admitted both actors (expected).")
    @State
    public static class LostUpdate {
        private final BrokenLock lock = new BrokenLock();
        private int value; // plain: "protected" by the broken lock

        @Actor
        public void actor1() {
            lock.lock();
            value = value + 1;
            lock.unlock();
        }

        @Actor
        public void actor2() {
            lock.lock();
            value = value + 1;
            lock.unlock();
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = value;
        }
    }

    /** A writer and a reader under the broken lock: the reader can see the flag without the data, or vice versa. */
    @JCStressTest
    @Outcome(id = {"0, 0", "1, 1"}, expect = ACCEPTABLE, desc = "The critical sections happened not to overlap.")
    @Outcome(id = {"1, 0", "0, 1"}, expect = FORBIDDEN, desc = "Saw half a critical section (expected).")
    @State
    public static class Interleaving {
        private final BrokenLock lock = new BrokenLock();
        private int data; // plain: "protected" by the broken lock
        private int flag; // plain: "protected" by the broken lock

        @Actor
        public void writer() {
            lock.lock();
            data = 1;
            flag = 1;
            lock.unlock();
        }

        @Actor
        public void reader(II_Result r) {
            lock.lock();
            r.r1 = flag;
            r.r2 = data;
            lock.unlock();
        }
    }
}
