/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ThreadBoundAllocatorTest {

    private OffHeapAllocator allocator = OffHeapAllocator.builder().regionBytes(64L << 20).build();

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    @Test
    void shouldReturnTheSameViewWhenOneThreadAsksTwice() {
        ThreadBoundAllocator view = allocator.forCurrentThread();
        assertSame(view, allocator.forCurrentThread());
        assertSame(Thread.currentThread(), view.owner());
        assertSame(allocator, view.allocator());
    }

    @Test
    void shouldThrowWrongThreadExceptionBeforeTouchingMemoryWhenAnotherThreadUsesTheView() throws Exception {
        ThreadBoundAllocator view = allocator.forCurrentThread();
        long address = view.allocateAddress(64);
        MemorySegment segment = view.allocate(100);
        AtomicReference<List<Throwable>> seen = new AtomicReference<>();
        Thread other = new Thread(() -> {
            List<Throwable> errors = new ArrayList<>();
            for (Runnable call : List.<Runnable>of(() -> view.allocate(8), () -> view.allocateAddress(8),
                    () -> view.free(segment), () -> view.freeAddress(address))) {
                try {
                    call.run();
                } catch (Throwable t) {
                    errors.add(t);
                }
            }
            seen.set(errors);
        });
        other.start();
        other.join();
        assertEquals(4, seen.get().size(), "every call from the wrong thread fails");
        seen.get().forEach(t -> assertInstanceOf(WrongThreadException.class, t));
        // Nothing was freed by the refused calls: the owner frees both exactly once.
        view.freeAddress(address);
        view.free(segment);
        assertEquals(0, allocator.stats().allocatedBytes());
    }

    @Test
    void shouldDetectDoubleInteriorAndForeignFreesWhenFreedThroughTheView() {
        ThreadBoundAllocator view = allocator.forCurrentThread();
        long raw = view.allocateAddress(48);
        view.freeAddress(raw);
        assertThrows(IllegalStateException.class, () -> view.freeAddress(raw));
        MemorySegment s = view.allocate(64);
        assertThrows(IllegalArgumentException.class, () -> view.freeAddress(s.address() + 8));
        assertThrows(IllegalArgumentException.class, () -> view.free(s.asSlice(0, 8).asSlice(8)));
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> view.free(arena.allocate(64)));
        }
        assertThrows(IllegalArgumentException.class, () -> view.freeAddress(0));
        Region r = OffHeapAllocatorTest.regionsOf(allocator)[0];
        MemorySegment wider = r.segment.asSlice(s.address() - r.base, 4096);
        assertThrows(IllegalArgumentException.class, () -> view.free(wider), "segment larger than the slot");
        view.free(s);
        assertThrows(IllegalStateException.class, () -> view.free(s));
        MemorySegment large = view.allocate(100_000);
        view.free(large);
        assertThrows(IllegalStateException.class, () -> view.free(large));
    }

    @Test
    void shouldRejectEveryAddressOfASlabButItsHeldObjectWhenFreedThroughTheViewOrTheAllocator() {
        ThreadBoundAllocator view = allocator.forCurrentThread();
        // Power-of-two and other classes, one-page to 64-page slabs, with and without a tail past the last object.
        for (int size : new int[] {8, 24, 64, 72, 640, 3072, 28672}) {
            long held = view.allocateAddress(size);
            Slab s = regionOf(allocator, held).slabAt(held);
            long end = s.address + SizeClasses.slabBytes(s.sizeClass);
            for (long a = s.address; a < end; a += 8) {
                if (a == held) {
                    continue;
                }
                long offset = a - s.address;
                boolean start = offset % s.objectSize == 0 && offset / s.objectSize < s.capacity;
                long address = a;
                // An object start that is not held is a double free (or never allocated); anything else is interior.
                Class<? extends RuntimeException> expected = start
                        ? IllegalStateException.class : IllegalArgumentException.class;
                assertThrows(expected, () -> view.freeAddress(address), size + " B slab, offset " + offset);
                assertThrows(expected, () -> allocator.freeAddress(address), size + " B slab, offset " + offset);
                assertThrows(IllegalArgumentException.class, () -> view.freeAddress(address + 3),
                        size + " B slab, offset " + (offset + 3));
            }
            view.freeAddress(held);
            assertThrows(IllegalStateException.class, () -> allocator.freeAddress(held));
        }
        assertEquals(0, allocator.stats().allocatedBytes());
    }

    @Test
    void shouldFreeObjectsOnTheFirstAndLastPagesOfARegionWhenFreedThroughTheView() {
        long regionBytes = 2L << 20;
        try (OffHeapAllocator small = OffHeapAllocator.builder().regionBytes(regionBytes).build()) {
            ThreadBoundAllocator view = small.forCurrentThread();
            view.freeAddress(view.allocateAddress(64));
            Region r = OffHeapAllocatorTest.regionsOf(small)[0];
            assertThrows(IllegalArgumentException.class, () -> view.freeAddress(r.base - 64), "below the region");
            assertThrows(IllegalArgumentException.class, () -> view.freeAddress(r.base + r.bytes), "above it");
            // 64 B objects in one-page slabs without a tail fill the region from its first byte to its last.
            List<Long> addresses = new ArrayList<>();
            for (int i = 0; i < regionBytes / 64 + 64; i++) {
                addresses.add(view.allocateAddress(64));
            }
            long first = r.base;
            long last = r.base + r.bytes - 64;
            assertTrue(addresses.contains(first) && addresses.contains(last), "precondition: the region is full");
            view.freeAddress(first);
            view.freeAddress(last);
            assertThrows(IllegalStateException.class, () -> view.freeAddress(first));
            assertThrows(IllegalStateException.class, () -> view.freeAddress(last));
            assertThrows(IllegalArgumentException.class, () -> view.freeAddress(last + 8));
            addresses.remove(Long.valueOf(first));
            addresses.remove(Long.valueOf(last));
            addresses.forEach(view::freeAddress);
            assertEquals(0, small.stats().allocatedBytes());
        }
    }

    @Test
    void shouldFindEachAddressesRegionWhenFreesAlternateBetweenRegions() {
        try (OffHeapAllocator small = OffHeapAllocator.builder().regionBytes(2L << 20).build()) {
            ThreadBoundAllocator view = small.forCurrentThread();
            List<Long> addresses = new ArrayList<>();
            while (OffHeapAllocatorTest.regionsOf(small).length < 3) {
                addresses.add(view.allocateAddress(64));
            }
            Region[] regions = OffHeapAllocatorTest.regionsOf(small);
            List<List<Long>> byRegion = new ArrayList<>();
            for (Region r : regions) {
                byRegion.add(addresses.stream().filter(r::contains).toList());
            }
            // Round robin over the regions, so that every lookup misses the region the previous one found.
            int freed = 0;
            for (int i = 0; freed < addresses.size(); i++) {
                for (int k = 0; k < regions.length; k++) {
                    List<Long> mine = byRegion.get(k);
                    if (i < mine.size()) {
                        long address = mine.get(i);
                        assertThrows(IllegalArgumentException.class, () -> view.freeAddress(address + 8));
                        if (i % 2 == 0) {
                            view.freeAddress(address);
                        } else {
                            small.freeAddress(address);
                        }
                        assertThrows(IllegalStateException.class, () -> view.freeAddress(address));
                        freed++;
                    }
                }
            }
            assertEquals(0, small.stats().allocatedBytes());
            // The objects come back from all three regions, in the order the cache holds them.
            for (int i = 0; i < addresses.size(); i++) {
                view.freeAddress(view.allocateAddress(64));
            }
            assertEquals(0, small.stats().allocatedBytes());
        }
    }

    @Test
    void shouldLetExactlyOneOfTwoRacingFreesSucceedWhenBothFreeThroughTheirViews() throws Exception {
        // Racer 0 frees by address, racer 1 the segment, each through the view of its own thread.
        DoubleFreeRace.assertExactlyOneFreeWins(allocator, 2_000, racer -> {
            ThreadBoundAllocator view = allocator.forCurrentThread();
            return racer == 0 ? block -> view.freeAddress(block.address()) : view::free;
        });
        assertEquals(0, allocator.stats().allocatedBytes());
    }

    private static Region regionOf(OffHeapAllocator allocator, long address) {
        for (Region r : OffHeapAllocatorTest.regionsOf(allocator)) {
            if (r.contains(address)) {
                return r;
            }
        }
        throw new AssertionError("0x" + Long.toHexString(address) + " is in no region");
    }

    @Test
    void shouldValidateSizesAndOpenStateWhenCalledThroughTheView() {
        ThreadBoundAllocator view = allocator.forCurrentThread();
        assertThrows(IllegalArgumentException.class, () -> view.allocate(0));
        assertThrows(IllegalArgumentException.class, () -> view.allocateAddress(-1));
        assertThrows(IllegalArgumentException.class, () -> view.allocate(OffHeapAllocator.MAX_REQUEST + 1));
        long address = view.allocateAddress(16);
        allocator.close();
        assertThrows(IllegalStateException.class, () -> view.allocate(16));
        assertThrows(IllegalStateException.class, () -> view.allocateAddress(16));
        assertThrows(IllegalStateException.class, () -> view.freeAddress(address));
        assertThrows(IllegalStateException.class, allocator::forCurrentThread);
    }

    @Test
    void shouldKeepBlocksDisjointWhenViewAndAllocatorAreMixedRandomly() {
        ThreadBoundAllocator view = allocator.forCurrentThread();
        Random random = new Random(11);
        TreeMap<Long, MemorySegment> live = new TreeMap<>();
        List<Long> order = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            if (order.isEmpty() || random.nextInt(100) < 55) {
                long size = random.nextInt(8) == 0 ? 1 + random.nextInt(300_000) : 1 + random.nextInt(1024);
                MemorySegment s = switch (random.nextInt(3)) {
                    case 0 -> view.allocate(size);
                    case 1 -> allocator.allocate(size);
                    default -> allocator.allocate(size).asSlice(0, size); // same bounds, another object
                };
                assertEquals(size, s.byteSize());
                assertEquals(0, s.address() % 8);
                Map.Entry<Long, MemorySegment> below = live.floorEntry(s.address());
                assertTrue(below == null || below.getKey() + below.getValue().byteSize() <= s.address());
                Map.Entry<Long, MemorySegment> above = live.ceilingEntry(s.address());
                assertTrue(above == null || s.address() + size <= above.getKey());
                s.fill((byte) s.address());
                live.put(s.address(), s);
                order.add(s.address());
            } else {
                MemorySegment s = live.remove(order.remove(random.nextInt(order.size())));
                assertEquals((byte) s.address(), s.get(ValueLayout.JAVA_BYTE, s.byteSize() - 1));
                if (random.nextBoolean()) {
                    view.free(s);
                } else {
                    allocator.free(s);
                }
            }
        }
        live.values().forEach(view::free);
        assertEquals(0, allocator.stats().allocatedBytes());
    }

    @Test
    void shouldAcceptFreesOnAnotherThreadsViewWhenBlocksCrossThreads() throws Exception {
        ThreadBoundAllocator mine = allocator.forCurrentThread();
        List<Long> addresses = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            addresses.add(mine.allocateAddress(8 + (i % 40) * 8));
        }
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture.runAsync(() -> {
                ThreadBoundAllocator theirs = allocator.forCurrentThread();
                assertNotSame(mine, theirs);
                addresses.forEach(theirs::freeAddress);
                assertThrows(IllegalStateException.class, () -> theirs.freeAddress(addresses.get(0)));
            }, other).get();
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } finally {
            other.shutdown();
        }
        assertEquals(0, allocator.stats().allocatedBytes());
        // The objects now sit in the other thread's cache and the central lists: allocating them again works.
        for (int i = 0; i < 5_000; i++) {
            mine.freeAddress(mine.allocateAddress(8 + (i % 40) * 8));
        }
        assertEquals(0, allocator.stats().allocatedBytes());
    }

    @Test
    void shouldDelegateToTheSharedPathsWhenTheThreadIsVirtual() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                ThreadBoundAllocator view = allocator.forCurrentThread();
                MemorySegment s = view.allocate(64);
                view.free(s);
                assertThrows(IllegalStateException.class, () -> view.free(s));
                assertEquals(0, allocator.stats().threadCaches(), "a virtual thread gets no cache of its own");
            } catch (Throwable t) {
                failure.set(t);
            }
        }).join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @Test
    void shouldKeepCheckedModeChecksWhenCalledThroughTheView() {
        try (OffHeapAllocator checked = OffHeapAllocator.builder().regionBytes(8L << 20).checked(true).build()) {
            ThreadBoundAllocator view = checked.forCurrentThread();
            MemorySegment s = view.allocate(24);
            // Through the region's own segment: what an off-by-one through a raw address would do.
            Region r = OffHeapAllocatorTest.regionsOf(checked)[0];
            r.segment.set(ValueLayout.JAVA_BYTE, s.address() - r.base + 24, (byte) 0);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> view.free(s));
            assertTrue(e.getMessage().contains("overrun"), e.getMessage());
        }
    }

    /**
     * Returns a 64 B slab's page to the page heap right after the view last looked it up: a cache of that lookup
     * (per thread or per view) must not answer for the page once a slab of another class holds it.
     */
    private long releaseLastLookedUpSlab(ThreadBoundAllocator view) {
        long first = view.allocateAddress(64);
        view.freeAddress(first); // the view's last slab lookup names the 64 B slab
        allocator.flushThreadCache();
        allocator.purge(); // the emptied (spare) slab goes back to the page heap
        return first;
    }

    private static <T> T onAnotherThread(Callable<T> task) throws Exception {
        FutureTask<T> future = new FutureTask<>(task);
        Thread thread = new Thread(future);
        thread.start();
        return future.get();
    }

    @Test
    void shouldMarkTheNewSlabWhenTheViewsLastSlabWasReleasedAndItsPageReused() throws Exception {
        ThreadBoundAllocator view = allocator.forCurrentThread();
        long first = releaseLastLookedUpSlab(view);
        long reused = view.allocateAddress(72); // a 72 B slab now, on the released slab's page
        assertEquals(first >>> Region.PAGE_SHIFT, reused >>> Region.PAGE_SHIFT,
                "precondition: the page heap reuses the lowest free page for the next slab");
        // Freed from a fresh thread with no lookup history: the slab table decides, and the object must be held there.
        onAnotherThread(() -> {
            allocator.freeAddress(reused);
            return null;
        });
        assertThrows(IllegalStateException.class, () -> allocator.freeAddress(reused));
    }

    @Test
    void shouldFreeIntoTheNewSlabWhenTheViewsLastSlabWasReleasedAndItsPageReused() throws Exception {
        ThreadBoundAllocator view = allocator.forCurrentThread();
        long first = releaseLastLookedUpSlab(view);
        long reused = onAnotherThread(() -> allocator.allocateAddress(72));
        assertEquals(first >>> Region.PAGE_SHIFT, reused >>> Region.PAGE_SHIFT,
                "precondition: the page heap reuses the lowest free page for the next slab");
        view.freeAddress(reused); // a released 64 B slab spanned this address
        assertThrows(IllegalStateException.class, () -> view.freeAddress(reused));
    }
}
