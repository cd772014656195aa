/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Page placement across two NUMA nodes, checked with {@code move_pages} in query mode. Needs a machine with two or
 * more online nodes: on a single-node host every test skips; {@code build-support/vm/numa-lane.sh} runs them in a
 * qemu VM with two emulated nodes (CPU 0 on node 0, CPU 1 on node 1).
 */
class NumaMultiNodeTest {

    private static final Set<Memory.Protection> RW = EnumSet.of(Memory.Protection.READ, Memory.Protection.WRITE);
    private static final long PAGE = Memory.pageSize();

    @BeforeEach
    void requireTwoNodes() {
        assumeTrue(Feature.NUMA.isAvailable(), Feature.NUMA.unavailabilityCause());
        assumeTrue(Numa.nodeCount() >= 2, "needs a multi-node machine (online NUMA nodes: " + Numa.onlineNodes()
                + "); runs in the NUMA VM lane, build-support/vm/numa-lane.sh");
    }

    /** The CPUs of a node, from /sys/devices/system/node/nodeN/cpulist. */
    static CpuSet cpusOf(int node) throws IOException {
        return CpuSet.parse(Files.readString(Path.of("/sys/devices/system/node/node" + node + "/cpulist")).trim());
    }

    private static void touch(MemorySegment s) {
        for (long off = 0; off < s.byteSize(); off += PAGE) {
            s.set(ValueLayout.JAVA_BYTE, off, (byte) 1);
        }
    }

    private static int[] filled(int pages, int node) {
        int[] expected = new int[pages];
        Arrays.fill(expected, node);
        return expected;
    }

    @Test
    void shouldPlacePagesOnNodeOneWhenBoundToIt() throws ErrnoException {
        try (MappedRegion region = Memory.mapAnonymous(16 * PAGE, RW, EnumSet.noneOf(Memory.MapFlag.class))) {
            MemorySegment s = region.segment();
            Numa.mbind(s, Numa.Policy.BIND, NodeSet.of(1), false);
            assertEquals(new Numa.MemPolicy(Numa.Policy.BIND, NodeSet.of(1)), Numa.policyOf(s));
            touch(s);
            assertArrayEquals(filled(16, 1), Numa.pageNodes(s), "move_pages: every page on node 1");
            assertEquals(1, Numa.nodeOf(s.asSlice(3 * PAGE)));
        }
    }

    @Test
    void shouldMovePagesToNodeOneWhenRebindingWithMove() throws ErrnoException {
        try (MappedRegion region = Memory.mapAnonymous(16 * PAGE, RW, EnumSet.noneOf(Memory.MapFlag.class))) {
            MemorySegment s = region.segment();
            Numa.mbind(s, Numa.Policy.BIND, NodeSet.of(0), false);
            s.fill((byte) 7);
            assertArrayEquals(filled(16, 0), Numa.pageNodes(s), "first placed on node 0");
            Numa.mbind(s, Numa.Policy.BIND, NodeSet.of(1), true);
            assertArrayEquals(filled(16, 1), Numa.pageNodes(s), "MPOL_MF_MOVE migrated every page to node 1");
            assertEquals(-1, s.mismatch(MemorySegment.ofArray(filledBytes((int) s.byteSize(), (byte) 7))),
                    "the contents moved with the pages");
        }
    }

    private static byte[] filledBytes(int n, byte value) {
        byte[] b = new byte[n];
        Arrays.fill(b, value);
        return b;
    }

    @Test
    void shouldSpreadPagesOverBothNodesWhenInterleaved() throws ErrnoException {
        int pages = 64;
        try (MappedRegion region = Memory.mapAnonymous(pages * PAGE, RW, EnumSet.noneOf(Memory.MapFlag.class))) {
            MemorySegment s = region.segment();
            Numa.mbind(s, Numa.Policy.INTERLEAVE, NodeSet.of(0, 1), false);
            assertEquals(new Numa.MemPolicy(Numa.Policy.INTERLEAVE, NodeSet.of(0, 1)), Numa.policyOf(s));
            touch(s);
            int[] nodes = Numa.pageNodes(s);
            int[] perNode = new int[2];
            for (int i = 0; i < pages; i++) {
                assertTrue(nodes[i] == 0 || nodes[i] == 1, "page " + i + ": " + Arrays.toString(nodes));
                perNode[nodes[i]]++;
                if (i > 0) {
                    // A VMA interleave picks the node from the page offset: consecutive pages alternate.
                    assertNotEquals(nodes[i - 1], nodes[i], "pages " + (i - 1) + " and " + i + ": "
                            + Arrays.toString(nodes));
                }
            }
            assertArrayEquals(new int[] {pages / 2, pages / 2}, perNode, "pages per node: " + Arrays.toString(nodes));
        }
    }

    @Test
    void shouldAllocateOnPreferredNodeWhenThreadPolicyPrefersNodeOne() throws Exception {
        AtomicReference<Numa.MemPolicy> seen = new AtomicReference<>();
        AtomicReference<int[]> placed = new AtomicReference<>();
        // set_mempolicy applies to the calling thread only: a fresh thread keeps the test runner's policy default.
        NativeThreads.Handle t = NativeThreads.start(() -> {
            try {
                Numa.setThreadPolicy(Numa.Policy.PREFERRED, NodeSet.of(1));
                seen.set(Numa.threadPolicy());
                try (MappedRegion region = Memory.mapAnonymous(16 * PAGE, RW,
                        EnumSet.noneOf(Memory.MapFlag.class))) {
                    touch(region.segment());
                    placed.set(Numa.pageNodes(region.segment()));
                }
                Numa.setThreadPolicy(Numa.Policy.DEFAULT, NodeSet.empty());
            } catch (ErrnoException e) {
                throw new IllegalStateException(e);
            }
        }, NativeThreads.Config.DEFAULT.withCpus(cpusOf(0)));
        t.join();
        assertEquals(new Numa.MemPolicy(Numa.Policy.PREFERRED, NodeSet.of(1)), seen.get());
        assertArrayEquals(filled(16, 1), placed.get(), "a thread on node 0's CPUs preferring node 1 gets node 1");
    }

    @Test
    void shouldAllocateOnOwnNodeWhenThreadIsPinnedAndPolicyIsLocal() throws Exception {
        for (int node = 0; node < 2; node++) {
            AtomicInteger runningOn = new AtomicInteger(-1);
            AtomicReference<int[]> placed = new AtomicReference<>();
            NativeThreads.Handle t = NativeThreads.start(() -> {
                try {
                    Numa.setThreadPolicy(Numa.Policy.LOCAL, NodeSet.empty());
                    try (MappedRegion region = Memory.mapAnonymous(16 * PAGE, RW,
                            EnumSet.noneOf(Memory.MapFlag.class))) {
                        touch(region.segment());
                        runningOn.set(Sched.currentNode());
                        placed.set(Numa.pageNodes(region.segment()));
                    }
                } catch (ErrnoException e) {
                    throw new IllegalStateException(e);
                }
            }, NativeThreads.Config.DEFAULT.withCpus(cpusOf(node)));
            t.join();
            assertEquals(node, runningOn.get(), "getcpu: the pinned thread runs on node " + node);
            assertArrayEquals(filled(16, node), placed.get(), "MPOL_LOCAL: pages on the faulting CPU's node");
        }
    }
}
