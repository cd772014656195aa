/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * An off-heap allocator for {@link java.lang.foreign.MemorySegment}s: buddy pages over mmap'd arenas, slab size
 * classes, per-thread caches. Memory comes from {@code dev.panamax.ffm}; this module links no native code.
 */
module dev.panamax.alloc {
    requires dev.panamax.ffm;
    exports dev.panamax.alloc;
}
