/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

/**
 * The durability ladder: how far a write has travelled when the call that made it returns. Each rung is a
 * distinct kernel path, never an alias of another, and the order is the ladder's order of cost (and, except for
 * the metadata that {@link #FSYNC} adds, of strength). "Survives power loss" assumes a device that honours
 * cache flushes (FUA / flush commands); a drive that lies about its volatile cache defeats every rung.
 *
 * <p>Cost figures are orders of magnitude on a local NVMe SSD; {@link LadderProbe} measures the real ones for
 * a directory.
 */
public enum Durability {

    /**
     * {@code pwrite(2)} into the page cache, no flush. Survives a crash of the process (the kernel owns the
     * bytes), not a kernel crash or power loss: dirty pages reach the disk only at writeback, typically within
     * 30 s. Cost: a memory copy, about a microsecond.
     */
    WRITE(false, OpenMode.BUFFERED),

    /**
     * {@code pwrite(2)} then {@code fdatasync(2)}: data and the metadata needed to read it back (the file size)
     * reach stable storage, timestamps need not. Survives a process crash and power loss. On a preallocated,
     * zero-filled segment (the default for this rung and the ones above it, see
     * {@link LogOptions#withZeroFill(boolean)}) the flush writes data blocks plus a cache flush, with no journal
     * commit for extent conversion; concurrent appenders share one call (group commit).
     * Cost: one device write and cache flush, tens of microseconds (NVMe with power-loss protection) to
     * milliseconds.
     */
    FDATASYNC(true, OpenMode.BUFFERED),

    /**
     * {@code pwrite(2)} then {@code fsync(2)}: like {@link #FDATASYNC} plus all inode metadata (mtime), which
     * usually costs a journal commit. Survives a process crash and power loss. Cost: above fdatasync, often
     * twice as much on ext4/xfs.
     */
    FSYNC(true, OpenMode.BUFFERED),

    /**
     * The file is opened with {@code O_DSYNC}: every {@code pwrite(2)} returns only once its data (and the
     * metadata needed to read it) is stable, as if each were followed by {@code fdatasync}. Survives a process
     * crash and power loss. Cost: like fdatasync per write, but no separate syscall; a batch of appenders is
     * still written with one call.
     */
    DSYNC(false, OpenMode.DSYNC),

    /**
     * The file is opened with {@code O_DIRECT | O_DSYNC} and written in whole aligned blocks from aligned
     * off-heap buffers (alignment from {@code statx(STATX_DIOALIGN)}, else the device's logical block size):
     * the page cache is bypassed and each write is stable when it returns. Survives a process crash and power
     * loss. Cost: no page-cache copy or pollution, but every append writes at least one block (the partial last
     * block is padded and rewritten by the next append). Refused, with a clear error, on file systems without
     * {@code O_DIRECT} (ramfs) unless a fallback to {@link #DSYNC} is configured and reported.
     */
    DIRECT(false, OpenMode.DIRECT),

    /**
     * The file is opened with {@code O_SYNC}: every {@code pwrite(2)} returns once data and all metadata
     * (timestamps included) are stable, as if followed by {@code fsync}. Survives a process crash and power
     * loss. Cost: the most expensive rung, a journal commit per write on most file systems.
     */
    SYNC(false, OpenMode.SYNC);

    /** How the file must be opened for a rung; rungs sharing a mode can share one descriptor. */
    enum OpenMode {
        BUFFERED, DSYNC, DIRECT, SYNC
    }

    private final boolean flushCall;
    private final OpenMode openMode;

    Durability(boolean flushCall, OpenMode openMode) {
        this.flushCall = flushCall;
        this.openMode = openMode;
    }

    /**
     * Tells whether this rung makes writes durable with a separate flush call ({@code fdatasync}/{@code fsync})
     * rather than through the flags the file was opened with.
     *
     * @return true for {@link #FDATASYNC} and {@link #FSYNC}
     */
    public boolean usesFlushCall() {
        return flushCall;
    }

    /**
     * Tells whether a write is stable on storage (survives power loss) once this rung acknowledges it.
     *
     * @return false only for {@link #WRITE}
     */
    public boolean survivesPowerLoss() {
        return this != WRITE;
    }

    OpenMode openMode() {
        return openMode;
    }
}
