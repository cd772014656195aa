/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * An {@link EventLoop} timer's {@code cancel()} from another thread raced against the loop claiming it to run
 * ({@code fire()}): {@code cancel()} must return true exactly when the task will not run.
 */
@JCStressTest
@Description("EventLoop.Scheduled: cancel() returns true exactly when the timer's task never runs.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "Cancelled first: the loop does not run the task.")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "Fired first: the task runs and cancel() says it was too late.")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "cancel() said it will not run, and it ran.")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "cancel() said too late, yet the task never ran.")
@State
public class ScheduledCancelStress {

    /*
     * Property: one compare-and-set from PENDING decides, to CANCELLED by cancel() or to FIRED by fire(). r1 = 1 when
     * cancel() returned true, r2 = 1 when fire() let the loop run the task. A cancel that set a flag and a loop that
     * checked it separately (the check-then-act this replaced) shows 1, 1.
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t io.net.ScheduledCancelStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick's settings, 2026-11-26): OK in every fork; [1, 1] and
     * [0, 0] 0, [0, 1] 0.46 to 3.8 million and [1, 0] 0.19 to 2.1 million per fork. With the check-then-act pair
     * (cancel reads FIRED then writes CANCELLED, fire reads CANCELLED then writes FIRED): FAILED in every fork,
     * [1, 1] 14-16 % of the samples.
     * aarch64: not yet run.
     */

    private final EventLoop.Scheduled timer = new EventLoop.Scheduled(() -> { }, 0);

    @Actor
    public void canceller(II_Result r) {
        r.r1 = timer.cancel() ? 1 : 0;
    }

    @Actor
    public void loop(II_Result r) {
        r.r2 = timer.fire() ? 1 : 0;
    }
}
