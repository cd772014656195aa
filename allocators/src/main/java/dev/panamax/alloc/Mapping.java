/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.MappedRegion;
import dev.panamax.ffm.Memory;
import dev.panamax.ffm.NodeSet;
import dev.panamax.ffm.Numa;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;

/**
 * One reservation of address space that the allocator carves up: an anonymous private {@code MAP_NORESERVE}
 * mapping, sliced to the requested alignment, advised and bound as the arena's {@link Placement} says.
 * Pages are committed by the kernel when first written and given back by {@link #discard}.
 */
final class Mapping {

    private static final EnumSet<Memory.Protection> READ_WRITE =
            EnumSet.of(Memory.Protection.READ, Memory.Protection.WRITE);
    private static final EnumSet<Memory.MapFlag> RESERVE_ONLY = EnumSet.of(Memory.MapFlag.NORESERVE);

    private final MappedRegion region;
    private final long alignment;
    // Replaced by remap; published to other threads through the allocator's ConcurrentHashMap of mappings.
    private MemorySegment segment;

    private Mapping(MappedRegion region, MemorySegment segment, long alignment) {
        this.region = region;
        this.segment = segment;
        this.alignment = alignment;
    }

    /** The alignment {@link #reserve} was asked for; {@link #segment()} starts at a multiple of it. */
    long alignment() {
        return alignment;
    }

    /**
     * Whether this mapping is its whole region (not an aligned slice of a larger one), so it can be remapped: only
     * then is its alignment at most a page, which is all that the address {@code mremap} picks guarantees.
     */
    boolean remappable() {
        return segment.address() == region.segment().address() && segment.byteSize() == region.byteSize();
    }

    /**
     * Grows or shrinks the mapping with {@code mremap(MREMAP_MAYMOVE)}, keeping its contents, flags and policy; every
     * earlier slice of {@link #segment()} becomes inaccessible.
     *
     * @throws OffHeapMemoryExhaustedError if the kernel cannot grow it (the mapping is then unchanged)
     */
    void remap(long newBytes) {
        try {
            region.remap(newBytes, true);
        } catch (ErrnoException e) {
            throw new OffHeapMemoryExhaustedError("cannot grow a mapping to " + newBytes + " bytes: "
                    + e.getMessage(), e);
        }
        segment = region.segment();
    }

    /**
     * Reserves {@code bytes} (a multiple of the page size) starting at a multiple of {@code alignment}.
     *
     * @throws OffHeapMemoryExhaustedError if the kernel refuses the mapping
     */
    static Mapping reserve(long bytes, long alignment, Placement placement) {
        long pageSize = Memory.pageSize();
        long slack = alignment > pageSize ? alignment : 0;
        MappedRegion region;
        try {
            region = Memory.mapAnonymous(bytes + slack, READ_WRITE, RESERVE_ONLY);
        } catch (ErrnoException e) {
            throw new OffHeapMemoryExhaustedError("cannot reserve " + (bytes + slack) + " bytes of address space: "
                    + e.getMessage(), e);
        }
        MemorySegment whole = region.segment();
        long skip = slack == 0 ? 0 : (alignment - whole.address() % alignment) % alignment;
        MemorySegment segment = whole.asSlice(skip, bytes);
        try {
            if (placement.hugePages()) {
                Memory.madvise(segment, Memory.Advice.HUGEPAGE);
            }
            if (placement.numaNode() >= 0) {
                Numa.mbind(segment, Numa.Policy.BIND, NodeSet.of(placement.numaNode()), false);
            }
        } catch (ErrnoException | RuntimeException e) {
            region.close();
            throw new IllegalStateException("cannot place a new region as configured (" + placement + "): "
                    + e.getMessage(), e);
        }
        return new Mapping(region, segment, alignment);
    }

    /** The whole reservation, sized; slices of it are what users get. */
    MemorySegment segment() {
        return segment;
    }

    /**
     * Gives the pages of {@code [offset, offset + length)} back to the kernel with {@code MADV_DONTNEED}; they read
     * as zero afterwards. Only whole system pages inside the range are discarded (the allocator's 4 KiB blocks may
     * be smaller than a 16 or 64 KiB system page).
     */
    void discard(long offset, long length) {
        long pageSize = Memory.pageSize();
        long start = segment.address() + offset;
        long from = (start + pageSize - 1) & -pageSize;
        long to = (start + length) & -pageSize;
        if (to <= from) {
            return;
        }
        try {
            Memory.madvise(segment.asSlice(from - segment.address(), to - from), Memory.Advice.DONTNEED);
        } catch (ErrnoException e) {
            // Our own mapping, page-aligned: the kernel refusing this is an allocator bug, not a user error.
            throw new UncheckedIOException(e);
        }
    }

    /** Unmaps the reservation; every slice of {@link #segment()} becomes inaccessible. */
    void close() {
        region.close();
    }

    /** Bytes of this reservation resident in memory ({@code mincore}), or -1 if the kernel cannot say. */
    long residentBytes() {
        try {
            return Memory.residentPages(segment) * Memory.pageSize();
        } catch (ErrnoException | IllegalStateException e) {
            // A closed region, or mincore refused (ENOMEM for a range torn down concurrently): unknown.
            return -1;
        }
    }

    /** The resident bytes of all regions and dedicated mappings, or -1 if any could not be read. */
    static long residentBytes(Region[] regions, Iterable<Mapping> dedicated) {
        long total = 0;
        for (Region r : regions) {
            long resident = r.mapping.residentBytes();
            if (resident < 0) {
                return -1;
            }
            total += resident;
        }
        for (Mapping m : dedicated) {
            long resident = m.residentBytes();
            if (resident < 0) {
                return -1;
            }
            total += resident;
        }
        return total;
    }
}
