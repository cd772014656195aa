/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The layout word of a slab: the free path's index, interior check and class come from it alone. */
class SlabTest {

    /** Slab bases to decode against: aligned to the largest slab, with low and high address bits set. */
    private static final long[] BASES = {0, 256L << 10, 0x7FFF_FFE0_0000L, 0x5555_5554_0000L};

    @Test
    void shouldDecodeIndexAndRejectEveryOtherOffsetWhenGivenAnyClassAndAddress() {
        for (int c = 0; c < SizeClasses.count(); c++) {
            int size = SizeClasses.size(c);
            int slabBytes = SizeClasses.slabBytes(c);
            int capacity = slabBytes / size;
            long layout = Slab.layout(c);
            assertNotEquals(0, layout, "0 means no slab in the page table");
            assertEquals(c, Slab.sizeClassOf(layout));
            assertEquals(size, Slab.objectSizeOf(layout));
            byte[] owned = new byte[capacity];
            for (long base : BASES) {
                assertEquals(0, base % slabBytes, "precondition: slab bases are aligned to the slab size");
                for (int offset = 0; offset < slabBytes; offset++) {
                    long address = base + offset;
                    boolean start = offset % size == 0 && offset / size < capacity;
                    int index = Slab.indexOf(layout, owned, address);
                    if (index != (start ? offset / size : -1)) {
                        throw new AssertionError("class " + size + " offset " + offset + ": index " + index);
                    }
                    if (start && Slab.indexOfOwn(layout, address) != offset / size) {
                        throw new AssertionError("class " + size + " offset " + offset + ": own index");
                    }
                }
            }
        }
    }

    @Test
    void shouldTakeOffsetsFromTheSlabWhenAddressesLieInNeighbouringSlabs() {
        // The next slab of the same class starts slabBytes later: its first object is index 0, not capacity.
        for (int c = 0; c < SizeClasses.count(); c++) {
            int slabBytes = SizeClasses.slabBytes(c);
            long layout = Slab.layout(c);
            byte[] owned = new byte[slabBytes / SizeClasses.size(c)];
            assertEquals(0, Slab.indexOf(layout, owned, 7L * slabBytes));
            assertEquals(owned.length - 1, Slab.indexOf(layout, owned,
                    8L * slabBytes - slabBytes % SizeClasses.size(c) - SizeClasses.size(c)));
        }
    }

    @Test
    void shouldLetOnlyOneClearSucceedWhenAnObjectIsMarkedOnce() {
        byte[] owned = new byte[4];
        assertFalse(Slab.clearInUse(owned, 2), "a slot never marked is not held");
        assertTrue(Slab.markInUse(owned, 2));
        assertFalse(Slab.markInUse(owned, 2), "marking a held slot reports corrupt metadata");
        assertTrue(Slab.clearInUse(owned, 2));
        assertFalse(Slab.clearInUse(owned, 2), "second free");
    }
}
