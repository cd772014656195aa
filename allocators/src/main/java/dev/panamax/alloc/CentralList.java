/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The central free list of one size class: the slabs that have free objects, moved to and from thread caches a
 * batch at a time under one lock. A slab whose objects all come back is returned to the page heap, except one spare
 * kept per class so that a class oscillating around a slab boundary does not split and merge buddies each time.
 */
final class CentralList {

    final int sizeClass;
    final ReentrantLock lock = new ReentrantLock();
    private final PageHeap heap;
    private final Set<Long> poisoned; // checked mode only, else null: addresses filled with poison on free
    private Slab partial; // head of the partial list, guarded by lock
    private Slab spare; // one fully free, unlisted slab, guarded by lock
    private int slabs; // guarded by lock
    private long freeObjects; // guarded by lock

    /** How many times {@link #acquire()} retries before it parks: a batch move takes about a microsecond. */
    private static final int SPINS = 128;

    CentralList(int sizeClass, PageHeap heap, Set<Long> poisoned) {
        this.sizeClass = sizeClass;
        this.heap = heap;
        this.poisoned = poisoned;
    }

    /**
     * Takes {@link #lock}, spinning briefly before parking. The lock is held for one batch move (a microsecond or
     * so), while parking and unparking a thread costs several: a producer refilling while a consumer releases
     * (cross-thread frees) would otherwise convoy on the lock and fall to a fraction of the uncontended rate.
     */
    void acquire() {
        final ReentrantLock lock = this.lock;
        for (int i = 0; i < SPINS; i++) {
            if (lock.tryLock()) {
                return;
            }
            Thread.onSpinWait();
        }
        lock.lock();
    }

    /**
     * Fills {@code out[0..)} with up to {@code n} free objects, carving new slabs as needed; returns how many. Caller
     * holds the lock.
     *
     * @throws OffHeapMemoryExhaustedError only if not a single object could be found
     */
    int refill(long[] out, int n) {
        int got = 0;
        while (got < n) {
            Slab s = partial;
            if (s == null) {
                if (spare != null) {
                    s = spare;
                    spare = null;
                } else {
                    try {
                        s = newSlab();
                    } catch (OffHeapMemoryExhaustedError e) {
                        if (got == 0) {
                            throw e;
                        }
                        // Objects already taken must reach the cache, or they would be lost to every list.
                        return got;
                    }
                }
                link(s);
            }
            int taken = s.take(out, got, n - got);
            got += taken;
            freeObjects -= taken;
            if (s.freeCount == 0) {
                unlink(s);
            }
        }
        return got;
    }

    /** Returns objects {@code addrs[from..from+n)} to their slabs. Caller holds the lock. */
    void release(long[] addrs, int from, int n) {
        for (int i = from; i < from + n; i++) {
            long addr = addrs[i];
            Slab s = heap.regionOf(addr).slabAt(addr);
            if (!s.put(s.indexOf(addr))) {
                throw new IllegalStateException("allocator metadata corrupt: object 0x" + Long.toHexString(addr)
                        + " returned twice to its slab");
            }
            freeObjects++;
            if (!s.listed) {
                link(s);
            }
            if (s.freeCount == s.capacity) {
                unlink(s);
                if (spare == null) {
                    spare = s;
                } else {
                    releaseSlab(s);
                }
            }
        }
    }

    /** Returns the spare slab to the page heap. Caller holds the lock. */
    void dropSpare() {
        if (spare != null) {
            Slab s = spare;
            spare = null;
            releaseSlab(s);
        }
    }

    int slabs() {
        return slabs;
    }

    long freeObjects() {
        return freeObjects;
    }

    private Slab newSlab() {
        Slab s = heap.allocateSlab(sizeClass);
        slabs++;
        freeObjects += s.capacity;
        return s;
    }

    private void releaseSlab(Slab s) {
        slabs--;
        freeObjects -= s.capacity;
        if (poisoned != null) {
            // The pages may be purged (zeroed) or reused by another class: their poison means nothing any more.
            for (int i = 0; i < s.capacity; i++) {
                poisoned.remove(s.addressOf(i));
            }
        }
        heap.releaseSlab(s);
    }

    private void link(Slab s) {
        s.listed = true;
        s.prev = null;
        s.next = partial;
        if (partial != null) {
            partial.prev = s;
        }
        partial = s;
    }

    private void unlink(Slab s) {
        if (s.prev != null) {
            s.prev.next = s.next;
        } else {
            partial = s.next;
        }
        if (s.next != null) {
            s.next.prev = s.prev;
        }
        s.prev = null;
        s.next = null;
        s.listed = false;
    }
}
