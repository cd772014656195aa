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

class NumaNodesTest {

    @TempDir
    Path tmp;

    @Test
    void shouldReadCpusMemoryAndDistancesWhenTwoNodes() throws Exception {
        List<NumaNodes.Node> nodes = NumaNodes.read(new FakeTree(tmp).machine(2, 32, 2).fs());
        assertEquals(2, nodes.size());
        NumaNodes.Node n1 = nodes.get(1);
        assertEquals(1, n1.id());
        assertEquals("32-63,96-127", CpuList.format(n1.cpus()));
        assertEquals(16L << 30, n1.memTotalBytes());
        assertEquals(8L << 30, n1.memFreeBytes());
        assertEquals(List.of(21, 10), n1.distances());
    }

    @Test
    void shouldKeepNodeWhenMeminfoIsMissing() throws Exception {
        FakeTree tree = new FakeTree(tmp).file("/sys/devices/system/node/online", "0")
                .file("/sys/devices/system/node/node0/cpulist", "0-3");
        NumaNodes.Node n = NumaNodes.read(tree.fs()).getFirst();
        assertEquals(-1, n.memTotalBytes());
        assertTrue(n.distances().isEmpty());
    }

    @Test
    void shouldReportMemoryOnlyNodeWhenCpulistIsEmpty() throws Exception {
        FakeTree tree = new FakeTree(tmp).file("/sys/devices/system/node/online", "0,2")
                .file("/sys/devices/system/node/node0/cpulist", "0-3")
                .file("/sys/devices/system/node/node2/cpulist", "");
        List<NumaNodes.Node> nodes = NumaNodes.read(tree.fs());
        assertEquals(List.of(0, 2), nodes.stream().map(NumaNodes.Node::id).toList());
        assertTrue(nodes.get(1).cpus().isEmpty());
    }

    @Test
    void shouldNameTheFileWhenKernelHasNoNuma() {
        HostFileException e = assertThrows(HostFileException.class, () -> NumaNodes.read(new HostFs(tmp)));
        assertEquals("/sys/devices/system/node/online", e.path());
    }

    @Test
    void shouldCoverEveryOnlineCpuWhenReadingThisMachine() throws Exception {
        HostFs fs = HostFs.real();
        assumeTrue(fs.exists("/sys/devices/system/node/online"), "kernel built without CONFIG_NUMA");
        List<NumaNodes.Node> nodes = NumaNodes.read(fs);
        assertFalse(nodes.isEmpty());
        BitSet union = new BitSet();
        nodes.forEach(n -> union.or(n.cpus()));
        BitSet online = CpuTopology.readOnline(fs);
        BitSet missing = (BitSet) online.clone();
        missing.andNot(union);
        assertTrue(missing.isEmpty(), "online CPUs on no node: " + missing);
        assertTrue(nodes.stream().anyMatch(n -> n.memTotalBytes() > 0), nodes.toString());
    }
}
