/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The whole {@link EventLoopTest} contract on a loop that busy-polls for 50 µs before it blocks, so that both the
 * spin and the blocking wait (and the hand-over between them) serve the tests' events, tasks and timers.
 */
class EventLoopBusyPollTest extends EventLoopTest {

    @Override
    EventLoop newLoop(String name) throws IOException {
        return EventLoop.start(name, LoopOptions.busyPoll(50, TimeUnit.MICROSECONDS));
    }
}
