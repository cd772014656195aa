/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MemoryTest {

    private static final Set<Memory.Protection> RW = EnumSet.of(Memory.Protection.READ, Memory.Protection.WRITE);
    private static final Set<Memory.MapFlag> PRIVATE = EnumSet.noneOf(Memory.MapFlag.class);
    private static final long PAGE = Memory.pageSize();

    @Test
    void shouldReportPowerOfTwoPageSize() {
        assertTrue(PAGE >= 4096 && Long.bitCount(PAGE) == 1, "page size " + PAGE);
    }

    @Test
    void shouldSizeTransparentHugePagesAsOnePageTableOfPages() {
        long huge = Memory.transparentHugePageSize();
        if (Memory.transparentHugePageMode() == Memory.ThpMode.UNSUPPORTED) {
            assertEquals(0, huge, "no THP, no huge page size");
        } else {
            // x86_64 and aarch64: a PMD maps a page table of PAGE / 8 entries (2 MiB, 32 MiB or 512 MiB).
            assertEquals(PAGE * (PAGE / 8), huge, "huge page size for " + PAGE + "-byte pages");
        }
    }

    @Test
    void shouldMapExactlyRequestedLengthWhenMappingAnonymousMemory() throws ErrnoException {
        try (MappedRegion region = Memory.mapAnonymous(3 * PAGE + 100, RW, PRIVATE)) {
            assertEquals(3 * PAGE + 100, region.segment().byteSize());
            assertEquals(0, region.segment().address() % PAGE);
            region.segment().set(ValueLayout.JAVA_LONG, 3 * PAGE, 42L);
            assertEquals(42L, region.segment().get(ValueLayout.JAVA_LONG, 3 * PAGE));
        }
    }

    @Test
    void shouldZeroAnonymousPagesWhenAdvisedDontNeed() throws ErrnoException {
        try (MappedRegion region = Memory.mapAnonymous(2 * PAGE, RW, PRIVATE)) {
            MemorySegment s = region.segment();
            s.set(ValueLayout.JAVA_LONG, 0, -1L);
            s.set(ValueLayout.JAVA_LONG, PAGE, -1L);
            assertEquals(2, Memory.residentPages(s));
            for (Memory.Advice zeroing : new Memory.Advice[] {Memory.Advice.DONTNEED, Memory.Advice.FREE}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Memory.madvise(s.asSlice(0, PAGE).asReadOnly(), zeroing));
                assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            }
            assertEquals(-1L, s.get(ValueLayout.JAVA_LONG, 0), "a refused DONTNEED leaves the page as it was");
            Memory.madvise(s.asSlice(0, PAGE).asReadOnly(), Memory.Advice.WILLNEED); // harmless advice is fine
            Memory.madvise(s.asSlice(0, PAGE), Memory.Advice.DONTNEED);
            assertEquals(0L, s.get(ValueLayout.JAVA_LONG, 0), "DONTNEED must zero private anonymous memory");
            assertEquals(-1L, s.get(ValueLayout.JAVA_LONG, PAGE), "the second page was not advised");
        }
    }

    @Test
    void shouldCountResidentPagesWhenPopulated() throws ErrnoException {
        try (MappedRegion region = Memory.mapAnonymous(4 * PAGE, RW, EnumSet.of(Memory.MapFlag.POPULATE,
                Memory.MapFlag.NORESERVE))) {
            assertEquals(4, Memory.residentPages(region.segment()));
        }
        assumeFalse(QemuUser.isActive(), QemuUser.reason("madvise(MADV_POPULATE_WRITE) returns 0 without populating"));
        try (MappedRegion region = Memory.mapAnonymous(4 * PAGE, RW, PRIVATE)) {
            assertEquals(0, Memory.residentPages(region.segment()), "untouched anonymous pages are not resident");
            Memory.madvise(region.segment(), Memory.Advice.POPULATE_WRITE);
            assertEquals(4, Memory.residentPages(region.segment()));
        }
    }

    @Test
    void shouldAcceptEveryAdviceWhenMappingIsPrivateAnonymous() throws ErrnoException {
        try (MappedRegion region = Memory.mapAnonymous(2 * PAGE, RW, PRIVATE)) {
            for (Memory.Advice advice : Memory.Advice.values()) {
                boolean thp = advice == Memory.Advice.HUGEPAGE || advice == Memory.Advice.NOHUGEPAGE;
                if (thp && !Feature.TRANSPARENT_HUGE_PAGES.isSupported()) {
                    continue; // EINVAL without CONFIG_TRANSPARENT_HUGEPAGE, tested separately
                }
                Memory.madvise(region.segment(), advice);
            }
            Memory.madvise(region.segment(), Memory.Advice.FREE);
        }
    }

    @Test
    void shouldThrowEinvalWhenMadviseRangeIsNotMapped() throws ErrnoException {
        MemorySegment gone;
        try (MappedRegion region = Memory.mapAnonymous(PAGE, RW, PRIVATE)) {
            gone = region.segment();
        }
        IllegalStateException closed = assertThrows(IllegalStateException.class,
                () -> Memory.madvise(gone, Memory.Advice.DONTNEED));
        assertTrue(closed.getMessage().contains("already closed"), closed.getMessage());
        assumeFalse(QemuUser.isActive(), QemuUser.reason("madvise(MADV_FREE) returns 0 without calling the kernel"));
        try (MappedRegion region = Memory.mapAnonymous(PAGE, RW, EnumSet.of(Memory.MapFlag.SHARED))) {
            // MADV_FREE only applies to private anonymous memory.
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> Memory.madvise(region.segment(), Memory.Advice.FREE));
            assertSame(Errno.EINVAL, e.errno());
            assertEquals("EINVAL (madvise): Invalid argument", e.getMessage());
        }
    }

    @Test
    void shouldRejectMisalignedRangeBeforeCalling() throws ErrnoException {
        try (MappedRegion region = Memory.mapAnonymous(2 * PAGE, RW, PRIVATE)) {
            MemorySegment misaligned = region.segment().asSlice(8, PAGE);
            assertThrows(IllegalArgumentException.class, () -> Memory.madvise(misaligned, Memory.Advice.NORMAL));
            assertThrows(IllegalArgumentException.class, () -> Memory.residentPages(misaligned));
            assertThrows(IllegalArgumentException.class, () -> Memory.mprotect(misaligned, RW));
            assertThrows(IllegalArgumentException.class,
                    () -> Memory.madvise(MemorySegment.ofArray(new byte[8]), Memory.Advice.NORMAL));
        }
        assertThrows(IllegalArgumentException.class, () -> Memory.mapAnonymous(0, RW, PRIVATE));
    }

    @Test
    void shouldFailAccessWhenRegionIsClosed() throws ErrnoException {
        MappedRegion region = Memory.mapAnonymous(PAGE, RW, PRIVATE);
        MemorySegment s = region.segment();
        region.close();
        region.close(); // no-op
        assertTrue(region.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, region::segment);
        assertEquals("mapped region already closed (munmap done)", e.getMessage());
        assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> region.remap(2 * PAGE, true));
    }

    @Test
    void shouldKeepContentsWhenRemapped() throws ErrnoException {
        try (MappedRegion region = Memory.mapAnonymous(PAGE, RW, PRIVATE)) {
            MemorySegment before = region.segment();
            before.set(ValueLayout.JAVA_LONG, 0, 1234L);
            region.remap(64 * PAGE, true);
            assertEquals(64 * PAGE, region.byteSize());
            assertEquals(1234L, region.segment().get(ValueLayout.JAVA_LONG, 0));
            region.segment().set(ValueLayout.JAVA_LONG, 63 * PAGE, 5L);
            assertThrows(IllegalStateException.class, () -> before.get(ValueLayout.JAVA_LONG, 0));
            region.remap(PAGE, false);
            assertEquals(PAGE, region.byteSize());
            assertEquals(1234L, region.segment().get(ValueLayout.JAVA_LONG, 0));
        }
    }

    @Test
    void shouldThrowEnomemWhenRemapCannotGrowInPlace() throws ErrnoException {
        try (MappedRegion region = Memory.mapAnonymous(PAGE, RW, PRIVATE)) {
            region.segment().set(ValueLayout.JAVA_INT, 0, 7);
            // 1 TiB of free address space right after the region does not exist in a running JVM.
            ErrnoException e = assertThrows(ErrnoException.class, () -> region.remap(1L << 40, false));
            assertSame(Errno.ENOMEM, e.errno());
            assertEquals("ENOMEM (mremap): Out of memory", e.getMessage());
            assertEquals(7, region.segment().get(ValueLayout.JAVA_INT, 0), "the mapping survives the failure");
        }
    }

    /** A page below vm.mmap_min_addr: never mapped, so every call on it fails deterministically. */
    private static MemorySegment unmappedPage() {
        return dev.panamax.ffm.internal.Native.sized(MemorySegment.ofAddress(PAGE), PAGE);
    }

    @Test
    void shouldProtectPagesWhenMprotected() throws ErrnoException {
        try (MappedRegion region = Memory.mapAnonymous(PAGE, RW, PRIVATE)) {
            Memory.mprotect(region.segment(), EnumSet.of(Memory.Protection.READ));
            Memory.mprotect(region.segment(), RW);
            region.segment().set(ValueLayout.JAVA_INT, 0, 1);
            assertEquals(1, region.segment().get(ValueLayout.JAVA_INT, 0));
        }
        ErrnoException e = assertThrows(ErrnoException.class, () -> Memory.mprotect(unmappedPage(), RW));
        assertSame(Errno.ENOMEM, e.errno());
        assertEquals("ENOMEM (mprotect): Out of memory", e.getMessage());
    }

    @Test
    void shouldLockAndUnlockPages() throws ErrnoException {
        try (MappedRegion region = Memory.mapAnonymous(4 * PAGE, RW, PRIVATE)) {
            Memory.mlock(region.segment());
            assertEquals(4, Memory.residentPages(region.segment()), "mlock faults the pages in");
            Memory.munlock(region.segment());
        }
    }

    @Test
    void shouldThrowEnomemWhenRangeIsUnmapped() {
        ErrnoException mincore = assertThrows(ErrnoException.class, () -> Memory.residentPages(unmappedPage()));
        assertSame(Errno.ENOMEM, mincore.errno());
        assertEquals("ENOMEM (mincore): Out of memory", mincore.getMessage());
        ErrnoException munlock = assertThrows(ErrnoException.class, () -> Memory.munlock(unmappedPage()));
        assertEquals("munlock", munlock.syscall());
        assertSame(Errno.ENOMEM, munlock.errno());
        ErrnoException mlock = assertThrows(ErrnoException.class, () -> Memory.mlock(unmappedPage()));
        assertEquals("mlock", mlock.syscall());
        assertSame(Errno.ENOMEM, mlock.errno());
        assumeFalse(QemuUser.isActive(),
                QemuUser.reason("madvise(MADV_WILLNEED) returns 0 without calling the kernel"));
        ErrnoException madvise = assertThrows(ErrnoException.class,
                () -> Memory.madvise(unmappedPage(), Memory.Advice.WILLNEED));
        assertSame(Errno.ENOMEM, madvise.errno());
    }

    @Test
    void shouldThrowWhenHugetlbPoolIsEmpty() {
        assumeTrue(Feature.HUGE_PAGES.isSupported(), Feature.HUGE_PAGES.unavailabilityCause());
        long huge = Probes.hugePageSize();
        assumeTrue(huge > 0, "no Hugepagesize in /proc/meminfo");
        if (Feature.HUGE_PAGES.isAvailable()) {
            return; // covered by shouldMapHugePagesWhenPoolHasPages
        }
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> Memory.mapAnonymous(huge, RW, EnumSet.of(Memory.MapFlag.HUGETLB)));
        assertSame(Errno.ENOMEM, e.errno());
        assertThrows(IllegalArgumentException.class,
                () -> Memory.mapAnonymous(huge + PAGE, RW, EnumSet.of(Memory.MapFlag.HUGETLB)));
    }

    @Test
    void shouldMapHugePagesWhenPoolHasPages() throws ErrnoException {
        assumeTrue(Feature.HUGE_PAGES.isAvailable(), Feature.HUGE_PAGES.unavailabilityCause());
        long huge = Probes.hugePageSize();
        try (MappedRegion region = Memory.mapAnonymous(huge, RW, EnumSet.of(Memory.MapFlag.HUGETLB))) {
            region.segment().set(ValueLayout.JAVA_LONG, 0, 1L);
            assertEquals(huge, region.byteSize());
        }
    }

    @Test
    void shouldShareWritesWhenMemfdIsMappedTwice() throws java.io.IOException {
        try (Fd memfd = Memory.memfdCreate("panamax-memory-test", true)) {
            memfd.ftruncate(PAGE);
            Set<Memory.MapFlag> shared = EnumSet.of(Memory.MapFlag.SHARED);
            try (MappedRegion a = Memory.mapFile(memfd, 0, PAGE, RW, shared);
                 MappedRegion b = Memory.mapFile(memfd, 0, PAGE, RW, shared)) {
                a.segment().set(ValueLayout.JAVA_LONG, 8, 99L);
                assertEquals(99L, b.segment().get(ValueLayout.JAVA_LONG, 8));
            }
            assertThrows(IllegalArgumentException.class, () -> Memory.mapFile(memfd, 100, PAGE, RW, shared));
        }
        ErrnoException e = assertThrows(ErrnoException.class, () -> Memory.memfdCreate("x".repeat(300), false));
        assertSame(Errno.EINVAL, e.errno());
        assertEquals("memfd_create", e.syscall());
    }
}
