/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;

/**
 * Whether {@code O_DIRECT} works for files in a directory, and the alignment it needs. Found by probing: a
 * scratch file is created in the directory with {@code O_DIRECT} (EINVAL there means the file system refuses
 * it, as ramfs does), then {@code statx(STATX_DIOALIGN)} gives the buffer and offset alignment (Linux 6.1);
 * where the kernel does not report it, the device's logical block size from sysfs is used for both, and the page
 * size where there is no block device (tmpfs).
 *
 * <p>{@code -Dpanamax.odirect.disable=true} makes every probe report O_DIRECT unavailable.
 */
public final class DirectIo {

    private static final String PROPERTY = "panamax.odirect.disable";

    private final Path directory;
    private final int memoryAlignment;
    private final int offsetAlignment;
    private final boolean fromStatx;
    private final String cause;

    private DirectIo(Path directory, int memoryAlignment, int offsetAlignment, boolean fromStatx, String cause) {
        this.directory = directory;
        this.memoryAlignment = memoryAlignment;
        this.offsetAlignment = offsetAlignment;
        this.fromStatx = fromStatx;
        this.cause = cause;
    }

    /**
     * Probes O_DIRECT support for files in {@code directory}; creates and removes one empty scratch file there.
     *
     * @param directory an existing, writable directory
     * @return the result; never throws for an unsupported file system
     * @throws IOException if the directory cannot be used at all (missing, not writable)
     */
    @SuppressWarnings("try") // the O_DIRECT descriptor is opened only to see whether the open succeeds
    public static DirectIo probe(Path directory) throws IOException {
        if (Boolean.getBoolean(PROPERTY)) {
            return new DirectIo(directory, 0, 0, false,
                    "O_DIRECT disabled by -D" + PROPERTY + "=true; remove that flag to use it");
        }
        Path scratch = directory.resolve(".panamax-odirect-probe-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime());
        EnumSet<OpenFlag> flags = EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.CREATE, OpenFlag.EXCLUSIVE);
        try (Fd plain = Fd.open(scratch, flags, 0600)) {
            Statx st = plain.statx();
            // The open itself is the probe: EINVAL means the file system refuses O_DIRECT (ramfs).
            try (Fd direct = Fd.open(scratch, EnumSet.of(OpenFlag.READ, OpenFlag.DIRECT), 0)) {
                if (st.hasDirectIoAlignment()) {
                    if (st.dioOffsetAlign() == 0) {
                        return unsupported(directory, "the file system reports no O_DIRECT alignment "
                                + "(statx dio_offset_align = 0)");
                    }
                    return new DirectIo(directory, st.dioMemAlign(), st.dioOffsetAlign(), true, null);
                }
                int block = logicalBlockSize(st.devMajor(), st.devMinor());
                if (block <= 0) {
                    // No block device behind it (tmpfs, overlay on tmpfs): the open worked, and page alignment
                    // satisfies every file system that accepts O_DIRECT.
                    block = Math.toIntExact(Memory.pageSize());
                }
                return new DirectIo(directory, block, block, false, null);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.EINVAL) {
                    return unsupported(directory, "the file system refuses O_DIRECT (" + e.getMessage() + ")");
                }
                throw e;
            }
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    private static DirectIo unsupported(Path directory, String why) {
        return new DirectIo(directory, 0, 0, false, "O_DIRECT is unavailable in " + directory + ": " + why
                + "; put the files on a block-device file system such as ext4 or xfs");
    }

    /** The logical block size of a block device from sysfs, or 0 (partitions keep it in the parent's queue). */
    static int logicalBlockSize(int major, int minor) {
        Path dev = Path.of("/sys/dev/block/" + major + ":" + minor);
        for (Path queue : new Path[] {dev.resolve("queue"), dev.resolve("../queue")}) {
            try {
                return Integer.parseInt(Files.readString(queue.resolve("logical_block_size")).strip());
            } catch (IOException | NumberFormatException e) {
                // try the next location
            }
        }
        return 0;
    }

    /**
     * Returns the directory that was probed.
     *
     * @return the directory
     */
    public Path directory() {
        return directory;
    }

    /**
     * Tells whether O_DIRECT works for files in the directory.
     *
     * @return true if available
     */
    public boolean isAvailable() {
        return cause == null;
    }

    /**
     * Returns why O_DIRECT is unavailable and what to do, or null if it is available.
     *
     * @return a sentence, or null
     */
    public String unavailabilityCause() {
        return cause;
    }

    /**
     * Throws if O_DIRECT is unavailable.
     *
     * @throws UnsupportedOperationException with {@link #unavailabilityCause()} as message
     */
    public void ensureAvailable() {
        if (cause != null) {
            throw new UnsupportedOperationException(cause);
        }
    }

    /**
     * Returns the alignment O_DIRECT buffers need ({@code stx_dio_mem_align}, or the logical block size).
     *
     * @return bytes, 0 if unavailable
     */
    public int memoryAlignment() {
        return memoryAlignment;
    }

    /**
     * Returns the alignment of O_DIRECT file offsets and lengths ({@code stx_dio_offset_align}, or the logical
     * block size).
     *
     * @return bytes, 0 if unavailable
     */
    public int offsetAlignment() {
        return offsetAlignment;
    }

    /**
     * Tells whether the alignments came from {@code statx(STATX_DIOALIGN)} rather than the block size fallback.
     *
     * @return true if the kernel reported them
     */
    public boolean isFromStatx() {
        return fromStatx;
    }

    @Override
    public String toString() {
        return cause == null ? "O_DIRECT in " + directory + ": memory alignment " + memoryAlignment
                + ", offset alignment " + offsetAlignment + (fromStatx ? " (statx)" : " (logical block size)")
                : cause;
    }
}
