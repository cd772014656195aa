/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConcurrentAllocationTest {

    private final OffHeapAllocator allocator = OffHeapAllocator.builder().regionBytes(64L << 20).build();

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    @Test
    void shouldNeverHandOutOneBlockTwiceWhenThreadsFreeEachOthersBlocks() throws Exception {
        int threads = 4;
        int perThread = 30_000;
        List<BlockingQueue<MemorySegment>> inboxes = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            inboxes.add(new ArrayBlockingQueue<>(1024));
        }
        ConcurrentHashMap<Long, Long> owners = new ConcurrentHashMap<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    Random random = new Random(id);
                    for (int i = 0; i < perThread; i++) {
                        long size = 4 + random.nextInt(i % 50 == 0 ? 100_000 : 512);
                        MemorySegment s = allocator.allocate(size);
                        Long previous = owners.putIfAbsent(s.address(), (long) id);
                        if (previous != null) {
                            throw new AssertionError("0x" + Long.toHexString(s.address()) + " handed out twice");
                        }
                        s.set(ValueLayout.JAVA_INT_UNALIGNED, 0, id);
                        BlockingQueue<MemorySegment> target = inboxes.get(random.nextInt(threads));
                        if (!target.offer(s)) {
                            release(owners, s, -1);
                        }
                        MemorySegment theirs;
                        while ((theirs = inboxes.get(id).poll()) != null) {
                            release(owners, theirs, -1);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        for (BlockingQueue<MemorySegment> inbox : inboxes) {
            for (MemorySegment s : inbox) {
                release(owners, s, -1);
            }
        }
        assertTrue(owners.isEmpty(), owners.size() + " blocks leaked by the test itself");
        assertEquals(threads, allocator.reclaimDeadThreadCaches(), "every dead worker's cache reclaimed");
        allocator.flushThreadCache();
        allocator.purge();
        AllocatorStats stats = allocator.stats();
        assertEquals(0, stats.allocatedBytes(), stats::toString);
        assertEquals(0, stats.threadCachedBytes());
        assertEquals(stats.reservedBytes(), stats.pageHeapFreeBytes());
    }

    private void release(ConcurrentHashMap<Long, Long> owners, MemorySegment s, long unused) {
        long owner = owners.remove(s.address());
        if (s.get(ValueLayout.JAVA_INT_UNALIGNED, 0) != (int) owner) {
            throw new AssertionError("block 0x" + Long.toHexString(s.address()) + " overwritten by another owner");
        }
        allocator.free(s);
    }

    @Test
    void shouldReturnCacheToCentralListsWhenThreadDies() throws Exception {
        Thread t = Thread.ofPlatform().start(() -> {
            List<MemorySegment> blocks = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                blocks.add(allocator.allocate(64));
            }
            blocks.forEach(allocator::free);
        });
        t.join();
        long before = allocator.heapForTests().regions().length;
        assertTrue(before > 0);
        AllocatorStats live = statsWithoutReclaim();
        assertTrue(live.threadCaches() >= 1);
        assertEquals(1, allocator.reclaimDeadThreadCaches());
        AllocatorStats after = allocator.stats();
        assertEquals(0, after.threadCachedBytes(), "objects of the dead thread's cache are back in the slabs");
        assertEquals(0, after.threadCaches());
        assertEquals(0, after.allocatedBytes());
    }

    private AllocatorStats statsWithoutReclaim() {
        return allocator.statsForTests(false);
    }

    @Test
    void shouldShareStripesWhenManyVirtualThreadsAllocate() throws Exception {
        int tasks = 2_000;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                int seed = i;
                futures.add(executor.submit(() -> {
                    Random random = new Random(seed);
                    List<MemorySegment> mine = new ArrayList<>();
                    for (int j = 0; j < 50; j++) {
                        MemorySegment s = allocator.allocate(1 + random.nextInt(2048));
                        s.fill((byte) seed);
                        mine.add(s);
                    }
                    for (MemorySegment s : mine) {
                        if (s.get(ValueLayout.JAVA_BYTE, s.byteSize() - 1) != (byte) seed) {
                            throw new AssertionError("block shared between virtual threads");
                        }
                        allocator.free(s);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        AllocatorStats stats = allocator.stats();
        assertEquals(0, stats.threadCaches(), "virtual threads registered no caches of their own");
        assertEquals(0, stats.allocatedBytes());
        long bound = 0;
        for (int c = 0; c < SizeClasses.count(); c++) {
            bound += 2L * SizeClasses.batch(c) * SizeClasses.size(c);
        }
        int stripes = Integer.highestOneBit(Runtime.getRuntime().availableProcessors() * 2 - 1) << 1;
        assertTrue(stats.threadCachedBytes() <= stripes * bound, "cached bytes bounded by the stripes");
    }

    @Test
    void shouldFailCleanlyWhenClosedWhileOtherThreadsAllocate() throws Exception {
        OffHeapAllocator racing = OffHeapAllocator.builder().regionBytes(16L << 20).build();
        CountDownLatch running = new CountDownLatch(2);
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                running.countDown();
                Random random = new Random();
                try {
                    while (true) {
                        MemorySegment s = racing.allocate(1 + random.nextInt(70_000));
                        s.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                        racing.free(s);
                    }
                } catch (IllegalStateException expected) {
                    // Closed: either our own check or a segment of an unmapped region.
                } catch (Throwable e) {
                    unexpected.compareAndSet(null, e);
                }
            }));
        }
        running.await();
        racing.close();
        for (Thread w : workers) {
            w.join();
        }
        if (unexpected.get() != null) {
            throw new AssertionError("only IllegalStateException may escape a racing close", unexpected.get());
        }
    }

    @Test
    void shouldLetExactlyOneOfTwoRacingFreesSucceedWhenBothFreeTheSameBlock() throws Exception {
        raceFrees(false);
    }

    @Test
    void shouldLetExactlyOneOfTwoRacingFreesSucceedWhenBothFreeTheSameRawAddress() throws Exception {
        raceFrees(true);
    }

    @Test
    void shouldKeepLiveObjectsOwnedWhenAnotherThreadFreesTheirNeighbours() throws Exception {
        // The producer keeps every third object and hands the others to the consumer, which frees them while the
        // producer goes on marking neighbours in the same slabs as allocated: no mark may be lost to that race.
        int count = 60_000;
        BlockingQueue<Long> handoff = new ArrayBlockingQueue<>(256);
        long[] kept = new long[count / 3];
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        Thread consumer = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < count - kept.length; i++) {
                    long address = handoff.take();
                    assertEquals(64, allocator.usableSize(address), "handed over live");
                    allocator.freeAddress(address);
                }
            } catch (Throwable e) {
                unexpected.compareAndSet(null, e);
            }
        });
        int k = 0;
        for (int i = 0; i < count; i++) {
            long address = allocator.allocateAddress(64);
            if (i % 3 == 0) {
                kept[k++] = address;
            } else {
                assertTrue(handoff.offer(address, 30, TimeUnit.SECONDS), "consumer stalled");
            }
        }
        consumer.join();
        if (unexpected.get() != null) {
            throw new AssertionError(unexpected.get());
        }
        for (long address : kept) {
            assertEquals(64, allocator.usableSize(address), "kept object still owned");
            allocator.freeAddress(address);
        }
        assertEquals(0, allocator.statsForTests(true).allocatedBytes());
    }

    private void raceFrees(boolean raw) throws Exception {
        DoubleFreeRace.assertExactlyOneFreeWins(allocator, 2_000,
                racer -> raw ? block -> allocator.freeAddress(block.address()) : allocator::free);
    }
}
