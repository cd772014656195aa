/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The page level: buddy blocks of 4 KiB to 2 MiB from a growing set of reserved regions, under one lock.
 * Regions are reserved lazily, one at a time, as earlier ones fill; the set only grows until {@link #close()}.
 */
final class PageHeap {

    final ReentrantLock lock = new ReentrantLock();
    private final long regionBytes;
    private final long limitBytes;
    private final long purgeThresholdBytes;
    private final Placement placement;
    // Copy-on-write array: written under lock with release semantics (volatile), read lock-free by address lookups.
    private volatile Region[] regions = new Region[0];
    private long usedBytes; // guarded by lock: bytes in blocks handed out (slabs and large objects)
    private long largeBytes; // guarded by lock: bytes in blocks handed out as large objects
    private long externalBytes; // guarded by lock: dedicated mappings counted against the limit
    private boolean closed; // guarded by lock: no region is reserved or purged once set

    PageHeap(long regionBytes, long limitBytes, long purgeThresholdBytes, Placement placement) {
        this.regionBytes = regionBytes;
        this.limitBytes = limitBytes;
        this.purgeThresholdBytes = purgeThresholdBytes;
        this.placement = placement;
    }

    /** The region holding {@code address}, or null. Lock-free. */
    Region regionOf(long address) {
        for (Region r : regions) {
            if (r.contains(address)) {
                return r;
            }
        }
        return null;
    }

    Region[] regions() {
        return regions;
    }

    static int orderFor(long bytes) {
        long pages = (bytes + Region.PAGE_SIZE - 1) >>> Region.PAGE_SHIFT;
        return pages <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(pages - 1);
    }

    Slab allocateSlab(int sizeClass) {
        int order = orderFor(SizeClasses.slabBytes(sizeClass));
        lock.lock();
        try {
            Region r = regionFor(order);
            int p = r.allocate(order, Region.SLAB);
            Slab s = new Slab(r, p, order, sizeClass);
            r.mapSlab(p, 1 << order, s);
            usedBytes += Region.PAGE_SIZE << order;
            return s;
        } finally {
            lock.unlock();
        }
    }

    void releaseSlab(Slab s) {
        lock.lock();
        try {
            s.region.mapSlab(s.headPage, 1 << s.order, null);
            s.region.release(s.headPage);
            usedBytes -= Region.PAGE_SIZE << s.order;
            maybePurge();
        } finally {
            lock.unlock();
        }
    }

    /** A block of {@code 2^order} pages for one large object; returns its address. */
    long allocateLarge(int order) {
        lock.lock();
        try {
            Region r = regionFor(order);
            int p = r.allocate(order, Region.LARGE);
            long size = Region.PAGE_SIZE << order;
            usedBytes += size;
            largeBytes += size;
            return r.base + ((long) p << Region.PAGE_SHIFT);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees a large object's block after checking that {@code address} heads one of at least {@code byteSize}
     * bytes; returns its size.
     *
     * @throws IllegalArgumentException for an address inside a block rather than at its start, or a segment larger
     *                                  than the block
     * @throws IllegalStateException    for an address in free pages (a double free)
     */
    long freeLarge(Region r, long address, long byteSize) {
        int page = (int) ((address - r.base) >>> Region.PAGE_SHIFT);
        lock.lock();
        try {
            byte state = r.stateOf(page);
            if (state == Region.LARGE && (address & (Region.PAGE_SIZE - 1)) == 0) {
                long size = Region.PAGE_SIZE << r.orderOf(page);
                if (byteSize > size) {
                    throw new IllegalArgumentException("free of a segment of " + byteSize + " bytes at 0x"
                            + Long.toHexString(address) + ": its allocation holds only " + size);
                }
                r.release(page);
                usedBytes -= size;
                largeBytes -= size;
                maybePurge();
                return size;
            }
            int head = r.headOf(page);
            if (head < 0 || r.stateOf(head) == Region.FREE) {
                throw new IllegalStateException("free of 0x" + Long.toHexString(address)
                        + ": not allocated (double free, or never allocated)");
            }
            throw new IllegalArgumentException("free of 0x" + Long.toHexString(address)
                    + ": interior address, not the start of an allocation");
        } finally {
            lock.unlock();
        }
    }

    /** The usable size of the large block at {@code address}, or -1 if none starts there. */
    long largeSize(Region r, long address) {
        int page = (int) ((address - r.base) >>> Region.PAGE_SHIFT);
        lock.lock();
        try {
            if (r.stateOf(page) == Region.LARGE && (address & (Region.PAGE_SIZE - 1)) == 0) {
                return Region.PAGE_SIZE << r.orderOf(page);
            }
            return -1;
        } finally {
            lock.unlock();
        }
    }

    /** Counts a dedicated mapping against the limit; throws if it does not fit. */
    void reserveExternal(long bytes) {
        lock.lock();
        try {
            checkLimit(bytes);
            externalBytes += bytes;
        } finally {
            lock.unlock();
        }
    }

    void releaseExternal(long bytes) {
        lock.lock();
        try {
            externalBytes -= bytes;
        } finally {
            lock.unlock();
        }
    }

    long purge() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("allocator already closed");
            }
            long purged = 0;
            for (Region r : regions) {
                purged += r.purge();
            }
            return purged;
        } finally {
            lock.unlock();
        }
    }

    /** Snapshot of the page-level numbers: {reserved, free, dirty, used, large, external}. */
    long[] snapshot() {
        lock.lock();
        try {
            long reserved = 0;
            long free = 0;
            long dirty = 0;
            for (Region r : regions) {
                reserved += r.bytes;
                free += r.freeBytes();
                dirty += r.dirtyBytes();
            }
            return new long[] {reserved, free, dirty, usedBytes, largeBytes, externalBytes};
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unmaps every region. The metadata stays, so that a thread racing with close finds its addresses and fails on
     * the closed segments ({@link IllegalStateException}) rather than on a missing region.
     */
    void close() {
        lock.lock();
        try {
            closed = true;
            for (Region r : regions) {
                r.mapping.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private void maybePurge() {
        if (closed) {
            return;
        }
        long dirty = 0;
        for (Region r : regions) {
            dirty += r.dirtyBytes();
        }
        if (dirty > purgeThresholdBytes) {
            for (Region r : regions) {
                r.purge();
            }
        }
    }

    private void checkLimit(long bytes) {
        if (usedBytes + externalBytes + bytes > limitBytes) {
            throw new OffHeapMemoryExhaustedError("off-heap limit reached: " + bytes + " more bytes requested, "
                    + (usedBytes + externalBytes) + " of " + limitBytes + " in use");
        }
    }

    /** A region with a free block of at least {@code order}, reserving a new one if none has. Caller holds lock. */
    private Region regionFor(int order) {
        if (closed) {
            throw new IllegalStateException("allocator already closed");
        }
        checkLimit(Region.PAGE_SIZE << order);
        for (Region r : regions) {
            if (r.hasFree(order)) {
                return r;
            }
        }
        Region r = new Region(Mapping.reserve(regionBytes, Region.MAX_BLOCK, placement));
        Region[] grown = Arrays.copyOf(regions, regions.length + 1);
        grown[grown.length - 1] = r;
        regions = grown;
        return r;
    }
}
