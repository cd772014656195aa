/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The buddy allocator of one region against a page-bitmap model. */
class RegionTest {

    private static final long BYTES = 16L << 20;
    private Mapping mapping;
    private Region region;

    @BeforeEach
    void setUp() {
        mapping = Mapping.reserve(BYTES, Region.MAX_BLOCK, new Placement(false, -1));
        region = new Region(mapping);
    }

    @AfterEach
    void tearDown() {
        mapping.close();
    }

    @Test
    void shouldRestoreInitialFreeListsWhenEveryBlockIsReleased() {
        int[] initial = region.freeBlockCounts();
        assertEquals(BYTES / Region.MAX_BLOCK, initial[Region.MAX_ORDER]);
        Random random = new Random(42);
        BitSet used = new BitSet(region.pages);
        List<int[]> live = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            if (live.isEmpty() || random.nextInt(100) < 55) {
                int order = random.nextInt(Region.MAX_ORDER + 1);
                int p = region.allocate(order, Region.LARGE);
                if (p < 0) {
                    continue;
                }
                assertEquals(0, p % (1 << order), "block aligned to its size");
                assertTrue(used.get(p, p + (1 << order)).isEmpty(), "no overlap at page " + p);
                used.set(p, p + (1 << order));
                live.add(new int[] {p, order});
            } else {
                int[] b = live.remove(random.nextInt(live.size()));
                region.release(b[0]);
                used.clear(b[0], b[0] + (1 << b[1]));
            }
            assertEquals(BYTES - (long) used.cardinality() * Region.PAGE_SIZE, region.freeBytes());
        }
        for (int[] b : live) {
            region.release(b[0]);
        }
        assertArrayEquals(initial, region.freeBlockCounts(), "buddies coalesce back to 2 MiB blocks");
        assertEquals(BYTES, region.freeBytes());
    }

    @Test
    void shouldFindHeadWhenAskedForInteriorPage() {
        int p = region.allocate(4, Region.LARGE);
        for (int q = p; q < p + 16; q++) {
            assertEquals(p, region.headOf(q));
        }
    }

    @Test
    void shouldClearDirtyBytesWhenPurged() {
        int p = region.allocate(3, Region.LARGE);
        assertEquals(0, region.dirtyBytes(), "fresh pages are clean");
        region.release(p);
        assertTrue(region.dirtyBytes() >= 8 * Region.PAGE_SIZE);
        assertTrue(region.purge() >= 8 * Region.PAGE_SIZE);
        assertEquals(0, region.dirtyBytes());
    }

    @Test
    void shouldDiscardCleanFreeBlocksOfAHugePageThatHoldsADirtyOneWhenHugePagesSpanBlocks() throws ErrnoException {
        // 8 MiB huge pages, 4 blocks each (as 16 KiB pages' 32 MiB spans 16), whatever this kernel's huge page is.
        long huge = 4 * Region.MAX_BLOCK;
        Region spanning = new Region(mapping, huge);
        MemorySegment s = mapping.segment();
        long window = ((s.address() + huge - 1) & -huge) - s.address(); // the first whole huge page: 16 MiB hold one
        int p;
        do { // blocks come in address order; the ones before the huge page stay allocated
            p = spanning.allocate(Region.MAX_ORDER, Region.LARGE);
        } while ((long) p * Region.PAGE_SIZE != window);
        s.set(ValueLayout.JAVA_BYTE, window, (byte) 1);
        spanning.release(p); // dirty
        // What a huge page fault does: free blocks never handed out become resident, yet stay clean.
        MemorySegment cleanInside = s.asSlice(window + huge - Region.MAX_BLOCK, Region.MAX_BLOCK);
        MemorySegment cleanOutside = s.asSlice(window + huge, Region.MAX_BLOCK);
        cleanInside.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
        cleanOutside.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
        assertEquals(Region.MAX_BLOCK, spanning.purge(), "only the dirty block counts as purged");
        assertEquals(0, Memory.residentPages(s.asSlice(window, Region.MAX_BLOCK)), "the dirty block");
        assertEquals(0, Memory.residentPages(cleanInside), "a clean free block of the same huge page");
        assertTrue(Memory.residentPages(cleanOutside) > 0, "a huge page with no dirty block is left alone");
    }
}
