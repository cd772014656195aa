/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.CRC32C;

import static dev.panamax.io.RecordFormat.INT;
import static dev.panamax.io.RecordFormat.LONG;
import static dev.panamax.io.RecordFormat.RECORD_HEADER_BYTES;
import static dev.panamax.io.RecordFormat.RECORD_MAGIC;

/**
 * Walks the records of one segment through a read window, verifying each (magic, length, sequence, CRC32C).
 * Used by recovery (limit = file size) and by readers (limit = the durable end when the reader started).
 */
final class SegmentCursor {

    /** What {@link #next()} found. */
    enum Step {
        /** A verified record: see {@link #sequence()} and {@link #payload()}. */
        RECORD,
        /** The limit was reached exactly. */
        END,
        /** An all-zero header (or all-zero bytes too short for one): the preallocated space after the end. */
        ZEROS,
        /**
         * A verified record longer than the cursor's record limit (written under a larger one): see
         * {@link #sequence()} and {@link #recordBytes()}; {@link #position()} stays at the record.
         */
        TOO_LARGE,
        /** A record failed a check: see {@link #problem()}. */
        BAD
    }

    private final ByteSource source;
    private final long limit;
    private final int maxRecordBytes;
    private final MemorySegment window;
    private long windowStart;
    private long windowBytes;
    private long position;
    private long expectedSequence;
    private long recordSequence;
    private int recordBytes;
    private MemorySegment recordPayload;
    private String problem;

    /**
     * @param window buffer of at least {@code RECORD_HEADER_BYTES + maxRecordBytes} bytes
     */
    SegmentCursor(ByteSource source, long start, long limit, long firstSequence, int maxRecordBytes,
                  MemorySegment window) {
        if (window.byteSize() < RecordFormat.frameBytes(maxRecordBytes)) {
            throw new IllegalArgumentException("window too small for the record limit");
        }
        this.source = source;
        this.limit = limit;
        this.maxRecordBytes = maxRecordBytes;
        this.window = window;
        this.position = start;
        this.expectedSequence = firstSequence;
        this.windowStart = start;
        this.windowBytes = 0;
    }

    /** Offset of the next record (after a RECORD step) or of the record that stopped the walk. */
    long position() {
        return position;
    }

    /** Sequence number the next record must carry. */
    long expectedSequence() {
        return expectedSequence;
    }

    long sequence() {
        return recordSequence;
    }

    /** The payload length of the record a TOO_LARGE step found. */
    int recordBytes() {
        return recordBytes;
    }

    /** The verified payload, valid until the next call. */
    MemorySegment payload() {
        return recordPayload;
    }

    String problem() {
        return problem;
    }

    Step next() throws IOException {
        long pos = position;
        long avail = limit - pos;
        if (avail <= 0) {
            return Step.END;
        }
        if (avail < RECORD_HEADER_BYTES) {
            ensure(pos, avail);
            if (RecordFormat.allZero(window, pos - windowStart, avail)) {
                return Step.ZEROS;
            }
            return bad("truncated record header (" + avail + " bytes before the end)");
        }
        if (!ensure(pos, RECORD_HEADER_BYTES)) {
            return bad("file shorter than its size says");
        }
        long at = pos - windowStart;
        if (RecordFormat.allZero(window, at, RECORD_HEADER_BYTES)) {
            return Step.ZEROS;
        }
        int magic = window.get(INT, at);
        if (magic != RECORD_MAGIC) {
            return bad(String.format("bad record magic 0x%08x", magic));
        }
        int length = window.get(INT, at + 4);
        if (length < 0) {
            return bad("impossible record length " + length);
        }
        if (RECORD_HEADER_BYTES + (long) length > avail) {
            return bad("record of " + length + " bytes runs past the end (" + avail + " bytes left)");
        }
        long sequence = window.get(LONG, at + 8);
        if (sequence != expectedSequence) {
            return bad("sequence " + sequence + " where " + expectedSequence + " was expected");
        }
        if (length > maxRecordBytes) {
            // Longer than this opener's limit is no damage by itself: a log written under a larger limit holds
            // such records. Only a failed check condemns one, so verify it through the window, piece by piece.
            if (!checksumMatchesInPieces(pos, length)) {
                return bad("CRC32C mismatch in record " + sequence + " of " + length + " bytes (over the limit of "
                        + maxRecordBytes + ")");
            }
            recordSequence = sequence;
            recordBytes = length;
            return Step.TOO_LARGE;
        }
        if (!ensure(pos, RECORD_HEADER_BYTES + (long) length)) {
            return bad("file shorter than its size says");
        }
        at = pos - windowStart;
        int stored = window.get(INT, at + 16);
        int actual = RecordFormat.recordChecksum(window, at, length);
        if (stored != actual) {
            return bad(String.format("CRC32C mismatch in record %d (stored 0x%08x, computed 0x%08x)", sequence,
                    stored, actual));
        }
        recordSequence = sequence;
        recordPayload = window.asSlice(at + RECORD_HEADER_BYTES, length);
        position = pos + RECORD_HEADER_BYTES + length;
        expectedSequence = sequence + 1;
        return Step.RECORD;
    }

