/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.panamax.bench.AllocatorWorkloadBenchmark.Blocks;
import dev.panamax.bench.AllocatorWorkloadBenchmark.Client;

import org.junit.jupiter.api.Test;

class AllocatorWorkloadBenchmarkTest {

    private static final int N = AllocatorWorkloadBenchmark.SHARED_BLOCKS;
    private static final int SIZE = AllocatorWorkloadBenchmark.SHARED_SIZE;

    /** Hands out the addresses the test put in the slots; hides them when an address is negative. */
    private static final class Addresses extends Client {
        @Override
        void allocate(Blocks b, int i, int size) {
            throw new UnsupportedOperationException();
        }

        @Override
        void free(Blocks b, int i) {
            throw new UnsupportedOperationException();
        }

        @Override
        void write(Blocks b, int i, long value) {
            throw new UnsupportedOperationException();
        }

        @Override
        void increment(Blocks b, int i) {
            throw new UnsupportedOperationException();
        }

        @Override
        long address(Blocks b, int i) {
            return b.addresses[i];
        }
    }

    private static long count(Blocks first, Blocks second) {
        long[] scratch1 = new long[N * 2];
        long[] scratch2 = new long[N * 2];
        return AllocatorWorkloadBenchmark.sharedLines(new Addresses(), new Blocks[] {first, second}, scratch1,
                scratch2);
    }

    @Test
    void shouldCountNoLineWhenEachThreadHasItsOwnPages() {
        Blocks first = new Blocks(N);
        Blocks second = new Blocks(N);
        for (int i = 0; i < N; i++) {
            first.addresses[i] = 0x10000 + (long) i * SIZE;
            second.addresses[i] = 0x20000 + (long) i * SIZE;
        }
        assertEquals(0, count(first, second));
    }

    @Test
    void shouldCountEachSharedLineOnceWhenBlocksInterleave() {
        Blocks first = new Blocks(N);
        Blocks second = new Blocks(N);
        for (int i = 0; i < N; i++) {
            // Alternating 16-byte blocks: every 64-byte line holds two blocks of each thread.
            first.addresses[i] = 0x10000 + (long) i * 2 * SIZE;
            second.addresses[i] = 0x10000 + (long) i * 2 * SIZE + SIZE;
        }
        assertEquals(2L * N * SIZE / 64, count(first, second));
    }

    @Test
    void shouldCountBothLinesOfABlockThatStraddlesABoundary() {
        Blocks first = new Blocks(N);
        Blocks second = new Blocks(N);
        for (int i = 0; i < N; i++) {
            first.addresses[i] = 0x10000 + (long) i * 64;
            second.addresses[i] = 0x80000 + (long) i * 64;
        }
        // One block of the second thread across the boundary between the first thread's lines 0 and 1.
        second.addresses[0] = 0x10000 + 64 - 8;
        assertEquals(2, count(first, second));
    }

    @Test
    void shouldReportMinusOneWhenThePeerHidesAddresses() {
        Blocks first = new Blocks(N);
        Blocks second = new Blocks(N);
        first.addresses[3] = -1;
        assertEquals(-1, count(first, second));
    }
}
