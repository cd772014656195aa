/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import java.lang.foreign.MemorySegment;

/**
 * An {@link OffHeapAllocator} as seen by one thread: the same allocations, frees and checks, with the thread's
 * cache held in a field instead of looked up in a {@link ThreadLocal} on every call. Obtain it with
 * {@link OffHeapAllocator#forCurrentThread()} and keep it where the thread's hot loop can reach it (a field of a
 * thread-confined object, a local variable).
 *
 * <p>Only the owner thread may call it: every method checks the calling thread first and throws
 * {@link WrongThreadException} otherwise, before touching memory. Memory allocated through a view may be freed
 * through the allocator or through any thread's view, and the other way round. The default safety of the allocator
 * is unchanged: a double free, or a free of a foreign or interior address, throws.
 */
public final class ThreadBoundAllocator {

    /*
     * The fast paths below repeat OffHeapAllocator's small-object paths with the cache as a final field: a call
     * costs a thread identity check, the open check, the class lookup and the cache's stack operation, plus the
     * ownership byte of the object (a plain store on allocate, one compare-and-set on free).
     */

    private final OffHeapAllocator allocator;
    private final Thread owner;
    private final ThreadCache cache; // the owner's cache; null when it has none (virtual thread, caches off, checked)

    ThreadBoundAllocator(OffHeapAllocator allocator, Thread owner, ThreadCache cache) {
        this.allocator = allocator;
        this.owner = owner;
        this.cache = cache;
    }

    /**
     * Returns the allocator this view belongs to.
     *
     * @return the allocator
     */
    public OffHeapAllocator allocator() {
        return allocator;
    }

    /**
     * Returns the only thread that may use this view.
     *
     * @return the owner thread
     */
    public Thread owner() {
        return owner;
    }

    /**
     * Allocates {@code size} bytes, 8-byte aligned, as {@link OffHeapAllocator#allocate(long)} does.
     *
     * @param size the size in bytes, in {@code [1, OffHeapAllocator.MAX_REQUEST]}
     * @return a segment of exactly {@code size} bytes, contents unspecified
     * @throws WrongThreadException        if the caller is not the owner thread
     * @throws IllegalArgumentException    for a size out of range
     * @throws IllegalStateException       if the allocator is closed
     * @throws OffHeapMemoryExhaustedError if the limit is reached or the kernel refuses memory
     */
    public MemorySegment allocate(long size) {
        checkOwner();
        final ThreadCache cache = this.cache;
        if (cache != null && size > 0 && size <= SizeClasses.MAX_SMALL_SIZE) {
            allocator.ensureOpen();
            return allocator.takeSegment(cache, SizeClasses.classOfUnchecked(size), size);
        }
        return allocator.allocate(size);
    }

    /**
     * Allocates {@code size} bytes and returns the raw address, as {@link OffHeapAllocator#allocateAddress(long)}
     * does: the caller is responsible for every access.
     *
     * @param size the size in bytes, in {@code [1, OffHeapAllocator.MAX_REQUEST]}
     * @return the address of at least {@code size} writable bytes, 8-byte aligned
     * @throws WrongThreadException        if the caller is not the owner thread
     * @throws IllegalArgumentException    for a size out of range
     * @throws IllegalStateException       if the allocator is closed
     * @throws OffHeapMemoryExhaustedError if the limit is reached or the kernel refuses memory
     */
    public long allocateAddress(long size) {
        checkOwner();
        final ThreadCache cache = this.cache;
        if (cache != null && size > 0 && size <= SizeClasses.MAX_SMALL_SIZE) {
            allocator.ensureOpen();
            return allocator.take(cache, SizeClasses.classOfUnchecked(size));
        }
        return allocator.allocateAddress(size);
    }

    /**
     * Frees a segment from this allocator, as {@link OffHeapAllocator#free(MemorySegment)} does.
     *
     * @param segment the segment; its address must be the start of a live allocation of at least its size
     * @throws WrongThreadException     if the caller is not the owner thread
     * @throws IllegalArgumentException for a segment this allocator did not hand out, or an interior one
     * @throws IllegalStateException    for a double free, or if the allocator is closed
     */
    public void free(MemorySegment segment) {
        checkOwner();
        allocator.freeBound(cache, segment.address(), segment.byteSize());
    }

    /**
     * Frees an address from this allocator, as {@link OffHeapAllocator#freeAddress(long)} does.
     *
     * @param address the start of a live allocation
     * @throws WrongThreadException     if the caller is not the owner thread
     * @throws IllegalArgumentException for an address this allocator did not hand out, or an interior one
     * @throws IllegalStateException    for a double free, or if the allocator is closed
     */
    public void freeAddress(long address) {
        checkOwner();
        allocator.freeBound(cache, address, 0);
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("this allocator view belongs to " + owner + ", not to "
                    + Thread.currentThread() + "; call OffHeapAllocator.forCurrentThread() on each thread");
        }
    }
}
