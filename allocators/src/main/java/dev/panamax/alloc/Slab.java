/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A buddy block carved into equal objects of one size class, with its state in two side tables.
 *
 * <p>An object is in exactly one of three places, and the tables encode which:
 * <pre>
 *   inUse byte  free bit   place
 *       1           0      held by a user (between allocate and free)
 *       0           0      in a thread cache (or moving between a cache and the central list)
 *       0           1      in this slab, available to the central list
 * </pre>
 * {@code inUse} has one byte per object, not one bit, so that each object's ownership is a memory location of its
 * own: allocate sets it with a release store (no read-modify-write: the object comes from the allocating thread's
 * cache, so no other thread may legitimately write that byte), and free clears it with a compare-and-set, so a
 * second free of the same object, racing or not, finds it already clear: that is how double frees are detected
 * without a lock, with one atomic instruction per allocate/free pair. {@code free} is only touched under the size
 * class's central lock.
 */
final class Slab {

    /*
     * Layout word. The lock-free paths (a free of any address, the ownership mark of an allocate) do not go through
     * the Slab object: the region keeps, for every page of a slab, this slab's layout packed in one long and a
     * reference to its inUse bytes, two loads that depend on the page only and so run in parallel, instead of a
     * chain page -> Slab -> fields -> inUse. Everything a free needs to validate an address is arithmetic on the
     * layout:
     *
     *    63  62                           25 24             12 11        6 5        0
     *   +---+-------------------------------+-----------------+-----------+----------+
     *   | 0 | reciprocal (38 bits)          | objectSize / 8  | slabShift | class    |
     *   +---+-------------------------------+-----------------+-----------+----------+
     *
     * - slabShift: log2 of the slab's bytes. A slab is a buddy block of its own size in a 2 MiB aligned region, so
     *   it starts at an address aligned to its size and an address's offset in its slab is address & (2^shift - 1).
     * - reciprocal: ceil(2^40 / objectSize) (SizeClasses.reciprocal). For offset = q * size + r with offset below
     *   2^18 (the largest slab), offset * reciprocal = q * 2^40 + q * e + r * reciprocal with
     *   e = size * reciprocal - 2^40 in [0, size). q * e < 2^18 while reciprocal >= 2^40 / 2^15 = 2^25, so the high
     *   bits are q, and the low 40 bits are below the reciprocal exactly when r == 0: the quotient and the
     *   interior-address check come from one multiplication (checked for every class and offset in the tests).
     * - An offset past the last object (the slab's tail, when the size does not divide it) gives q == capacity,
     *   which inUse.length rejects.
     *
     * A layout is never 0 (the reciprocal is not), so 0 in the region's table means "no slab on this page".
     */

    private static final VarHandle OWNED = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final byte HELD = 1;
    private static final byte RETURNED = 0;

    private static final int CLASS_BITS = 6;
    private static final int SHIFT_OFFSET = CLASS_BITS;
    // Six bits, so that a long shift by (layout >>> SHIFT_OFFSET), which uses the low six bits of its count, needs
    // no mask.
    private static final int SIZE_OFFSET = SHIFT_OFFSET + 6;
    private static final int RECIPROCAL_OFFSET = SIZE_OFFSET + 13;
    private static final long FRACTION_MASK = (1L << SizeClasses.RECIPROCAL_SHIFT) - 1;

    final Region region;
    final int headPage;
    final int order;
    final long address;
    final int sizeClass;
    final int objectSize;
    final int capacity;
    private final long span; // capacity * objectSize: the bytes holding objects
    private final long reciprocal; // SizeClasses.reciprocal(sizeClass), here to save the free path a table load
    final long layout; // layout(sizeClass): what the region's page table holds for this slab's pages

    // One byte per object: setRelease by the allocating thread (the only writer while the object is cached),
    // compareAndSet (volatile) by the freeing thread; the release store pairs with the freeing thread's CAS through
    // whatever hand-off gave it the object.
    private final byte[] inUse;
    private final long[] free; // bits: guarded by the central lock of sizeClass
    int freeCount; // guarded by the central lock of sizeClass
    private int scanWord; // guarded by the central lock: first word that may hold a free bit

    Slab prev; // partial-list link, guarded by the central lock
    Slab next; // partial-list link, guarded by the central lock
    boolean listed; // on the partial list, guarded by the central lock

    Slab(Region region, int headPage, int order, int sizeClass) {
        this.region = region;
        this.headPage = headPage;
        this.order = order;
        this.address = region.base + ((long) headPage << Region.PAGE_SHIFT);
        this.sizeClass = sizeClass;
        this.objectSize = SizeClasses.size(sizeClass);
        this.capacity = (int) ((Region.PAGE_SIZE << order) / objectSize);
        this.span = (long) capacity * objectSize;
        this.reciprocal = SizeClasses.reciprocal(sizeClass);
        this.layout = layout(sizeClass);
        int words = (capacity + 63) >>> 6;
        this.inUse = new byte[capacity];
        this.free = new long[words];
        for (int i = 0; i < capacity; i++) {
            free[i >>> 6] |= 1L << i;
        }
        this.freeCount = capacity;
    }

