/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.util.Objects;

/**
 * How a {@link DurableLog} is opened. Immutable; each {@code withX} returns a copy. Values are checked when set.
 */
public final class LogOptions {

    /** Smallest segment size accepted: 64 KiB. */
    public static final long MIN_SEGMENT_BYTES = 64 * 1024;

    private final Durability durability;
    private final long segmentBytes;
    private final int maxRecordBytes;
    private final boolean directFallback;
    private final boolean preallocate;
    private final Boolean zeroFill; // null: the default, on for every rung but WRITE
    private final boolean ioUring;

    private LogOptions(Durability durability, long segmentBytes, int maxRecordBytes, boolean directFallback,
                       boolean preallocate, Boolean zeroFill, boolean ioUring) {
        this.durability = durability;
        this.segmentBytes = segmentBytes;
        this.maxRecordBytes = maxRecordBytes;
        this.directFallback = directFallback;
        this.preallocate = preallocate;
        this.zeroFill = zeroFill;
        this.ioUring = ioUring;
    }

    /**
     * Returns the defaults: {@link Durability#FDATASYNC}, 64 MiB segments, records up to 1 MiB, preallocation
     * on, zero-filled segments for every rung but {@link Durability#WRITE} (see {@link #withZeroFill(boolean)}),
     * no O_DIRECT fallback, flushes by syscall (no io_uring).
     *
     * @return the default options
     */
    public static LogOptions defaults() {
        return new LogOptions(Durability.FDATASYNC, 64L * 1024 * 1024, 1024 * 1024, false, true, null, false);
    }

    /**
     * Returns a copy with another default rung (each append may still name its own).
     *
     * @param rung the rung appends wait for by default
     * @return the new options
     */
    public LogOptions withDurability(Durability rung) {
        return new LogOptions(Objects.requireNonNull(rung, "rung"), segmentBytes, maxRecordBytes, directFallback,
                preallocate, zeroFill, ioUring);
    }

    /**
     * Returns a copy with another segment size: a new segment file is started when the next record would not
     * fit. Must hold at least one record of {@link #maxRecordBytes()}.
     *
     * @param bytes the segment file size, at least {@link #MIN_SEGMENT_BYTES}
     * @return the new options
     * @throws IllegalArgumentException if too small for the record limit
     */
    public LogOptions withSegmentBytes(long bytes) {
        check(bytes, maxRecordBytes);
        return new LogOptions(durability, bytes, maxRecordBytes, directFallback, preallocate, zeroFill,
                ioUring);
    }

    /**
     * Returns a copy with another record size limit; larger appends are refused.
     *
     * @param bytes the largest payload accepted, at least 1
     * @return the new options
     * @throws IllegalArgumentException if not positive or if a record this large would not fit a segment
     */
    public LogOptions withMaxRecordBytes(int bytes) {
        check(segmentBytes, bytes);
        return new LogOptions(durability, segmentBytes, bytes, directFallback, preallocate, zeroFill,
                ioUring);
    }

    /**
     * Returns a copy that, where the file system refuses {@code O_DIRECT}, opens a {@link Durability#DIRECT}
     * log at {@link Durability#DSYNC} instead and says so in {@link DurableLog#durability()} and
     * {@link DurableLog#fallbackReason()}. Off by default: then opening throws
     * {@link DirectIoUnavailableException}.
     *
     * @param fallback whether to fall back
     * @return the new options
     */
    public LogOptions withDirectFallback(boolean fallback) {
        return new LogOptions(durability, segmentBytes, maxRecordBytes, fallback, preallocate, zeroFill, ioUring);
    }

    /**
     * Returns a copy with preallocation switched on or off. On (the default), each new segment is
     * {@code fallocate}d to its full size and flushed once, so appends never change the file size and a
     * steady-state {@code fdatasync} has no size to write. The blocks are allocated as <em>unwritten</em>
     * extents, though, and the first write into each one converts it, which ext4 and xfs journal: zero fill
     * (see {@link #withZeroFill(boolean)}, on by default for the durable rungs) removes that too. While off, no
     * segment is zero-filled.
     *
     * @param on whether to preallocate
     * @return the new options
     */
    public LogOptions withPreallocation(boolean on) {
        return new LogOptions(durability, segmentBytes, maxRecordBytes, directFallback, on, zeroFill, ioUring);
    }

