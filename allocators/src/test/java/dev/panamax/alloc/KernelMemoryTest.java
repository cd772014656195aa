/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.ffm.Feature;
import dev.panamax.ffm.Memory;
import dev.panamax.ffm.Numa;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the kernel sees: resident pages, huge pages, NUMA placement. */
class KernelMemoryTest {

    private static final long MIB = 1L << 20;

    private static long residentBytesOfProcess() throws IOException {
        String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
        return Long.parseLong(statm[1]) * Memory.pageSize();
    }

    @Test
    void shouldLowerProcessRssWhenPurgedAfterFreeAll() throws IOException {
        try (OffHeapAllocator allocator = OffHeapAllocator.builder().regionBytes(256 * MIB)
                .purgeThresholdBytes(Long.MAX_VALUE).build()) {
            List<MemorySegment> blocks = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                blocks.add(allocator.allocate(2 * MIB));
            }
            for (int i = 0; i < 8192; i++) {
                blocks.add(allocator.allocate(1 + (i * 131) % 4000));
            }
            for (MemorySegment s : blocks) {
                s.fill((byte) 1);
            }
            long touched = residentBytesOfProcess();
            assertTrue(allocator.stats().residentBytes() >= 96 * MIB, "mincore sees the written pages");
            blocks.forEach(allocator::free);
            allocator.flushThreadCache();
            assertTrue(residentBytesOfProcess() > touched - 16 * MIB, "freeing alone keeps the pages (no purge)");
            long discarded = allocator.purge();
            assertTrue(discarded >= 96 * MIB, "discarded " + discarded);
            long after = residentBytesOfProcess();
            assertTrue(after < touched - 80 * MIB, "RSS fell from " + touched + " to " + after);
            AllocatorStats stats = allocator.stats();
            assertEquals(0, stats.residentBytes(), "no page of the arena resident after purge");
            assertEquals(0, stats.dirtyBytes());
        }
    }

    @Test
    void shouldLeaveNothingResidentWhenPurgedAfterWritingOneBlockOfAHugePage() throws IOException {
        assumeTrue(Feature.TRANSPARENT_HUGE_PAGES.isAvailable(),
                "transparent huge pages: " + Feature.TRANSPARENT_HUGE_PAGES.unavailabilityCause());
        // 2 MiB with 4 KiB pages, one buddy block; 32 MiB with 16 KiB pages, 16 blocks the allocator never handed
        // out become resident when one of them is written.
        long huge = Math.max(Memory.transparentHugePageSize(), 2 * MIB);
        try (OffHeapAllocator allocator = OffHeapAllocator.builder().regionBytes(2 * huge)
                .purgeThresholdBytes(Long.MAX_VALUE).transparentHugePages(true).build()) {
            // Blocks come in address order: take them up to the first that starts a huge page (the region, two huge
            // pages long, holds a whole one). The blocks after it in that huge page are never handed out.
            List<MemorySegment> blocks = new ArrayList<>();
            MemorySegment written;
            do {
                written = allocator.allocate(2 * MIB);
                blocks.add(written);
            } while (written.address() % huge != 0);
            written.fill((byte) 1);
            long before = allocator.stats().residentBytes();
            blocks.forEach(allocator::free);
            allocator.purge();
            assertEquals(0, allocator.stats().residentBytes(), "resident after purge (" + before / MIB
                    + " MiB before, of a " + huge / MIB + " MiB huge page around the one written 2 MiB block)");
        }
    }

    @Test
    void shouldDiscardFreedBlocksAtOnceWhenThresholdIsZero() {
        try (OffHeapAllocator allocator = OffHeapAllocator.builder().regionBytes(32 * MIB)
                .purgeThresholdBytes(0).build()) {
            MemorySegment s = allocator.allocate(4 * MIB / 2);
            s.fill((byte) 1);
            assertTrue(allocator.stats().residentBytes() >= 2 * MIB);
            allocator.free(s);
            assertEquals(0, allocator.stats().residentBytes());
        }
    }

    @Test
    void shouldReadZeroWhenReusingPurgedPages() {
        try (OffHeapAllocator allocator = OffHeapAllocator.builder().regionBytes(32 * MIB).build()) {
            MemorySegment s = allocator.allocate(MIB);
            s.fill((byte) 9);
            allocator.free(s);
            allocator.purge();
            MemorySegment again = allocator.allocate(MIB);
            assertEquals(s.address(), again.address(), "the same block comes back");
            assertEquals(-1, again.mismatch(MemorySegment.ofArray(new byte[(int) MIB])), "purged pages read zero");
            allocator.free(again);
        }
    }

    @Test
    void shouldBackArenaWithHugePagesWhenTransparentHugePagesAreOn() throws IOException {
        assumeTrue(Feature.TRANSPARENT_HUGE_PAGES.isAvailable(),
                "transparent huge pages: " + Feature.TRANSPARENT_HUGE_PAGES.unavailabilityCause());
        try (OffHeapAllocator allocator = OffHeapAllocator.builder().regionBytes(64 * MIB)
                .transparentHugePages(true).build()) {
            List<MemorySegment> blocks = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                MemorySegment s = allocator.allocate(2 * MIB);
                assertEquals(0, s.address() % (2 * MIB), "2 MiB blocks are 2 MiB aligned");
                s.fill((byte) 1);
                blocks.add(s);
            }
            long huge = anonHugePagesKb(blocks.get(0).address());
            assertTrue(huge >= 2048, "AnonHugePages of the arena mapping: " + huge + " kB");
            blocks.forEach(allocator::free);
        }
    }

    /** AnonHugePages of the /proc/self/smaps entry that contains {@code address}. */
    private static long anonHugePagesKb(long address) throws IOException {
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
                long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = address >= start && address < end;
            } else if (inside && line.startsWith("AnonHugePages:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no smaps entry holds 0x" + Long.toHexString(address));
    }

    @Test
    void shouldPlacePagesOnNodeZeroWhenBoundToIt() throws Exception {
        assumeTrue(Feature.NUMA.isAvailable(), "NUMA syscalls: " + Feature.NUMA.unavailabilityCause());
        try (OffHeapAllocator allocator = OffHeapAllocator.builder().regionBytes(32 * MIB).numaNode(0).build()) {
            MemorySegment s = allocator.allocate(MIB, 4096);
            s.fill((byte) 1);
            int[] nodes = Numa.pageNodes(s);
            assertEquals(MIB / Memory.pageSize(), nodes.length);
            for (int node : nodes) {
                assertEquals(0, node, "every page on node 0 (move_pages query)");
            }
            assertEquals(Numa.Policy.BIND, Numa.policyOf(s).policy());
            allocator.free(s);
        }
    }

    @Test
    void shouldRejectNodeWhenItIsNotOnline() {
        assumeTrue(Feature.NUMA.isAvailable(), "NUMA syscalls: " + Feature.NUMA.unavailabilityCause());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OffHeapAllocator.builder().numaNode(1000).build());
        assertTrue(e.getMessage().contains("not online"), e.getMessage());
    }
}
