/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The closing protocol of the event loops' task queue ({@link LoopTasks}), raced directly: a submitter's
 * {@code offer} against the loop thread's {@code close}, its last run of the queue.
 */
@JCStressTest
@Description("LoopTasks: a task offered while the loop closes either runs or is refused, never both or neither.")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "Accepted: the loop's last run took it and ran it.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "Refused: the submitter saw the loop closed and took it back.")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Lost: accepted, but the loop had already run its queue.")
@Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Refused, yet it ran.")
@State
public class LoopTasksCloseStress {

    /*
     * Property (a Dekker pair): close() sets closed, then runs the queue a last time; offer() queues the task, then
     * reads closed and, if set, removes the task again, refusing it when the removal succeeds. r1 = 1 when offer()
     * refused the task, r2 = 1 when it ran. Either the last run finds the task or offer() sees closed, so an
     * accepted task always runs and a refused one never does. Reading closed before queuing (the bug this forbids)
     * shows 0, 0.
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t io.net.LoopTasksCloseStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick's settings, 2026-11-26, other builds running): OK in
     * every fork; [0, 0] 0, [0, 1] 182,924 to 917,457 per fork, [1, 0] 255,367 to 1,237,096, [1, 1] 0. With
     * offer() reading closed before queuing: FAILED in every fork, [0, 0] 102 to 11,682 per fork.
     * aarch64: not yet run.
     */

    private final LoopTasks tasks = new LoopTasks(LoopTasksStress.WAKE_FD, "jcstress loop");
    private int ran; // plain: written by the loop actor's last run, read by the arbiter after both actors

    @Actor
    public void submitter(II_Result r) {
        r.r1 = tasks.offer(() -> ran = 1, false) == LoopTasks.REFUSED ? 1 : 0;
    }

    @Actor
    public void loop() {
        tasks.close();
    }

    @Arbiter
    public void ran(II_Result r) {
        r.r2 = ran;
    }
}