    /**
     * Returns a copy that writes zeros over each new segment (and flushes them) before using it, or that does
     * not. By default segments are zero-filled for every rung but {@link Durability#WRITE}, as PostgreSQL does for
     * its WAL: {@code fallocate} leaves <em>unwritten</em> extents, and on ext4 and xfs every flush after a write
     * into one must also commit the extent's conversion to the journal, which costs about as much again as the
     * flush itself. On zeroed (written) blocks a {@code fdatasync}, an {@code O_DSYNC} or an {@code O_DIRECT}
     * write carries data only. The price is writing each segment once: the first segment when the log is
     * created, later ones in the background while the segment before them fills, so appenders do not wait for
     * it. {@link Durability#WRITE} logs skip it by default since they never flush. On implies preallocation.
     *
     * @param on whether to zero-fill new segments, whatever the rung
     * @return the new options
     */
    public LogOptions withZeroFill(boolean on) {
        return new LogOptions(durability, segmentBytes, maxRecordBytes, directFallback, preallocate || on, on,
                ioUring);
    }

    /**
     * Returns a copy that writes and flushes each group-commit batch that needs a flush (appends at
     * {@link Durability#FDATASYNC} or {@link Durability#FSYNC}) with one io_uring submission: a write SQE linked
     * ({@code IOSQE_IO_LINK}) to an fsync SQE ({@code IORING_FSYNC_DATASYNC} for FDATASYNC), instead of a
     * {@code pwrite} and an {@code fdatasync}/{@code fsync} syscall. Appenders are acknowledged only after the
     * completion of the sync, as on the syscall path; a failed sync is fatal the same way. Applies to logs
     * opened at {@link Durability#WRITE}, {@link Durability#FDATASYNC} or {@link Durability#FSYNC}. Where io_uring
     * is unavailable (see {@link dev.panamax.ffm.IoUringSyscalls#FEATURE}), or at an open-flag rung, the log
     * flushes by syscall and says why in {@link DurableLog#fallbackReason()}. Off by default.
     *
     * <p>It is not faster: the kernel runs the fsync SQE in an io-wq worker thread (an fsync may block), so each
     * batch also pays that worker's wake-up. On a 2-vCPU VM with an ext4 virtual disk the FDATASYNC rung made
     * 3,934 appends/s this way against 7,246 by syscall, and group commit with 8 appenders 15.6k against 22.7k
     * records/s ({@code benchmarks/results/2026-11-26-ladder-jmh.md}); measure on your own machine first.
     *
     * @param on whether to flush through io_uring
     * @return the new options
     */
    public LogOptions withIoUring(boolean on) {
        return new LogOptions(durability, segmentBytes, maxRecordBytes, directFallback, preallocate, zeroFill, on);
    }

    /**
     * Tells whether io_uring flushing was asked for (see {@link #withIoUring(boolean)}); whether the log uses it
     * is {@link DurableLog#usesIoUring()}.
     *
     * @return true if asked for
     */
    public boolean ioUring() {
        return ioUring;
    }

    /**
     * Returns the rung appends wait for by default.
     *
     * @return the rung
     */
    public Durability durability() {
        return durability;
    }

    /**
     * Returns the segment file size.
     *
     * @return bytes
     */
    public long segmentBytes() {
        return segmentBytes;
    }

    /**
     * Returns the largest payload accepted.
     *
     * @return bytes
     */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /**
     * Tells whether {@link Durability#DIRECT} falls back to {@link Durability#DSYNC} where O_DIRECT is refused.
     *
     * @return true if the fallback is on
     */
    public boolean directFallback() {
        return directFallback;
    }

    /**
     * Tells whether segments are preallocated.
     *
     * @return true if on
     */
    public boolean preallocate() {
        return preallocate;
    }

    /**
     * Tells whether new segments are zero-filled: never without preallocation; else as set by
     * {@link #withZeroFill(boolean)}, or by default for every rung but {@link Durability#WRITE}.
     *
     * @return true if on
     */
    public boolean zeroFill() {
        return preallocate && (zeroFill != null ? zeroFill : durability != Durability.WRITE);
    }

    private static void check(long segmentBytes, int maxRecordBytes) {
        if (maxRecordBytes < 1) {
            throw new IllegalArgumentException("maxRecordBytes must be positive: " + maxRecordBytes);
        }
        if (segmentBytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segmentBytes " + segmentBytes + " < " + MIN_SEGMENT_BYTES);
        }
        // Room for the header, one record, and a block of DIRECT padding.
        long need = RecordFormat.SEGMENT_HEADER_BYTES + RecordFormat.frameBytes(maxRecordBytes) + 65536;
        if (segmentBytes < need) {
            throw new IllegalArgumentException("segmentBytes " + segmentBytes + " cannot hold a record of "
                    + maxRecordBytes + " bytes (need " + need + ")");
        }
    }

    @Override
    public String toString() {
        return "LogOptions[" + durability + ", segmentBytes=" + segmentBytes + ", maxRecordBytes=" + maxRecordBytes
                + ", directFallback=" + directFallback + ", preallocate=" + preallocate + ", zeroFill=" + zeroFill()
                + ", ioUring=" + ioUring + "]";
    }
}
