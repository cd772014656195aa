/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.OpenFlag;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file's contents atomically and durably: after a crash at any point the path holds either the whole
 * old contents or the whole new ones, and once {@link #replace} returns the new contents survive power loss.
 */
public final class AtomicFile {

    /*
     * The classic sequence, each step needed:
     *   1. write the new bytes to a temporary file in the same directory (rename never crosses file systems);
     *   2. fsync it: otherwise the rename may reach the disk before the data (ext4 auto_da_alloc only
     *      papers over this for some patterns) and a crash leaves an empty or partial file under the name;
     *   3. renameat2 over the target: atomic replacement of the directory entry;
     *   4. fsync the directory: the rename itself is durable only once the directory is.
     * On failure before the rename the temporary file is removed and the target is untouched.
     */

    private AtomicFile() {
    }

    /**
     * Replaces the contents of {@code path} with {@code bytes} (creating the file if missing).
     *
     * @param path  the file to replace; its directory must exist
     * @param bytes the new contents
     * @throws IOException {@link ErrnoException} naming the failed syscall (ENOENT for a missing directory,
     *                     ENOSPC, EIO from fsync); the old contents are then still in place
     */
    public static void replace(Path path, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        replace(path, MemorySegment.ofArray(bytes));
    }

    /**
     * Replaces the contents of {@code path} with the bytes of {@code contents}.
     *
     * @param path     the file to replace; its directory must exist
     * @param contents the new contents (heap or native, read by the calling thread)
     * @throws IOException see {@link #replace(Path, byte[])}
     */
    public static void replace(Path path, MemorySegment contents) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(contents, "contents");
        Path target = path.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null || target.getFileName() == null) {
            throw new IllegalArgumentException("not a file path: " + path);
        }
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        boolean renamed = false;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Math.max(1, contents.byteSize()));
            MemorySegment.copy(contents, 0, buf, 0, contents.byteSize());
            try (Fd fd = Fd.open(tmp, EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE, OpenFlag.EXCLUSIVE), 0644)) {
                DurableLog.writeFully(fd, buf, contents.byteSize(), 0);
                fd.fsync();
            }
            Fd.rename(tmp, target, false, false);
            renamed = true;
            Fd.fsyncDirectory(dir);
        } finally {
            if (!renamed) {
                try {
                    Fd.unlink(tmp, false);
                } catch (ErrnoException e) {
                    // ENOENT when the temporary file was never created; nothing else to undo
                }
            }
        }
    }
}
