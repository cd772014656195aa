/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.util.List;
import java.util.Objects;

/**
 * What recovery found when a {@link DurableLog} was opened, and what it cut.
 *
 * <p>Recovery is point-in-time: the first record that fails a check (bad magic, impossible length, sequence
 * out of order, CRC32C mismatch) and everything after it are removed, so the log stays a gap-free prefix of
 * what was appended. A torn tail (a write cut short by a crash) costs only unacknowledged records, or records
 * acknowledged at {@link Durability#WRITE} when the machine lost power; intact records found after a corrupt
 * one (a flipped bit in the middle of the log) are counted in {@link #droppedRecords()} so the loss is visible.
 *
 * @param firstSequence   sequence number of the first record kept, or the next sequence if none is kept
 * @param lastSequence    sequence number of the last record kept, or {@code firstSequence - 1} if none
 * @param records         number of records kept
 * @param segments        number of segment files kept
 * @param truncatedBytes  bytes of torn or corrupt data cut from the tail (zeroed, or removed with a segment)
 * @param droppedRecords  intact records found after the cut point and dropped with it (0 for a torn tail)
 * @param droppedSegments whole segment files removed (after a cut, or created but never initialised)
 * @param problems        one line per problem found, naming the file, offset and check; empty when clean
 */
public record RecoveryReport(long firstSequence, long lastSequence, long records, int segments,
                             long truncatedBytes, long droppedRecords, int droppedSegments, List<String> problems) {

    /**
     * Validates and copies the problem list.
     *
     * @param firstSequence   see the record description
     * @param lastSequence    see the record description
     * @param records         see the record description
     * @param segments        see the record description
     * @param truncatedBytes  see the record description
     * @param droppedRecords  see the record description
     * @param droppedSegments see the record description
     * @param problems        see the record description
     */
    public RecoveryReport {
        problems = List.copyOf(Objects.requireNonNull(problems, "problems"));
    }

    /**
     * Tells whether recovery found nothing to cut.
     *
     * @return true if no problem was found
     */
    public boolean isClean() {
        return problems.isEmpty();
    }
}
