/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Record framing and the recovery scanner over bytes in memory: every way a tail can be torn or a record
 * corrupted must be told apart from data and cut, never returned.
 */
class SegmentScanTest {

    private static final int MAX = 4096;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment window = arena.allocate(RecordFormat.frameBytes(MAX) + 8192);

    @AfterEach
    void closeArena() {
        arena.close();
    }

    /** Builds a segment starting at {@code first} with {@code n} records of varying sizes; returns offsets. */
    private MemorySegment segment(long first, int n, long size, List<Long> offsets) {
        MemorySegment seg = arena.allocate(size);
        RecordFormat.encodeSegmentHeader(seg, first);
        long pos = RecordFormat.SEGMENT_HEADER_BYTES;
        for (int i = 0; i < n; i++) {
            byte[] payload = payload(first + i);
            MemorySegment p = MemorySegment.ofArray(payload);
            offsets.add(pos);
            RecordFormat.encodeRecord(seg, pos, first + i, p, RecordFormat.payloadChecksum(p));
            pos += RecordFormat.frameBytes(payload.length);
        }
        offsets.add(pos);
        return seg;
    }

    static byte[] payload(long sequence) {
        return ("record-" + sequence + "-" + "x".repeat((int) (sequence * 7 % 300)))
                .getBytes(StandardCharsets.UTF_8);
    }

    private SegmentScan scan(MemorySegment bytes, long first) throws IOException {
        return SegmentScan.scan(ByteSource.of(bytes), "seg", first, MAX, window, -1);
    }

    @Test
    void shouldVerifyEveryRecordWhenSegmentIsClean() throws IOException {
        List<Long> offsets = new ArrayList<>();
        MemorySegment seg = segment(5, 40, 64 * 1024, offsets);
        SegmentScan s = scan(seg, 5);
        assertEquals(SegmentScan.Outcome.CLEAN, s.outcome());
        assertEquals(40, s.records());
        assertEquals(45, s.nextSequence());
        assertEquals(offsets.get(40), s.validEnd());
        assertNull(s.problem());
    }

    @Test
    void shouldReadRecordsBackThroughCursor() throws IOException {
        List<Long> offsets = new ArrayList<>();
        MemorySegment seg = segment(1, 10, 16 * 1024, offsets);
        SegmentCursor c = new SegmentCursor(ByteSource.of(seg), RecordFormat.SEGMENT_HEADER_BYTES, offsets.get(10),
                1, MAX, window);
        for (long s = 1; s <= 10; s++) {
            assertEquals(SegmentCursor.Step.RECORD, c.next());
            assertEquals(s, c.sequence());
            assertArrayEquals(payload(s), c.payload().toArray(ValueLayout.JAVA_BYTE));
        }
        assertEquals(SegmentCursor.Step.END, c.next());
    }

    @Test
    void shouldCutTornTailWhenFileEndsMidRecord() throws IOException {
        List<Long> offsets = new ArrayList<>();
        MemorySegment seg = segment(1, 20, 64 * 1024, offsets);
        long cutAt = offsets.get(19) + 11; // inside record 20's header+payload
        SegmentScan s = scan(seg.asSlice(0, cutAt), 1);
        assertEquals(SegmentScan.Outcome.TORN, s.outcome());
        assertEquals(19, s.records());
        assertEquals(offsets.get(19), s.validEnd());
        // Cut bytes run to the last non-zero byte: the 11th is a zero byte of the sequence number 20.
        assertEquals(9, s.cutBytes());
        assertEquals(0, s.intactDropped());
    }

    @Test
    void shouldCutTornTailWhenPayloadSectorsAreMissing() throws IOException {
        List<Long> offsets = new ArrayList<>();
        MemorySegment seg = segment(1, 20, 64 * 1024, offsets);
        // Header reached the disk, the end of the payload did not (zeros where it should be).
        long start = offsets.get(19);
        long end = offsets.get(20);
        seg.asSlice(end - 5, 5).fill((byte) 0);
        SegmentScan s = scan(seg, 1);
        assertEquals(SegmentScan.Outcome.TORN, s.outcome());
        assertEquals(19, s.records());
        assertEquals(start, s.validEnd());
        assertTrue(s.problem().contains("CRC32C mismatch"), s.problem());
    }

    @Test
    void shouldCutGarbageWrittenAfterLastRecord() throws IOException {
        List<Long> offsets = new ArrayList<>();
        MemorySegment seg = segment(1, 8, 64 * 1024, offsets);
        long end = offsets.get(8);
        for (int i = 0; i < 100; i++) {
            seg.set(ValueLayout.JAVA_BYTE, end + i, (byte) (i * 31 + 7));
        }
        SegmentScan s = scan(seg, 1);
        assertEquals(SegmentScan.Outcome.TORN, s.outcome());
        assertEquals(8, s.records());
        assertEquals(end, s.validEnd());
        assertEquals(100, s.cutBytes());
    }

