/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread native scratch memory for small out-parameters and in-structs of hot calls (a {@code timespec} for a
 * timed futex wait, the two ints of {@code getcpu}), so those calls allocate nothing after a thread's first.
 * Same lifetime rule as {@link ErrnoState}: freed with the thread's ThreadLocalMap entry. A call must not keep
 * the scratch across a call that might reuse it: every user fills it and passes it to exactly one syscall.
 */
public final class Scratch {

    /** Bytes per thread: room for a {@code timespec}, a {@code statx}-free small struct and a few ints. */
    public static final long SIZE = 256;

    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SIZE, 16));

    private Scratch() {
    }

    /** The calling thread's scratch segment, {@link #SIZE} bytes, 16-byte aligned. */
    public static MemorySegment current() {
        return SCRATCH.get();
    }
}
