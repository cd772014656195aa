/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * How an {@link EventLoop} or a {@link UringLoop} waits once it has run out of work.
 *
 * <p>By default ({@link #DEFAULT}, a busy-poll budget of 0) a loop with nothing to do blocks in the kernel at once
 * ({@code epoll_wait} or {@code io_uring_enter}), and the next event or task must wake its thread: the scheduler's
 * wake-up, and in a virtual machine the wake-up of a halted vCPU, lies in the path of every event that finds the
 * loop asleep. With a budget of {@code busyPollNs} nanoseconds the loop first polls without sleeping, for up to that
 * long after its last piece of work: an {@code EventLoop} calls {@code epoll_wait} with a zero timeout, a
 * {@code UringLoop} reads the rings' shared memory ({@link dev.panamax.io.uring.IoUring#peekCompletions()}, no
 * system call until the kernel flags a completion), and both look at their task queue, with
 * {@link Thread#onSpinWait()} between polls. Tasks submitted from other threads meanwhile are found in the queue,
 * without the eventfd write that wakes a sleeping loop; timers keep firing. Only when the budget passes with nothing
 * found does the loop block as before. This is the idle strategy of latency-sensitive loops (Aeron's idle
 * strategies, OpenOnload's spinning, the kernel's {@code SO_BUSY_POLL}); Netty's loops have none.
 *
 * <p><b>CPU cost.</b> A busy-polling loop keeps its core fully busy for up to {@code busyPollNs} after every burst of
 * work, and this time counts as the loop thread's CPU time. A loop whose events arrive closer together than the
 * budget never sleeps: it burns a whole core for as long as the traffic lasts. Give each busy-polling loop a core of
 * its own (pin it, and keep other busy threads off that core): on a machine with fewer idle cores than spinning
 * threads, the spin takes CPU from the threads that would produce the events and makes latency worse, not better.
 * Choose the budget from the gap between events that should find the loop awake; the kernel's documentation
 * recommends about 50 µs for {@code net.core.busy_poll}. The spin pays off only where waking a sleeping thread
 * costs more than the polling itself and the spinning thread has a core of its own, so measure before turning it
 * on ({@code IoNetBenchmark}'s {@code panamaxEpollBusyPoll} and {@code panamaxUringBusyPoll} servers): on a
 * loaded 2-vCPU KVM guest whose host halt-polls, where a wake-up costs a few microseconds, a 50 µs budget made a
 * 1-connection loopback echo about 0.6 times as fast as the blocking loop, at twice the server CPU per round trip.
 *
 * @param busyPollNs nanoseconds to poll without sleeping before the loop blocks, {@code >= 0}: 0 blocks at once (the
 *                   default), {@link Long#MAX_VALUE} never blocks
 * @see <a href="https://docs.kernel.org/admin-guide/sysctl/net.html">net.core.busy_poll and busy_read</a>
 */
public record LoopOptions(long busyPollNs) {

    /** No busy polling: an idle loop blocks in the kernel at once. */
    public static final LoopOptions DEFAULT = new LoopOptions(0);

    /**
     * Checks the budget.
     *
     * @throws IllegalArgumentException when {@code busyPollNs} is negative
     */
    public LoopOptions {
        if (busyPollNs < 0) {
            throw new IllegalArgumentException("busyPollNs must be >= 0 (0 turns busy polling off, Long.MAX_VALUE "
                    + "never blocks): " + busyPollNs);
        }
    }

    /**
     * Options that busy-poll for {@code budget} before blocking; see the class comment for the CPU this costs.
     *
     * @param budget how long to poll without sleeping, {@code >= 0}; more than {@link Long#MAX_VALUE} nanoseconds
     *               counts as {@link Long#MAX_VALUE} (never block)
     * @param unit   its unit
     * @return the options
     * @throws IllegalArgumentException when {@code budget} is negative
     */
    public static LoopOptions busyPoll(long budget, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit");
        if (budget < 0) {
            throw new IllegalArgumentException("the busy-poll budget must be >= 0: " + budget + " " + unit);
        }
        return new LoopOptions(unit.toNanos(budget)); // toNanos saturates at Long.MAX_VALUE
    }
}
