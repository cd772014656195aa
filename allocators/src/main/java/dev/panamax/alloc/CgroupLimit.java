/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cgroup memory limit of this process, used as the default allocator limit: the kernel enforces a cgroup limit
 * when pages are touched (by the OOM killer), so an allocator that knows it can throw first. Reads cgroup v2
 * {@code memory.max}, else cgroup v1 {@code memory.limit_in_bytes}.
 *
 * <p>In a container without its own cgroup namespace (Docker on cgroup v1, or {@code --cgroupns=host}),
 * {@code /proc/self/cgroup} names the host path ({@code /docker/<id>}) while the runtime mounts that very cgroup
 * at the root of {@code /sys/fs/cgroup/<controller>}: the host path does not exist there, and the limit is read
 * at the mount root instead (the JDK's container support reaches the same file through mountinfo). Proven by the
 * container-tests module (the allocator under {@code --memory=256m}).
 */
final class CgroupLimit {

    /** cgroup v1 reports "no limit" as the largest page-aligned long, not as a word. */
    private static final long V1_UNLIMITED = Long.MAX_VALUE & -4096L;

    private CgroupLimit() {
    }

    /** The memory limit of this process's cgroup, or {@link Long#MAX_VALUE} when unlimited or unknown. */
    static long memoryMax() {
        try {
            String v2 = null;
            String v1 = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::")) {
                    v2 = line.substring(3);
                } else if (line.matches("\\d+:([^:]*,)?memory(,[^:]*)?:.*")) {
                    v1 = line.substring(line.lastIndexOf(':') + 1);
                }
            }
            long limit = Long.MAX_VALUE;
            if (v2 != null) {
                limit = Math.min(limit, readOwnOrRoot(Path.of("/sys/fs/cgroup"), v2, "memory.max"));
            }
            if (v1 != null) {
                limit = Math.min(limit, readOwnOrRoot(Path.of("/sys/fs/cgroup/memory"), v1, "memory.limit_in_bytes"));
            }
            return limit;
        } catch (IOException | RuntimeException e) {
            // No readable cgroup: no limit known, the builder's limitBytes is the only guard.
            return Long.MAX_VALUE;
        }
    }

    /**
     * The limit in {@code file} of the cgroup at {@code path} under {@code mount}; when that directory is not there
     * (a container's own cgroup mounted at the root of the hierarchy), the limit at the mount root.
     */
    private static long readOwnOrRoot(Path mount, String path, String file) throws IOException {
        Path own = mount.resolve(path.startsWith("/") ? path.substring(1) : path);
        return read((Files.isDirectory(own) ? own : mount).resolve(file));
    }

    private static long read(Path file) throws IOException {
        if (!Files.isReadable(file)) {
            return Long.MAX_VALUE;
        }
        String value = Files.readString(file).trim();
        if (value.equals("max")) {
            return Long.MAX_VALUE;
        }
        long limit = Long.parseLong(value);
        return limit >= V1_UNLIMITED ? Long.MAX_VALUE : limit;
    }
}
