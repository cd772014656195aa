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

    private static final VarHandle OWNED = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final byte HELD = 1;
    private static final byte RETURNED = 0;

    final Region region;
    final int headPage;
    final int order;
    final long address;
    final int sizeClass;
    final int objectSize;
    final int capacity;
    private final long span; // capacity * objectSize: the bytes holding objects
    private final long reciprocal; // SizeClasses.reciprocal(sizeClass), here to save the free path a table load

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
        // One unsigned comparison rejects both an address below the slab and one past its last object.
        if (Long.compareUnsigned(offset, span) >= 0) {
            return -1;
        }
        return SizeClasses.exactQuotient(offset, reciprocal);
    }

    /** The index of an object known to be the start of one of ours (taken from a cache): no validation. */
    int indexOfOwn(long addr) {
        return SizeClasses.divideByReciprocal(addr - address, reciprocal);
    }

    long addressOf(int index) {
        return address + (long) index * objectSize;
    }

    /** Whether a user holds the object, with memory effects as specified by {@code VarHandle#getAcquire}. */
    boolean isInUse(int index) {
        return (byte) OWNED.getAcquire(inUse, index) == HELD;
    }

    /**
     * Marks an object taken from the calling thread's cache as held by a user, with memory effects as specified by
     * {@code VarHandle#setRelease}; false if it already was (allocator metadata corrupt).
     */
    boolean markInUse(int index) {
        // Plain read: only this thread writes the byte of an object in its cache; a racing bogus free fails its CAS.
        if (inUse[index] != RETURNED) {
            return false;
        }
        OWNED.setRelease(inUse, index, HELD);
        return true;
    }

    /** Marks an object as returned by its user; false if it was not held (a double free or a never-allocated slot). */
    boolean clearInUse(int index) {
        return OWNED.compareAndSet(inUse, index, HELD, RETURNED);
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
