/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import dev.panamax.ffm.EventFd;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The wake-up protocol of the event loops' task queue ({@link LoopTasks}), raced directly: a submitter's
 * {@code offer} against the loop thread's {@code mayBlock} just before it would block in the kernel.
 */
@JCStressTest
@Description("LoopTasks: a task offered while the loop goes to sleep is either seen by the loop or wakes it.")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "The loop marked itself asleep first: the submitter woke it.")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "The task was queued first: the loop saw it and does not block.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Both: the loop saw the task and the submitter woke it too.")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Lost wake-up: the loop would sleep on a queued task.")
@State
public class LoopTasksStress {

    /*
     * Property (a Dekker pair): offer() queues the task, then compare-and-sets awake from false to true and writes
     * the eventfd if that succeeded; mayBlock() sets awake false, then tells whether the queue is empty. r1 = 1 when
     * the submitter wrote the eventfd, r2 = 1 when the loop saw the task. If neither happened the loop would call
     * epoll_wait/io_uring_enter with a task queued and nobody to wake it. This is the step the end-to-end
     * termination tests (dev.panamax.jcstress.loop.LoopWakeStress) can reach only a few hundred times a run; here
     * it is millions of samples. Reading the queue before clearing awake (the bug this forbids) shows 0, 0 at once.
     *
     * The test lives in the loops' package because LoopTasks is package-private. Every state starts as a loop that
     * is awake with an empty queue; all states share one eventfd (its counter only grows; nobody reads it).
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t io.net.LoopTasksStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2, 2 x 100 ms;
     * 2026-11-26, idle machine). [outcome] samples, all forks merged: OK; [0, 0] 0 (forbidden), [0, 1] 1,071,282,
     * [1, 0] 1,244,525, [1, 1] 2,586. With mayBlock() reading the queue before clearing awake: FAILED in every
     * fork, [0, 0] 10 to 265 per fork.
     * aarch64: not yet run.
     */

    static final EventFd WAKE_FD = openEventFd();

    private static EventFd openEventFd() {
        try {
            return EventFd.create(0, EventFd.NONBLOCK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final LoopTasks tasks = new LoopTasks(WAKE_FD, "jcstress loop");

    @Actor
    public void submitter(II_Result r) {
        r.r1 = tasks.offer(() -> { }, false) == LoopTasks.QUEUED_AND_WOKE ? 1 : 0;
    }

    @Actor
    public void loop(II_Result r) {
        r.r2 = tasks.mayBlock() ? 0 : 1;
    }
}
