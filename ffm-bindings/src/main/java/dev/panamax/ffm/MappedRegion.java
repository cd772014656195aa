/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.Check;
import dev.panamax.ffm.internal.ErrnoState;
import dev.panamax.ffm.internal.Native;
import dev.panamax.ffm.internal.uapi.Syscalls;
import dev.panamax.ffm.internal.uapi.mman_h;

import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An owned {@code mmap} mapping. {@link #segment()} is exactly the mapped length and belongs to a shared arena
 * this region closes before {@code munmap}, so a segment kept past {@link #close()} fails with
 * {@link IllegalStateException} instead of touching unmapped memory. {@code close()} unmaps once; later calls
 * are no-ops.
 */
public final class MappedRegion implements AutoCloseable {

    private final Object lock = new Object();
    private Arena arena; // guarded by lock; replaced by remap
    private volatile MemorySegment segment; // written under lock by remap/close (null once closed), read by anyone
    private long address; // guarded by lock
    private long length; // guarded by lock

    MappedRegion(long address, long length) {
        this.address = address;
        this.length = length;
        attach();
    }

    private void attach() {
        arena = Arena.ofShared();
        segment = Native.sized(MemorySegment.ofAddress(address), length, arena, null);
    }

    /**
     * Returns the mapped memory, exactly as long as the mapping.
     *
     * @return the segment, valid until {@link #close()} or {@link #remap}
     * @throws IllegalStateException if the region is already closed
     */
    public MemorySegment segment() {
        MemorySegment s = segment;
        if (s == null) {
            throw alreadyClosed();
        }
        return s;
    }

    /**
     * Returns the mapped length in bytes.
     *
     * @return the length
     * @throws IllegalStateException if the region is already closed
     */
    public long byteSize() {
        return segment().byteSize();
    }

    /**
     * Tells whether the region has been closed.
     *
     * @return true once unmapped
     */
    public boolean isClosed() {
        return segment == null;
    }

    /**
     * Grows or shrinks the mapping ({@code mremap}). The previous {@link #segment()} becomes invalid even when
     * the mapping stays in place; fetch the segment again.
     *
     * @param newLength the new length in bytes, {@code > 0}
     * @param mayMove   MREMAP_MAYMOVE: let the kernel move the mapping if it cannot grow in place
     * @throws ErrnoException        ENOMEM if it cannot grow in place and {@code mayMove} is false
     * @throws IllegalStateException if the region is already closed
     * @see <a href="https://man7.org/linux/man-pages/man2/mremap.2.html">mremap(2)</a>
     */
    public void remap(long newLength, boolean mayMove) throws ErrnoException {
        if (newLength <= 0) {
            throw new IllegalArgumentException("newLength must be > 0, got " + newLength);
        }
        synchronized (lock) {
            if (segment == null) {
                throw alreadyClosed();
            }
            // Invalidate the old segment first: mremap may unmap its range.
            arena.close(); // throws, leaving the region as it was, if a downcall holds the segment
            segment = null;
            MemorySegment es = ErrnoState.current();
            long raw = Syscalls.mremap(es, MemorySegment.ofAddress(address), length, newLength,
                    mayMove ? mman_h.MREMAP_MAYMOVE() : 0, MemorySegment.NULL);
            if (raw == -1) {
                attach();
                Check.result(raw, es, "mremap");
            }
            address = raw;
            length = newLength;
            attach();
        }
    }

    /**
     * Unmaps the region ({@code munmap}); later calls do nothing.
     *
     * @throws IllegalStateException if another thread is using the segment in a native call right now
     * @throws UncheckedIOException  wrapping an {@link ErrnoException} if the kernel refuses (a panamax bug)
     * @see <a href="https://man7.org/linux/man-pages/man2/munmap.2.html">munmap(2)</a>
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (segment == null) {
                return;
            }
            arena.close(); // throws, leaving the region open, if a downcall holds the segment
            segment = null;
            MemorySegment es = ErrnoState.current();
            try {
                Check.result(Syscalls.munmap(es, MemorySegment.ofAddress(address), length), es, "munmap");
            } catch (ErrnoException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static IllegalStateException alreadyClosed() {
        return new IllegalStateException("mapped region already closed (munmap done)");
    }

    @Override
    public String toString() {
        MemorySegment s = segment;
        return s == null ? "MappedRegion[closed]"
                : "MappedRegion[0x" + Long.toHexString(s.address()) + ", " + s.byteSize() + " bytes]";
    }
}
