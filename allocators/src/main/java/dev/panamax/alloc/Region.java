/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import dev.panamax.ffm.Memory;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.BitSet;

/**
 * One reserved arena region and the buddy allocator over its pages.
 *
 * <p>All buddy state lives in per-page arrays on the heap, never in the region itself (writing free-list links
 * into free pages would make them resident again after a purge):
 * <pre>
 *   state[p]   FREE  : p heads a free block of order order[p], linked in the per-order list by next/prev
 *              LARGE : p heads a block handed out as one large object
 *              SLAB  : p heads a block carved into a slab; slabOfPage[q] names it for every page q inside
 *              NONE  : p lies inside a block headed by a lower page
 *   dirty[p]   for a FREE head: its pages may be resident (freed since the last purge)
 * </pre>
 * A block of order {@code k} spans {@code 2^k} pages starting at a multiple of {@code 2^k}; its buddy starts at
 * {@code p ^ 2^k}. Guarded by the page heap's lock, except {@code slabOfPage}, which the free path reads without
 * it (see {@link #slabAt}).
 *
 * <p>Transparent huge pages: a fault anywhere in an aligned huge page may back all of it, blocks the allocator never
 * handed out included, which stay clean (not dirty) and so are never discarded by block. With 4 KiB base pages a
 * huge page (2 MiB) is one block of {@link #MAX_ORDER}, which is dirty whole once it is free again. With 16 or
 * 64 KiB base pages it is 32 or 512 MiB, many blocks: there {@link #purge} discards every free block of a huge page
 * that holds a dirty one, so that free memory never stays resident through a neighbour's fault.
 */
final class Region {

    static final int PAGE_SHIFT = 12;
    static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /** Order of the largest buddy block: 2^9 pages = 2 MiB. */
    static final int MAX_ORDER = 9;
    static final long MAX_BLOCK = PAGE_SIZE << MAX_ORDER;
    /** The kernel's PMD-level transparent huge page (0 without THP): 2 MiB, 32 MiB or 512 MiB by base page. */
    private static final long HUGE_PAGE = Memory.transparentHugePageSize();

    static final byte NONE = 0;
    static final byte FREE = 1;
    static final byte LARGE = 2;
    static final byte SLAB = 3;

    final Mapping mapping;
    final MemorySegment segment;
    final long base;
    final long bytes;
    final int pages;

    private final byte[] state;
    private final byte[] order;
    private final boolean[] dirty;
    private final int[] next;
    private final int[] prev;
    private final int[] freeHead = new int[MAX_ORDER + 1];
    // Plain writes under the page-heap lock before the slab's first object is published through a class lock or a
    // thread cache; the free path's plain read is ordered after that publication by the user's own hand-off.
    private final Slab[] slabOfPage;

    // Pages of a huge page larger than MAX_BLOCK, and of the part of one that lies below base; 0 when no huge page
    // holds more than one block.
    private final int hugePagePages;
    private final int hugePageLead;

    private long freeBytes; // guarded by the page-heap lock
    private long dirtyBytes; // guarded by the page-heap lock

    Region(Mapping mapping) {
        this(mapping, HUGE_PAGE);
    }

    /** A region that takes {@code hugePage} for the kernel's huge page size (tests give any size on any kernel). */
    Region(Mapping mapping, long hugePage) {
        this.mapping = mapping;
        this.segment = mapping.segment();
        this.base = segment.address();
        this.bytes = segment.byteSize();
        if (bytes % MAX_BLOCK != 0 || base % MAX_BLOCK != 0) {
            throw new IllegalArgumentException("region must be 2 MiB aligned and sized: " + bytes);
        }
        this.pages = (int) (bytes >>> PAGE_SHIFT);
        this.state = new byte[pages];
        this.order = new byte[pages];
        this.dirty = new boolean[pages];
        this.next = new int[pages];
        this.prev = new int[pages];
        this.slabOfPage = new Slab[pages];
        this.hugePagePages = hugePage > MAX_BLOCK ? (int) (hugePage >>> PAGE_SHIFT) : 0;
        this.hugePageLead = hugePagePages == 0 ? 0 : (int) ((base % hugePage) >>> PAGE_SHIFT);
        Arrays.fill(freeHead, -1);
        for (int p = pages - (1 << MAX_ORDER); p >= 0; p -= 1 << MAX_ORDER) {
            push(p, MAX_ORDER, false);
        }
    }

    boolean contains(long address) {
        // One unsigned comparison: an address below base wraps to a huge offset.
        return Long.compareUnsigned(address - base, bytes) < 0;
    }

    long freeBytes() {
        return freeBytes;
    }

    long dirtyBytes() {
        return dirtyBytes;
    }

    Slab slabAt(long address) {
        return slabOfPage[(int) ((address - base) >>> PAGE_SHIFT)];
    }

