/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.thread.CpuList;
import dev.panamax.thread.HostFs;
import dev.panamax.thread.HostFileException;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupsTest {

    private static final String V2_MOUNT =
            "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate";

    @TempDir
    Path tmp;

    private FakeTree v2(String path) {
        return new FakeTree(tmp)
                .file("/proc/self/cgroup", "0::" + path)
                .file("/proc/self/mountinfo", "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n" + V2_MOUNT)
                .file("/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids");
    }

    @Test
    void shouldReportHalfACpuWhenCpuMaxIs50000Of100000() throws Exception {
        FakeTree tree = v2("/system.slice/app.service")
                .file("/sys/fs/cgroup/system.slice/app.service/cpu.max", "50000 100000")
                .file("/sys/fs/cgroup/system.slice/cpu.max", "max 100000");
        Cgroups cg = Cgroups.read(tree.fs());
        assertEquals(Cgroups.Version.V2, cg.version());
        Cgroups.CpuQuota q = cg.cpuQuota().orElseThrow();
        assertTrue(q.limited());
        assertEquals(0.5, q.cpus(), 1e-9);
        assertEquals(2, q.version());
        assertEquals("/sys/fs/cgroup/system.slice/app.service/cpu.max", q.source());
    }

    @Test
    void shouldTakeTheTightestAncestorWhenLeafIsUnlimited() throws Exception {
        FakeTree tree = v2("/kubepods/pod1/ctr")
                .file("/sys/fs/cgroup/kubepods/pod1/ctr/cpu.max", "max 100000")
                .file("/sys/fs/cgroup/kubepods/pod1/cpu.max", "200000 100000")
                .file("/sys/fs/cgroup/kubepods/cpu.max", "400000 100000")
                .file("/sys/fs/cgroup/kubepods/pod1/ctr/memory.max", "max")
                .file("/sys/fs/cgroup/kubepods/pod1/memory.max", "1073741824")
                .file("/sys/fs/cgroup/kubepods/memory.max", "max");
        Cgroups cg = Cgroups.read(tree.fs());
        Cgroups.CpuQuota q = cg.cpuQuota().orElseThrow();
        assertEquals(2.0, q.cpus(), 1e-9);
        assertEquals("/sys/fs/cgroup/kubepods/pod1/cpu.max", q.source());
        Cgroups.MemoryLimit m = cg.memoryLimit().orElseThrow();
        assertEquals(1L << 30, m.bytes());
        assertEquals("/sys/fs/cgroup/kubepods/pod1/memory.max", m.source());
    }

    @Test
    void shouldReportUnlimitedWhenCpuMaxIsMax() throws Exception {
        FakeTree tree = v2("/a").file("/sys/fs/cgroup/a/cpu.max", "max 100000")
                .file("/sys/fs/cgroup/a/memory.max", "max");
        Cgroups cg = Cgroups.read(tree.fs());
        assertFalse(cg.cpuQuota().orElseThrow().limited());
        assertEquals(Double.POSITIVE_INFINITY, cg.cpuQuota().orElseThrow().cpus());
        assertFalse(cg.memoryLimit().orElseThrow().limited());
    }

    @Test
    void shouldReadCgroupRootWhenNamespacedContainerSeesSlash() throws Exception {
        FakeTree tree = v2("/").file("/sys/fs/cgroup/cpu.max", "150000 100000")
                .file("/sys/fs/cgroup/memory.max", "536870912")
                .file("/sys/fs/cgroup/cpuset.cpus.effective", "2-5");
        Cgroups cg = Cgroups.read(tree.fs());
        assertEquals(1.5, cg.cpuQuota().orElseThrow().cpus(), 1e-9);
        assertEquals(512L << 20, cg.memoryLimit().orElseThrow().bytes());
        assertEquals("2-5", CpuList.format(cg.cpuset().orElseThrow().cpus()));
    }

    @Test
    void shouldRejectGarbageWhenCpuMaxIsMalformed() {
        FakeTree tree = v2("/a").file("/sys/fs/cgroup/a/cpu.max", "half 100000");
        HostFileException e = assertThrows(HostFileException.class, () -> Cgroups.read(tree.fs()).cpuQuota());
        assertEquals("/sys/fs/cgroup/a/cpu.max", e.path());
    }

    @Test
    void shouldReadCfsQuotaWhenCgroupV1() throws Exception {
        FakeTree tree = new FakeTree(tmp)
                .file("/proc/self/cgroup", "4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n2:cpuset:/docker/abc")
                .file("/proc/self/mountinfo", String.join("\n",
                        "31 23 0:28 / /sys/fs/cgroup ro - tmpfs tmpfs ro,mode=755",
                        "32 31 0:29 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro - cgroup cgroup rw,cpu,cpuacct",
                        "33 31 0:30 /docker/abc /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory",
                        "34 31 0:31 /docker/abc /sys/fs/cgroup/cpuset ro - cgroup cgroup rw,cpuset"))
                .file("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "25000")
                .file("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000")
                .file("/sys/fs/cgroup/memory/memory.limit_in_bytes", "268435456")
                .file("/sys/fs/cgroup/cpuset/cpuset.cpus", "0-1");
        Cgroups cg = Cgroups.read(tree.fs());
        assertEquals(Cgroups.Version.V1, cg.version());
        Cgroups.CpuQuota q = cg.cpuQuota().orElseThrow();
        assertEquals(0.25, q.cpus(), 1e-9);
        assertEquals(1, q.version());
        assertEquals(256L << 20, cg.memoryLimit().orElseThrow().bytes());
        assertEquals("0-1", CpuList.format(cg.cpuset().orElseThrow().cpus()));
    }

    @Test
    void shouldTreatHugeV1LimitAsUnlimitedWhenPageRoundedLongMax() throws Exception {
        FakeTree tree = new FakeTree(tmp)
                .file("/proc/self/cgroup", "4:memory:/\n3:cpu:/\n0::/")
                .file("/proc/self/mountinfo", String.join("\n",
                        "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu",
                        "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory",
                        "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw"))
                .file("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1")
                .file("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000")
                .file("/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712");
        Cgroups cg = Cgroups.read(tree.fs());
        assertEquals(Cgroups.Version.HYBRID, cg.version());
        assertFalse(cg.cpuQuota().orElseThrow().limited());
        assertFalse(cg.memoryLimit().orElseThrow().limited());
        assertEquals(Optional.of("/"), cg.unifiedPath());
    }

    @Test
    void shouldSayNoControllerWhenNoHierarchyHasIt() throws Exception {
        FakeTree tree = new FakeTree(tmp).file("/proc/self/cgroup", "1:name=systemd:/")
                .file("/proc/self/mountinfo", "40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd");
        Cgroups cg = Cgroups.read(tree.fs());
        assertTrue(cg.cpuQuota().isEmpty());
        assertTrue(cg.memoryLimit().isEmpty());
    }

    @Test
    void shouldKeepColonsWhenCgroupPathHasThem() throws Exception {
        FakeTree tree = new FakeTree(tmp).file("/proc/self/cgroup", "0::/a:b/c")
                .file("/proc/self/mountinfo", V2_MOUNT);
        assertEquals(Optional.of("/a:b/c"), Cgroups.read(tree.fs()).unifiedPath());
    }

    @Test
    void shouldUnescapeOctalWhenMountPointHasSpaces() {
        assertEquals("/mnt/my cgroup", Cgroups.unescape("/mnt/my\\040cgroup"));
    }

    @Test
    void shouldFailWhenProcIsMissing() {
        HostFileException e = assertThrows(HostFileException.class, () -> Cgroups.read(new HostFs(tmp)));
        assertEquals("/proc/self/cgroup", e.path());
    }

    @Test
    void shouldAgreeWithTheJvmWhenReadingThisMachine() throws Exception {
        HostFs fs = HostFs.real();
        assumeTrue(fs.exists("/proc/self/cgroup"), "kernel built without CONFIG_CGROUPS");
        Cgroups cg = Cgroups.read(fs);
        assertFalse(cg.memberships().isEmpty());
        assertTrue(List.of(Cgroups.Version.V1, Cgroups.Version.V2, Cgroups.Version.HYBRID).contains(cg.version()));
        Optional<Cgroups.CpuQuota> q = cg.cpuQuota();
        if (q.isPresent() && q.get().limited()) {
            // The JVM's container support rounds the quota up and clamps availableProcessors to it.
            assertTrue(Runtime.getRuntime().availableProcessors() <= Math.max(1, (int) Math.ceil(q.get().cpus())),
                    q.get().toString());
        }
        Optional<Cgroups.MemoryLimit> m = cg.memoryLimit();
        if (m.isPresent() && m.get().limited()) {
            assertTrue(Runtime.getRuntime().maxMemory() <= m.get().bytes(), m.get().toString());
        }
    }
}
