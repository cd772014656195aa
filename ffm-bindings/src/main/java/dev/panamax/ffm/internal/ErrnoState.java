/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread errno capture segments (STYLE.md B.5: never one process-wide segment, which two threads would
 * overwrite between a call and its errno read). A virtual thread gets its own: it stays mounted, pinned, for
 * the whole downcall, and reads errno before it can yield.
 */
public final class ErrnoState {

    // Auto arena: the segment is freed with its thread's ThreadLocalMap entry, so short-lived threads leak nothing.
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(Native.captureLayout()));

    private ErrnoState() {
    }

    /** The calling thread's capture segment. */
    public static MemorySegment current() {
        return STATE.get();
    }
}
