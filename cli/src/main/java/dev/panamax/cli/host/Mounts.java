/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.host;

import dev.panamax.thread.HostFs;
import dev.panamax.thread.HostFileException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which mount of {@code /proc/self/mountinfo} holds a path: the file system type explains most O_DIRECT answers
 * (tmpfs, overlayfs, ramfs, ext4, xfs).
 *
 * @see <a href="https://man7.org/linux/man-pages/man5/proc_pid_mountinfo.5.html">proc_pid_mountinfo(5)</a>
 */
public final class Mounts {

    static final String PATH = "/proc/self/mountinfo";

    /**
     * A mount.
     *
     * @param mountPoint where it is mounted
     * @param fsType the file system type, such as {@code ext4}
     * @param source the mount source, such as {@code /dev/sda1}
     */
    public record Mount(String mountPoint, String fsType, String source) {
    }

    private Mounts() {
    }

    /**
     * Finds the mount holding a path: the last listed mount whose mount point is the longest prefix of it.
     *
     * @param fs the host tree
     * @param absolutePath an absolute, normalized path (symbolic links already resolved)
     * @return the mount, or empty when none matches
     * @throws HostFileException when {@code /proc/self/mountinfo} cannot be read
     */
    public static Optional<Mount> of(HostFs fs, String absolutePath) throws HostFileException {
        Mount best = null;
        for (String line : fs.lines(PATH)) {
            String[] f = line.trim().split(" ");
            int dash = List.of(f).indexOf("-");
            if (dash < 6 || dash + 2 >= f.length) {
                continue;
            }
            String mountPoint = Cgroups.unescape(f[4]);
            boolean under = mountPoint.equals("/") || absolutePath.equals(mountPoint)
                    || absolutePath.startsWith(mountPoint + "/");
            // Later lines are mounted on top of earlier ones at the same point, so >= keeps the last.
            if (under && (best == null || mountPoint.length() >= best.mountPoint().length())) {
                best = new Mount(mountPoint, f[dash + 1], Cgroups.unescape(f[dash + 2]));
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Describes the file system holding a directory, for the report: {@code ext4 on /}, or {@code unknown file
     * system} when that cannot be found out.
     *
     * @param fs the host tree
     * @param directory the directory
     * @return a short description
     */
    public static String describe(HostFs fs, Path directory) {
        try {
            String real = directory.toRealPath().toString();
            return of(fs, real).map(m -> m.fsType() + " on " + m.mountPoint()).orElse("unknown file system");
        } catch (IOException e) {
            return "unknown file system";
        }
    }
}
