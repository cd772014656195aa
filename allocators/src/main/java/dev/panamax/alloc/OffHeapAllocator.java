/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import dev.panamax.ffm.Feature;
import dev.panamax.ffm.Memory;
import dev.panamax.ffm.NodeSet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An off-heap allocator in the style of tcmalloc: one instance is one arena with its own reserved regions,
 * placement (transparent huge pages, NUMA node) and limit.
 *
 * <ul>
 *   <li>Requests up to {@value SizeClasses#MAX_SMALL_SIZE} bytes are rounded to one of the {@link SizeClasses}
 *       and served from slabs; each platform thread has a cache of free objects per class, refilled from and
 *       drained to the class's central list a batch at a time.</li>
 *   <li>Larger requests up to 2 MiB take a buddy block of the next power of two of pages; larger still get a
 *       dedicated mapping.</li>
 *   <li>Regions are reserved with {@code MAP_NORESERVE}: address space is cheap, pages are committed when first
 *       written. Free pages go back to the kernel with {@code MADV_DONTNEED} on {@link #purge()} and automatically
 *       once more than {@link Builder#purgeThresholdBytes(long) a threshold} of freed pages has accumulated.</li>
 * </ul>
 *
 * <p><b>Threads.</b> All methods are thread-safe. An object may be freed by any thread: it goes into the freeing
 * thread's cache and from there back to the slab it came from. The caches of threads that have died are returned to
 * the central lists when the next thread registers a cache, on {@link #purge()} and on {@link #stats()}.
 * <b>Virtual threads do not get a cache each</b> (there may be millions): they share a small array of locked
 * stripes, picked by thread id, which bounds the memory parked in caches to {@code stripes × per-cache bound}
 * whatever the number of virtual threads. A platform thread's hot loop can hold its {@link #forCurrentThread() view}
 * ({@link ThreadBoundAllocator}) to skip the thread-local lookup of its cache on every call.
 *
 * <p><b>Safety.</b> Every entry point validates sizes, alignments and the open state before touching memory. A
 * double free, and a free of an address this allocator did not hand out (foreign or interior), throws
 * {@link IllegalStateException} or {@link IllegalArgumentException} from the side metadata, in every mode, as long as
 * the slot has not been handed out again. {@link Builder#checked(boolean) Checked mode} adds a canary after each
 * object (overruns are reported on free), fills freed small objects with a poison pattern and verifies it when the
 * slot is reused (writes after free are reported then), at the cost of a hash-map update per call.
 *
 * <p><b>Raw addresses.</b> {@link #allocateAddress(long)} and {@link #freeAddress(long)} skip the segment: the
 * returned address is valid until freed or until the allocator is closed, and every access through it is the
 * caller's responsibility, without bounds or lifetime checks. Prefer {@link #allocate(long)}: its segments are
 * bounds-checked and become inaccessible when the allocator is closed.
 */
public final class OffHeapAllocator implements AutoCloseable {

    /*
     * Overview.
     *
     * Three levels, each with its own lock, always taken in this order: registry (thread caches), central list of a
     * size class, page heap. Nothing holds a lower lock while taking a higher one.
     *
     *   allocate(n <= 32 KiB)  thread cache pop ──empty──> central[cls].refill (batch) ──no slab──> heap.allocateSlab
     *   free(small)            thread cache push ──full──> central[cls].release (oldest batch) ──slab empty──> heap
     *   allocate(n <= 2 MiB)   heap.allocateLarge: one buddy block, page state LARGE
     *   allocate(n > 2 MiB)    a dedicated mapping, keyed by address in `dedicated`
     *
     * Ownership of a small object is one byte in its slab's `inUse` table, set by allocate with a release store and
     * cleared by free with a compare-and-set. That byte is the only slab state touched without a lock, and the CAS is
     * what turns a second free of the same address into an exception instead of a duplicate entry in a cache; the
     * allocate side needs no atomic instruction because only the thread whose cache holds the object writes its byte
     * (a byte, not a bit in a shared word, so no other object's free can race with that store). Everything else a
     * free needs (region, slab, index) is immutable while the object is in use: a slab is only unmapped from its
     * pages once all its objects are back under the central lock.
     *
     * The hot path reaches the thread's cache through a ThreadLocal, or, for a ThreadBoundAllocator, through a final
     * field after an identity check of the calling thread. The cache holds addresses only: allocate finds the slab
     * from the address (region, page), which measured cheaper than keeping a Slab reference next to each address,
     * whose store on every free pays a GC write barrier. Central-list locks spin briefly before parking (see
     * CentralList.acquire).
     *
     * A thread cache's counts and stacks are plain fields: the owner is the only writer; stats() reads them racily
     * (documented as approximate) and reclaimDeadThreadCaches() reads them after Thread.isAlive() returned false,
     * which orders the dead owner's last writes before the read (JLS 17.4.4).
     *
     * Regions are published through the volatile `regions` array of the page heap (copy-on-write), so the lock-free
     * address lookup of free() sees a region's metadata fully built.
     */

    /** Largest accepted request: 2^46 bytes (64 TiB), beyond any machine this runs on. */
    public static final long MAX_REQUEST = 1L << 46;
    private static final long CANARY = 0x5A5AC0FFEE5A5A5AL;
    private static final byte POISON = (byte) 0xDF;
    private static final int CANARY_BYTES = 8;
    private static final MemorySegment POISONED = poisonedReference();

    private final PageHeap heap;
    private final CentralList[] central = new CentralList[SizeClasses.count()];
    private final Placement placement;
    private final boolean checked;
    private final boolean threadCaches;
    private final ThreadLocal<ThreadCache> cache = new ThreadLocal<>();
    private final ThreadCache[] stripes;
    private final ReentrantLock registryLock = new ReentrantLock();
    private final List<ThreadCache> registry = new ArrayList<>(); // guarded by registryLock
    private int nextScan = 16; // guarded by registryLock: registry size that triggers a dead-thread scan
    private final Map<Long, Mapping> dedicated = new ConcurrentHashMap<>();
    private final Map<Long, Long> requested; // checked mode: address -> requested size
    private final Set<Long> poisoned; // checked mode: small objects freed and filled with POISON
    private final ReentrantLock closeLock = new ReentrantLock(); // orders publish() of a mapping with close()
    private volatile boolean closed; // written once by close() under closeLock, read (volatile) by every entry point

    private OffHeapAllocator(Builder b) {
        this.placement = new Placement(b.hugePages, b.numaNode);
        this.heap = new PageHeap(b.regionBytes, b.limitBytes, b.purgeThresholdBytes, placement);
        this.checked = b.checked;
        this.requested = checked ? new ConcurrentHashMap<>() : null;
        this.poisoned = checked ? ConcurrentHashMap.newKeySet() : null;
        for (int c = 0; c < central.length; c++) {
            central[c] = new CentralList(c, heap, poisoned);
        }
        this.threadCaches = b.threadCaches;
        int n = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 2 - 1) << 1;
        this.stripes = new ThreadCache[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new ThreadCache(null);
        }
    }

    /**
     * Returns a builder with the defaults: 1 GiB regions, limit from the cgroup's {@code memory.max} (or
     * unlimited), purge threshold 64 MiB, no huge pages, no NUMA binding, thread caches on, checked mode off.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Allocates {@code size} bytes, 8-byte aligned.
     *
     * @param size the size in bytes, in {@code [1, MAX_REQUEST]}
     * @return a segment of exactly {@code size} bytes, contents unspecified
     * @throws IllegalArgumentException    for a size out of range
     * @throws IllegalStateException       if the allocator is closed
     * @throws OffHeapMemoryExhaustedError if the limit is reached or the kernel refuses memory
     */
    public MemorySegment allocate(long size) {
        // Kept small so that it inlines into the caller and the segment can be scalar-replaced there.
        if (size > 0 && size <= SizeClasses.MAX_SMALL_SIZE && !checked) {
            ensureOpen();
            return takeSmallSegment(SizeClasses.classOfUnchecked(size), size);
        }
        return allocate(size, 8);
    }

    /**
     * Allocates {@code size} bytes aligned to {@code alignment} (e.g. 4096 for {@code O_DIRECT} buffers).
     *
     * @param size      the size in bytes, in {@code [1, MAX_REQUEST]}
     * @param alignment a power of two up to 1 GiB
     * @return a segment of exactly {@code size} bytes whose address is a multiple of {@code alignment}
     * @throws IllegalArgumentException    for a size or alignment out of range
     * @throws IllegalStateException       if the allocator is closed
     * @throws OffHeapMemoryExhaustedError if the limit is reached or the kernel refuses memory
     */
    public MemorySegment allocate(long size, long alignment) {
        checkSize(size);
        checkAlignment(alignment);
        ensureOpen();
        if (!checked && size <= SizeClasses.MAX_SMALL_SIZE && alignment <= 8) {
            return takeSmallSegment(SizeClasses.classOfUnchecked(size), size);
        }
        long address = allocateChecked(size, alignment);
        return segmentOf(address, size);
    }

    /**
     * Allocates {@code size} bytes and returns the raw address. The caller must free it with
     * {@link #freeAddress(long)} and is responsible for every access: nothing checks bounds or lifetime.
     *
     * @param size the size in bytes, in {@code [1, MAX_REQUEST]}
     * @return the address of at least {@code size} writable bytes, 8-byte aligned
     * @throws IllegalArgumentException    for a size out of range
     * @throws IllegalStateException       if the allocator is closed
     * @throws OffHeapMemoryExhaustedError if the limit is reached or the kernel refuses memory
     */
    public long allocateAddress(long size) {
        checkSize(size);
        ensureOpen();
        if (size <= SizeClasses.MAX_SMALL_SIZE && !checked) {
            // Fast path: no segment.
            return takeSmall(SizeClasses.classOfUnchecked(size));
        }
        return allocateChecked(size, 8);
    }

    /**
     * Frees a segment returned by {@link #allocate} or {@link #reallocate}.
     *
     * @param segment the segment; its address must be the start of a live allocation of at least its size
     * @throws IllegalArgumentException for a segment this allocator did not hand out, or an interior one
     * @throws IllegalStateException    for a double free, or if the allocator is closed
     */
    public void free(MemorySegment segment) {
        ensureOpen();
        freeAddress0(segment.address(), segment.byteSize());
    }

    /**
     * Frees an address returned by {@link #allocateAddress(long)} (or the address of an allocated segment).
     *
     * @param address the start of a live allocation
     * @throws IllegalArgumentException for an address this allocator did not hand out, or an interior one
     * @throws IllegalStateException    for a double free, or if the allocator is closed
     */
    public void freeAddress(long address) {
        ensureOpen();
        freeAddress0(address, 0);
    }

    /**
     * Resizes an allocation, in place when the new size fits the same size class or block; a dedicated mapping
     * (above 2 MiB, or allocated with an alignment above 2 MiB) resized to above 2 MiB is moved by the kernel
     * ({@code mremap}) without a copy unless it was allocated with an alignment above a page; otherwise
     * {@code min(old, new)} bytes are copied to a new allocation and the old one is freed.
     *
     * @param segment a live segment from this allocator
     * @param newSize the new size in bytes, in {@code [1, MAX_REQUEST]}
     * @return a segment of exactly {@code newSize} bytes, 8-byte aligned, or, when {@code segment} is a dedicated
     *         mapping, aligned as it was allocated; {@code segment} must not be used again
     * @throws IllegalArgumentException for a bad size or a segment this allocator did not hand out
     * @throws IllegalStateException    for a freed segment, or if the allocator is closed
     */
    public MemorySegment reallocate(MemorySegment segment, long newSize) {
        checkSize(newSize);
        ensureOpen();
        long address = segment.address();
        long usable = usableSize(address);
        if (segment.byteSize() > usable) {
            throw new IllegalArgumentException("reallocate of a segment larger than its allocation");
        }
        if (!checked && newSize <= usable && sameBucket(newSize, usable)) {
            return segmentOf(address, newSize);
        }
        Mapping mapping = dedicated.get(address);
        if (!checked && mapping != null && newSize > Region.MAX_BLOCK && mapping.remappable()) {
            return remapDedicated(address, mapping, newSize);
        }
        // A dedicated mapping records the alignment it was asked for (blocks and slab objects do not).
        MemorySegment fresh = mapping == null ? allocate(newSize) : allocate(newSize, mapping.alignment());
        fresh.copyFrom(segment.asSlice(0, Math.min(segment.byteSize(), newSize)));
        free(segment);
        return fresh;
    }

    /**
     * Returns the usable size of a live allocation: its size class, block or mapping size.
     *
     * @param address the start of a live allocation
     * @return the bytes that may be used from {@code address}
     * @throws IllegalArgumentException for an address this allocator did not hand out
     * @throws IllegalStateException    for an address that is not allocated, or if the allocator is closed
     */
    public long usableSize(long address) {
        ensureOpen();
        Region r = heap.regionOf(address);
        if (r == null) {
            Mapping m = dedicated.get(address);
            if (m == null) {
                throw foreign(address);
            }
            long size = m.segment().byteSize() - (address - m.segment().address());
            return checked ? size - CANARY_BYTES : size;
        }
        Slab s = r.slabAt(address);
        if (s != null) {
            int index = s.indexOf(address);
            if (index < 0) {
                throw interior(address);
            }
            if (!s.isInUse(index)) {
                throw new IllegalStateException("0x" + Long.toHexString(address) + " is not a live allocation");
            }
            return checked ? s.objectSize - CANARY_BYTES : s.objectSize;
        }
        long size = heap.largeSize(r, address);
        if (size < 0) {
            throw new IllegalStateException("0x" + Long.toHexString(address) + " is not a live allocation");
        }
        return checked ? size - CANARY_BYTES : size;
    }

    /**
     * Returns a view of this allocator bound to the calling thread, whose small allocations and frees go straight
     * to the thread's cache without a {@link ThreadLocal} lookup. The same object is returned on every call from
     * one platform thread. Virtual threads (which share locked stripes instead of owning a cache), allocators built
     * with {@link Builder#threadCaches(boolean) threadCaches(false)} and {@link Builder#checked(boolean) checked}
     * allocators get a view that simply delegates to this allocator.
     *
     * @return the calling thread's view; only that thread may use it
     * @throws IllegalStateException if the allocator is closed
     */
    public ThreadBoundAllocator forCurrentThread() {
        ensureOpen();
        Thread t = Thread.currentThread();
        if (checked || !threadCaches || t.isVirtual()) {
            return new ThreadBoundAllocator(this, t, null);
        }
        ThreadCache c = platformCache();
        if (c.handle == null) {
            c.handle = new ThreadBoundAllocator(this, t, c);
        }
        return c.handle;
    }

    /**
     * Returns the calling thread's cached objects to the central lists (e.g. before a thread pool shrinks).
     *
     * @throws IllegalStateException if the allocator is closed
     */
    public void flushThreadCache() {
        ensureOpen();
        ThreadCache c = cache.get();
        if (c != null) {
            drain(c);
        }
    }

    /**
     * Gives free memory back to the kernel: reclaims the caches of dead threads, drains the shared stripes of
     * virtual threads, returns spare empty slabs to the page heap and discards every free page run with
     * {@code MADV_DONTNEED}, so the process's resident set falls. Live platform threads keep their private caches
     * (see {@link #flushThreadCache()}).
     *
     * @return the bytes discarded
     * @throws IllegalStateException if the allocator is closed
     */
    public long purge() {
        ensureOpen();
        reclaimDeadThreadCaches();
        for (ThreadCache stripe : stripes) {
            stripe.lock.lock();
            try {
                drain(stripe);
            } finally {
                stripe.lock.unlock();
            }
        }
        for (CentralList list : central) {
            list.lock.lock();
            try {
                list.dropSpare();
            } finally {
                list.lock.unlock();
            }
        }
        return heap.purge();
    }

    /**
     * Returns the caches of threads that have terminated to the central lists. Runs by itself as threads register;
     * call it to make the numbers of {@link #stats()} exact after a pool of threads has ended.
     *
     * @return the number of caches reclaimed
     */
    public int reclaimDeadThreadCaches() {
        List<ThreadCache> dead = new ArrayList<>();
        registryLock.lock();
        try {
            // isAlive() returning false orders the dead thread's last writes to its cache before our reads.
            registry.removeIf(c -> {
                boolean isDead = !c.owner.isAlive();
                if (isDead) {
                    dead.add(c);
                }
                return isDead;
            });
        } finally {
            registryLock.unlock();
        }
        for (ThreadCache c : dead) {
            drain(c);
        }
        return dead.size();
    }

    /**
     * Takes a snapshot of the allocator's numbers; reads resident pages with {@code mincore(2)}.
     *
     * @return the snapshot
     * @throws IllegalStateException if the allocator is closed
     */
    public AllocatorStats stats() {
        return statsForTests(true);
    }

    AllocatorStats statsForTests(boolean reclaim) {
        ensureOpen();
        if (reclaim) {
            reclaimDeadThreadCaches();
        }
        long[] cached = new long[central.length];
        int liveCaches;
        registryLock.lock();
        try {
            liveCaches = registry.size();
            for (ThreadCache c : registry) {
                addCounts(c, cached);
            }
        } finally {
            registryLock.unlock();
        }
        for (ThreadCache c : stripes) {
            c.lock.lock();
            try {
                addCounts(c, cached);
            } finally {
                c.lock.unlock();
            }
        }
        List<AllocatorStats.ClassStats> classes = new ArrayList<>(central.length);
        long smallLive = 0;
        long cachedBytes = 0;
        for (int c = 0; c < central.length; c++) {
            CentralList list = central[c];
            int slabs;
            long free;
            list.lock.lock();
            try {
                slabs = list.slabs();
                free = list.freeObjects();
            } finally {
                list.lock.unlock();
            }
            int size = SizeClasses.size(c);
            long capacity = (long) slabs * ((Region.PAGE_SIZE << PageHeap.orderFor(SizeClasses.slabBytes(c))) / size);
            long live = Math.max(0, capacity - free - cached[c]);
            smallLive += live * size;
            cachedBytes += cached[c] * size;
            classes.add(new AllocatorStats.ClassStats(size, slabs, live, free, cached[c]));
        }
        long[] page = heap.snapshot();
        long reserved = page[0] + page[5];
        long committed = page[0] - page[1] + page[2] + page[5];
        long allocated = smallLive + page[4] + page[5];
        double fragmentation = committed == 0 ? 0 : 1 - (double) allocated / committed;
        return new AllocatorStats(allocated, reserved, committed, residentBytes(), page[1], page[2], cachedBytes,
                liveCaches, fragmentation, List.copyOf(classes));
    }

    /**
     * Unmaps every region and dedicated mapping. Segments from this allocator become inaccessible (they throw
     * {@link IllegalStateException}); raw addresses become invalid and must not be used. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closeLock.lock();
        try {
            closed = true;
        } finally {
            closeLock.unlock();
        }
        heap.close();
        // Each mapping is unmapped by whoever removes it: this loop or a racing free, never both.
        for (Long address : dedicated.keySet()) {
            Mapping m = dedicated.remove(address);
            if (m != null) {
                m.close();
            }
        }
    }

    private long allocateChecked(long size, long alignment) {
        if (!checked) {
            return allocate0(size, alignment);
        }
        long address = allocate0(size + CANARY_BYTES, alignment);
        MemorySegment whole = segmentOf(address, size + CANARY_BYTES);
        if (poisoned.remove(address)) {
            long usable = usableSize(address) + CANARY_BYTES;
            long written = segmentOf(address, usable).mismatch(POISONED.asSlice(0, usable));
            if (written >= 0) {
                throw new IllegalStateException("use after free: the block at 0x" + Long.toHexString(address)
                        + " was written at offset " + written + " after it was freed");
            }
        }
        whole.set(ValueLayout.JAVA_LONG_UNALIGNED, size, CANARY);
        requested.put(address, size);
        return address;
    }

    /** A read-only heap segment of the largest slot, filled with {@link #POISON}, to compare freed slots with. */
    private static MemorySegment poisonedReference() {
        byte[] bytes = new byte[SizeClasses.MAX_SMALL_SIZE];
        Arrays.fill(bytes, POISON);
        return MemorySegment.ofArray(bytes).asReadOnly();
    }

    private long allocate0(long size, long alignment) {
        if (size <= SizeClasses.MAX_SMALL_SIZE && alignment <= Region.PAGE_SIZE) {
            int cls = SizeClasses.classOfUnchecked(size);
            if (alignment > 8) {
                while (SizeClasses.size(cls) % alignment != 0) {
                    cls++;
                }
            }
            return allocateSmall(cls);
        }
        long bytes = Math.max(size, alignment);
        if (bytes <= Region.MAX_BLOCK) {
            return heap.allocateLarge(PageHeap.orderFor(bytes));
        }
        return allocateDedicated(size, alignment);
    }

    private long allocateSmall(int cls) {
        return takeSmall(cls);
    }

    /** Takes a free object of class {@code cls} from this thread's cache or stripe, marked as held. */
    private long takeSmall(int cls) {
        if (threadCaches && !Thread.currentThread().isVirtual()) {
            ThreadCache c = cache.get();
            return take(c != null ? c : platformCache(), cls);
        }
        return takeFromStripe(cls);
    }

    /** {@link #takeSmall} as a segment of {@code size} bytes. */
    private MemorySegment takeSmallSegment(int cls, long size) {
        if (threadCaches && !Thread.currentThread().isVirtual()) {
            ThreadCache c = cache.get();
            return takeSegment(c != null ? c : platformCache(), cls, size);
        }
        long address = takeFromStripe(cls);
        Region r = heap.regionOf(address);
        return r.segment.asSlice(address - r.base, size);
    }

    private long takeFromStripe(int cls) {
        ThreadCache c = stripe();
        try {
            return take(c, cls);
        } finally {
            c.lock.unlock();
        }
    }

    /** Pops an object of class {@code cls} from a cache the caller owns and marks it held; returns its address. */
    long take(ThreadCache c, int cls) {
        int n = c.counts[cls];
        if (n == 0) {
            n = refill(c, cls);
        }
        n--;
        c.counts[cls] = n;
        long address = c.stacks[cls][n];
        // Looked up rather than kept next to the address in the cache: a reference store into the cache on every
        // free costs a GC write barrier, more than these few loads.
        Slab s = regionOf(c, address).slabAt(address);
        if (!s.markInUse(s.indexOfOwn(address))) {
            throw corrupt(address);
        }
        return address;
    }

    /** The region holding {@code address}, trying the cache's last one first; null if none. */
    private Region regionOf(ThreadCache c, long address) {
        Region r = c.region;
        if (r != null && r.contains(address)) {
            return r;
        }
        r = heap.regionOf(address);
        if (r != null) {
            c.region = r;
        }
        return r;
    }

    /** {@link #take} as a segment of {@code size} bytes. */
    MemorySegment takeSegment(ThreadCache c, int cls, long size) {
        int n = c.counts[cls];
        if (n == 0) {
            n = refill(c, cls);
        }
        n--;
        c.counts[cls] = n;
        long address = c.stacks[cls][n];
        Region r = regionOf(c, address);
        Slab s = r.slabAt(address);
        if (!s.markInUse(s.indexOfOwn(address))) {
            throw corrupt(address);
        }
        return r.segment.asSlice(address - r.base, size);
    }

    private static IllegalStateException corrupt(long address) {
        return new IllegalStateException("allocator metadata corrupt: 0x" + Long.toHexString(address)
                + " handed out while in use");
    }

    private int refill(ThreadCache c, int cls) {
        CentralList list = central[cls];
        list.acquire();
        try {
            return list.refill(c.stacks[cls], SizeClasses.batch(cls));
        } finally {
            list.lock.unlock();
        }
    }

    private void push(ThreadCache c, int cls, long address) {
        long[] stack = c.stacks[cls];
        int n = c.counts[cls];
        if (n == stack.length) {
            n = releaseOldestBatch(c, n, cls);
        }
        stack[n] = address;
        c.counts[cls] = n + 1;
    }

    /** Returns the oldest batch of a full stack to the central list; returns the new count. */
    private int releaseOldestBatch(ThreadCache c, int n, int cls) {
        long[] stack = c.stacks[cls];
        int batch = SizeClasses.batch(cls);
        CentralList list = central[cls];
        list.acquire();
        try {
            list.release(stack, 0, batch);
        } finally {
            list.lock.unlock();
        }
        System.arraycopy(stack, batch, stack, 0, n - batch);
        return n - batch;
    }

    private ThreadCache platformCache() {
        ThreadCache c = cache.get();
        if (c == null) {
            c = new ThreadCache(Thread.currentThread());
            cache.set(c);
            boolean scan;
            registryLock.lock();
            try {
                registry.add(c);
                scan = registry.size() >= nextScan;
                if (scan) {
                    nextScan = registry.size() * 2;
                }
            } finally {
                registryLock.unlock();
            }
            if (scan) {
                reclaimDeadThreadCaches();
                registryLock.lock();
                try {
                    nextScan = Math.max(16, registry.size() * 2);
                } finally {
                    registryLock.unlock();
                }
            }
        }
        return c;
    }

    /** A locked stripe for a virtual thread (or any thread when caches are off); the caller unlocks it. */
    private ThreadCache stripe() {
        long id = Thread.currentThread().threadId();
        int mask = stripes.length - 1;
        int start = (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & mask;
        for (int i = 0; i < stripes.length; i++) {
            ThreadCache c = stripes[(start + i) & mask];
            if (c.lock.tryLock()) {
                return c;
            }
        }
        ThreadCache c = stripes[start];
        c.lock.lock();
        return c;
    }

    private void drain(ThreadCache c) {
        for (int cls = 0; cls < c.counts.length; cls++) {
            int n = c.counts[cls];
            if (n > 0) {
                CentralList list = central[cls];
                list.lock.lock();
                try {
                    list.release(c.stacks[cls], 0, n);
                } finally {
                    list.lock.unlock();
                }
                c.counts[cls] = 0;
            }
        }
    }

    private static void addCounts(ThreadCache c, long[] into) {
        for (int cls = 0; cls < into.length; cls++) {
            into[cls] += c.counts[cls];
        }
    }

    /** Frees {@code address}; {@code byteSize} is the size of the segment being freed (0 for a raw address). */
    private void freeAddress0(long address, long byteSize) {
        if (!checked && threadCaches && !Thread.currentThread().isVirtual()) {
            ThreadCache c = cache.get();
            if (c != null && freeToCache(c, address, byteSize)) {
                return;
            }
        }
        Region r = heap.regionOf(address);
        if (r != null && !checked) {
            Slab s = r.slabAt(address);
            if (s != null) {
                freeSmall(s, address, byteSize);
                return;
            }
        }
        freeSlow(r, address, byteSize);
    }

    /** The unchecked small-object free: every check of the slow path except the canary, in as few bytecodes. */
    private void freeSmall(Slab s, long address, long byteSize) {
        int index = s.indexOf(address);
        if (index < 0) {
            throw interior(address);
        }
        if (byteSize != 0 && byteSize > s.objectSize) {
            checkFits(address, byteSize, s.objectSize);
        }
        if (!s.clearInUse(index)) {
            throw doubleFree(address);
        }
        if (threadCaches && !Thread.currentThread().isVirtual()) {
            ThreadCache c = cache.get();
            push(c != null ? c : platformCache(), s.sizeClass, address);
        } else {
            pushToStripe(s.sizeClass, address);
        }
    }

    /**
     * The free of a {@link ThreadBoundAllocator}: {@code c} is the calling thread's own cache (null when it has
     * none), so no thread-local lookup.
     */
    void freeBound(ThreadCache c, long address, long byteSize) {
        ensureOpen();
        if (c == null || !freeToCache(c, address, byteSize)) {
            freeAddress0(address, byteSize);
        }
    }

    /**
     * The unchecked small-object free into {@code c}, a cache the calling thread owns: every check of the slow path
     * except the canary. Returns false, having touched nothing, if {@code address} is not in a slab (a large, huge
     * or foreign block: the caller's slow path).
     */
    private boolean freeToCache(ThreadCache c, long address, long byteSize) {
        Region r = regionOf(c, address);
        if (r == null) {
            return false;
        }
        Slab s = r.slabAt(address);
        if (s == null) {
            return false;
        }
        int index = s.indexOf(address);
        if (index < 0) {
            throw interior(address);
        }
        // A raw address (byteSize 0) has nothing to fit: the test folds away on those paths.
        if (byteSize != 0 && byteSize > s.objectSize) {
            checkFits(address, byteSize, s.objectSize);
        }
        if (!s.clearInUse(index)) {
            throw doubleFree(address);
        }
        push(c, s.sizeClass, address);
        return true;
    }

    private void pushToStripe(int cls, long address) {
        ThreadCache c = stripe();
        try {
            push(c, cls, address);
        } finally {
            c.lock.unlock();
        }
    }

    private static IllegalStateException doubleFree(long address) {
        return new IllegalStateException("double free of 0x" + Long.toHexString(address)
                + " (or a free of a slot never allocated)");
    }

    private void freeSlow(Region r, long address, long byteSize) {
        if (r == null) {
            Mapping mapping = dedicated.get(address);
            if (mapping == null) {
                throw foreign(address);
            }
            checkFits(address, byteSize, mapping.segment().byteSize() - (address - mapping.segment().address()));
            if (checked) {
                verifyCanary(address);
            }
            // The atomic remove decides between two racing frees; after munmap the address is no longer ours.
            Mapping m = dedicated.remove(address);
            if (m == null) {
                throw foreign(address);
            }
            long bytes = m.segment().byteSize();
            m.close();
            heap.releaseExternal(bytes);
            return;
        }
        Slab s = r.slabAt(address);
        if (s == null) {
            if (checked && requested.containsKey(address)) {
                // Check the size before the canary consumes the record of the request.
                long size = heap.largeSize(r, address);
                if (size >= 0) {
                    checkFits(address, byteSize, size);
                }
                verifyCanary(address);
            }
            heap.freeLarge(r, address, byteSize);
            return;
        }
        int index = s.indexOf(address);
        if (index < 0) {
            throw interior(address);
        }
        checkFits(address, byteSize, s.objectSize);
        if (checked) {
            verifyCanary(address);
        }
        if (!s.clearInUse(index)) {
            throw doubleFree(address);
        }
        if (checked) {
            segmentOf(address, s.objectSize).fill(POISON);
            poisoned.add(address);
        }
        int cls = s.sizeClass;
        if (threadCaches && !Thread.currentThread().isVirtual()) {
            push(platformCache(), cls, address);
        } else {
            pushToStripe(cls, address);
        }
    }

    private void checkFits(long address, long byteSize, long allocationBytes) {
        long usable = checked ? allocationBytes - CANARY_BYTES : allocationBytes;
        if (byteSize > usable) {
            throw new IllegalArgumentException("free of a segment of " + byteSize + " bytes at 0x"
                    + Long.toHexString(address) + ": its allocation holds only " + usable);
        }
    }

    private void verifyCanary(long address) {
        Long size = requested.remove(address);
        if (size == null) {
            throw new IllegalStateException("double free of 0x" + Long.toHexString(address)
                    + " (or a free of a block never allocated)");
        }
        long value = segmentOf(address, size + CANARY_BYTES).get(ValueLayout.JAVA_LONG_UNALIGNED, size);
        if (value != CANARY) {
            requested.put(address, size);
            throw new IllegalStateException("buffer overrun: the canary after the " + size + " bytes at 0x"
                    + Long.toHexString(address) + " was overwritten");
        }
    }

    private long allocateDedicated(long size, long alignment) {
        long bytes = roundUp(size, Region.PAGE_SIZE);
        heap.reserveExternal(bytes);
        Mapping m;
        try {
            // The mapping slices itself to the alignment, so an over-aligned block is not remappable(): mremap
            // would move its pages to an address aligned only to a page, and the block's offset in them would shift.
            m = Mapping.reserve(bytes, alignment, placement);
        } catch (RuntimeException | Error e) {
            heap.releaseExternal(bytes);
            throw e;
        }
        long address = m.segment().address();
        publish(address, m);
        return address;
    }

    /**
     * Makes a dedicated mapping reachable by address. Under {@code closeLock}, so that close() either finds it in
     * the map and unmaps it, or this sees {@code closed} and unmaps it here; never neither.
     */
    private void publish(long address, Mapping m) {
        closeLock.lock();
        try {
            if (!closed) {
                dedicated.put(address, m);
                return;
            }
        } finally {
            closeLock.unlock();
        }
        m.close();
        throw new IllegalStateException("allocator already closed");
    }

    /** Resizes a dedicated mapping in place or by moving its pages ({@code mremap}): no copy. */
    private MemorySegment remapDedicated(long address, Mapping mapping, long newSize) {
        // The atomic remove decides between racing calls on the same block (a caller's bug, reported, not obeyed).
        if (!dedicated.remove(address, mapping)) {
            throw new IllegalStateException("0x" + Long.toHexString(address) + " is not a live allocation");
        }
        long oldBytes = mapping.segment().byteSize();
        long newBytes = roundUp(newSize, Region.PAGE_SIZE);
        try {
            if (newBytes > oldBytes) {
                heap.reserveExternal(newBytes - oldBytes);
                try {
                    mapping.remap(newBytes);
                } catch (RuntimeException | Error e) {
                    heap.releaseExternal(newBytes - oldBytes);
                    throw e;
                }
            } else {
                mapping.remap(newBytes);
                heap.releaseExternal(oldBytes - newBytes);
            }
        } catch (RuntimeException | Error e) {
            publish(address, mapping);
            throw e;
        }
        MemorySegment moved = mapping.segment();
        publish(moved.address(), mapping);
        return moved.asSlice(0, newSize);
    }

    private MemorySegment segmentOf(long address, long size) {
        Region r = heap.regionOf(address);
        if (r != null) {
            return r.segment.asSlice(address - r.base, size);
        }
        Mapping m = dedicated.get(address);
        if (m == null) {
            ensureOpen(); // close() may have unmapped a block allocate() has just published
            throw foreign(address);
        }
        return m.segment().asSlice(address - m.segment().address(), size);
    }

    private static boolean sameBucket(long newSize, long usable) {
        if (usable <= SizeClasses.MAX_SMALL_SIZE) {
            return SizeClasses.size(SizeClasses.classOfUnchecked(newSize)) == usable;
        }
        return newSize > usable / 2;
    }

    private static long roundUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("allocator already closed");
        }
    }

    private static void checkSize(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        if (size > MAX_REQUEST) {
            throw new IllegalArgumentException("size " + size + " exceeds the largest request " + MAX_REQUEST);
        }
    }

    private static void checkAlignment(long alignment) {
        if (alignment <= 0 || Long.bitCount(alignment) != 1 || alignment > (1L << 30)) {
            throw new IllegalArgumentException("alignment must be a power of two up to 1 GiB: " + alignment);
        }
    }

    private static IllegalArgumentException foreign(long address) {
        return new IllegalArgumentException("0x" + Long.toHexString(address)
                + " was not allocated by this allocator (foreign address)");
    }

    private static IllegalArgumentException interior(long address) {
        return new IllegalArgumentException("0x" + Long.toHexString(address)
                + " is inside an allocation, not at its start (interior address)");
    }

    PageHeap heapForTests() {
        return heap;
    }

    private long residentBytes() {
        return Mapping.residentBytes(heap.regions(), dedicated.values());
    }

    /**
     * Configures an {@link OffHeapAllocator}.
     */
    public static final class Builder {
        private long regionBytes = 1L << 30;
        private long limitBytes = CgroupLimit.memoryMax();
        private long purgeThresholdBytes = 64L << 20;
        private boolean hugePages;
        private int numaNode = -1;
        private boolean checked;
        private boolean threadCaches = true;

        private Builder() {
        }

        /**
         * Sets the size of each reserved region (address space, not memory).
         *
         * @param bytes a positive multiple of 2 MiB
         * @return this builder
         */
        public Builder regionBytes(long bytes) {
            if (bytes <= 0 || bytes % Region.MAX_BLOCK != 0 || bytes > (1L << 40)) {
                throw new IllegalArgumentException("region size must be a positive multiple of 2 MiB up to 1 TiB: "
                        + bytes);
            }
            this.regionBytes = bytes;
            return this;
        }

        /**
         * Sets the most memory handed out at once (blocks and dedicated mappings); beyond it allocations throw
         * {@link OffHeapMemoryExhaustedError}.
         *
         * @param bytes a positive limit
         * @return this builder
         */
        public Builder limitBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("limit must be positive: " + bytes);
            }
            this.limitBytes = bytes;
            return this;
        }

        /**
         * Sets how many freed bytes may stay resident before they are given back automatically.
         *
         * @param bytes zero to give back every freed block at once, {@link Long#MAX_VALUE} for only on purge
         * @return this builder
         */
        public Builder purgeThresholdBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("purge threshold must not be negative: " + bytes);
            }
            this.purgeThresholdBytes = bytes;
            return this;
        }

        /**
         * Advises every region {@code MADV_HUGEPAGE}, so the kernel backs it with transparent huge pages when
         * {@code /sys/kernel/mm/transparent_hugepage/enabled} allows it ({@code always} or {@code madvise}). A huge
         * page is {@link Memory#transparentHugePageSize()}: 2 MiB with 4 KiB pages, one 2 MiB block; 32 MiB with
         * 16 KiB pages and 512 MiB with 64 KiB, so only the parts of a region that hold a whole aligned one get it.
         *
         * @param enabled whether to advise huge pages
         * @return this builder
         */
        public Builder transparentHugePages(boolean enabled) {
            this.hugePages = enabled;
            return this;
        }

        /**
         * Binds every region to one NUMA node with {@code mbind(MPOL_BIND)}.
         *
         * @param node a node id, or -1 for the default policy
         * @return this builder
         */
        public Builder numaNode(int node) {
            if (node < -1) {
                throw new IllegalArgumentException("NUMA node must be -1 or a node id: " + node);
            }
            this.numaNode = node;
            return this;
        }

        /**
         * Turns on checked mode: canaries, poisoning of freed objects and write-after-free detection.
         *
         * @param enabled whether to check
         * @return this builder
         */
        public Builder checked(boolean enabled) {
            this.checked = enabled;
            return this;
        }

        /**
         * Turns per-thread caches on or off; off, every thread uses the shared stripes that virtual threads use.
         *
         * @param enabled whether platform threads get their own cache
         * @return this builder
         */
        public Builder threadCaches(boolean enabled) {
            this.threadCaches = enabled;
            return this;
        }

        /**
         * Creates the allocator; regions are reserved on first use.
         *
         * @return a new allocator
         * @throws UnsupportedOperationException if huge pages or a NUMA node were asked for and the kernel cannot
         *                                       provide them (the message says why and how to fix it)
         * @throws IllegalArgumentException      if the NUMA node is not online
         */
        public OffHeapAllocator build() {
            if (hugePages) {
                Feature.TRANSPARENT_HUGE_PAGES.ensureAvailable();
            }
            if (numaNode >= 0) {
                Feature.NUMA.ensureAvailable();
                if (!NodeSet.online().contains(numaNode)) {
                    throw new IllegalArgumentException("NUMA node " + numaNode + " is not online (online: "
                            + NodeSet.online() + ")");
                }
            }
            return new OffHeapAllocator(this);
        }
    }
}
