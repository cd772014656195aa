/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuTopologyTest {

    @TempDir
    Path tmp;

    @Test
    void shouldCountPackagesCoresAndSiblingsWhenMachineHas128Cpus() throws Exception {
        HostFs fs = new FakeTree(tmp).machine(2, 32, 2).fs();
        CpuTopology t = CpuTopology.read(fs);
        assertEquals(128, t.online().cardinality());
        assertEquals(2, t.packages());
        assertEquals(64, t.cores());
        assertEquals(2, t.maxThreadsPerCore());
    }

    @Test
    void shouldCountOnlyAllowedCpusWhenCpusetLimitsA128CpuHost() throws Exception {
        HostFs fs = new FakeTree(tmp).machine(2, 32, 2)
                .file("/proc/self/status", "Name:\tjava\nCpus_allowed:\tf\nCpus_allowed_list:\t0-3,64-67,200").fs();
        assertEquals(CpuList.parse("0-3,64-67,200"), CpuTopology.readAllowed(fs));
        CpuTopology t = CpuTopology.readUsable(fs);
        assertEquals(CpuList.parse("0-3,64-67"), t.online(), "CPU 200 is allowed but not online");
        assertEquals(1, t.packages());
        assertEquals(4, t.cores());
        assertEquals(2, t.maxThreadsPerCore());
        assertEquals(CpuList.of(5, 69), CpuTopology.siblings(fs, 69));
    }

    @Test
    void shouldCountOneThreadPerCoreWhenOnlyFirstThreadsAreAllowed() throws Exception {
        HostFs fs = new FakeTree(tmp).machine(2, 32, 2).file("/proc/self/status", "Cpus_allowed_list:\t32-35").fs();
        CpuTopology t = CpuTopology.readUsable(fs);
        assertEquals(1, t.packages(), "CPUs 32-35 are the first cores of package 1");
        assertEquals(4, t.cores());
        assertEquals(1, t.maxThreadsPerCore());
    }

    @Test
    void shouldNameStatusFileWhenNoAllowedCpuIsOnline() {
        FakeTree tree = new FakeTree(tmp).machine(1, 4, 1).file("/proc/self/status", "Cpus_allowed_list:\t8-9");
        HostFileException e = assertThrows(HostFileException.class, () -> CpuTopology.readUsable(tree.fs()));
        assertEquals("/proc/self/status", e.path());
        FakeTree bare = new FakeTree(tmp.resolve("bare")).machine(1, 4, 1).file("/proc/self/status", "Name:\tjava");
        assertThrows(HostFileException.class, () -> CpuTopology.readAllowed(bare.fs()));
        assertThrows(IllegalArgumentException.class, () -> CpuTopology.siblings(bare.fs(), -1));
    }

    @Test
    void shouldMatchSchedGetaffinityWhenReadingThisMachine() throws Exception {
        HostFs fs = HostFs.real();
        CpuTopology usable = CpuTopology.readUsable(fs);
        // The process's allowed set is the main thread's; this test thread inherits it unless someone pinned it.
        BitSet mine = CpuList.parse(Affinity.cpus().toString());
        BitSet online = CpuTopology.readOnline(fs);
        mine.and(online);
        assertEquals(mine, usable.online());
        assertTrue(usable.cores() >= 1 && usable.cores() <= usable.online().cardinality(), usable.toString());
    }

    @Test
    void shouldGroupCacheInstancesWhenSharedByCpus() throws Exception {
        HostFs fs = new FakeTree(tmp).machine(2, 32, 2).fs();
        List<CpuTopology.Cache> caches = CpuTopology.readCaches(fs, CpuTopology.readOnline(fs));
        assertEquals(List.of("L1d", "L1i", "L2", "L3"), caches.stream().map(CpuTopology.Cache::name).toList());
        CpuTopology.Cache l1d = caches.get(0);
        assertEquals(64, l1d.instances());
        assertEquals(2, l1d.cpusPerInstance());
        assertEquals(48 * 1024, l1d.sizeBytes());
        assertEquals(64, l1d.lineSizeBytes());
        CpuTopology.Cache l3 = caches.get(3);
        assertEquals(2, l3.instances());
        assertEquals(64, l3.cpusPerInstance());
        assertEquals(32L << 20, l3.sizeBytes());
    }

    @Test
    void shouldReportOneThreadPerCoreWhenNoSmt() throws Exception {
        CpuTopology t = CpuTopology.read(new FakeTree(tmp).machine(1, 4, 1).fs());
        assertEquals(1, t.packages());
        assertEquals(4, t.cores());
        assertEquals(1, t.maxThreadsPerCore());
    }

    @Test
    void shouldFallBackToCpuDirectoriesWhenOnlineFileIsMissing() throws Exception {
        FakeTree tree = new FakeTree(tmp).dir("/sys/devices/system/cpu/cpu0").dir("/sys/devices/system/cpu/cpu2")
                .dir("/sys/devices/system/cpu/cpu10");
        assertEquals("0,2,10", CpuList.format(CpuTopology.readOnline(tree.fs())));
    }

    @Test
    void shouldNameTheDocumentedPathWhenSysIsMissing() {
        HostFileException e = assertThrows(HostFileException.class, () -> CpuTopology.read(new HostFs(tmp)));
        assertTrue(e.getMessage().startsWith("cannot read /sys/devices/system/cpu"), e.getMessage());
        assertFalse(e.getMessage().contains(tmp.toString()), e.getMessage());
    }

    @Test
    void shouldNameTheFileWhenATopologyFileIsMissing() {
        FakeTree tree = new FakeTree(tmp).file("/sys/devices/system/cpu/online", "0-1")
                .file("/sys/devices/system/cpu/cpu0/topology/physical_package_id", "0")
                .file("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list", "0");
        HostFileException e = assertThrows(HostFileException.class, () -> CpuTopology.read(tree.fs()));
        assertEquals("/sys/devices/system/cpu/cpu1/topology/physical_package_id", e.path());
    }

    @Test
    void shouldRejectMalformedListWhenOnlineIsGarbage() {
        FakeTree tree = new FakeTree(tmp).file("/sys/devices/system/cpu/online", "zero to one");
        HostFileException e = assertThrows(HostFileException.class, () -> CpuTopology.readOnline(tree.fs()));
        assertEquals("/sys/devices/system/cpu/online", e.path());
    }

    @Test
    void shouldParseCacheSizesWhenSuffixed() {
        assertEquals(48 * 1024, CpuTopology.parseSize("48K"));
        assertEquals(32L << 20, CpuTopology.parseSize("32M"));
        assertEquals(512, CpuTopology.parseSize("512"));
        assertEquals(-1, CpuTopology.parseSize("lots"));
    }

    @Test
    void shouldAgreeWithTheJvmWhenReadingThisMachine() throws Exception {
        HostFs fs = HostFs.real();
        BitSet online = CpuTopology.readOnline(fs);
        // availableProcessors is the affinity mask clamped by cgroup limits: never more than the online CPUs.
        assertTrue(Runtime.getRuntime().availableProcessors() <= online.cardinality(), online.toString());
        CpuTopology t = CpuTopology.read(fs);
        assertTrue(t.packages() >= 1 && t.packages() <= t.cores(), t.toString());
        assertTrue(t.cores() * t.maxThreadsPerCore() >= online.cardinality(), t.toString());
        assertTrue(t.cores() <= online.cardinality(), t.toString());
    }

    @Test
    void shouldFindL1CachesWhenReadingThisMachine() throws Exception {
        HostFs fs = HostFs.real();
        assumeTrue(fs.exists("/sys/devices/system/cpu/cpu0/cache"), "kernel exposes no cacheinfo in sysfs");
        List<CpuTopology.Cache> caches = CpuTopology.readCaches(fs, CpuTopology.readOnline(fs));
        assertTrue(caches.stream().anyMatch(c -> c.level() == 1), caches.toString());
        assertTrue(caches.stream().allMatch(c -> c.instances() >= 1 && c.cpusPerInstance() >= 1), caches.toString());
    }
}