    @Test
    void shouldCutDataBehindZeroedHeader() throws IOException {
        List<Long> offsets = new ArrayList<>();
        MemorySegment seg = segment(1, 8, 64 * 1024, offsets);
        // Record 8's header sector was lost but its payload landed.
        seg.asSlice(offsets.get(7), RecordFormat.RECORD_HEADER_BYTES).fill((byte) 0);
        SegmentScan s = scan(seg, 1);
        assertEquals(SegmentScan.Outcome.TORN, s.outcome());
        assertEquals(7, s.records());
        assertEquals(offsets.get(8) - offsets.get(7), s.cutBytes());
    }

    @Test
    void shouldCountRecordsBehindAGapOfZerosLongerThanTheLargestRecord() throws IOException {
        List<Long> offsets = new ArrayList<>();
        MemorySegment seg = segment(1, 80, 256 * 1024, offsets);
        // Power loss lost the pages of records 11 to 60 and kept those after: intact records far behind zeros.
        long gap = offsets.get(60) - offsets.get(10);
        assertTrue(gap > RecordFormat.frameBytes(MAX), "gap of " + gap);
        seg.asSlice(offsets.get(10), gap).fill((byte) 0);
        SegmentScan s = scan(seg, 1);
        assertEquals(SegmentScan.Outcome.CORRUPT, s.outcome());
        assertEquals(10, s.records());
        assertEquals(offsets.get(10), s.validEnd());
        assertEquals(20, s.intactDropped());
        assertEquals(offsets.get(80) - offsets.get(10), s.cutBytes());
    }

    @Test
    void shouldDetectFlippedBitInMiddleRecordAndCountIntactRecordsAfterIt() throws IOException {
        List<Long> offsets = new ArrayList<>();
        MemorySegment seg = segment(1, 30, 64 * 1024, offsets);
        long at = offsets.get(14) + RecordFormat.RECORD_HEADER_BYTES + 3; // payload of record 15
        seg.set(ValueLayout.JAVA_BYTE, at, (byte) (seg.get(ValueLayout.JAVA_BYTE, at) ^ 0x10));
        SegmentScan s = scan(seg, 1);
        assertEquals(SegmentScan.Outcome.CORRUPT, s.outcome());
        assertEquals(14, s.records());
        assertEquals(offsets.get(14), s.validEnd());
        assertEquals(15, s.intactDropped());
        assertEquals(offsets.get(30) - offsets.get(14), s.cutBytes());
        assertTrue(s.problem().contains("CRC32C mismatch in record 15"), s.problem());
    }

    @Test
    void shouldDetectFlippedBitInLengthField() throws IOException {
        List<Long> offsets = new ArrayList<>();
        MemorySegment seg = segment(1, 30, 64 * 1024, offsets);
        long at = offsets.get(9) + 4;
        seg.set(ValueLayout.JAVA_BYTE, at, (byte) (seg.get(ValueLayout.JAVA_BYTE, at) ^ 0x01));
        SegmentScan s = scan(seg, 1);
        assertEquals(SegmentScan.Outcome.CORRUPT, s.outcome());
        assertEquals(9, s.records());
        assertEquals(20, s.intactDropped());
    }

    @Test
    void shouldDetectFlippedBitInSequenceField() throws IOException {
        List<Long> offsets = new ArrayList<>();
        MemorySegment seg = segment(1, 10, 64 * 1024, offsets);
        long at = offsets.get(4) + 8;
        seg.set(ValueLayout.JAVA_BYTE, at, (byte) (seg.get(ValueLayout.JAVA_BYTE, at) ^ 0x04));
        SegmentScan s = scan(seg, 1);
        assertEquals(4, s.records());
        assertEquals(SegmentScan.Outcome.CORRUPT, s.outcome());
    }

    @Test
    void shouldRejectIntactRecordWithUnexpectedSequence() throws IOException {
        List<Long> offsets = new ArrayList<>();
        MemorySegment seg = segment(1, 3, 64 * 1024, offsets);
        // A stale but intact record (sequence 9) right after record 3: a CRC alone would accept it.
        MemorySegment p = MemorySegment.ofArray(payload(9));
        RecordFormat.encodeRecord(seg, offsets.get(3), 9, p, RecordFormat.payloadChecksum(p));
        SegmentScan s = scan(seg, 1);
        assertEquals(3, s.records());
        assertTrue(s.problem().contains("sequence 9 where 4 was expected"), s.problem());
    }

