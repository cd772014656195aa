/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import static dev.panamax.io.RecordFormat.INT;
import static dev.panamax.io.RecordFormat.LONG;
import static dev.panamax.io.RecordFormat.SEGMENT_HEADER_BYTES;

/**
 * The outcome of verifying one segment file during recovery.
 *
 * @param firstSequence  the sequence number the segment header (and file name) give
 * @param records        verified records
 * @param nextSequence   the sequence number after the last verified record
 * @param validEnd       offset just past the last verified record
 * @param outcome        how the walk ended
 * @param problem        for TORN and CORRUPT, what check failed and where; else null
 * @param cutBytes       bytes from {@code validEnd} to the last non-zero byte that recovery must cut
 * @param intactDropped  intact records found after the cut point (CORRUPT only)
 */
record SegmentScan(long firstSequence, long records, long nextSequence, long validEnd, Outcome outcome,
                   String problem, long cutBytes, long intactDropped) {

    /** How the walk of a segment ended. */
    enum Outcome {
        /** All records verified up to zeros or the end of the file. */
        CLEAN,
        /** The file has no header yet (created, crash before the header reached the disk). */
        NO_HEADER,
        /** The last record is incomplete or damaged and nothing intact follows: a torn write. */
        TORN,
        /** A record failed a check and intact records follow it: corruption in the middle of the log. */
        CORRUPT
    }

    /**
     * Verifies a segment.
     *
     * @param source         the file's bytes
     * @param name           the file name, for messages
     * @param nameSequence   the first sequence number the file name gives
     * @param maxRecordBytes the record limit the log was opened with
     * @param window         a read buffer of at least {@code RECORD_HEADER_BYTES + maxRecordBytes} bytes
     * @param trustedEnd     where a clean close left this segment's end, whose tail then goes unchecked; or -1
     * @throws NotALogException         if the header is not a panamax segment header
     * @throws RecordTooLargeException  if a record that verifies is longer than {@code maxRecordBytes}: the log
     *                                  was written under a larger limit, and cutting it would lose acknowledged
     *                                  records
     */
    static SegmentScan scan(ByteSource source, String name, long nameSequence, int maxRecordBytes,
                            MemorySegment window, long trustedEnd) throws IOException {
        long size = source.size();
        MemorySegment header = window.asSlice(0, SEGMENT_HEADER_BYTES);
        long got = size == 0 ? 0 : source.read(0, header);
        if (got == 0 || RecordFormat.allZero(header, 0, got)) {
            return new SegmentScan(nameSequence, 0, nameSequence, 0, Outcome.NO_HEADER,
                    name + ": no segment header (created, never initialised)", 0, 0);
        }
        if (got < SEGMENT_HEADER_BYTES || header.get(LONG, 0) != RecordFormat.SEGMENT_MAGIC) {
            throw new NotALogException(name + " is not a panamax log segment (no PNMXLOG1 magic in its first "
                    + got + " bytes); refusing to touch it", null);
        }
        int version = header.get(INT, 8);
        if (version != RecordFormat.SEGMENT_VERSION || header.get(INT, 12) != SEGMENT_HEADER_BYTES) {
            throw new NotALogException(name + ": unsupported segment version " + version, null);
        }
        if (header.get(INT, 28) != RecordFormat.segmentHeaderChecksum(header)) {
            throw new NotALogException(name + ": segment header CRC32C mismatch", null);
        }
        long first = header.get(LONG, 16);
        if (first != nameSequence) {
            throw new NotALogException(name + ": header says first sequence " + first + ", file name says "
                    + nameSequence, null);
        }
        SegmentCursor cursor = new SegmentCursor(source, SEGMENT_HEADER_BYTES, size, first, maxRecordBytes, window);
        long records = 0;
        while (true) {
            switch (cursor.next()) {
                case RECORD -> records++;
                case END -> {
                    return new SegmentScan(first, records, cursor.expectedSequence(), cursor.position(),
                            Outcome.CLEAN, null, 0, 0);
                }
                case ZEROS -> {
                    long pos = cursor.position();
                    if (pos == trustedEnd || cursor.zerosToEnd()) {
                        return new SegmentScan(first, records, cursor.expectedSequence(), pos, Outcome.CLEAN,
                                null, 0, 0);
                    }
                    long[] lost = cursor.survey();
                    return new SegmentScan(first, records, cursor.expectedSequence(), pos,
                            lost[0] > 0 ? Outcome.CORRUPT : Outcome.TORN,
                            name + ": zeroed record header at offset " + pos + " followed by data", lost[1] - pos,
                            lost[0]);
                }
                case TOO_LARGE -> throw new RecordTooLargeException(name + ": record " + cursor.sequence()
                        + " at offset " + cursor.position() + " holds " + cursor.recordBytes() + " bytes, more than "
                        + "the record limit of " + maxRecordBytes + " bytes the log is being opened with; it "
                        + "verified (sequence, CRC32C), so it was written under a larger limit and nothing was cut. "
                        + "Open the log with LogOptions.withMaxRecordBytes(" + cursor.recordBytes() + ") or more",
                        cursor.sequence(), cursor.recordBytes(), maxRecordBytes);
                case BAD -> {
                    long pos = cursor.position();
                    String why = name + ": " + cursor.problem() + " at offset " + pos;
                    long[] lost = cursor.survey();
                    return new SegmentScan(first, records, cursor.expectedSequence(), pos,
                            lost[0] > 0 ? Outcome.CORRUPT : Outcome.TORN, why, Math.max(lost[1] - pos, 1),
                            lost[0]);
                }
                default -> throw new AssertionError("should not reach here");
            }
        }
    }
}
