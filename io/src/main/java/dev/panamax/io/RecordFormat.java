/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * On-disk framing of the records of a {@link DurableLog} segment.
 */
final class RecordFormat {

    /*
     * Overview.
     *
     * A segment file is a 32-byte segment header followed by back-to-back records, then zeros up to the
     * preallocated size. All integers are little-endian.
     *
     * Segment header:
     *   0        8         12        16                24        28        32
     *   +--------+---------+---------+-----------------+---------+---------+
     *   | magic8 | version | hdrSize |  firstSequence  |  zero   | crc32c  |
     *   +--------+---------+---------+-----------------+---------+---------+
     *   crc32c covers bytes [0, 28).
     *
     * Record:
     *   0        4         8                  16        20
     *   +--------+---------+------------------+---------+--------------------+
     *   | magic  | length  |     sequence     | crc32c  | payload (length B) |
     *   +--------+---------+------------------+---------+--------------------+
     *   crc32c covers the payload, then header bytes [0, 16) (payload first so that an appender can checksum
     *   its payload before it holds the log's lock and learns its sequence number).
     *
     * Recovery reads records until it meets an all-zero header (the clean end: preallocated space reads as
     * zeros) or a record that fails a check (bad magic, negative length or one running past the file,
     * out-of-order sequence, CRC mismatch): that record and everything after it is a torn or corrupt tail and is
     * cut. Sequence numbers are consecutive across segments, so a stale but intact record left past the end can
     * never be mistaken for the next one. A record longer than the opener's LogOptions.maxRecordBytes fails no
     * check by that alone (the log may have been written under a larger limit): it is verified through the read
     * window in pieces, and if it passes, the open is refused and nothing is cut.
     */

    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** "PNMXLOG1" read as a little-endian long. */
    static final long SEGMENT_MAGIC = 0x31474f4c584d4e50L;
    static final int SEGMENT_VERSION = 1;
    static final int SEGMENT_HEADER_BYTES = 32;

    /** "PREC" read as a little-endian int. */
    static final int RECORD_MAGIC = 0x43455250;
    static final int RECORD_HEADER_BYTES = 20;
    /** The header bytes a record's checksum covers after its payload: magic, length and sequence. */
    static final int CHECKSUMMED_HEADER_BYTES = 16;


    private RecordFormat() {
    }

    /** Bytes a record with {@code payloadBytes} of payload takes on disk. */
    static long frameBytes(long payloadBytes) {
        return RECORD_HEADER_BYTES + payloadBytes;
    }

    /**
     * Starts the record checksum: the payload part, computable before the sequence number is known. For tests
     * that build records; {@code DurableLog} checksums its staged copy.
     *
     * @param payload native, or a heap segment over a {@code byte[]}
     */
    static CRC32C payloadChecksum(MemorySegment payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload.asByteBuffer());
        return crc;
    }

    /**
     * Writes a whole record at {@code offset} of {@code dst}.
     *
     * @param payloadCrc the checksum started by {@link #payloadChecksum} over the same payload; consumed
     */
    static void encodeRecord(MemorySegment dst, long offset, long sequence, MemorySegment payload,
                             CRC32C payloadCrc) {
        int length = Math.toIntExact(payload.byteSize());
        encodeHeader(dst, offset, sequence, length, payloadCrc, new byte[CHECKSUMMED_HEADER_BYTES]);
        MemorySegment.copy(payload, 0, dst, offset + RECORD_HEADER_BYTES, length);
    }

    /**
     * Writes a record's header at {@code offset} of {@code dst}; its payload goes right after. Through the
     * caller's scratch array of {@link #CHECKSUMMED_HEADER_BYTES}, so that a header costs no allocation.
     *
     * @param payloadCrc the checksum of the {@code length}-byte payload; consumed
     */
    static void encodeHeader(MemorySegment dst, long offset, long sequence, int length, CRC32C payloadCrc,
                             byte[] scratch) {
        dst.set(INT, offset, RECORD_MAGIC);
        dst.set(INT, offset + 4, length);
        dst.set(LONG, offset + 8, sequence);
        dst.set(INT, offset + 16, finishRecordChecksum(payloadCrc, dst, offset, scratch));
    }

    /** The checksum a record whose header starts at {@code offset} of {@code src} must carry. */
    static int recordChecksum(MemorySegment src, long offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(src.asSlice(offset + RECORD_HEADER_BYTES, length).asByteBuffer());
        return finishRecordChecksum(crc, src, offset);
    }

    /**
     * Completes a record's checksum once {@code crc} has taken its whole payload: the header fields before the
     * checksum field (magic, length, sequence) come last.
     */
    static int finishRecordChecksum(CRC32C crc, MemorySegment src, long headerOffset) {
        return finishRecordChecksum(crc, src, headerOffset, new byte[CHECKSUMMED_HEADER_BYTES]);
    }

    /** {@link #finishRecordChecksum(CRC32C, MemorySegment, long)} through a scratch array of the header's size. */
    static int finishRecordChecksum(CRC32C crc, MemorySegment src, long headerOffset, byte[] scratch) {
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, headerOffset, scratch, 0, CHECKSUMMED_HEADER_BYTES);
        crc.update(scratch, 0, CHECKSUMMED_HEADER_BYTES);
        return (int) crc.getValue();
    }

    /** Writes a segment header at offset 0 of {@code dst}. */
    static void encodeSegmentHeader(MemorySegment dst, long firstSequence) {
        dst.asSlice(0, SEGMENT_HEADER_BYTES).fill((byte) 0);
        dst.set(LONG, 0, SEGMENT_MAGIC);
        dst.set(INT, 8, SEGMENT_VERSION);
        dst.set(INT, 12, SEGMENT_HEADER_BYTES);
        dst.set(LONG, 16, firstSequence);
        dst.set(INT, 28, segmentHeaderChecksum(dst));
    }

    static int segmentHeaderChecksum(MemorySegment src) {
        CRC32C crc = new CRC32C();
        crc.update(src.asSlice(0, 28).asByteBuffer());
        return (int) crc.getValue();
    }

    /** Whether {@code length} bytes at {@code offset} of {@code src} are all zero. */
    static boolean allZero(MemorySegment src, long offset, long length) {
        long i = 0;
        for (; i + 8 <= length; i += 8) {
            if (src.get(LONG, offset + i) != 0) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (src.get(ValueLayout.JAVA_BYTE, offset + i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** The file name of the segment whose first record has {@code firstSequence}. */
    static String segmentFileName(long firstSequence) {
        return String.format("%020d%s", firstSequence, SEGMENT_SUFFIX);
    }

    static final String SEGMENT_SUFFIX = ".plog";

    /** The first sequence encoded in a segment file name, or -1 if the name is not a segment's. */
    static long parseSegmentFileName(String name) {
        if (name.length() != 20 + SEGMENT_SUFFIX.length() || !name.endsWith(SEGMENT_SUFFIX)) {
            return -1;
        }
        for (int i = 0; i < 20; i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(name, 0, 20, 10);
        } catch (NumberFormatException overflow) {
            return -1; // past Long.MAX_VALUE: no sequence this log writes, so a stray file like any other
        }
    }
}