    /** Writes record {@code sequence} of {@code bytes} varied bytes at {@code offset}; returns the offset after. */
    private static long writeRecord(MemorySegment seg, long offset, long sequence, int bytes) {
        byte[] payload = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            payload[i] = (byte) (i * 131 + sequence);
        }
        MemorySegment p = MemorySegment.ofArray(payload);
        RecordFormat.encodeRecord(seg, offset, sequence, p, RecordFormat.payloadChecksum(p));
        return offset + RecordFormat.frameBytes(bytes);
    }

    @Test
    void shouldRefuseRatherThanCutAnIntactRecordLongerThanTheLimitWhenItOutgrowsTheWindow() throws IOException {
        MemorySegment seg = arena.allocate(128 * 1024);
        RecordFormat.encodeSegmentHeader(seg, 1);
        long big = writeRecord(seg, RecordFormat.SEGMENT_HEADER_BYTES, 1, 100);
        long after = writeRecord(seg, big, 2, 40_000); // over MAX, and over three times the window
        writeRecord(seg, after, 3, 100);
        byte[] before = seg.toArray(ValueLayout.JAVA_BYTE);
        RecordTooLargeException e = assertThrows(RecordTooLargeException.class, () -> scan(seg, 1));
        assertEquals(2, e.sequence());
        assertEquals(40_000, e.recordBytes());
        assertEquals(MAX, e.limitBytes());
        assertTrue(e.getMessage().contains("record 2 at offset " + big + " holds 40000 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("withMaxRecordBytes(40000)"), e.getMessage());
        assertArrayEquals(before, seg.toArray(ValueLayout.JAVA_BYTE), "the scan wrote to the segment");

        // Damaged, the same record is corrupt like any other: cut, with record 3 counted as lost after it.
        long last = big + RecordFormat.frameBytes(40_000) - 1;
        seg.set(ValueLayout.JAVA_BYTE, last, (byte) (seg.get(ValueLayout.JAVA_BYTE, last) ^ 0x01));
        SegmentScan s = scan(seg, 1);
        assertEquals(SegmentScan.Outcome.CORRUPT, s.outcome());
        assertEquals(1, s.records());
        assertEquals(big, s.validEnd());
        assertEquals(1, s.intactDropped());
        assertTrue(s.problem().contains("CRC32C mismatch in record 2 of 40000 bytes"), s.problem());
    }

    @Test
    void shouldCountAnIntactRecordLongerThanTheLimitAmongTheRecordsLostAfterACorruptOne() throws IOException {
        MemorySegment seg = arena.allocate(128 * 1024);
        RecordFormat.encodeSegmentHeader(seg, 1);
        long second = writeRecord(seg, RecordFormat.SEGMENT_HEADER_BYTES, 1, 100);
        long third = writeRecord(seg, second, 2, 100);
        writeRecord(seg, third, 3, 40_000);
        long at = second + RecordFormat.RECORD_HEADER_BYTES + 7;
        seg.set(ValueLayout.JAVA_BYTE, at, (byte) (seg.get(ValueLayout.JAVA_BYTE, at) ^ 0x10));
        SegmentScan s = scan(seg, 1);
        assertEquals(SegmentScan.Outcome.CORRUPT, s.outcome(), s.problem());
        assertEquals(1, s.intactDropped(), "record 3 is intact, lost with the cut");
        assertEquals(third + RecordFormat.frameBytes(40_000) - second, s.cutBytes());
    }

    @Test
    void shouldReportMissingHeaderWhenSegmentIsAllZeros() throws IOException {
        SegmentScan s = scan(arena.allocate(8192), 7);
        assertEquals(SegmentScan.Outcome.NO_HEADER, s.outcome());
        assertEquals(SegmentScan.Outcome.NO_HEADER, scan(arena.allocate(0), 7).outcome());
    }

    @Test
    void shouldRefuseFileThatIsNotASegment() {
        MemorySegment text = arena.allocateFrom("hello, this is a text file and not a log segment at all");
        NotALogException e = assertThrows(NotALogException.class, () -> scan(text, 1));
        assertTrue(e.getMessage().contains("not a panamax log segment"), e.getMessage());
    }

    @Test
    void shouldRefuseSegmentWhoseHeaderDisagreesWithItsName() {
        List<Long> offsets = new ArrayList<>();
        MemorySegment seg = segment(3, 1, 4096, offsets);
        NotALogException e = assertThrows(NotALogException.class, () -> scan(seg, 4));
        assertTrue(e.getMessage().contains("header says first sequence 3"), e.getMessage());
        seg.set(ValueLayout.JAVA_BYTE, 17, (byte) 1);
        assertThrows(NotALogException.class, () -> scan(seg, 3));
    }

    @Test
    void shouldParseOnlySegmentFileNames() {
        assertEquals(42, RecordFormat.parseSegmentFileName(RecordFormat.segmentFileName(42)));
        assertEquals(-1, RecordFormat.parseSegmentFileName("LOCK"));
        assertEquals(-1, RecordFormat.parseSegmentFileName("0000000000000000004x.plog"));
        assertEquals(-1, RecordFormat.parseSegmentFileName("00000000000000000042.plog.tmp"));
        assertEquals(Long.MAX_VALUE, RecordFormat.parseSegmentFileName(RecordFormat.segmentFileName(Long.MAX_VALUE)));
        assertEquals(-1, RecordFormat.parseSegmentFileName("09223372036854775808.plog"));
        assertEquals(-1, RecordFormat.parseSegmentFileName("99999999999999999999.plog"));
    }
}
