/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.uapi.io_uring_h;
import dev.panamax.ffm.internal.uapi.io_uring_sqe;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IoUringOpsTest {

    @Test
    void shouldFillSqeFieldsWhenPreparingReadFixed() throws Exception {
        IoUringSyscallsTest.assumeIoUring();
        try (Arena arena = Arena.ofConfined(); IoUringSyscalls.Ring ring = IoUringOps.open(4, 0, 0, 0)) {
            MemorySegment buffer = arena.allocate(512);
            MemorySegment sqe = ring.sqes().asSlice(ring.sqeOffset(5), ring.sqeBytes());
            sqe.fill((byte) 0x5a); // stale bytes from an earlier request must be cleared
            IoUringOps.prepReadFixed(ring, 5, 7, buffer, 4096, 3, 0x1234_5678_9abcL);
            IoUringOps.addFlags(ring, 5, IoUringOps.SQE_IO_LINK);
            assertEquals(io_uring_h.IORING_OP_READ_FIXED(), io_uring_sqe.opcode(sqe));
            assertEquals(7, io_uring_sqe.fd(sqe));
            assertEquals(buffer.address(), io_uring_sqe.addr(sqe));
            assertEquals(512, io_uring_sqe.len(sqe));
            assertEquals(4096, io_uring_sqe.off(sqe));
            assertEquals(3, io_uring_sqe.buf_index(sqe));
            assertEquals(io_uring_h.IOSQE_IO_LINK(), io_uring_sqe.flags(sqe));
            assertEquals(0x1234_5678_9abcL, io_uring_sqe.user_data(sqe));
            assertEquals(0, io_uring_sqe.rw_flags(sqe));
            assertEquals(0, io_uring_sqe.personality(sqe));
        }
    }

    @Test
    void shouldSizeCompletionQueueWhenCqEntriesGiven() throws Exception {
        IoUringSyscallsTest.assumeIoUring();
        try (IoUringSyscalls.Ring ring = IoUringOps.open(4, 6, 0, 0)) {
            assertEquals(4, ring.sqEntries());
            assertEquals(8, ring.cqEntries()); // rounded up to a power of two
            assertEquals(IoUringOps.SETUP_CQSIZE, ring.setupFlags() & IoUringOps.SETUP_CQSIZE);
        }
    }

    @Test
    void shouldThrowBeforeTouchingTheRingWhenArgumentsAreBad() throws Exception {
        IoUringSyscallsTest.assumeIoUring();
        try (Arena arena = Arena.ofConfined(); IoUringSyscalls.Ring ring = IoUringOps.open(2, 0, 0, 0)) {
            MemorySegment heap = MemorySegment.ofArray(new byte[8]);
            assertThrows(IllegalArgumentException.class, () -> IoUringOps.prepRead(ring, 0, 0, heap, 0, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> IoUringOps.prepRead(ring, 0, 0, arena.allocate(8), -2, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> IoUringOps.prepReadFixed(ring, 0, 0, arena.allocate(8), 0, 65536, 0));
            assertThrows(IllegalArgumentException.class, () -> IoUringOps.addFlags(ring, 0, 0x80));
            assertThrows(IllegalArgumentException.class,
                    () -> IoUringOps.prepTimeout(ring, 0, arena.allocate(8), 0, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> IoUringOps.open(3, 0, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> IoUringOps.open(8, 4, 0, 0));
            Arena closed = Arena.ofConfined();
            MemorySegment dead = closed.allocate(8);
            closed.close();
            assertThrows(IllegalStateException.class, () -> IoUringOps.prepWrite(ring, 0, 0, dead, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> IoUringOps.registerBuffers(ring));
        }
    }

    @Test
    void shouldWriteSecondsAndNanosWhenFillingTimespec() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(IoUringOps.TIMESPEC_BYTES, Long.BYTES);
            IoUringOps.writeTimespec(ts, 3_000_000_007L);
            assertEquals(3, ts.get(ValueLayout.JAVA_LONG, 0));
            assertEquals(7, ts.get(ValueLayout.JAVA_LONG, 8));
            assertThrows(IllegalArgumentException.class, () -> IoUringOps.writeTimespec(ts, -1));
        }
    }

    @Test
    void shouldNameOpcodesWhenFormattingMessages() {
        assertEquals("IORING_OP_READ_FIXED", IoUringOps.opcodeName(IoUringOps.OP_READ_FIXED));
        assertEquals("IORING_OP_LINK_TIMEOUT", IoUringOps.opcodeName(IoUringOps.OP_LINK_TIMEOUT));
        assertEquals("IORING_OP_<250>", IoUringOps.opcodeName(250));
    }
}
