/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.thread.HostFs;
import dev.panamax.thread.HostFileException;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HugePageInfoTest {

    @TempDir
    Path tmp;

    @Test
    void shouldFindSelectedModeWhenBracketed() throws Exception {
        FakeTree tree = new FakeTree(tmp)
                .file("/sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never")
                .file("/sys/kernel/mm/transparent_hugepage/defrag", "always defer defer+madvise [madvise] never");
        HugePageInfo.Mode enabled = HugePageInfo.readThp(tree.fs(), "enabled");
        assertEquals("madvise", enabled.selected());
        assertEquals(List.of("always", "madvise", "never"), enabled.choices());
        assertEquals(5, HugePageInfo.readThp(tree.fs(), "defrag").choices().size());
    }

    @Test
    void shouldFailWhenNoModeIsSelected() {
        FakeTree tree = new FakeTree(tmp).file("/sys/kernel/mm/transparent_hugepage/enabled", "always madvise never");
        HostFileException e = assertThrows(HostFileException.class, () -> HugePageInfo.readThp(tree.fs(), "enabled"));
        assertTrue(e.getMessage().contains("no [selected] mode"), e.getMessage());
    }

    @Test
    void shouldNameTheFileWhenKernelHasNoThp() {
        HostFileException e = assertThrows(HostFileException.class, () -> HugePageInfo.readThp(new HostFs(tmp),
                "enabled"));
        assertEquals("/sys/kernel/mm/transparent_hugepage/enabled", e.path());
    }

    @Test
    void shouldListPoolsBySizeWhenSeveralExist() throws Exception {
        FakeTree tree = new FakeTree(tmp)
                .file("/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages", "2")
                .file("/sys/kernel/mm/hugepages/hugepages-1048576kB/free_hugepages", "1")
                .file("/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", "512")
                .file("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", "500");
        List<HugePageInfo.Pool> pools = HugePageInfo.readPools(tree.fs());
        assertEquals(List.of(new HugePageInfo.Pool(2L << 20, 512, 500), new HugePageInfo.Pool(1L << 30, 2, 1)), pools);
    }

    @Test
    void shouldReadDefaultSizeWhenMeminfoHasIt() throws Exception {
        FakeTree tree = new FakeTree(tmp).file("/proc/meminfo",
                "MemTotal:       24000000 kB\nHugePages_Total:       0\nHugepagesize:       2048 kB");
        assertEquals(2L << 20, HugePageInfo.readDefaultPageSize(tree.fs()));
    }

    @Test
    void shouldFailWhenMeminfoLacksHugepagesize() {
        FakeTree tree = new FakeTree(tmp).file("/proc/meminfo", "MemTotal:       24000000 kB");
        assertThrows(HostFileException.class, () -> HugePageInfo.readDefaultPageSize(tree.fs()));
    }

    @Test
    void shouldMatchMeminfoWhenReadingThisMachine() throws Exception {
        HostFs fs = HostFs.real();
        assumeTrue(fs.exists("/sys/kernel/mm/hugepages"), "kernel built without CONFIG_HUGETLBFS");
        long size = HugePageInfo.readDefaultPageSize(fs);
        List<HugePageInfo.Pool> pools = HugePageInfo.readPools(fs);
        assertTrue(pools.stream().anyMatch(p -> p.pageSizeBytes() == size), pools + " vs " + size);
        assertTrue(pools.stream().allMatch(p -> p.free() <= p.total()), pools.toString());
    }

    @Test
    void shouldReadThpModesWhenReadingThisMachine() throws Exception {
        HostFs fs = HostFs.real();
        assumeTrue(fs.exists("/sys/kernel/mm/transparent_hugepage/enabled"),
                "kernel built without CONFIG_TRANSPARENT_HUGEPAGE");
        HugePageInfo.Mode m = HugePageInfo.readThp(fs, "enabled");
        assertTrue(m.choices().contains(m.selected()));
        assertTrue(List.of("always", "madvise", "never").contains(m.selected()), m.toString());
    }
}
