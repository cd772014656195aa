/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.ffm.CpuSet;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Feature;
import dev.panamax.ffm.Memory;
import dev.panamax.ffm.NativeThreads;
import dev.panamax.ffm.NodeSet;
import dev.panamax.ffm.Numa;
import dev.panamax.ffm.Sched;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where the allocator's pages land on a machine with two NUMA nodes, checked with {@code move_pages}. On a
 * single-node host every test skips; {@code build-support/vm/numa-lane.sh} runs them in a qemu VM with two
 * emulated nodes (CPU 0 on node 0, CPU 1 on node 1).
 */
class MultiNodeAllocatorTest {

    private static final long MIB = 1L << 20;

    @BeforeEach
    void requireTwoNodes() {
        assumeTrue(Feature.NUMA.isAvailable(), "NUMA syscalls: " + Feature.NUMA.unavailabilityCause());
        assumeTrue(Numa.nodeCount() >= 2, "needs a multi-node machine (online NUMA nodes: " + Numa.onlineNodes()
                + "); runs in the NUMA VM lane, build-support/vm/numa-lane.sh");
    }

    private static CpuSet cpusOf(int node) throws IOException {
        return CpuSet.parse(Files.readString(Path.of("/sys/devices/system/node/node" + node + "/cpulist")).trim());
    }

    private static int[] all(int count, int node) {
        int[] expected = new int[count];
        Arrays.fill(expected, node);
        return expected;
    }

    @Test
    void shouldPlaceArenaPagesOnNodeOneWhenBoundToNodeOne() throws ErrnoException {
        try (OffHeapAllocator allocator = OffHeapAllocator.builder().regionBytes(32 * MIB).numaNode(1).build()) {
            MemorySegment small = allocator.allocate(4000);
            MemorySegment large = allocator.allocate(MIB, 4096);
            small.fill((byte) 1);
            large.fill((byte) 1);
            int pages = (int) (MIB / Memory.pageSize());
            assertArrayEquals(all(pages, 1), Numa.pageNodes(large), "every page of a 1 MiB block on node 1");
            assertEquals(1, Numa.nodeOf(small), "a small block's page on node 1");
            assertEquals(new Numa.MemPolicy(Numa.Policy.BIND, NodeSet.of(1)), Numa.policyOf(large));
            allocator.free(small);
            allocator.free(large);
        }
    }

    @Test
    void shouldPlaceArenaPagesOnNodeZeroWhenBoundToNodeZeroFromNodeOneCpu() throws Exception {
        // The binding wins over first touch: a thread running on node 1 still gets node-0 pages.
        try (OffHeapAllocator allocator = OffHeapAllocator.builder().regionBytes(32 * MIB).numaNode(0).build()) {
            AtomicReference<int[]> placed = new AtomicReference<>();
            NativeThreads.Handle t = NativeThreads.start(() -> {
                MemorySegment s = allocator.allocate(MIB, 4096);
                s.fill((byte) 1);
                try {
                    placed.set(Numa.pageNodes(s));
                } catch (ErrnoException e) {
                    throw new IllegalStateException(e);
                }
                allocator.free(s);
                allocator.flushThreadCache();
            }, NativeThreads.Config.DEFAULT.withCpus(cpusOf(1)));
            t.join();
            assertArrayEquals(all((int) (MIB / Memory.pageSize()), 0), placed.get());
        }
    }

    @Test
    void shouldGiveNodeLocalPagesWhenPinnedThreadAllocatesWithLocalPolicy() throws Exception {
        for (int node = 0; node < 2; node++) {
            // One allocator per node: with transparent huge pages, the first touch of one block faults in the whole
            // 2 MiB huge page around it, so a neighbouring block would already sit on the first thread's node.
            try (OffHeapAllocator allocator = OffHeapAllocator.builder().regionBytes(32 * MIB).build()) {
                AtomicInteger runningOn = new AtomicInteger(-1);
                AtomicReference<int[]> placed = new AtomicReference<>();
                NativeThreads.Handle t = NativeThreads.start(() -> {
                    try {
                        Numa.setThreadPolicy(Numa.Policy.LOCAL, NodeSet.empty());
                        MemorySegment s = allocator.allocate(MIB, 4096);
                        s.fill((byte) 1);
                        runningOn.set(Sched.currentNode());
                        placed.set(Numa.pageNodes(s));
                        allocator.free(s);
                    } catch (ErrnoException e) {
                        throw new IllegalStateException(e);
                    }
                    allocator.flushThreadCache();
                }, NativeThreads.Config.DEFAULT.withCpus(cpusOf(node)));
                t.join();
                assertEquals(node, runningOn.get(), "getcpu: the pinned thread runs on node " + node);
                assertArrayEquals(all((int) (MIB / Memory.pageSize()), node), placed.get(),
                        "pages first touched by a thread on node " + node);
            }
        }
    }
}
