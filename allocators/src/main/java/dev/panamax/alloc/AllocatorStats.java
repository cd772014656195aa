/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import java.util.List;

/**
 * A snapshot of an {@link OffHeapAllocator}. Page-level and central numbers are exact at the instant their lock
 * was held; thread-cache numbers are read without the owners' cooperation and may be a few batches stale while
 * other threads allocate.
 *
 * @param allocatedBytes   bytes held by users, counted at their usable (size-class or block) size
 * @param reservedBytes    address space reserved from the kernel (regions and dedicated mappings)
 * @param committedBytes   an upper bound on memory the kernel may have backed: blocks handed out plus free pages
 *                         not yet purged, plus dedicated mappings
 * @param residentBytes    pages actually resident, from {@code mincore(2)}, or -1 where that could not be read
 * @param pageHeapFreeBytes bytes in free buddy blocks
 * @param dirtyBytes       free bytes not yet given back to the kernel ({@link OffHeapAllocator#purge()} drops them)
 * @param threadCachedBytes bytes sitting in thread caches and virtual-thread stripes
 * @param threadCaches     live thread caches (platform threads that allocated; stripes not counted)
 * @param fragmentation    {@code 1 - allocatedBytes / committedBytes}, 0 when nothing is committed
 * @param classes          per size class numbers, indexed like {@link SizeClasses}
 */
public record AllocatorStats(long allocatedBytes, long reservedBytes, long committedBytes, long residentBytes,
                             long pageHeapFreeBytes, long dirtyBytes, long threadCachedBytes, int threadCaches,
                             double fragmentation, List<ClassStats> classes) {

    /**
     * Numbers for one size class.
     *
     * @param objectSize    the class's object size in bytes
     * @param slabs         slabs carved for the class
     * @param liveObjects   objects held by users
     * @param centralFree   objects free in the class's slabs
     * @param threadCached  objects in thread caches
     */
    public record ClassStats(int objectSize, int slabs, long liveObjects, long centralFree, long threadCached) {
    }
}
