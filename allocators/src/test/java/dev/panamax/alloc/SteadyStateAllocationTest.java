/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import dev.panamax.testing.AllocationRounds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Allocating and freeing off-heap memory through raw addresses ({@code allocateAddress}/{@code freeAddress}, the
 * allocation-free API) allocates nothing on the Java heap once compiled (see {@link AllocationRounds}): small sizes
 * from the thread cache's slab classes, and buddy blocks from the page heap. {@code allocate} returns a
 * {@link java.lang.foreign.MemorySegment}, an object that only C2's escape analysis may remove, and whether it does
 * depends on inlining: a CI run saw 40 bytes per 64 KiB segment where earlier runs saw none, so the segment API is
 * not held to zero here.
 */
class SteadyStateAllocationTest {

    private final OffHeapAllocator allocator = OffHeapAllocator.builder().regionBytes(64L << 20).build();

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    @Test
    void shouldAllocateNothingWhenCyclingSmallSizes() throws Exception {
        ThreadBoundAllocator bound = allocator.forCurrentThread();
        new AllocationRounds()
                .add("address 8", () -> allocator.freeAddress(allocator.allocateAddress(8)))
                .add("address 1000", () -> allocator.freeAddress(allocator.allocateAddress(1000)))
                .add("address 32 KiB", () -> allocator.freeAddress(allocator.allocateAddress(32 * 1024)))
                .add("bound address 64", () -> bound.freeAddress(bound.allocateAddress(64)))
                .assertNothingAllocated();
    }

    @Test
    void shouldAllocateNothingWhenCyclingBuddyBlocks() throws Exception {
        new AllocationRounds()
                .add("address 64 KiB", () -> allocator.freeAddress(allocator.allocateAddress(64 * 1024)))
                .add("address 2 MiB", () -> allocator.freeAddress(allocator.allocateAddress(2 * 1024 * 1024)))
                .assertNothingAllocated();
    }
}
