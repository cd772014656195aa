/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FeatureTest {

    private static final Feature[] ALL = {Feature.FUTEX2, Feature.FUTEX_WAITV, Feature.NUMA,
            Feature.TRANSPARENT_HUGE_PAGES, Feature.HUGE_PAGES};

    @Test
    void shouldExplainCauseWhenUnavailable() {
        for (Feature f : ALL) {
            if (f.isAvailable()) {
                assertTrue(f.isSupported(), f.name());
                assertNull(f.unavailabilityCause(), f.name());
                assertNull(f.unavailabilityFix(), f.name());
                f.ensureAvailable();
            } else {
                String cause = f.unavailabilityCause();
                assertTrue(cause != null && !cause.isBlank(), f.name());
                // The fix is the cause's own ending, so a report that prints both can never contradict itself.
                String fix = f.unavailabilityFix();
                assertTrue(fix != null && cause.endsWith("; " + fix), cause + " / " + fix);
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        f::ensureAvailable);
                assertEquals(cause, e.getMessage());
            }
        }
    }

    @Test
    void shouldReadKernelReleaseWhenComparingVersions() {
        assertTrue(Refusals.kernelRelease().matches("\\d+\\.\\d+.*"), Refusals.kernelRelease());
        assertTrue(Refusals.kernelAtLeast(2, 6), Refusals.kernelRelease());
        assertFalse(Refusals.kernelAtLeast(999, 0), Refusals.kernelRelease());
    }

    @Test
    void shouldReportUnavailableWhenDisabledBySystemProperty() {
        System.setProperty("panamax.futex2.disable", "true");
        try {
            Feature disabled = new Feature("futex2", Probes::futex2);
            assertFalse(disabled.isAvailable());
            assertEquals("futex2 disabled by -Dpanamax.futex2.disable=true; remove that flag to use it",
                    disabled.unavailabilityCause());
            assertThrows(UnsupportedOperationException.class, disabled::ensureAvailable);
        } finally {
            System.clearProperty("panamax.futex2.disable");
        }
    }

    @Test
    void shouldAgreeWithFutex2SyscallsWhenProbed() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(4, 4);
            if (Feature.FUTEX2.isAvailable()) {
                assertEquals(0, Futex.wake2(word, 0, 1, Futex.BITSET_MATCH_ANY, false));
            } else {
                ErrnoException e = assertThrows(ErrnoException.class,
                        () -> Futex.wake2(word, 0, 1, Futex.BITSET_MATCH_ANY, false));
                assertEquals(Errno.ENOSYS, e.errno());
            }
            if (!Feature.FUTEX_WAITV.isAvailable()) {
                Futex.WaitList list = new Futex.WaitList(1);
                list.add(word, 0, 0, false);
                ErrnoException e = assertThrows(ErrnoException.class, () -> Futex.waitv(list, 0));
                assertEquals(Errno.ENOSYS, e.errno());
            }
        }
    }

    @Test
    void shouldKeepSupportedSeparateFromEnabledForTransparentHugePages() throws IOException {
        Feature thp = Feature.TRANSPARENT_HUGE_PAGES;
        boolean file = Files.exists(Probes.THP_ENABLED);
        assertEquals(file, thp.isSupported());
        Memory.ThpMode mode = Memory.transparentHugePageMode();
        assertEquals(file, mode != Memory.ThpMode.UNSUPPORTED);
        assertEquals(mode == Memory.ThpMode.ALWAYS || mode == Memory.ThpMode.MADVISE, thp.isAvailable());
        if (file) {
            String line = Files.readString(Probes.THP_ENABLED);
            assertEquals(!line.contains("[never]"), thp.isAvailable(), line);
            if (!thp.isAvailable()) {
                assertTrue(thp.unavailabilityCause().contains("supported but disabled"));
            }
        }
    }

    @Test
    void shouldDependOnReservedPoolForHugePages() throws IOException {
        Feature huge = Feature.HUGE_PAGES;
        assertEquals(Files.exists(Probes.NR_HUGEPAGES), huge.isSupported());
        if (huge.isSupported()) {
            long pool = Long.parseLong(Files.readString(Probes.NR_HUGEPAGES).strip())
                    + Long.parseLong(Files.readString(Probes.NR_OVERCOMMIT_HUGEPAGES).strip());
            if (pool == 0) {
                assertFalse(huge.isAvailable());
                assertTrue(huge.unavailabilityCause().contains("sysctl -w vm.nr_hugepages="),
                        huge.unavailabilityCause());
            } else if (!huge.isAvailable()) { // reserved, but every page in use when probed
                assertTrue(huge.unavailabilityCause().contains("the pool is in use"), huge.unavailabilityCause());
            }
        }
    }

    @Test
    void shouldReportHugePagesInUseWhenNoReservedPageIsFree() throws IOException {
        assumeTrue(Feature.HUGE_PAGES.isSupported(), Feature.HUGE_PAGES.unavailabilityCause());
        long size = Probes.hugePageSize();
        Path pool = Path.of("/sys/kernel/mm/hugepages/hugepages-" + size / 1024 + "kB");
        long free = Long.parseLong(Files.readString(pool.resolve("free_hugepages")).strip());
        long overcommit = Long.parseLong(Files.readString(Probes.NR_OVERCOMMIT_HUGEPAGES).strip());
        assumeTrue(free > 0 && free <= 4096 && overcommit == 0,
                "needs a small reserved pool with free pages and no overcommit: free " + free + ", overcommit "
                        + overcommit);
        assertTrue(Probes.hugePages().enabled());
        List<MappedRegion> held = new ArrayList<>();
        try {
            for (long i = 0; i < free; i++) { // every free page taken, as other processes may have done
                held.add(Memory.mapAnonymous(size, EnumSet.of(Memory.Protection.READ, Memory.Protection.WRITE),
                        EnumSet.of(Memory.MapFlag.HUGETLB)));
            }
            Feature.Status inUse = Probes.hugePages();
            assertTrue(inUse.supported());
            assertFalse(inUse.enabled(), "a pool with no free page cannot be used");
            assertTrue(inUse.cause().contains("the pool is in use"), inUse.cause());
        } finally {
            held.forEach(MappedRegion::close);
        }
        assertTrue(Probes.hugePages().enabled());
    }

    @Test
    void shouldReportAlignmentWhenDirectoryIsOnDiskFileSystem() throws IOException {
        Path dir = Path.of("target").toAbsolutePath();
        Files.createDirectories(dir);
        DirectIo dio = DirectIo.probe(dir);
        assumeFalse(QemuUser.isActive() && !dio.isAvailable(),
                QemuUser.reason("statx does not copy stx_dio_* (they read 0), so the probe sees no O_DIRECT"));
        dio.ensureAvailable();
        assertTrue(dio.isAvailable(), dio.toString());
        assertNull(dio.unavailabilityCause());
        Statx st = Fd.statx(dir);
        int block = DirectIo.logicalBlockSize(st.devMajor(), st.devMinor());
        assertTrue(block >= 512 && Integer.bitCount(block) == 1, "logical block size " + block);
        if (dio.isFromStatx()) {
            assertTrue(dio.offsetAlignment() > 0 && dio.offsetAlignment() <= block * 8, dio.toString());
        } else {
            assertEquals(block, dio.offsetAlignment());
        }
        assertTrue(Integer.bitCount(dio.memoryAlignment()) == 1, dio.toString());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".panamax-odirect-probe")),
                    "the probe removes its scratch file");
        }
    }

    @Test
    void shouldReportUnavailableWhenDisabledForDirectIo() throws IOException {
        System.setProperty("panamax.odirect.disable", "true");
        try {
            DirectIo dio = DirectIo.probe(Path.of("target").toAbsolutePath());
            assertFalse(dio.isAvailable());
            assertEquals("O_DIRECT disabled by -Dpanamax.odirect.disable=true; remove that flag to use it",
                    dio.unavailabilityCause());
            assertThrows(UnsupportedOperationException.class, dio::ensureAvailable);
        } finally {
            System.clearProperty("panamax.odirect.disable");
        }
    }

    @Test
    void shouldThrowWhenProbedDirectoryIsMissing() {
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> DirectIo.probe(Path.of("target", "no-such-dir").toAbsolutePath()));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("openat", e.syscall());
    }

    @Test
    void shouldFallBackToPageAlignmentWhenThereIsNoBlockDevice() throws IOException {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm), "no /dev/shm tmpfs");
        DirectIo dio = DirectIo.probe(shm);
        if (!dio.isAvailable()) {
            // tmpfs accepts O_DIRECT since Linux 6.6; before that the probe's open fails with EINVAL.
            assertTrue(dio.unavailabilityCause().contains("refuses O_DIRECT (EINVAL (openat)"),
                    dio.unavailabilityCause());
            return;
        }
        if (!dio.isFromStatx()) {
            assertEquals(Memory.pageSize(), dio.memoryAlignment());
            assertEquals(Memory.pageSize(), dio.offsetAlignment());
        }
        Path file = shm.resolve("panamax-dio-" + ProcessHandle.current().pid());
        try (Arena arena = Arena.ofConfined();
             Fd fd = Fd.open(file, EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.CREATE, OpenFlag.DIRECT),
                     0600)) {
            int len = Math.max(dio.offsetAlignment(), dio.memoryAlignment());
            MemorySegment buf = arena.allocate(len, len);
            assertEquals(len, fd.pwrite(buf, 0, len, 0));
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
