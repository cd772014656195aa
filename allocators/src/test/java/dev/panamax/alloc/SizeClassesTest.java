/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SizeClassesTest {

    @Test
    void shouldCoverEightBytesToThirtyTwoKibWhenBuilt() {
        assertEquals(48, SizeClasses.count());
        assertEquals(8, SizeClasses.size(0));
        assertEquals(32 * 1024, SizeClasses.size(SizeClasses.count() - 1));
        for (int c = 1; c < SizeClasses.count(); c++) {
            assertTrue(SizeClasses.size(c) > SizeClasses.size(c - 1), "classes increase");
            assertEquals(0, SizeClasses.size(c) % 8, "classes are multiples of 8");
        }
    }

    @Test
    void shouldPickSmallestFittingClassWhenLookingUpEverySize() {
        for (int bytes = 1; bytes <= SizeClasses.MAX_SMALL_SIZE; bytes++) {
            int c = SizeClasses.classOf(bytes);
            assertTrue(SizeClasses.size(c) >= bytes);
            assertTrue(c == 0 || SizeClasses.size(c - 1) < bytes, "smallest class for " + bytes);
        }
    }

    @Test
    void shouldBoundWasteAsDocumentedWhenRoundingUp() {
        double worst = SizeClasses.worstCaseWaste();
        assertTrue(worst <= 0.2, "worst case above 128 B: " + worst);
        for (int bytes = 1; bytes <= SizeClasses.MAX_SMALL_SIZE; bytes++) {
            int size = SizeClasses.size(SizeClasses.classOf(bytes));
            if (bytes <= 128) {
                assertTrue(size - bytes <= 7, "at most 7 bytes lost for " + bytes);
            } else {
                assertTrue((size - bytes) / (double) size <= worst + 1e-12, "bound for " + bytes);
            }
        }
    }

    @Test
    void shouldDivideExactlyWhenUsingReciprocal() {
        for (int c = 0; c < SizeClasses.count(); c++) {
            int size = SizeClasses.size(c);
            int slab = SizeClasses.slabBytes(c);
            for (int offset = 0; offset < slab; offset++) {
                if (SizeClasses.divide(offset, c) != offset / size) {
                    throw new AssertionError("divide(" + offset + ", " + size + ")");
                }
            }
        }
    }

    @Test
    void shouldGiveQuotientOnlyForMultiplesWhenDividingExactly() {
        for (int c = 0; c < SizeClasses.count(); c++) {
            int size = SizeClasses.size(c);
            long reciprocal = SizeClasses.reciprocal(c);
            // Every offset of the class's slab, its tail past the last object included.
            for (int offset = 0; offset < SizeClasses.slabBytes(c); offset++) {
                int expected = offset % size == 0 ? offset / size : -1;
                if (SizeClasses.exactQuotient(offset, reciprocal) != expected) {
                    throw new AssertionError("exactQuotient(" + offset + ", " + size + ")");
                }
            }
        }
    }

    @Test
    void shouldRejectSizeWhenOutOfSmallRange() {
        assertThrows(IllegalArgumentException.class, () -> SizeClasses.classOf(0));
        assertThrows(IllegalArgumentException.class, () -> SizeClasses.classOf(SizeClasses.MAX_SMALL_SIZE + 1));
    }
}
