/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * One 32-bit word in native memory, read and written through the access modes of a {@link VarHandle}. Every
 * primitive of this package keeps its state in such words so that the same code runs on memory it owns and on a
 * caller's {@code MAP_SHARED} mapping.
 */
final class Word {

    /** {@code (MemorySegment, long offset) -> int}; the segment's bounds and liveness are checked on each access. */
    static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** {@code (MemorySegment, long offset) -> long}, for pointer-sized fields of the robust-list entry. */
    static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    final MemorySegment segment;
    final long offset;

    Word(MemorySegment segment, long offset) {
        this.segment = segment;
        this.offset = offset;
    }

    /** Allocates {@code bytes} of zeroed native memory, freed when unreachable, aligned to {@code alignment}. */
    static MemorySegment allocateOwned(long bytes, long alignment) {
        return Arena.ofAuto().allocate(bytes, alignment);
    }

    /**
     * Checks that {@code bytes} at {@code offset} of {@code segment} can hold this package's words: native, alive,
     * writable, in bounds and aligned to {@code alignment}. Runs before any access, so a bad argument is an
     * exception and never a fault.
     *
     * @throws NullPointerException      if {@code segment} is null
     * @throws IllegalArgumentException  if the segment is on the heap, read-only or the offset misaligned
     * @throws IllegalStateException     if the segment's arena is closed
     * @throws IndexOutOfBoundsException if the region is not inside the segment
     */
    static void check(MemorySegment segment, long offset, long bytes, long alignment) {
        Objects.requireNonNull(segment, "segment");
        if (!segment.isNative()) {
            throw new IllegalArgumentException("futex words must live in native memory (a mapped file, memfd or "
                    + "arena allocation), not in a heap segment");
        }
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("segment already closed: its arena was closed before the lock was made");
        }
        if (segment.isReadOnly()) {
            throw new IllegalArgumentException("segment is read-only: a lock word must be writable");
        }
        if (offset < 0 || offset > segment.byteSize() - bytes) {
            throw new IndexOutOfBoundsException("need " + bytes + " bytes at offset " + offset
                    + " but the segment holds " + segment.byteSize());
        }
        if (((segment.address() + offset) & (alignment - 1)) != 0) {
            throw new IllegalArgumentException("lock word at address 0x" + Long.toHexString(segment.address() + offset)
                    + " is not " + alignment + "-byte aligned");
        }
    }

    int getPlain() {
        return (int) INT.get(segment, offset);
    }

    int getOpaque() {
        return (int) INT.getOpaque(segment, offset);
    }

    int getAcquire() {
        return (int) INT.getAcquire(segment, offset);
    }

    int getVolatile() {
        return (int) INT.getVolatile(segment, offset);
    }

    void setRelease(int value) {
        INT.setRelease(segment, offset, value);
    }

    void setVolatile(int value) {
        INT.setVolatile(segment, offset, value);
    }

    int compareAndExchangeAcquire(int expected, int value) {
        return (int) INT.compareAndExchangeAcquire(segment, offset, expected, value);
    }

    int compareAndExchange(int expected, int value) {
        return (int) INT.compareAndExchange(segment, offset, expected, value);
    }

    boolean weakCompareAndSetAcquire(int expected, int value) {
        return INT.weakCompareAndSetAcquire(segment, offset, expected, value);
    }

    int getAndSet(int value) {
        return (int) INT.getAndSet(segment, offset, value);
    }

    int getAndSetRelease(int value) {
        return (int) INT.getAndSetRelease(segment, offset, value);
    }

    int getAndAdd(int delta) {
        return (int) INT.getAndAdd(segment, offset, delta);
    }
}
