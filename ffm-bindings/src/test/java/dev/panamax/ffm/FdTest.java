/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FdTest {

    private static final Set<OpenFlag> CREATE_RW = EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.CREATE);

    private Path dir;
    private Arena arena;

    @BeforeEach
    void setUp() throws IOException {
        // Under the build directory: on the same disk file system as the sources (ext4 here), not a tmpfs.
        Path base = Path.of("target", "fd-test").toAbsolutePath();
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, "t");
        arena = Arena.ofConfined();
    }

    @AfterEach
    void tearDown() throws IOException {
        arena.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private MemorySegment bytes(String s) {
        return arena.allocateFrom(s, StandardCharsets.US_ASCII).asSlice(0, s.length());
    }

    @Test
    void shouldThrowEbadfWhenClosingInvalidDescriptor() {
        Fd bogus = Fd.adopt(Integer.MAX_VALUE);
        ErrnoException e = assertThrows(ErrnoException.class, bogus::close);
        assertSame(Errno.EBADF, e.errno());
        assertEquals("close", e.syscall());
        assertEquals("EBADF (close): Bad file number", e.getMessage());
        assertTrue(bogus.isClosed());
    }

    @Test
    void shouldThrowClosedChannelExceptionWhenUsedAfterClose() throws IOException {
        Fd fd = Fd.open(dir.resolve("a"), CREATE_RW, 0644);
        fd.close();
        fd.close(); // no-op
        MemorySegment buf = arena.allocate(16);
        assertThrows(ClosedChannelException.class, () -> fd.write(buf, 0, 16));
        assertThrows(ClosedChannelException.class, () -> fd.pread(buf, 0, 16, 0));
        assertThrows(ClosedChannelException.class, fd::fsync);
        assertThrows(ClosedChannelException.class, fd::statx);
        assertThrows(ClosedChannelException.class, fd::intValue);
        assertEquals("Fd[closed]", fd.toString());
    }

    @Test
    void shouldThrowEnoentWhenOpeningMissingFile() {
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> Fd.open(dir.resolve("missing"), EnumSet.of(OpenFlag.READ), 0));
        assertSame(Errno.ENOENT, e.errno());
        assertEquals("ENOENT (openat): No such file or directory", e.getMessage());
    }

    @Test
    void shouldRoundTripWhenWritingAndReading() throws IOException {
        try (Fd fd = Fd.open(dir.resolve("rw"), CREATE_RW, 0644)) {
            assertEquals(5, fd.write(bytes("hello"), 0, 5));
            MemorySegment in = arena.allocate(16);
            assertEquals(0, fd.read(in, 0, 16), "the file position is at the end");
            assertEquals(5, fd.pread(in, 0, 16, 0));
            assertEquals("hello", in.getString(0, StandardCharsets.US_ASCII).substring(0, 5));
            assertEquals(3, fd.pwrite(bytes("XYZ"), 0, 3, 1));
            assertEquals(5, fd.pread(in, 0, 5, 0));
            assertEquals("hXYZo", new String(in.asSlice(0, 5).toArray(ValueLayout.JAVA_BYTE),
                    StandardCharsets.US_ASCII));
            assertEquals(5, fd.statx().size());
        }
        assertEquals("hXYZo", Files.readString(dir.resolve("rw")));
    }

    @Test
    void shouldRefuseToReadIntoReadOnlySegmentsButWriteFromThem() throws IOException {
        try (Fd fd = Fd.open(dir.resolve("ro"), CREATE_RW, 0644)) {
            MemorySegment data = arena.allocate(8);
            data.fill((byte) 7);
            MemorySegment readOnly = data.asReadOnly();
            assertEquals(8, fd.pwrite(readOnly, 0, 8, 0), "a read-only segment is a fine source");
            assertEquals(8, fd.pwritev(new MemorySegment[] {readOnly}, 8));
            MemorySegment nines = arena.allocate(16);
            nines.fill((byte) 9);
            assertEquals(16, fd.pwrite(nines, 0, 16, 0));
            for (Executable read : List.<Executable>of(() -> fd.read(readOnly, 0, 8),
                    () -> fd.pread(readOnly, 0, 8, 0), () -> fd.preadv(new MemorySegment[] {data, readOnly}, 0),
                    () -> fd.preadv2(new MemorySegment[] {readOnly}, 0, Set.of()))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, read);
                assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            }
            for (long i = 0; i < 8; i++) {
                assertEquals(7, data.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " was read into");
            }
        }
    }

    @Test
    void shouldRejectOutOfBoundsAndNegativeArgumentsBeforeCalling() throws IOException {
        try (Fd fd = Fd.open(dir.resolve("b"), CREATE_RW, 0644)) {
            MemorySegment buf = arena.allocate(8);
            assertThrows(IndexOutOfBoundsException.class, () -> fd.write(buf, 4, 8));
            assertThrows(IndexOutOfBoundsException.class, () -> fd.read(buf, -1, 4));
            assertThrows(IllegalArgumentException.class, () -> fd.pread(buf, 0, 8, -1));
            assertThrows(IllegalArgumentException.class, () -> fd.ftruncate(-1));
            assertThrows(IllegalArgumentException.class, () -> fd.fallocate(Set.of(), 0, 0));
            assertThrows(IllegalArgumentException.class,
                    () -> fd.write(MemorySegment.ofArray(new byte[8]), 0, 8));
            assertThrows(IllegalArgumentException.class, () -> fd.pwritev(new MemorySegment[0], 0));
        }
    }

    @Test
    void shouldRoundTripWhenUsingVectoredIo() throws IOException {
        try (Fd fd = Fd.open(dir.resolve("v"), CREATE_RW, 0644)) {
            MemorySegment[] out = {bytes("abc"), bytes("defg")};
            assertEquals(7, fd.pwritev(out, 10));
            MemorySegment a = arena.allocate(2);
            MemorySegment b = arena.allocate(5);
            assertEquals(7, fd.preadv(new MemorySegment[] {a, b}, 10));
            assertEquals("ab", new String(a.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII));
            assertEquals("cdefg", new String(b.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII));
            assertEquals(4, fd.pwritev2(new MemorySegment[] {bytes("WXYZ")}, 0, EnumSet.of(Fd.RwFlag.DSYNC)));
            MemorySegment c = arena.allocate(4);
            assertEquals(4, fd.preadv2(new MemorySegment[] {c}, 0, EnumSet.noneOf(Fd.RwFlag.class)));
            assertEquals("WXYZ", new String(c.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII));
            // More buffers than the per-thread scratch holds: the iovec array is allocated for the call.
            MemorySegment[] many = new MemorySegment[40];
            for (int i = 0; i < many.length; i++) {
                many[i] = arena.allocate(1);
            }
            assertEquals(17, fd.preadv(many, 0));
            assertEquals((byte) 'W', many[0].get(ValueLayout.JAVA_BYTE, 0));
            assertEquals((byte) 'g', many[16].get(ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void shouldReturnAgainWhenNonBlockingPipeIsEmpty() throws IOException {
        // A FIFO opened O_RDWR|O_NONBLOCK never blocks and has no data: read gives EAGAIN as a result.
        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assumeTrue(waitFor(mk) == 0, "mkfifo is needed to create a FIFO");
        try (Fd fd = Fd.open(fifo, EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.NONBLOCK), 0)) {
            MemorySegment buf = arena.allocate(8);
            assertEquals(Fd.AGAIN, fd.read(buf, 0, 8));
            assertEquals(3, fd.write(bytes("abc"), 0, 3));
            assertEquals(3, fd.read(buf, 0, 8));
            // A pipe has no file position: every positioned call fails with ESPIPE.
            ErrnoException pread = assertThrows(ErrnoException.class,
                    () -> fd.preadv2(new MemorySegment[] {buf}, 0, EnumSet.of(Fd.RwFlag.NOWAIT)));
            assertSame(Errno.ESPIPE, pread.errno());
            assertEquals("preadv2", pread.syscall());
            ErrnoException sync = assertThrows(ErrnoException.class, () -> fd.syncFileRange(0, 0, false, true,
                    false));
            assertSame(Errno.ESPIPE, sync.errno());
            assertEquals("sync_file_range", sync.syscall());
            ErrnoException falloc = assertThrows(ErrnoException.class, () -> fd.fallocate(Set.of(), 0, 1));
            assertSame(Errno.ESPIPE, falloc.errno());
        }
    }

    private static int waitFor(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Test
    void shouldAllocateAndPunchHolesWhenFallocating() throws IOException {
        try (Fd fd = Fd.open(dir.resolve("f"), CREATE_RW, 0644)) {
            fd.fallocate(Set.of(), 0, 1 << 20);
            Statx st = fd.statx();
            assertEquals(1 << 20, st.size());
            assertTrue(st.blocks() * 512 >= 1 << 20, "blocks " + st.blocks());
            fd.fallocate(EnumSet.of(Fd.FallocateMode.KEEP_SIZE), 1 << 20, 1 << 20);
            assertEquals(1 << 20, fd.statx().size(), "KEEP_SIZE must not change the size");
            long before = fd.statx().blocks();
            fd.fallocate(EnumSet.of(Fd.FallocateMode.PUNCH_HOLE, Fd.FallocateMode.KEEP_SIZE), 0, 1 << 19);
            assertTrue(fd.statx().blocks() < before, "punching a hole frees blocks");
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> fd.fallocate(EnumSet.of(Fd.FallocateMode.PUNCH_HOLE), 0, 4096));
            assertSame(Errno.EOPNOTSUPP, e.errno(), "PUNCH_HOLE without KEEP_SIZE");
            assertEquals("fallocate", e.syscall());
            fd.ftruncate(100);
            assertEquals(100, fd.statx().size());
            fd.fdatasync();
            fd.fsync();
            fd.syncFileRange(0, 0, true, true, true);
        }
        Fd.fsyncDirectory(dir);
    }

    @Test
    void shouldFindDataAndHolesWithSeekDataAndSeekHole() throws IOException {
        // Data and holes come in the file system's allocation unit: the block size on disk, a whole page on tmpfs
        // (16 KiB on a 16 KiB-page kernel). A page of data is a whole number of units on both.
        int unit = Math.toIntExact(Memory.pageSize());
        try (Fd fd = Fd.open(dir.resolve("sparse"), CREATE_RW, 0644)) {
            MemorySegment page = Arena.ofAuto().allocate(unit).fill((byte) 1);
            assertEquals(-1, fd.seekData(0), "an empty file holds no data");
            fd.pwrite(page, 0, unit, 0);
            fd.ftruncate(4 << 20); // a hole from one page to 4 MiB ...
            fd.pwrite(page, 0, unit, 2 << 20); // ... but for one page at 2 MiB
            assertEquals(0, fd.seekData(0));
            assertEquals(100, fd.seekData(100), "inside data: where it was asked");
            assertEquals(2 << 20, fd.seekData(unit), "the hole is skipped");
            assertEquals(-1, fd.seekData((2 << 20) + unit), "only a hole to the end");
            assertEquals(-1, fd.seekData(8 << 20), "past the end");
            assertEquals(unit, fd.seekHole(0), "the first data run ends at the hole");
            assertEquals(2 * unit, fd.seekHole(2 * unit), "inside a hole: where it was asked");
            assertEquals((2 << 20) + unit, fd.seekHole(2 << 20));
            assertEquals((4 << 20) - 1, fd.seekHole((4 << 20) - 1));
            fd.pwrite(page, 0, 100, 4 << 20);
            assertEquals((4 << 20) + 100, fd.seekHole(4 << 20), "the end of the file is a hole");
            assertEquals(-1, fd.seekHole((4 << 20) + 100), "past the end");
            assertThrows(IllegalArgumentException.class, () -> fd.seekData(-1));
            assertThrows(IllegalArgumentException.class, () -> fd.seekHole(-1));
        }
        Fd closed = Fd.open(dir.resolve("sparse"), EnumSet.of(OpenFlag.READ), 0);
        closed.close();
        assertThrows(ClosedChannelException.class, () -> closed.seekData(0));
        assertThrows(ClosedChannelException.class, () -> closed.seekHole(0));
    }

    @Test
    void shouldThrowEinvalWhenTruncatingReadOnlyDescriptor() throws IOException {
        Files.writeString(dir.resolve("ro"), "x");
        try (Fd fd = Fd.open(dir.resolve("ro"), EnumSet.of(OpenFlag.READ), 0)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> fd.ftruncate(0));
            assertSame(Errno.EINVAL, e.errno());
            assertEquals("EINVAL (ftruncate): Invalid argument", e.getMessage());
            ErrnoException w = assertThrows(ErrnoException.class, () -> fd.write(bytes("y"), 0, 1));
            assertSame(Errno.EBADF, w.errno());
            assertEquals("write", w.syscall());
        }
    }

    @Test
    void shouldReportStatxFieldsWhenStattingPath() throws IOException {
        Files.writeString(dir.resolve("s"), "12345");
        Statx st = Fd.statx(dir.resolve("s"));
        assertEquals(5, st.size());
        assertTrue(st.isRegularFile());
        assertFalse(st.isDirectory());
        assertEquals(Files.getAttribute(dir.resolve("s"), "unix:mode"), st.mode());
        assertEquals(Files.getAttribute(dir.resolve("s"), "unix:ino"), st.inode());
        assertTrue(st.blockSize() > 0);
        assertTrue(Fd.statx(dir).isDirectory());
        ErrnoException e = assertThrows(ErrnoException.class, () -> Fd.statx(dir.resolve("none")));
        assertEquals("ENOENT (statx): No such file or directory", e.getMessage());
    }

    @Test
    void shouldRefuseToReplaceWhenRenamingWithNoReplace() throws IOException {
        Files.writeString(dir.resolve("x"), "x");
        Files.writeString(dir.resolve("y"), "y");
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> Fd.rename(dir.resolve("x"), dir.resolve("y"), true, false));
        assertSame(Errno.EEXIST, e.errno());
        assertEquals("EEXIST (renameat2): File exists", e.getMessage());
        Fd.rename(dir.resolve("x"), dir.resolve("y"), false, true);
        assertEquals("y", Files.readString(dir.resolve("x")));
        assertEquals("x", Files.readString(dir.resolve("y")));
        Fd.rename(dir.resolve("x"), dir.resolve("z"), true, false);
        assertFalse(Files.exists(dir.resolve("x")));
        assertThrows(IllegalArgumentException.class, () -> Fd.rename(dir.resolve("z"), dir.resolve("y"), true, true));
    }

    @Test
    void shouldCreateAndRemoveDirectoriesAndFiles() throws IOException {
        Fd.mkdir(dir.resolve("d"), 0755);
        assertTrue(Files.isDirectory(dir.resolve("d")));
        ErrnoException exists = assertThrows(ErrnoException.class, () -> Fd.mkdir(dir.resolve("d"), 0755));
        assertEquals("EEXIST (mkdirat): File exists", exists.getMessage());
        Files.writeString(dir.resolve("d/f"), "f");
        ErrnoException notEmpty = assertThrows(ErrnoException.class, () -> Fd.unlink(dir.resolve("d"), true));
        assertSame(Errno.ENOTEMPTY, notEmpty.errno());
        assertEquals("unlinkat", notEmpty.syscall());
        Fd.unlink(dir.resolve("d/f"), false);
        Fd.unlink(dir.resolve("d"), true);
        assertFalse(Files.exists(dir.resolve("d")));
    }

    @Test
    void shouldCreateUnnamedFileWhenOpeningTmpfile() throws IOException {
        try (Fd fd = Fd.open(dir, EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.TMPFILE), 0600)) {
            assertEquals(4, fd.write(bytes("temp"), 0, 4));
            assertEquals(4, fd.statx().size());
            assertEquals(0, fd.statx().links(), "an O_TMPFILE file has no name");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void shouldRefuseEscapeWhenOpeningBeneath() throws IOException {
        Files.writeString(dir.resolve("inside"), "i");
        try (Fd d = Fd.open(dir, EnumSet.of(OpenFlag.DIRECTORY), 0)) {
            try (Fd f = d.openat2("inside", EnumSet.of(OpenFlag.READ), 0, EnumSet.of(Fd.Resolve.BENEATH))) {
                assertEquals(1, f.statx().size());
            }
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> d.openat2("../..", EnumSet.of(OpenFlag.READ), 0, EnumSet.of(Fd.Resolve.BENEATH)));
            assertSame(Errno.EXDEV, e.errno());
            assertEquals("openat2", e.syscall());
            try (Fd f = d.openAt("inside", EnumSet.of(OpenFlag.READ), 0)) {
                assertTrue(f.intValue() >= 0);
            }
        }
    }

    @Test
    void shouldWriteAlignedBlocksWhenOpenedWithDirectIo() throws IOException {
        DirectIo dio = DirectIo.probe(dir);
        // qemu-user 10.0 does not copy statx's dio_* fields (they read 0), but O_DIRECT itself reaches the kernel.
        boolean emulated = !dio.isAvailable() && QemuUser.isActive();
        assumeTrue(dio.isAvailable() || emulated, dio.unavailabilityCause());
        int memoryAlignment = emulated ? 4096 : dio.memoryAlignment();
        int offsetAlignment = emulated ? 4096 : dio.offsetAlignment();
        assertTrue(memoryAlignment > 0 && offsetAlignment > 0, dio.toString());
        int block = Math.max(4096, offsetAlignment);
        MemorySegment buf = arena.allocate(block, Math.max(block, memoryAlignment));
        buf.fill((byte) 'd');
        try (Fd fd = Fd.open(dir.resolve("direct"), EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.CREATE,
                OpenFlag.DIRECT), 0644)) {
            assertEquals(block, fd.pwrite(buf, 0, block, 0));
            MemorySegment in = arena.allocate(block, Math.max(block, memoryAlignment));
            assertEquals(block, fd.pread(in, 0, block, 0));
            assertEquals(-1, in.mismatch(buf));
            // A length that is not a multiple of the offset alignment is refused by the kernel.
            ErrnoException e = assertThrows(ErrnoException.class, () -> fd.pwrite(buf, 0, 1, 0));
            assertSame(Errno.EINVAL, e.errno());
            assertEquals("EINVAL (pwrite64): Invalid argument", e.getMessage());
        }
    }
}
