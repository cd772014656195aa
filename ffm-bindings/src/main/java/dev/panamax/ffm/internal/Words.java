/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm.internal;

import dev.panamax.ffm.internal.uapi.timespec;

import java.lang.foreign.MemorySegment;

/**
 * Argument checks shared by the typed API, run before any native memory is touched (STYLE.md B.9), and the
 * per-thread {@code timespec} used by timed calls.
 */
public final class Words {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Words() {
    }

    /**
     * Checks that {@code [offset, offset + length)} lies in a live native segment and returns that slice.
     *
     * @param what names the argument in messages, e.g. "futex word"
     */
    public static MemorySegment slice(String what, MemorySegment segment, long offset, long length) {
        checkNative(what, segment);
        if (offset < 0 || length < 0 || offset > segment.byteSize() - length) {
            throw new IndexOutOfBoundsException(what + " [" + offset + ", " + offset + " + " + length
                    + ") is outside the segment of " + segment.byteSize() + " bytes");
        }
        return segment.asSlice(offset, length);
    }

    /** Checks that a segment is native and alive. */
    public static void checkNative(String what, MemorySegment segment) {
        if (!segment.isNative() || !segment.scope().isAlive()) {
            throw notNative(what, segment);
        }
    }

    /** Checks element {@code index} of an array of segments; the message is built only on failure. */
    public static void checkNative(String what, int index, MemorySegment segment) {
        if (!segment.isNative() || !segment.scope().isAlive()) {
            throw notNative(what + " " + index, segment);
        }
    }

    /**
     * Checks that the kernel may write into {@code segment}: a read-only view promises that its memory does not
     * change through it, and a syscall would not notice the promise.
     */
    public static void checkWritable(String what, MemorySegment segment) {
        if (segment.isReadOnly()) {
            throw new IllegalArgumentException(what + " is a read-only segment, and the kernel would write into it");
        }
    }

    /** Checks element {@code index} of an array of segments the kernel writes into; see the single form. */
    public static void checkWritable(String what, int index, MemorySegment segment) {
        if (segment.isReadOnly()) {
            throw new IllegalArgumentException(what + " " + index
                    + " is a read-only segment, and the kernel would write into it");
        }
    }

    private static RuntimeException notNative(String what, MemorySegment segment) {
        if (!segment.isNative()) {
            return new IllegalArgumentException(what + " must be native memory: a heap segment has no stable "
                    + "address the kernel could use (allocate it from an Arena)");
        }
        return new IllegalStateException(what + " segment is already closed (its arena was closed)");
    }

    /** Checks that {@code segment.address() + offset} is a multiple of {@code alignment} (a power of two). */
    public static void checkAligned(String what, MemorySegment segment, long offset, long alignment) {
        long address = segment.address() + offset;
        if ((address & (alignment - 1)) != 0) {
            throw new IllegalArgumentException(what + " at address 0x" + Long.toHexString(address)
                    + " is not " + alignment + "-byte aligned");
        }
    }

    /** Checks a non-negative count, size or offset. */
    public static long checkNonNegative(String what, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must be >= 0, got " + value);
        }
        return value;
    }

    /**
     * Fills the calling thread's scratch {@code timespec} with {@code nanos} and returns it.
     *
     * @param nanos a relative timeout or absolute deadline in nanoseconds, {@code >= 0}
     */
    public static MemorySegment timespec(long nanos) {
        MemorySegment ts = Scratch.current();
        timespec.tv_sec(ts, nanos / NANOS_PER_SECOND);
        timespec.tv_nsec(ts, nanos % NANOS_PER_SECOND);
        return ts;
    }

    /** Reads a {@code timespec} as nanoseconds (saturating at {@code Long.MAX_VALUE}). */
    public static long nanos(MemorySegment ts) {
        long sec = timespec.tv_sec(ts);
        long nsec = timespec.tv_nsec(ts);
        return sec > (Long.MAX_VALUE - nsec) / NANOS_PER_SECOND ? Long.MAX_VALUE : sec * NANOS_PER_SECOND + nsec;
    }
}
