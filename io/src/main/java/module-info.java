/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Durable storage on the kernel's own paths: the {@link dev.panamax.io.Durability} ladder, the group-commit
 * {@link dev.panamax.io.DurableLog} with crash recovery, and {@link dev.panamax.io.AtomicFile}; asynchronous I/O
 * on io_uring ({@link dev.panamax.io.uring.IoUring}, {@link dev.panamax.io.UringFile} with a blocking fallback),
 * an epoll {@link dev.panamax.io.net.EventLoop}, and zero-copy {@link dev.panamax.io.Transfer}.
 */
module dev.panamax.io {
    requires transitive dev.panamax.ffm;
    requires dev.panamax.sync;
    exports dev.panamax.io;
    exports dev.panamax.io.net;
    exports dev.panamax.io.uring;
}
