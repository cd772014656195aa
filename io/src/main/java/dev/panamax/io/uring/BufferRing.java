/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.uring;

import dev.panamax.ffm.IoUringOps;
import dev.panamax.ffm.IoUringSyscalls;
import dev.panamax.ffm.Memory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}, Linux 5.19): a group of equal buffers the kernel
 * picks from when data arrives for a {@link IoUring#recv(dev.panamax.ffm.Fd, BufferRing, boolean,
 * IoUring.Completion) buffer-select receive}, so that idle connections hold no buffer. Created by
 * {@link IoUring#registerBufferRing}; owned by the ring's thread, like the ring.
 *
 * <p>Life of a buffer: the kernel owns it until a completion names it ({@link IoUringOps#CQE_F_BUFFER}); the
 * application then owns it until {@link #recycle} hands it back. A buffer is never handed back twice.
 *
 * @see <a href="https://man7.org/linux/man-pages/man3/io_uring_register_buf_ring.3.html">
 *      io_uring_register_buf_ring(3)</a>
 */
public final class BufferRing implements AutoCloseable {

    /*
     * Overview.
     *
     * Memory (one shared arena, freed by close() after IORING_UNREGISTER_PBUF_RING):
     *
     *   ring  entries * 16 bytes, page aligned: struct io_uring_buf { u64 addr; u32 len; u16 bid; u16 resv; },
     *         whose first resv is the u16 tail (struct io_uring_buf_ring); the kernel keeps its head privately
     *   pool  entries * bufferBytes: buffer id i is bytes [i * bufferBytes, (i + 1) * bufferBytes)
     *
     * There are exactly as many buffers as ring entries, so the ring never holds more than `entries` published
     * buffers and recycle() may always write at tail & mask: that slot was consumed by the kernel before the
     * buffer now written there was lent out. The tail is stored with release (liburing io_uring_buf_ring_advance
     * uses io_uring_smp_store_release); every other field is owner-thread only, plain.
     *
     * lent[id] is true from the CQE that names id (IoUring.dispatch calls lend) to recycle(id). users counts the
     * requests in flight on this group (IoUring.attach/release); close() refuses while it is not 0, because the
     * kernel may still copy into a buffer it picked.
     */

    private final IoUring owner;
    private final IoUringSyscalls.Ring ring;
    private final Arena arena;
    private final MemorySegment entriesMemory;
    private final MemorySegment pool;
    private final int groupId;
    private final int entries;
    private final int bufferBytes;
    private final boolean[] lent;
    private int tail; // owner only: the free-running tail last published
    private int lentCount; // owner only
    int users; // owner only: requests in flight naming this group, kept by IoUring
    private boolean closed; // owner only

    private BufferRing(IoUring owner, IoUringSyscalls.Ring ring, Arena arena, MemorySegment entriesMemory,
            MemorySegment pool, int groupId, int entries, int bufferBytes) {
        this.owner = owner;
        this.ring = ring;
        this.arena = arena;
        this.entriesMemory = entriesMemory;
        this.pool = pool;
        this.groupId = groupId;
        this.entries = entries;
        this.bufferBytes = bufferBytes;
        this.lent = new boolean[entries];
    }

    static BufferRing register(IoUring owner, IoUringSyscalls.Ring ring, int groupId, int entries, int bufferBytes)
            throws IOException {
        if (groupId < 0 || groupId > 0xffff) {
            throw new IllegalArgumentException("groupId must be in [0, 65535]: " + groupId);
        }
        if (entries < 1 || entries > IoUringOps.MAX_BUF_RING_ENTRIES || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("entries must be a power of two in [1, "
                    + IoUringOps.MAX_BUF_RING_ENTRIES + "]: " + entries);
        }
        if (bufferBytes <= 0) {
            throw new IllegalArgumentException("bufferBytes must be > 0: " + bufferBytes);
        }
        long poolBytes = (long) entries * bufferBytes;
        Arena arena = Arena.ofShared();
        try {
            MemorySegment entriesMemory = arena.allocate(entries * IoUringOps.BUF_RING_ENTRY_BYTES, Memory.pageSize());
            MemorySegment pool = arena.allocate(poolBytes, Long.BYTES);
            BufferRing group = new BufferRing(owner, ring, arena, entriesMemory, pool, groupId, entries,
                    bufferBytes);
            for (int id = 0; id < entries; id++) {
                IoUringOps.writeBufRingEntry(entriesMemory, entries, id, group.buffer(id), id);
            }
            group.tail = entries;
            IoUringOps.setBufRingTailRelease(entriesMemory, entries); // release: entries written before
            IoUringOps.registerBufferRing(ring, entriesMemory, entries, groupId);
            return group;
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * The buffer group id that requests name.
     *
     * @return the id
     */
    public int groupId() {
        return groupId;
    }

    /**
     * The number of buffers.
     *
     * @return the count, a power of two
     */
    public int entries() {
        return entries;
    }

    /**
     * The size of each buffer.
     *
     * @return bytes per buffer
     */
    public int bufferBytes() {
        return bufferBytes;
    }

    /**
     * The buffers the kernel handed to the application and that were not recycled yet.
     *
     * @return the count
     */
    public int lentCount() {
        return lentCount;
    }

    /**
     * The whole buffer with an id.
     *
     * @param bufferId the id, in [0, {@link #entries()})
     * @return the buffer, {@link #bufferBytes()} long
     */
    public MemorySegment buffer(int bufferId) {
        checkId(bufferId);
        return pool.asSlice((long) bufferId * bufferBytes, bufferBytes);
    }

    /**
     * The bytes a buffer-select completion received.
     *
     * @param result the completion's result, >= 0
     * @param flags  the completion's flags, with {@link IoUringOps#CQE_F_BUFFER}
     * @return the first {@code result} bytes of the buffer named in {@code flags}
     * @throws IllegalArgumentException when {@code flags} names no buffer (errors and end of stream carry none)
     *                                  or {@code result} does not fit
     */
    public MemorySegment received(int result, int flags) {
        int id = IoUringOps.cqeBufferId(flags);
        if (id < 0) {
            throw new IllegalArgumentException("the completion carries no buffer (no IORING_CQE_F_BUFFER): flags 0x"
                    + Integer.toHexString(flags) + ", result " + result);
        }
        if (result < 0 || result > bufferBytes) {
            throw new IllegalArgumentException("result must be in [0, " + bufferBytes + "]: " + result);
        }
        return buffer(id).asSlice(0, result);
    }

    /**
     * Hands a buffer the kernel lent back to it ({@code io_uring_buf_ring_add} and {@code _advance}), with
     * memory effects as specified by {@link java.lang.invoke.VarHandle#setRelease} on the tail.
     *
     * @param bufferId the id from the completion's flags ({@link IoUringOps#cqeBufferId})
     * @throws IllegalStateException when the buffer is not lent out (never received, or recycled already), or
     *                               this ring is closed
     */
    public void recycle(int bufferId) {
        owner.checkOwnerOpen();
        checkOpen();
        checkId(bufferId);
        if (!lent[bufferId]) {
            throw new IllegalStateException("buffer " + bufferId + " of group " + groupId
                    + " is not lent out: recycled twice, or never received");
        }
        lent[bufferId] = false;
        lentCount--;
        IoUringOps.writeBufRingEntry(entriesMemory, entries, tail, buffer(bufferId), bufferId);
        tail++;
        IoUringOps.setBufRingTailRelease(entriesMemory, tail); // release: the entry is written before
    }

    void lend(int bufferId) {
        if (bufferId >= 0 && bufferId < entries && !lent[bufferId]) {
            lent[bufferId] = true;
            lentCount++;
        }
    }

    void checkUsableBy(IoUring ring) {
        if (ring != owner) {
            throw new IllegalArgumentException("buffer group " + groupId + " belongs to another io_uring");
        }
        checkOpen();
    }

    /**
     * Unregisters the group and frees its memory; lent buffers become inaccessible. Idempotent.
     *
     * @throws IllegalStateException when requests on this group are still in flight
     * @throws IOException           ErrnoException when the kernel refuses to unregister
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        owner.checkOwnerOpen();
        if (users > 0) {
            throw new IllegalStateException(users + " requests on buffer group " + groupId + " are in flight; "
                    + "cancel them and wait for their completions first");
        }
        closed = true;
        owner.forget(this);
        try {
            IoUringOps.unregisterBufferRing(ring, groupId);
        } finally {
            arena.close();
        }
    }

    void closeWithRing() throws IOException {
        if (!closed) {
            closed = true;
            try {
                IoUringOps.unregisterBufferRing(ring, groupId);
            } finally {
                arena.close();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("buffer group " + groupId + " is closed");
        }
    }

    private void checkId(int bufferId) {
        if (bufferId < 0 || bufferId >= entries) {
            throw new IllegalArgumentException("bufferId must be in [0, " + entries + "): " + bufferId);
        }
    }
}
