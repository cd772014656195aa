/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A per-class stack of free object addresses. A platform thread owns one and touches it without a lock; the shared
 * stripes that virtual threads use are guarded by {@link #lock}. Each class holds at most two batches; a push onto
 * a full stack returns the oldest batch to the central list, a pop from an empty one fetches a batch.
 */
final class ThreadCache {

    final Thread owner; // null for a shared stripe
    final ReentrantLock lock; // stripes only
    final long[][] stacks = new long[SizeClasses.count()][];
    final int[] counts = new int[SizeClasses.count()]; // plain: written by the owner (or stripe-lock holder) only

    ThreadBoundAllocator handle; // plain: created and read by the owner only
    // Plain, owner (or stripe-lock holder) only: the region of the last address looked up, tried before the page
    // heap's region list. Regions are never removed before close(), so it stays valid; it changes (a reference store,
    // with its GC write barrier) only when the thread's addresses move to another region.
    Region region;

    ThreadCache(Thread owner) {
        this.owner = owner;
        this.lock = owner == null ? new ReentrantLock() : null;
        for (int c = 0; c < stacks.length; c++) {
            stacks[c] = new long[2 * SizeClasses.batch(c)];
        }
    }

    /** Bytes held, read racily by stats (a plain read of another thread's counts). */
    long cachedBytes() {
        long bytes = 0;
        for (int c = 0; c < counts.length; c++) {
            bytes += (long) counts[c] * SizeClasses.size(c);
        }
        return bytes;
    }
}
