/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Durable storage on the kernel's own paths: the {@link dev.panamax.io.Durability} ladder, the group-commit
 * {@link dev.panamax.io.DurableLog} with crash recovery, and {@link dev.panamax.io.AtomicFile}.
 */
module dev.panamax.io {
    requires transitive dev.panamax.ffm;
    exports dev.panamax.io;
    exports dev.panamax.io.net;
    exports dev.panamax.io.uring;
}
