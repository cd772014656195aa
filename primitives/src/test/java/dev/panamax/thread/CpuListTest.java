/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.thread;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;

import org.junit.jupiter.api.Test;

class CpuListTest {

    @Test
    void shouldParseRangesAndSinglesWhenMixed() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 8, 10, 11}, CpuList.toArray(CpuList.parse("0-3,8,10-11\n")));
    }

    @Test
    void shouldParseStrideWhenRangeHasColon() {
        assertArrayEquals(new int[] {0, 2, 4, 6}, CpuList.toArray(CpuList.parse("0-7:2")));
    }

    @Test
    void shouldReturnEmptySetWhenListIsBlank() {
        assertTrue(CpuList.parse("  \n").isEmpty());
    }

    @Test
    void shouldHandleCpusAbove64WhenMachineIsLarge() {
        BitSet cpus = CpuList.parse("0-127,200,4095");
        assertEquals(130, cpus.cardinality());
        assertTrue(cpus.get(4095));
        assertEquals("0-127,200,4095", CpuList.format(cpus));
    }

    @Test
    void shouldMergeRunsWhenFormatting() {
        assertEquals("0-2,5,7-8", CpuList.format(CpuList.of(0, 1, 2, 5, 7, 8)));
        assertEquals("", CpuList.format(new BitSet()));
    }

    @Test
    void shouldRejectGarbageWhenNotACpuList() {
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse("0-3,x"));
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse("5-2"));
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse("1,,2"));
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse("0-4:0"));
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse("99999999"));
    }
}
