/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One reservation of address space that the allocator carves up: a sized segment, a way to hand its pages back to
 * the kernel, and a close that unmaps it.
 */
abstract class Mapping {

    /** The whole reservation, sized; slices of it are what users get. */
    abstract MemorySegment segment();

    /** Gives the pages of {@code [offset, offset + length)} back to the kernel; they read as zero afterwards. */
    abstract void discard(long offset, long length);

    /** Unmaps the reservation; every slice of {@link #segment()} becomes inaccessible. */
    abstract void close();

    /** Bytes of this reservation resident in memory, or -1 if the kernel cannot say. */
    abstract long residentBytes();

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

    /** Reserves {@code bytes} with the given placement; {@code bytes} is a multiple of the page size. */
    static Mapping reserve(long bytes, long alignment, Placement placement) {
        return new ArenaMapping(bytes, alignment);
    }

    /** Placeholder backing until mmap lands in the bindings: a shared arena, discard zero-fills. */
    private static final class ArenaMapping extends Mapping {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment segment;

        ArenaMapping(long bytes, long alignment) {
            MemorySegment s;
            try {
                s = arena.allocate(bytes, alignment);
            } catch (OutOfMemoryError e) {
                arena.close();
                throw new OffHeapMemoryExhaustedError("cannot reserve " + bytes + " bytes", e);
            }
            segment = s;
        }

        @Override
        MemorySegment segment() {
            return segment;
        }

        @Override
        void discard(long offset, long length) {
            segment.asSlice(offset, length).fill((byte) 0);
        }

        @Override
        void close() {
            arena.close();
        }

        @Override
        long residentBytes() {
            return -1;
        }
    }
}
