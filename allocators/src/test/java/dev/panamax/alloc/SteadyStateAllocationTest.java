/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import dev.panamax.testing.AllocationRounds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Allocating and freeing off-heap memory allocates nothing on the Java heap once compiled (see
 * {@link AllocationRounds}): small sizes from the thread cache's slab classes, and buddy blocks from the page heap,
 * through raw addresses and through segments that do not escape the caller.
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
                .add("segment 64", () -> {
                    MemorySegment s = allocator.allocate(64);
                    s.set(ValueLayout.JAVA_LONG, 0, 1);
                    allocator.free(s);
                })
                .add("bound address 64", () -> bound.freeAddress(bound.allocateAddress(64)))
                .add("bound segment 64", () -> {
                    MemorySegment s = bound.allocate(64);
                    s.set(ValueLayout.JAVA_LONG, 0, 1);
                    bound.free(s);
                })
                .assertNothingAllocated();
    }

    @Test
    void shouldAllocateNothingWhenCyclingBuddyBlocks() throws Exception {
        new AllocationRounds()
                .add("address 64 KiB", () -> allocator.freeAddress(allocator.allocateAddress(64 * 1024)))
                .add("address 2 MiB", () -> allocator.freeAddress(allocator.allocateAddress(2 * 1024 * 1024)))
                .add("segment 64 KiB", () -> {
                    MemorySegment s = allocator.allocate(64 * 1024, 4096);
                    s.set(ValueLayout.JAVA_LONG, 0, 1);
                    allocator.free(s);
                })
                .assertNothingAllocated();
    }
}