    /**
     * After a BAD step, scans on from the bad record for what was lost with it.
     *
     * @return {@code [intact records found, offset just past the last non-zero byte]}
     */
    long[] survey() throws IOException {
        long intact = 0;
        long lastNonZero = position;
        long p = position;
        while (p < limit) {
            long n = Math.min(window.byteSize(), limit - p);
            if (!ensure(p, n)) {
                break;
            }
            long at = p - windowStart;
            long next = p + n;
            for (long i = 0; i < n; i++) {
                if (window.get(ValueLayout.JAVA_BYTE, at + i) == 0) {
                    continue;
                }
                lastNonZero = p + i + 1;
                if (i + 4 > n && p + n < limit) {
                    next = p + i; // a header may straddle the window's end: read again from here
                    break;
                }
                if (p + i != position && i + 4 <= n && window.get(INT, at + i) == RECORD_MAGIC) {
                    long frame = intactFrameAt(p + i); // may move the window
                    if (frame > 0) {
                        intact++;
                        lastNonZero = p + i + frame;
                        next = p + i + frame;
                    } else {
                        next = p + i + 1;
                    }
                    break;
                }
            }
            p = next;
        }
        return new long[] {intact, lastNonZero};
    }

    /**
     * Tells whether every byte from the current position to the limit is zero: the check that an all-zero header
     * is the clean end and not a gap. Power loss can keep later pages of a write that was never flushed and lose
     * an earlier one, so intact records may sit anywhere behind a gap of zeros; left there, they would read as the
     * records after the next appends that fill the gap.
     */
    boolean zerosToEnd() throws IOException {
        // Holes (preallocated, never written) are skipped unread; the rest is compared one window at a time, in
        // one vectorised call: recovery runs in a cold JVM, where a loop of 8-byte reads is slow.
        MemorySegment zeros = null;
        for (long[] run : source.dataRuns(position, limit)) {
            for (long p = run[0]; p < run[1]; ) {
                long n = Math.min(window.byteSize(), run[1] - p);
                boolean whole = ensure(p, n);
                long got = whole ? n : windowStart + windowBytes - p; // the source ended first: what it had
                if (zeros == null) {
                    zeros = MemorySegment.ofArray(new byte[(int) Math.min(window.byteSize(), limit - position)]);
                }
                long at = p - windowStart;
                if (got > 0 && MemorySegment.mismatch(window, at, at + got, zeros, 0, got) >= 0) {
                    return false;
                }
                if (!whole) {
                    return true;
                }
                p += n;
            }
        }
        return true;
    }

    /** Size of an intact frame (any sequence) starting at {@code pos}, or 0. */
    private long intactFrameAt(long pos) throws IOException {
        if (limit - pos < RECORD_HEADER_BYTES || !ensure(pos, RECORD_HEADER_BYTES)) {
            return 0;
        }
        int length = window.get(INT, pos - windowStart + 4);
        if (length < 0 || RECORD_HEADER_BYTES + (long) length > limit - pos) {
            return 0;
        }
        if (length > maxRecordBytes) {
            // Counted like any other intact record lost with the cut (see next()).
            return checksumMatchesInPieces(pos, length) ? RECORD_HEADER_BYTES + (long) length : 0;
        }
        if (!ensure(pos, RECORD_HEADER_BYTES + (long) length)) {
            return 0;
        }
        long at = pos - windowStart;
        return window.get(INT, at + 16) == RecordFormat.recordChecksum(window, at, length)
                ? RECORD_HEADER_BYTES + (long) length : 0;
    }

    /**
     * Whether the record of {@code length} payload bytes at {@code pos}, which may not fit the window, carries the
     * right CRC32C: the payload is read through the window in pieces, then the header. Moves the window.
     */
    private boolean checksumMatchesInPieces(long pos, int length) throws IOException {
        CRC32C crc = new CRC32C();
        long payloadStart = pos + RECORD_HEADER_BYTES;
        long done = 0;
        while (done < length) {
            long n = Math.min(window.byteSize(), length - done);
            if (!ensure(payloadStart + done, n)) {
                return false;
            }
            crc.update(window.asSlice(payloadStart + done - windowStart, n).asByteBuffer());
            done += n;
        }
        if (!ensure(pos, RECORD_HEADER_BYTES)) {
            return false;
        }
        long at = pos - windowStart;
        return RecordFormat.finishRecordChecksum(crc, window, at) == window.get(INT, at + 16);
    }

    private Step bad(String why) {
        problem = why;
        return Step.BAD;
    }

    /** Makes {@code [pos, pos + len)} visible in the window; false if the source ended first. */
    private boolean ensure(long pos, long len) throws IOException {
        if (pos >= windowStart && pos + len <= windowStart + windowBytes) {
            return true;
        }
        long n = Math.min(window.byteSize(), limit - pos);
        windowStart = pos;
        windowBytes = source.read(pos, window.asSlice(0, n));
        return len <= windowBytes;
    }
}
