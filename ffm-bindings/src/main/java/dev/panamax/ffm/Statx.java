/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.uapi.stat_h;
import dev.panamax.ffm.internal.uapi.statx;

import java.lang.foreign.MemorySegment;

/**
 * File attributes from {@code statx(2)}. Fields the kernel did not fill are absent from {@link #mask()}; in
 * particular {@link #dioMemAlign()} and {@link #dioOffsetAlign()} mean something only when
 * {@link #hasDirectIoAlignment()} (Linux 6.1 and a file system that reports it).
 *
 * @param mask           the {@code STATX_*} bits the kernel filled
 * @param size           the size in bytes
 * @param blocks         the allocated 512-byte blocks
 * @param blockSize      the preferred I/O size ({@code stx_blksize})
 * @param mode           type and permission bits ({@code S_IFREG | 0644} ...)
 * @param links          the hard link count
 * @param inode          the inode number
 * @param devMajor       major number of the device holding the file
 * @param devMinor       minor number of the device holding the file
 * @param dioMemAlign    required buffer alignment for O_DIRECT, 0 if O_DIRECT is unsupported on this file
 * @param dioOffsetAlign required offset and length alignment for O_DIRECT, 0 if unsupported
 */
public record Statx(int mask, long size, long blocks, int blockSize, int mode, int links, long inode, int devMajor,
                    int devMinor, int dioMemAlign, int dioOffsetAlign) {

    /** Reads a {@code struct statx} the kernel filled (by {@code statx(2)} or {@code IORING_OP_STATX}). */
    static Statx read(MemorySegment buf) {
        return new Statx(statx.stx_mask(buf), statx.stx_size(buf), statx.stx_blocks(buf), statx.stx_blksize(buf),
                Short.toUnsignedInt(statx.stx_mode(buf)), statx.stx_nlink(buf), statx.stx_ino(buf),
                statx.stx_dev_major(buf), statx.stx_dev_minor(buf), statx.stx_dio_mem_align(buf),
                statx.stx_dio_offset_align(buf));
    }

    /**
     * Tells whether the kernel reported the O_DIRECT alignment ({@code STATX_DIOALIGN} in the mask).
     *
     * @return true if {@link #dioMemAlign()} and {@link #dioOffsetAlign()} are valid
     */
    public boolean hasDirectIoAlignment() {
        return (mask & stat_h.STATX_DIOALIGN()) != 0;
    }

    /**
     * Tells whether this is a regular file.
     *
     * @return true for {@code S_IFREG}
     */
    public boolean isRegularFile() {
        return (mode & stat_h.S_IFMT()) == stat_h.S_IFREG();
    }

    /**
     * Tells whether this is a directory.
     *
     * @return true for {@code S_IFDIR}
     */
    public boolean isDirectory() {
        return (mode & stat_h.S_IFMT()) == stat_h.S_IFDIR();
    }
}
