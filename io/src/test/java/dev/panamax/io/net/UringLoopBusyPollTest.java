/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import dev.panamax.io.uring.IoUring;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The whole {@link UringLoopTest} contract on a loop that busy-polls for 50 µs before it blocks, so that both the
 * spin and the blocking {@code io_uring_enter} (and the hand-over between them) serve the tests' completions and
 * tasks.
 */
class UringLoopBusyPollTest extends UringLoopTest {

    @Override
    UringLoop newLoop(String name) throws IOException {
        return UringLoop.start(name, IoUring.Options.of(64), LoopOptions.busyPoll(50, TimeUnit.MICROSECONDS));
    }
}
