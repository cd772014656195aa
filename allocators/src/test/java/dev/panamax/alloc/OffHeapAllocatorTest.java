/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class OffHeapAllocatorTest {

    private OffHeapAllocator allocator = OffHeapAllocator.builder().regionBytes(64L << 20).build();

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    private static long randomSize(Random random) {
        return switch (random.nextInt(10)) {
            case 0, 1, 2, 3, 4 -> 1 + random.nextInt(256);
            case 5, 6, 7 -> 1 + random.nextInt(SizeClasses.MAX_SMALL_SIZE);
            case 8 -> 1 + random.nextInt(2 << 20);
            default -> 1 + random.nextInt(4 << 20);
        };
    }

    /** The configurations the model test runs under. */
    enum Mode {
        DEFAULT, CHECKED, STRIPES;

        OffHeapAllocator build() {
            return OffHeapAllocator.builder().regionBytes(64L << 20).checked(this == CHECKED)
                    .threadCaches(this != STRIPES).build();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void shouldKeepLiveBlocksDisjointAlignedAndWritableWhenAllocatingRandomly(Mode mode) {
        allocator.close();
        allocator = mode.build();
        Random random = new Random(7);
        TreeMap<Long, MemorySegment> live = new TreeMap<>();
        List<Long> order = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            if (order.isEmpty() || random.nextInt(100) < 55) {
                long size = randomSize(random);
                long alignment = random.nextInt(4) == 0 ? 1L << random.nextInt(13) : 8;
                MemorySegment s = allocator.allocate(size, alignment);
                assertEquals(size, s.byteSize(), "exact size");
                assertEquals(0, s.address() % Math.max(8, alignment), "aligned to " + alignment);
                Map.Entry<Long, MemorySegment> below = live.floorEntry(s.address());
                assertTrue(below == null || below.getKey() + below.getValue().byteSize() <= s.address(),
                        "no overlap with the block below");
                Map.Entry<Long, MemorySegment> above = live.ceilingEntry(s.address());
                assertTrue(above == null || s.address() + size <= above.getKey(), "no overlap with the block above");
                byte tag = (byte) s.address();
                s.fill(tag);
                live.put(s.address(), s);
                order.add(s.address());
            } else {
                long address = order.remove(random.nextInt(order.size()));
                MemorySegment s = live.remove(address);
                byte tag = (byte) address;
                assertEquals(tag, s.get(ValueLayout.JAVA_BYTE, 0), "first byte intact");
                assertEquals(tag, s.get(ValueLayout.JAVA_BYTE, s.byteSize() - 1), "last byte intact");
                allocator.free(s);
            }
        }
        AllocatorStats during = allocator.stats();
        long usable = 0;
        for (MemorySegment s : live.values()) {
            // Checked mode keeps 8 bytes of each allocation for the canary; stats count whole slots.
            usable += allocator.usableSize(s.address()) + (mode == Mode.CHECKED ? 8 : 0);
        }
        assertEquals(usable, during.allocatedBytes(), "stats count live blocks at usable size");
        for (MemorySegment s : live.values()) {
            allocator.free(s);
        }
        allocator.flushThreadCache();
        allocator.purge();
        AllocatorStats after = allocator.stats();
        assertEquals(0, after.allocatedBytes());
        assertEquals(0, after.threadCachedBytes());
        assertEquals(after.reservedBytes(), after.pageHeapFreeBytes(), "every page back in the buddy free lists");
        assertEquals(0, after.committedBytes());
        for (AllocatorStats.ClassStats c : after.classes()) {
            assertEquals(0, c.slabs(), "no slab left for class " + c.objectSize());
        }
    }

    @Test
    void shouldCoalesceToMaximalBlocksWhenEverythingIsFreed() {
        List<MemorySegment> all = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            all.add(allocator.allocate(1 + (i * 37) % 9000));
        }
        all.forEach(allocator::free);
        allocator.flushThreadCache();
        allocator.purge();
        for (Region r : regionsOf(allocator)) {
            int[] counts = r.freeBlockCounts();
            for (int k = 0; k < Region.MAX_ORDER; k++) {
                assertEquals(0, counts[k], "no split block of order " + k + " left");
            }
            assertEquals(r.pages >> Region.MAX_ORDER, counts[Region.MAX_ORDER]);
        }
    }

    @Test
    void shouldCountPerClassObjectsWhenStatsAreTaken() {
        int cls = SizeClasses.classOf(64);
        List<MemorySegment> small = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            small.add(allocator.allocate(60));
        }
        MemorySegment large = allocator.allocate(100_000);
        MemorySegment huge = allocator.allocate(3L << 20);
        AllocatorStats stats = allocator.stats();
        AllocatorStats.ClassStats c = stats.classes().get(cls);
        assertEquals(64, c.objectSize());
        assertEquals(100, c.liveObjects());
        assertEquals(2, c.slabs(), "4 KiB slabs of 64 objects");
        assertEquals(100 * 64 + 128 * 1024 + (3L << 20), stats.allocatedBytes());
        assertTrue(stats.committedBytes() >= stats.allocatedBytes());
        assertTrue(stats.reservedBytes() >= (64L << 20) + (3L << 20));
        assertTrue(stats.fragmentation() >= 0 && stats.fragmentation() < 1, "fragmentation " + stats.fragmentation());
        assertTrue(stats.residentBytes() >= 0, "mincore answered");
        for (int i = 0; i < 50; i++) {
            allocator.free(small.get(i));
        }
        AllocatorStats half = allocator.stats();
        assertEquals(50, half.classes().get(cls).liveObjects());
        AllocatorStats.ClassStats h = half.classes().get(cls);
        assertTrue(h.threadCached() > 0, "frees go to this thread's cache first");
        assertEquals(h.slabs() * 64L, h.liveObjects() + h.centralFree() + h.threadCached(),
                "every object of the class's slabs is live, central or cached");
        small.subList(50, 100).forEach(allocator::free);
        allocator.free(large);
        allocator.free(huge);
        assertEquals(0, allocator.stats().allocatedBytes());
    }

    @Test
    void shouldThrowWhenFreedTwice() {
        MemorySegment small = allocator.allocate(24);
        allocator.free(small);
        assertThrows(IllegalStateException.class, () -> allocator.free(small));
        MemorySegment large = allocator.allocate(100_000);
        allocator.free(large);
        assertThrows(IllegalStateException.class, () -> allocator.free(large));
        long raw = allocator.allocateAddress(8);
        allocator.freeAddress(raw);
        assertThrows(IllegalStateException.class, () -> allocator.freeAddress(raw));
    }

    @Test
    void shouldThrowWhenFreeingInteriorAddress() {
        MemorySegment small = allocator.allocate(64);
        assertThrows(IllegalArgumentException.class, () -> allocator.freeAddress(small.address() + 8));
        MemorySegment large = allocator.allocate(3 * 4096 + 5);
        assertThrows(IllegalArgumentException.class, () -> allocator.freeAddress(large.address() + 4096));
        assertThrows(IllegalArgumentException.class, () -> allocator.freeAddress(large.address() + 1));
        allocator.free(small);
        allocator.free(large);
    }

    @Test
    void shouldThrowWhenFreeingForeignMemory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment foreign = arena.allocate(64);
            assertThrows(IllegalArgumentException.class, () -> allocator.free(foreign));
        }
        assertThrows(IllegalArgumentException.class, () -> allocator.free(MemorySegment.ofArray(new byte[8])));
        assertThrows(IllegalArgumentException.class, () -> allocator.freeAddress(0));
        try (OffHeapAllocator other = OffHeapAllocator.builder().regionBytes(8L << 20).build()) {
            MemorySegment theirs = other.allocate(32);
            assertThrows(IllegalArgumentException.class, () -> allocator.free(theirs));
        }
    }

    @Test
    void shouldThrowWhenFreeingSegmentLargerThanItsAllocation() {
        MemorySegment s = allocator.allocate(16);
        Region r = regionsOf(allocator)[0];
        MemorySegment wider = r.segment.asSlice(s.address() - r.base, 64);
        assertThrows(IllegalArgumentException.class, () -> allocator.free(wider));
        allocator.free(s);
        MemorySegment large = allocator.allocate(5000);
        MemorySegment widerLarge = r.segment.asSlice(large.address() - r.base, 8193);
        assertThrows(IllegalArgumentException.class, () -> allocator.free(widerLarge));
        allocator.free(large);
    }

    @Test
    void shouldThrowOutOfMemorySubclassWhenKernelRefusesAddressSpace() {
        // 32 TiB per mapping exhausts the 128 TiB user address space of x86_64 and aarch64 (48-bit VA) in a few
        // steps; MAP_NORESERVE makes each one cost no memory, so only the address space runs out.
        List<MemorySegment> held = new ArrayList<>();
        try (OffHeapAllocator unlimited = OffHeapAllocator.builder().limitBytes(Long.MAX_VALUE).build()) {
            OffHeapMemoryExhaustedError e = assertThrows(OffHeapMemoryExhaustedError.class, () -> {
                for (int i = 0; i < 64; i++) {
                    held.add(unlimited.allocate(32L << 40));
                }
            });
            assertTrue(e.getCause() instanceof dev.panamax.ffm.ErrnoException, "cause: " + e.getCause());
            assertTrue(e.getMessage().contains("ENOMEM"), e.getMessage());
            held.forEach(unlimited::free);
        }
    }

    @Test
    void shouldRejectBadSizesAndAlignmentsWhenAllocating() {
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(0));
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(-1));
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> allocator.allocateAddress(0));
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(8, 3));
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(8, 0));
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(8, 1L << 31));
    }

    @Test
    void shouldThrowOutOfMemorySubclassWhenLimitIsReached() {
        try (OffHeapAllocator limited = OffHeapAllocator.builder().regionBytes(8L << 20).limitBytes(4L << 20)
                .build()) {
            MemorySegment first = limited.allocate(2L << 20);
            MemorySegment second = limited.allocate(2L << 20);
            OffHeapMemoryExhaustedError e = assertThrows(OffHeapMemoryExhaustedError.class,
                    () -> limited.allocate(1L << 20));
            assertTrue(e.getMessage().contains("limit"), e.getMessage());
            assertThrows(OffHeapMemoryExhaustedError.class, () -> limited.allocate(8L << 20));
            limited.free(first);
            limited.free(limited.allocate(1L << 20));
            limited.free(second);
        }
    }

    @Test
    void shouldLoseNoObjectWhenLimitIsHitWhileRefillingCaches() {
        // 3072 B objects: 64 KiB slabs of 21, batches of 10, so the third refill takes 1 object and then needs a
        // second slab, which the limit of one slab refuses.
        int cls = SizeClasses.classOf(3072);
        assertEquals(64 * 1024, SizeClasses.slabBytes(cls));
        assertEquals(10, SizeClasses.batch(cls));
        try (OffHeapAllocator limited = OffHeapAllocator.builder().regionBytes(8L << 20).limitBytes(64 * 1024)
                .purgeThresholdBytes(Long.MAX_VALUE).build()) {
            List<MemorySegment> held = new ArrayList<>();
            assertThrows(OffHeapMemoryExhaustedError.class, () -> {
                for (int i = 0; i < 100; i++) {
                    held.add(limited.allocate(3072));
                }
            });
            assertEquals(21, held.size(), "every object of the one slab the limit allows");
            held.forEach(limited::free);
            limited.flushThreadCache();
            limited.purge();
            AllocatorStats stats = limited.stats();
            assertEquals(0, stats.allocatedBytes());
            assertEquals(stats.reservedBytes(), stats.pageHeapFreeBytes(), "every page came back");
        }
    }

    @Test
    void shouldKeepContentsWhenReallocating() {
        MemorySegment s = allocator.allocate(100);
        for (int i = 0; i < 100; i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) i);
        }
        MemorySegment inPlace = allocator.reallocate(s, 104);
        assertEquals(s.address(), inPlace.address(), "100 and 104 share the 104 B class");
        MemorySegment grown = allocator.reallocate(inPlace, 100_000);
        assertEquals(100_000, grown.byteSize());
        MemorySegment huge = allocator.reallocate(grown, 3L << 20);
        MemorySegment shrunk = allocator.reallocate(huge, 50);
        for (int i = 0; i < 50; i++) {
            assertEquals((byte) i, shrunk.get(ValueLayout.JAVA_BYTE, i));
        }
        assertThrows(IllegalStateException.class, () -> allocator.free(grown));
        allocator.free(shrunk);
    }

    @Test
    void shouldRemapWithoutCopyWhenGrowingHugeAllocation() {
        MemorySegment s = allocator.allocate(3L << 20);
        s.set(ValueLayout.JAVA_LONG, 0, 0x1234L);
        s.set(ValueLayout.JAVA_LONG, (3L << 20) - 8, 0x5678L);
        long reservedBefore = allocator.stats().reservedBytes();
        MemorySegment grown = allocator.reallocate(s, 64L << 20);
        assertEquals(64L << 20, grown.byteSize());
        assertEquals(0x1234L, grown.get(ValueLayout.JAVA_LONG, 0));
        assertEquals(0x5678L, grown.get(ValueLayout.JAVA_LONG, (3L << 20) - 8));
        grown.set(ValueLayout.JAVA_LONG, (64L << 20) - 8, 1L);
        assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_LONG, 0), "old segment is dead");
        assertEquals(reservedBefore + (61L << 20), allocator.stats().reservedBytes());
        MemorySegment shrunk = allocator.reallocate(grown, 4L << 20);
        assertEquals(0x1234L, shrunk.get(ValueLayout.JAVA_LONG, 0));
        allocator.free(shrunk);
        assertEquals(0, allocator.stats().allocatedBytes());
    }

    @ParameterizedTest
    @ValueSource(longs = {8192, 64 << 10, 2L << 20, 256L << 20, 1L << 30})
    @Timeout(60)
    void shouldKeepContentsAndAlignmentWhenReallocatingOverAlignedHugeAllocation(long alignment) {
        try (OffHeapAllocator a = OffHeapAllocator.builder().regionBytes(64L << 20).limitBytes(1L << 40).build()) {
            MemorySegment s = a.allocate(3L << 20, alignment);
            assertEquals(0, s.address() % alignment);
            fillEnds(s);
            MemorySegment grown = a.reallocate(s, 8L << 20);
            assertAlignedWithEnds(grown, 3L << 20, alignment, "grown");
            fillEnds(grown);
            MemorySegment shrunk = a.reallocate(grown, 3L << 20);
            assertAlignedWithEnds(shrunk, 3L << 20, alignment, "shrunk, still dedicated");
            MemorySegment small = a.reallocate(shrunk, 1L << 20);
            assertAlignedWithEnds(small, 1L << 20, alignment, "shrunk below 2 MiB");
            a.free(small);
            assertEquals(0, a.stats().allocatedBytes());
        }
    }

    /** Marks the first and the last long of {@code s}, and the last long of its first MiB. */
    private static void fillEnds(MemorySegment s) {
        s.set(ValueLayout.JAVA_LONG, 0, 0x1122334455667788L);
        s.set(ValueLayout.JAVA_LONG, (1L << 20) - 8, 0x0102030405060708L);
        s.set(ValueLayout.JAVA_LONG, (3L << 20) - 8, 0x7766554433221100L);
    }

    private static void assertAlignedWithEnds(MemorySegment s, long keptBytes, long alignment, String what) {
        assertEquals(0, s.address() % alignment, what + ": alignment lost");
        assertEquals(0x1122334455667788L, s.get(ValueLayout.JAVA_LONG, 0), what + ": first long");
        assertEquals(0x0102030405060708L, s.get(ValueLayout.JAVA_LONG, (1L << 20) - 8), what + ": long at 1 MiB");
        if (keptBytes == 3L << 20) {
            assertEquals(0x7766554433221100L, s.get(ValueLayout.JAVA_LONG, keptBytes - 8), what + ": last long");
        }
    }

    @Test
    @Timeout(120)
    void shouldUnmapEveryHugeAllocationWhenClosedWhileAllocating() throws Exception {
        for (int round = 0; round < 200; round++) {
            OffHeapAllocator a = OffHeapAllocator.builder().regionBytes(64L << 20).limitBytes(1L << 40).build();
            List<MemorySegment> handedOut = new ArrayList<>();
            AtomicInteger allocated = new AtomicInteger(); // released after each add: how far the allocator got
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            Thread allocating = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        handedOut.add(a.allocate(3L << 20));
                        allocated.incrementAndGet();
                    }
                } catch (IllegalStateException e) {
                    // closed: the only way out
                } catch (Throwable e) {
                    unexpected.set(e);
                }
            });
            // Close after 0 to 7 blocks, so the close lands at a different point of an allocation each round.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (allocated.get() < round % 8 && allocating.isAlive() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            a.close();
            allocating.join(10_000);
            assertFalse(allocating.isAlive());
            assertNull(unexpected.get(), "round " + round + ": allocate threw " + unexpected.get());
            for (MemorySegment s : handedOut) {
                assertFalse(s.scope().isAlive(), "round " + round + ": a block allocated during close() survived it");
            }
        }
    }

    @Test
    void shouldAlignForDirectIoWhenAskedForPageAlignment() {
        for (long size : new long[] {512, 4096, 10_000, 1 << 20, 5L << 20}) {
            MemorySegment s = allocator.allocate(size, 4096);
            assertEquals(0, s.address() % 4096);
            s.fill((byte) 1);
            allocator.free(s);
        }
        MemorySegment big = allocator.allocate(100, 4L << 20);
        assertEquals(0, big.address() % (4L << 20));
        allocator.free(big);
    }

    @Test
    void shouldRefuseEverythingWhenClosed() {
        MemorySegment s = allocator.allocate(64);
        allocator.close();
        assertThrows(IllegalStateException.class, () -> s.get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> allocator.allocate(64));
        assertThrows(IllegalStateException.class, () -> allocator.free(s));
        assertThrows(IllegalStateException.class, allocator::stats);
        assertThrows(IllegalStateException.class, () -> allocator.allocateAddress(64));
        assertThrows(IllegalStateException.class, () -> allocator.freeAddress(s.address()));
        allocator.close();
    }

    @Test
    void shouldServeRawAddressesFromSizeClassesAndCheckTheirFreesWhenSmall() {
        for (int size : new int[] {1, 8, 9, 64, 100, 256, 4095, 4096, 32768}) {
            long raw = allocator.allocateAddress(size);
            assertEquals(0, raw % 8, "8-byte aligned");
            assertEquals(SizeClasses.size(SizeClasses.classOf(size)), allocator.usableSize(raw), "size " + size);
            assertThrows(IllegalArgumentException.class, () -> allocator.freeAddress(raw + 1), "interior");
            allocator.freeAddress(raw);
            assertThrows(IllegalStateException.class, () -> allocator.usableSize(raw), "freed: not live");
            assertThrows(IllegalStateException.class, () -> allocator.freeAddress(raw), "double free");
        }
        // Raw and segment frees of the same class share the ownership mark: either detects the other's double free.
        MemorySegment s = allocator.allocate(64);
        allocator.freeAddress(s.address());
        assertThrows(IllegalStateException.class, () -> allocator.free(s));
        assertEquals(0, allocator.stats().allocatedBytes());
    }

    @Test
    void shouldDetectOverrunWhenChecked() {
        try (OffHeapAllocator checked = OffHeapAllocator.builder().regionBytes(8L << 20).checked(true).build()) {
            long raw = checked.allocateAddress(40);
            MemorySegment s = checked.allocate(40);
            // Through the region's own segment: what an off-by-one through a raw address would do.
            regionsOf(checked)[0].segment.set(ValueLayout.JAVA_BYTE, s.address() - regionsOf(checked)[0].base + 40,
                    (byte) 0);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> checked.free(s));
            assertTrue(e.getMessage().contains("overrun"), e.getMessage());
            checked.freeAddress(raw);
            assertThrows(IllegalStateException.class, () -> checked.freeAddress(raw));
        }
    }

    @Test
    void shouldDetectWriteAfterFreeWhenCheckedSlotIsReused() {
        try (OffHeapAllocator checked = OffHeapAllocator.builder().regionBytes(8L << 20).checked(true).build()) {
            MemorySegment s = checked.allocate(24);
            long address = s.address();
            checked.free(s);
            Region r = regionsOf(checked)[0];
            r.segment.set(ValueLayout.JAVA_BYTE, address - r.base + 3, (byte) 7);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> checked.allocate(24));
            assertTrue(e.getMessage().contains("use after free"), e.getMessage());
        }
    }

    static Region[] regionsOf(OffHeapAllocator allocator) {
        return allocator.heapForTests().regions();
    }
}
