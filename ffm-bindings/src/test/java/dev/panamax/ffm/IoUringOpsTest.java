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
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals("IORING_OP_SEND_ZC", IoUringOps.opcodeName(IoUringOps.OP_SEND_ZC));
        assertEquals("IORING_OP_STATX", IoUringOps.opcodeName(IoUringOps.OP_STATX));
    }

    @Test
    void shouldFillSqeFieldsAsLiburingWhenPreparingNewOperations() throws Exception {
        IoUringSyscallsTest.assumeIoUring();
        try (Arena arena = Arena.ofConfined(); IoUringSyscalls.Ring ring = IoUringOps.open(4, 0, 0, 0)) {
            MemorySegment sqe = ring.sqes().asSlice(ring.sqeOffset(1), ring.sqeBytes());
            sqe.fill((byte) 0x5a);
            IoUringOps.prepSplice(ring, 1, 3, 17, 4, -1, 99, ZeroCopy.MOVE, 7L);
            assertEquals(io_uring_h.IORING_OP_SPLICE(), io_uring_sqe.opcode(sqe));
            assertEquals(4, io_uring_sqe.fd(sqe), "fd is the output side");
            assertEquals(3, io_uring_sqe.splice_fd_in(sqe));
            assertEquals(17, io_uring_sqe.splice_off_in(sqe));
            assertEquals(-1, io_uring_sqe.off(sqe));
            assertEquals(99, io_uring_sqe.len(sqe));
            assertEquals(ZeroCopy.MOVE, io_uring_sqe.splice_flags(sqe));
            assertEquals(0, io_uring_sqe.flags(sqe));

            MemorySegment path = arena.allocateFrom("/tmp");
            MemorySegment statx = arena.allocate(IoUringOps.STATX_BYTES, 8);
            IoUringOps.prepStatx(ring, 1, IoUringOps.AT_FDCWD, path, false, statx, 8L);
            assertEquals(io_uring_h.IORING_OP_STATX(), io_uring_sqe.opcode(sqe));
            assertEquals(path.address(), io_uring_sqe.addr(sqe));
            assertEquals(statx.address(), io_uring_sqe.off(sqe), "the statx buffer travels in off/addr2");
            assertTrue(io_uring_sqe.len(sqe) != 0, "the mask travels in len");
            assertEquals(0, io_uring_sqe.statx_flags(sqe));

            IoUringOps.prepFallocate(ring, 1, 5, java.util.Set.of(Fd.FallocateMode.KEEP_SIZE), 4096, 1 << 20, 9L);
            assertEquals(io_uring_h.IORING_OP_FALLOCATE(), io_uring_sqe.opcode(sqe));
            assertEquals(4096, io_uring_sqe.off(sqe));
            assertEquals(1 << 20, io_uring_sqe.addr(sqe), "the length travels in addr");
            assertEquals(dev.panamax.ffm.internal.uapi.falloc_h.FALLOC_FL_KEEP_SIZE(), io_uring_sqe.len(sqe));

            IoUringOps.prepRecvBufferSelect(ring, 1, 6, 513, 0, true, 10L);
            assertEquals(io_uring_h.IORING_OP_RECV(), io_uring_sqe.opcode(sqe));
            assertEquals(io_uring_h.IOSQE_BUFFER_SELECT(), io_uring_sqe.flags(sqe));
            assertEquals(513, io_uring_sqe.buf_group(sqe));
            assertEquals(0, io_uring_sqe.addr(sqe));
            assertEquals(0, io_uring_sqe.len(sqe));
            assertEquals(io_uring_h.IORING_RECV_MULTISHOT(), io_uring_sqe.ioprio(sqe));

            MemorySegment sockaddr = arena.allocate(128, 8);
            int length = Sockets.writeAddress(new java.net.InetSocketAddress(
                    java.net.InetAddress.getLoopbackAddress(), 80), sockaddr);
            IoUringOps.prepConnect(ring, 1, 7, sockaddr, length, 11L);
            assertEquals(io_uring_h.IORING_OP_CONNECT(), io_uring_sqe.opcode(sqe));
            assertEquals(sockaddr.address(), io_uring_sqe.addr(sqe));
            assertEquals(length, io_uring_sqe.off(sqe), "the address length travels in off");
        }
    }

    @Test
    void shouldRejectBadArgumentsWhenPreparingNewOperations() throws Exception {
        IoUringSyscallsTest.assumeIoUring();
        try (Arena arena = Arena.ofConfined(); IoUringSyscalls.Ring ring = IoUringOps.open(2, 0, 0, 0)) {
            MemorySegment unterminated = arena.allocate(4).fill((byte) 'a');
            MemorySegment statx = arena.allocate(IoUringOps.STATX_BYTES, 8);
            assertThrows(IllegalArgumentException.class, () -> IoUringOps.prepOpenat(ring, 0, IoUringOps.AT_FDCWD,
                    unterminated, java.util.Set.of(OpenFlag.READ), 0, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> IoUringOps.prepStatx(ring, 0, IoUringOps.AT_FDCWD, unterminated, false, statx, 0));
            assertThrows(IllegalArgumentException.class, () -> IoUringOps.iovecs(arena));
            assertThrows(IllegalArgumentException.class,
                    () -> IoUringOps.prepReadv(ring, 0, 0, arena.allocate(IoUringOps.IOVEC_BYTES), 2, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> IoUringOps.prepSplice(ring, 0, 0, 0, 1, 0, 0, 0, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> IoUringOps.prepConnect(ring, 0, 0, arena.allocate(16), 17, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> IoUringOps.prepRecvBufferSelect(ring, 0, 0, 65536, 0, false, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> IoUringOps.registerBufferRing(ring, arena.allocate(64, 4096), 3, 0));
            assertThrows(IllegalArgumentException.class, () -> IoUringOps.prepClose(ring, 0, -1, 0));
            // The kernel writes into these: a read-only view of them is refused before the SQE is touched.
            MemorySegment readOnly = arena.allocate(64).asReadOnly();
            assertThrows(IllegalArgumentException.class, () -> IoUringOps.prepRead(ring, 0, 0, readOnly, 0, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> IoUringOps.prepReadFixed(ring, 0, 0, readOnly, 0, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> IoUringOps.prepRecv(ring, 0, 0, readOnly, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> IoUringOps.checkStatxBuffer(statx.asReadOnly()));
            assertThrows(IllegalArgumentException.class, () -> IoUringOps.writeBufRingEntry(
                    arena.allocate(4 * IoUringOps.BUF_RING_ENTRY_BYTES, 8), 4, 0, readOnly, 1));
            IoUringOps.prepWrite(ring, 0, 0, readOnly, 0, 0); // a read-only source is fine
        }
    }

    @Test
    void shouldPlaceBufferRingTailOverFirstEntryReserveWhenPublishing() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bufRing = arena.allocate(4 * IoUringOps.BUF_RING_ENTRY_BYTES, 8);
            MemorySegment buffer = arena.allocate(100);
            IoUringOps.writeBufRingEntry(bufRing, 4, 5, buffer, 42);
            long entry = (5 & 3) * IoUringOps.BUF_RING_ENTRY_BYTES;
            assertEquals(buffer.address(), bufRing.get(ValueLayout.JAVA_LONG, entry));
            assertEquals(100, bufRing.get(ValueLayout.JAVA_INT, entry + 8));
            assertEquals(42, bufRing.get(ValueLayout.JAVA_SHORT, entry + 12));
            IoUringOps.setBufRingTailRelease(bufRing, 0x1_0003);
            assertEquals(3, bufRing.get(ValueLayout.JAVA_SHORT, 14), "struct io_uring_buf_ring: u16 tail at 14");
            assertEquals(42, IoUringOps.cqeBufferId(IoUringOps.CQE_F_BUFFER | (42 << IoUringOps.CQE_BUFFER_SHIFT)));
            assertEquals(-1, IoUringOps.cqeBufferId(IoUringOps.CQE_F_MORE));
        }
    }
}
