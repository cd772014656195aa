/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.io.IOException;

/** How a {@link UringFile} carries out its requests: on an io_uring, or with blocking syscalls on a pool. */
interface FileEngine {

    /** Starts (or queues) a request; its future completes later, on an engine thread. */
    void submit(FileRequest request);

    /** Asks the engine to stop a request that {@link #submit} accepted; it may complete anyway. */
    void cancel(FileRequest request);

    /** Cancels what is in flight, waits for it to complete, and releases the engine's resources. */
    void close() throws IOException;
}
