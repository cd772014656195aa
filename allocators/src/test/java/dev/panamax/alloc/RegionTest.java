/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void shouldGiveEveryPageOfASlabItsLayoutAndOwnershipWhenSlabsFillTheRegion() {
        // 72 B: one-page slabs with a 64 B tail; 28 KiB: 64-page slabs with a 4 KiB tail.
        for (int size : new int[] {72, 28672}) {
            int cls = SizeClasses.classOf(size);
            int order = PageHeap.orderFor(SizeClasses.slabBytes(cls));
            List<Slab> slabs = new ArrayList<>();
            for (int p = region.allocate(order, Region.SLAB); p >= 0; p = region.allocate(order, Region.SLAB)) {
                Slab s = new Slab(region, p, order, cls);
                region.mapSlab(p, 1 << order, s);
                slabs.add(s);
            }
            assertEquals(region.pages >> order, slabs.size(), "slabs cover the region, first to last page");
            for (Slab s : slabs) {
                for (int q = s.headPage; q < s.headPage + (1 << order); q++) {
                    assertEquals(s.layout, region.slabLayoutAt(q), "page " + q);
                    assertSame(s.ownership(), region.ownershipAt(q), "page " + q);
                }
                long last = s.addressOf(s.capacity - 1);
                assertEquals(s.headPage, region.pageOf(s.address));
                long end = s.address + SizeClasses.slabBytes(cls);
                assertEquals(s.headPage + (1 << order) - 1, region.pageOf(end - 8), "the slab's last page");
                assertEquals(-1, Slab.indexOf(s.layout, s.ownership(), end - 8), "the tail, on the last page");
                assertEquals(0, Slab.indexOf(s.layout, s.ownership(), s.address));
                assertEquals(s.capacity - 1, Slab.indexOf(s.layout, s.ownership(), last));
                assertEquals(-1, Slab.indexOf(s.layout, s.ownership(), last + s.objectSize), "tail or next slab");
                assertEquals(-1, Slab.indexOf(s.layout, s.ownership(), last + 8));
            }
            for (Slab s : slabs) {
                region.mapSlab(s.headPage, 1 << order, null);
                region.release(s.headPage);
            }
            for (int q = 0; q < region.pages; q++) {
                assertEquals(0, region.slabLayoutAt(q), "released page " + q);
                assertNull(region.ownershipAt(q), "released page " + q);
            }
        }
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
}
