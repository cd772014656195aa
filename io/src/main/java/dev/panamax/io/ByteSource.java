/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Positional read access to the bytes of one segment, as the recovery scanner and the reader see them.
 */
interface ByteSource {

    /** Current size in bytes. */
    long size() throws IOException;

    /**
     * Reads bytes starting at {@code position} into {@code dst}; fewer than {@code dst.byteSize()} only at the end.
     *
     * @return the number of bytes read
     */
    long read(long position, MemorySegment dst) throws IOException;

    /**
     * Returns the runs of {@code [from, to)} that may hold bytes other than zero, as {@code [start, end)} pairs in
     * order: what lies between them reads as zeros and need not be read. This default knows of no holes.
     */
    default List<long[]> dataRuns(long from, long to) throws IOException {
        return from < to ? List.of(new long[] {from, to}) : List.of();
    }

    /** A source over bytes in memory (a copy of a file's contents, for example). */
    static ByteSource of(MemorySegment bytes) {
        return new ByteSource() {
            @Override
            public long size() {
                return bytes.byteSize();
            }

            @Override
            public long read(long position, MemorySegment dst) {
                long n = Math.max(0, Math.min(dst.byteSize(), bytes.byteSize() - position));
                MemorySegment.copy(bytes, position, dst, 0, n);
                return n;
            }
        };
    }
}