    /** Takes a block of {@code wanted} order, splitting a larger one; returns its first page or -1. */
    int allocate(int wanted, byte kind) {
        int k = wanted;
        while (k <= MAX_ORDER && freeHead[k] < 0) {
            k++;
        }
        if (k > MAX_ORDER) {
            return -1;
        }
        int p = freeHead[k];
        boolean wasDirty = dirty[p];
        unlink(p, k);
        while (k > wanted) {
            k--;
            push(p + (1 << k), k, wasDirty);
        }
        state[p] = kind;
        order[p] = (byte) wanted;
        return p;
    }

    /** Returns the block at page {@code p} and merges it with free buddies. */
    void release(int p) {
        int k = order[p];
        state[p] = NONE;
        boolean isDirty = true;
        while (k < MAX_ORDER) {
            int buddy = p ^ (1 << k);
            if (state[buddy] != FREE || order[buddy] != k) {
                break;
            }
            isDirty |= dirty[buddy];
            unlink(buddy, k);
            state[buddy] = NONE;
            p = Math.min(p, buddy);
            k++;
        }
        push(p, k, isDirty);
    }

    /**
     * Discards every dirty free block, and where a huge page holds several blocks every free block of a huge page
     * that holds a dirty one; returns the dirty bytes discarded.
     */
    long purge() {
        BitSet hugePages = hugePagePages == 0 ? null : new BitSet();
        long purged = 0;
        for (int k = 0; k <= MAX_ORDER; k++) {
            for (int p = freeHead[k]; p >= 0; p = next[p]) {
                if (dirty[p]) {
                    long size = PAGE_SIZE << k;
                    if (hugePages == null) {
                        mapping.discard((long) p << PAGE_SHIFT, size);
                    } else {
                        hugePages.set((p + hugePageLead) / hugePagePages); // a block never spans two
                    }
                    dirty[p] = false;
                    dirtyBytes -= size;
                    purged += size;
                }
            }
        }
        if (hugePages != null) {
            for (int h = hugePages.nextSetBit(0); h >= 0; h = hugePages.nextSetBit(h + 1)) {
                discardFreeRuns(Math.max(0, h * hugePagePages - hugePageLead),
                        Math.min(pages, (h + 1) * hugePagePages - hugePageLead));
            }
        }
        return purged;
    }

    /** Discards the free blocks in pages {@code [from, to)}, each run of adjacent ones in one call. */
    private void discardFreeRuns(int from, int to) {
        int p = from; // a MAX_BLOCK boundary (huge pages are multiples of 2 MiB, base is 2 MiB aligned): a head
        while (p < to) {
            int run = p;
            while (p < to && state[p] == FREE) {
                p += 1 << order[p];
            }
            if (p > run) {
                mapping.discard((long) run << PAGE_SHIFT, (long) (p - run) << PAGE_SHIFT);
            } else {
                p += 1 << order[p];
            }
        }
    }

    boolean hasFree(int wanted) {
        for (int k = wanted; k <= MAX_ORDER; k++) {
            if (freeHead[k] >= 0) {
                return true;
            }
        }
        return false;
    }

    byte stateOf(int p) {
        return state[p];
    }

    int orderOf(int p) {
        return order[p];
    }

    /** The head page of the block containing page {@code p}, or -1 if the metadata is inconsistent. */
    int headOf(int p) {
        for (int k = 0; k <= MAX_ORDER; k++) {
            int h = p & -(1 << k);
            // A head at or below p whose block is at least as large as this alignment covers p.
            if (state[h] != NONE && order[h] >= k) {
                return h;
            }
        }
        return -1;
    }

    void mapSlab(int p, int count, Slab slab) {
        Arrays.fill(slabOfPage, p, p + count, slab);
    }

    /** The number of free blocks per order, for tests and stats. */
    int[] freeBlockCounts() {
        int[] counts = new int[MAX_ORDER + 1];
        for (int k = 0; k <= MAX_ORDER; k++) {
            for (int p = freeHead[k]; p >= 0; p = next[p]) {
                counts[k]++;
            }
        }
        return counts;
    }

    private void push(int p, int k, boolean isDirty) {
        state[p] = FREE;
        order[p] = (byte) k;
        dirty[p] = isDirty;
        prev[p] = -1;
        next[p] = freeHead[k];
        if (freeHead[k] >= 0) {
            prev[freeHead[k]] = p;
        }
        freeHead[k] = p;
        long size = PAGE_SIZE << k;
        freeBytes += size;
        if (isDirty) {
            dirtyBytes += size;
        }
    }

    private void unlink(int p, int k) {
        if (prev[p] >= 0) {
            next[prev[p]] = next[p];
        } else {
            freeHead[k] = next[p];
        }
        if (next[p] >= 0) {
            prev[next[p]] = prev[p];
        }
        long size = PAGE_SIZE << k;
        freeBytes -= size;
        if (dirty[p]) {
            dirtyBytes -= size;
        }
        dirty[p] = false;
    }
}
