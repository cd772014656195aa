/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of a {@link StaticFileServer}, added to by its loops and read by tests and the command. Each is a
 * {@link LongAdder}: loops add without contending, a reader sees a sum that may lag the loops.
 */
final class ServerStats {

    final LongAdder accepted = new LongAdder();
    final LongAdder closed = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder idleTimeouts = new LongAdder();
    /** Responses that met a full socket and waited for EPOLLOUT. */
    final LongAdder outWaits = new LongAdder();
    /** EPOLLOUT wake-ups that went on with a blocked response. */
    final LongAdder outResumes = new LongAdder();
    /** Handler calls that moved no byte, parsed nothing and closed nothing: a busy loop would show here. */
    final LongAdder emptyWakeups = new LongAdder();

    long open() {
        return accepted.sum() - closed.sum();
    }
}