    /** The object index of {@code addr}, or -1 if it is not the start of an object of this slab. */
    int indexOf(long addr) {
        long offset = addr - address;
        if (offset < 0 || offset >= span) {
            return -1;
        }
        int index = SizeClasses.divideByReciprocal(offset, reciprocal);
        return (long) index * objectSize == offset ? index : -1;
    }

    long addressOf(int index) {
        return address + (long) index * objectSize;
    }

    /** Whether a user holds the object, with memory effects as specified by {@code VarHandle#getAcquire}. */
    boolean isInUse(int index) {
        return (byte) OWNED.getAcquire(inUse, index) == HELD;
    }

    /** This slab's ownership bytes, for the region's page table. */
    byte[] ownership() {
        return inUse;
    }

    /** The layout word of every slab of {@code sizeClass} (see the overview). */
    static long layout(int sizeClass) {
        long shift = Integer.numberOfTrailingZeros(SizeClasses.slabBytes(sizeClass));
        long sizeInGranules = SizeClasses.size(sizeClass) >>> 3;
        return SizeClasses.reciprocal(sizeClass) << RECIPROCAL_OFFSET | sizeInGranules << SIZE_OFFSET
                | shift << SHIFT_OFFSET | sizeClass;
    }

    /** The size class a layout word describes. */
    static int sizeClassOf(long layout) {
        return (int) layout & ((1 << CLASS_BITS) - 1);
    }

    /** The object size a layout word describes. */
    static int objectSizeOf(long layout) {
        return ((int) (layout >>> SIZE_OFFSET) & ((1 << 13) - 1)) << 3;
    }

    /**
     * The object index of {@code addr} in the slab of {@code layout} whose ownership bytes are {@code owned}, or -1
     * if {@code addr} is not the start of one of its objects (interior, or in the slab's tail).
     */
    static int indexOf(long layout, byte[] owned, long addr) {
        long product = offsetIn(layout, addr) * (layout >>> RECIPROCAL_OFFSET);
        int index = (int) (product >>> SizeClasses.RECIPROCAL_SHIFT);
        if ((product & FRACTION_MASK) >= layout >>> RECIPROCAL_OFFSET || index >= owned.length) {
            return -1;
        }
        return index;
    }

    /** The index of an object known to be the start of one (taken from a cache): no validation. */
    static int indexOfOwn(long layout, long addr) {
        return (int) ((offsetIn(layout, addr) * (layout >>> RECIPROCAL_OFFSET)) >>> SizeClasses.RECIPROCAL_SHIFT);
    }

    private static long offsetIn(long layout, long addr) {
        return addr & ((1L << (layout >>> SHIFT_OFFSET)) - 1);
    }

    /**
     * Marks an object taken from the calling thread's cache as held by a user, with memory effects as specified by
     * {@code VarHandle#setRelease}; false if it already was (allocator metadata corrupt).
     */
    static boolean markInUse(byte[] owned, int index) {
        // Plain read: only this thread writes the byte of an object in its cache; a racing bogus free fails its CAS.
        if (owned[index] != RETURNED) {
            return false;
        }
        OWNED.setRelease(owned, index, HELD);
        return true;
    }

    /** Marks an object as returned by its user; false if it was not held (a double free or a never-allocated slot). */
    static boolean clearInUse(byte[] owned, int index) {
        return OWNED.compareAndSet(owned, index, HELD, RETURNED);
    }

    /** Takes up to {@code n} free objects into {@code out[from..]}; returns how many. Caller holds the lock. */
    int take(long[] out, int from, int n) {
        int got = 0;
        final long[] free = this.free;
        for (int w = scanWord; w < free.length && got < n; w++) {
            long bits = free[w];
            while (bits != 0 && got < n) {
                int b = Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                out[from + got++] = addressOf((w << 6) + b);
            }
            free[w] = bits;
            if (bits == 0) {
                scanWord = w + 1;
            }
        }
        freeCount -= got;
        return got;
    }

    /** Returns one object to this slab; false if it was already free here (metadata corrupt). Caller holds lock. */
    boolean put(int index) {
        long bit = 1L << index;
        int w = index >>> 6;
        if ((free[w] & bit) != 0) {
            return false;
        }
        free[w] |= bit;
        if (w < scanWord) {
            scanWord = w;
        }
        freeCount++;
        return true;
    }
}
