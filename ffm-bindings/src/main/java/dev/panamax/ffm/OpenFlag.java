/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.uapi.fcntl_h;

import java.util.Set;

/**
 * Flags of {@code openat(2)} and {@code openat2(2)}. {@link #READ} and {@link #WRITE} together give
 * {@code O_RDWR}; neither gives {@code O_RDONLY}. {@code O_CLOEXEC} is always added.
 */
public enum OpenFlag {
    /** Open for reading. */
    READ(0),
    /** Open for writing. */
    WRITE(0),
    /** O_CREAT: create the file if it does not exist (with the mode given). */
    CREATE(fcntl_h.O_CREAT()),
    /** O_EXCL: with {@link #CREATE}, fail with EEXIST if the file exists. */
    EXCLUSIVE(fcntl_h.O_EXCL()),
    /** O_TRUNC: truncate to 0 bytes. */
    TRUNCATE(fcntl_h.O_TRUNC()),
    /** O_APPEND: every write goes to the end. */
    APPEND(fcntl_h.O_APPEND()),
    /** O_DIRECT: bypass the page cache; buffers, offsets and lengths must be aligned (see {@link Statx}). */
    DIRECT(fcntl_h.O_DIRECT()),
    /** O_DSYNC: each write returns after its data (and the metadata needed to read it) is durable. */
    DSYNC(fcntl_h.O_DSYNC()),
    /** O_SYNC: each write returns after data and all metadata are durable. */
    SYNC(fcntl_h.O_SYNC()),
    /** O_TMPFILE: create an unnamed file in the given directory; needs {@link #WRITE}. */
    TMPFILE(fcntl_h.O_TMPFILE()),
    /** O_DIRECTORY: fail with ENOTDIR unless the path is a directory. */
    DIRECTORY(fcntl_h.O_DIRECTORY()),
    /** O_NOFOLLOW: fail with ELOOP if the last component is a symbolic link. */
    NOFOLLOW(fcntl_h.O_NOFOLLOW()),
    /** O_NOATIME: do not update the access time. */
    NOATIME(fcntl_h.O_NOATIME()),
    /** O_PATH: a descriptor usable only as a location (for {@code *at} calls and {@code fstat}). */
    PATH(fcntl_h.O_PATH()),
    /** O_NONBLOCK: reads and writes return {@link Fd#AGAIN} instead of blocking (pipes, sockets). */
    NONBLOCK(fcntl_h.O_NONBLOCK());

    private static final OpenFlag[] VALUES = values();

    private final int bits;

    OpenFlag(long bits) {
        this.bits = (int) bits;
    }

    /** Translates a set to {@code open(2)} flags; {@code O_CLOEXEC} included. Allocation-free. */
    static int toBits(Set<OpenFlag> flags) {
        int bits = fcntl_h.O_CLOEXEC();
        for (OpenFlag f : VALUES) {
            if (flags.contains(f)) {
                bits |= f.bits;
            }
        }
        boolean read = flags.contains(READ);
        boolean write = flags.contains(WRITE);
        bits |= read && write ? fcntl_h.O_RDWR() : write ? fcntl_h.O_WRONLY() : fcntl_h.O_RDONLY();
        return bits;
    }
}
