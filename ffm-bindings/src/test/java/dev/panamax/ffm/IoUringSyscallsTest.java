/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.uapi.io_uring_cqe;
import dev.panamax.ffm.internal.uapi.io_uring_h;
import dev.panamax.ffm.internal.uapi.io_uring_params;
import dev.panamax.ffm.internal.uapi.io_uring_sqe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IoUringSyscallsTest {

    /** Skips only where the kernel or sandbox really lacks io_uring; any other unavailability fails. */
    static void assumeIoUring() {
        Feature feature = IoUringSyscalls.FEATURE;
        if (feature.isAvailable()) {
            return;
        }
        String cause = feature.unavailabilityCause();
        boolean absent = cause.startsWith("ENOSYS") || cause.startsWith("EPERM") || cause.startsWith("EACCES");
        assumeTrue(!absent, "io_uring is absent or blocked on this kernel/sandbox: " + cause);
        fail("io_uring unavailable for a reason other than ENOSYS/EPERM: " + cause);
    }

    private static int submitAndWait(IoUringSyscalls.Ring ring, int toSubmit, int minComplete) throws Exception {
        while (true) {
            int n = IoUringSyscalls.enter(ring.fd(), toSubmit, minComplete, io_uring_h.IORING_ENTER_GETEVENTS());
            if (n != IoUringSyscalls.INTERRUPTED) {
                return n;
            }
        }
    }

    private static MemorySegment nextSqe(IoUringSyscalls.Ring ring, int tail) {
        MemorySegment sqe = ring.sqes().asSlice(ring.sqeOffset(tail), ring.sqeBytes());
        sqe.fill((byte) 0);
        return sqe;
    }

    @Test
    void shouldRoundTripNopsWhenIndicesWrapAroundTheRings() throws Exception {
        assumeIoUring();
        try (IoUringSyscalls.Ring ring = IoUringSyscalls.open(4, 0)) {
            assertEquals(4, ring.sqEntries());
            assertEquals(8, ring.cqEntries());
            assertEquals(io_uring_sqe.sizeof(), ring.sqeBytes());
            assertEquals(io_uring_cqe.sizeof(), ring.cqeBytes());
            // Three rounds of 4 NOPs: the free-running indices pass the ring sizes, so the masks are exercised.
            for (int round = 0; round < 3; round++) {
                int tail = ring.getSqTail();
                for (int i = 0; i < 4; i++) {
                    MemorySegment sqe = nextSqe(ring, tail + i);
                    io_uring_sqe.opcode(sqe, (byte) io_uring_h.IORING_OP_NOP());
                    io_uring_sqe.user_data(sqe, 1000L * round + i);
                }
                ring.setSqTailRelease(tail + 4);
                assertEquals(4, submitAndWait(ring, 4, 4));
                assertEquals(tail + 4, ring.getSqHeadAcquire(), "the kernel consumed every SQE");

                int head = ring.getCqHead();
                int cqTail = ring.getCqTailAcquire();
                assertEquals(head + 4, cqTail);
                long seen = 0;
                for (int h = head; h != cqTail; h++) {
                    MemorySegment cqe = ring.cqRing().asSlice(ring.cqeOffset(h), ring.cqeBytes());
                    assertEquals(0, io_uring_cqe.res(cqe));
                    long userData = io_uring_cqe.user_data(cqe);
                    assertEquals(round, userData / 1000);
                    seen |= 1L << (userData % 1000);
                }
                assertEquals(0b1111, seen, "one CQE per NOP");
                ring.setCqHeadRelease(cqTail);
                assertEquals(cqTail, ring.getCqHead());
            }
            assertEquals(0, ring.getSqDroppedOpaque());
            assertEquals(0, ring.getCqOverflowOpaque());
        }
    }

    @Test
    void shouldReadFileContentsWhenReadSqeIsSubmitted(@TempDir Path dir) throws Exception {
        assumeIoUring();
        byte[] content = "io_uring reads this file through the kernel".getBytes(StandardCharsets.US_ASCII);
        Path file = dir.resolve("data");
        Files.write(file, content);
        try (Arena arena = Arena.ofConfined();
             Fd fd = Fd.open(file, EnumSet.of(OpenFlag.READ), 0);
             IoUringSyscalls.Ring ring = IoUringSyscalls.open(2, 0)) {
            MemorySegment buffer = arena.allocate(64);
            int tail = ring.getSqTail();
            MemorySegment sqe = nextSqe(ring, tail);
            io_uring_sqe.opcode(sqe, (byte) io_uring_h.IORING_OP_READ());
            io_uring_sqe.fd(sqe, fd.intValue());
            io_uring_sqe.addr(sqe, buffer.address());
            io_uring_sqe.len(sqe, (int) buffer.byteSize());
            io_uring_sqe.off(sqe, 3);
            io_uring_sqe.user_data(sqe, 77);
            ring.setSqTailRelease(tail + 1);
            assertEquals(1, submitAndWait(ring, 1, 1));

            int head = ring.getCqHead();
            assertEquals(head + 1, ring.getCqTailAcquire());
            MemorySegment cqe = ring.cqRing().asSlice(ring.cqeOffset(head), ring.cqeBytes());
            assertEquals(77, io_uring_cqe.user_data(cqe));
            assertEquals(content.length - 3, io_uring_cqe.res(cqe), "bytes read from offset 3");
            ring.setCqHeadRelease(head + 1);
            byte[] expected = new byte[content.length - 3];
            System.arraycopy(content, 3, expected, 0, expected.length);
            assertArrayEquals(expected, buffer.asSlice(0, expected.length).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void shouldThrowEinvalWhenSetupIsAskedForZeroEntries() throws Exception {
        assumeIoUring();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = io_uring_params.allocate(arena);
            ErrnoException e = assertThrows(ErrnoException.class, () -> IoUringSyscalls.setup(0, params));
            assertEquals("EINVAL (io_uring_setup): Invalid argument", e.getMessage());
            assertEquals(Errno.EINVAL, e.errno());
            assertEquals("io_uring_setup", e.syscall());
        }
    }

    @Test
    void shouldReportNopAndReadWhenProbed() throws Exception {
        assumeIoUring();
        Set<Integer> ops = IoUringSyscalls.probe();
        assertTrue(ops.contains(io_uring_h.IORING_OP_NOP()), "NOP in " + ops);
        assertTrue(ops.contains(io_uring_h.IORING_OP_READ()), "READ in " + ops);
        assertTrue(ops.contains(io_uring_h.IORING_OP_WRITE()), "WRITE in " + ops);
        assertTrue(ops.stream().allMatch(op -> op >= 0 && op < 256), "opcodes are a u8: " + ops);
    }

    @Test
    void shouldMapOneRegionForBothRingsWhenKernelHasSingleMmap() throws Exception {
        assumeIoUring();
        try (IoUringSyscalls.Ring ring = IoUringSyscalls.open(8, 0)) {
            assertTrue((ring.features() & io_uring_h.IORING_FEAT_SINGLE_MMAP()) != 0, "Linux 5.4+ has SINGLE_MMAP");
            assertEquals(ring.sqRing().address(), ring.cqRing().address());
            assertEquals(ring.sqEntries() * ring.sqeBytes(), ring.sqes().byteSize());
            assertTrue(ring.cqRing().byteSize() >= ring.cqeOffset(ring.cqEntries() - 1) + ring.cqeBytes());
        }
    }

    @Test
    void shouldRejectEntriesBeforeAnySyscallWhenNotAPowerOfTwoOrTooLarge() {
        for (int entries : new int[] {0, -4, 3, 100, IoUringSyscalls.MAX_ENTRIES * 2, Integer.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> IoUringSyscalls.open(entries, 0), "entries " + entries);
            assertTrue(e.getMessage().contains("power of two"), e.getMessage());
        }
    }

    @Test
    void shouldRejectParamsWhenSmallerThanTheStruct() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tooSmall = arena.allocate(io_uring_params.sizeof() - 1);
            assertThrows(IllegalArgumentException.class, () -> IoUringSyscalls.setup(2, tooSmall));
        }
    }

    @Test
    void shouldRejectNegativeCountsAndUnsupportedFlagsWhenEntering() throws Exception {
        assumeIoUring();
        try (IoUringSyscalls.Ring ring = IoUringSyscalls.open(2, 0)) {
            assertThrows(IllegalArgumentException.class, () -> IoUringSyscalls.enter(ring.fd(), -1, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> IoUringSyscalls.enter(ring.fd(), 0, -1, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> IoUringSyscalls.enter(ring.fd(), 0, 0, io_uring_h.IORING_ENTER_EXT_ARG()));
            assertThrows(IllegalArgumentException.class,
                    () -> IoUringSyscalls.enter(ring.fd(), 0, 0, io_uring_h.IORING_ENTER_REGISTERED_RING()));
        }
    }

    @Test
    void shouldMakeRingMemoryInaccessibleWhenClosed() throws Exception {
        assumeIoUring();
        IoUringSyscalls.Ring ring = IoUringSyscalls.open(2, 0);
        MemorySegment sqes = ring.sqes();
        ring.close();
        ring.close(); // idempotent
        assertTrue(ring.fd().isClosed());
        assertThrows(IllegalStateException.class, () -> sqes.get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, ring::getSqTail);
        assertThrows(java.nio.channels.ClosedChannelException.class,
                () -> IoUringSyscalls.enter(ring.fd(), 0, 0, 0));
    }

    @Test
    void shouldExplainHowToEnableWhenDisabledByProperty() {
        String property = "panamax.iouring.disable";
        System.setProperty(property, "true");
        try {
            Feature feature = new Feature("iouring", IoUringProbe::probe);
            assertFalse(feature.isAvailable());
            assertTrue(feature.unavailabilityCause().contains("-D" + property + "=true"),
                    feature.unavailabilityCause());
            assertThrows(UnsupportedOperationException.class, feature::ensureAvailable);
        } finally {
            System.clearProperty(property);
        }
    }

    @Test
    void shouldNameTheFixWhenTheKernelRefuses() {
        Feature.Status nosys = IoUringProbe.statusOf(new ErrnoException("io_uring_setup", Errno.ENOSYS.value()));
        assertTrue(nosys.cause().startsWith("ENOSYS (io_uring_setup): "), nosys.cause());
        // The same ENOSYS reads differently by origin: an emulator, a seccomp filter on a kernel with io_uring, or
        // a kernel without it; each has its own fix.
        if (Refusals.emulator() != null) {
            assertFalse(nosys.supported());
            assertTrue(nosys.cause().contains("the emulator (qemu-user"), nosys.cause());
            assertTrue(nosys.fix().contains("not under qemu-user"), nosys.fix());
        } else if (Refusals.seccompFilterActive() && Refusals.kernelAtLeast(5, 6)) {
            assertTrue(nosys.supported()); // the kernel has it, the sandbox refuses it
            assertTrue(nosys.cause().contains("a seccomp filter probably returns ENOSYS for it"), nosys.cause());
            assertTrue(nosys.fix().startsWith("allow io_uring_setup/io_uring_enter/io_uring_register in the "
                    + "seccomp profile"), nosys.fix());
        } else {
            assertFalse(nosys.supported());
            assertTrue(nosys.cause().contains("no io_uring"), nosys.cause());
            assertTrue(nosys.fix().contains("Linux 5.6"), nosys.fix());
        }
        assertTrue(nosys.cause().endsWith("; " + nosys.fix()), nosys.cause());

        Feature.Status perm = IoUringProbe.statusOf(new ErrnoException("io_uring_setup", Errno.EPERM.value()));
        assertTrue(perm.supported());
        assertFalse(perm.enabled());
        assertTrue(perm.cause().contains("io_uring_disabled") || perm.cause().contains("seccomp"), perm.cause());
        assertTrue(perm.fix().contains("io_uring_disabled") || perm.fix().contains("seccomp profile"), perm.fix());

        Feature.Status mem = IoUringProbe.statusOf(new ErrnoException("io_uring_setup", Errno.ENOMEM.value()));
        assertTrue(mem.cause().contains("RLIMIT_MEMLOCK") && mem.cause().contains("ulimit -l"), mem.cause());
        assertNull(Feature.Status.available().cause());
    }
}
