/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.controls;

import dev.panamax.jcstress.Warmup;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Negative control for the {@code Mode.Termination} wake-up tests: an event whose {@code set()} never wakes leaves a
 * waiter asleep in the kernel, which the harness must report as STALE (declared FORBIDDEN, so the test FAILS).
 */
@Description("Control: an event whose set() forgets FUTEX_WAKE strands a sleeping waiter.")
public class MissingWakeStress {

    /*
     * Property (expected to be violated): a waiter asleep in await() returns after set(). Whenever the actor falls
     * asleep before the signal (the usual case: the harness signals after the actor has started), it never wakes.
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t controls.MissingWakeStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2,
     * 2 x 100 ms; 2026-11-25, machine shared with other builds). [outcome] samples, all forks merged:
     *   EventSetWithoutWake: FAILED; [STALE] 3 (forbidden), [TERMINATED] 1
     * aarch64: not yet run.
     */

    /** One platform-thread waiter in FUTEX_WAIT, a set() without a wake. */
    @JCStressTest(Mode.Termination)
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "set() came before the actor slept.")
    @Outcome(id = "STALE", expect = FORBIDDEN, desc = "The waiter sleeps forever: a lost wake-up (expected).")
    @State
    public static class EventSetWithoutWake {
        static {
            Warmup.blockingPaths();
        }

        private final MissingWakeEvent event = new MissingWakeEvent();

        @Actor
        public void actor() {
            event.await();
        }

        @Signal
        public void signal() {
            event.set();
        }
    }
}
