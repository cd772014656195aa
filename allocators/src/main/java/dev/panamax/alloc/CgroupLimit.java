/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cgroup v2 memory limit of this process, used as the default allocator limit: the kernel enforces a cgroup
 * limit when pages are touched (by the OOM killer), so an allocator that knows it can throw first.
 */
final class CgroupLimit {

    private CgroupLimit() {
    }

    /** {@code memory.max} of this process's cgroup, or {@link Long#MAX_VALUE} when unlimited or unknown. */
    static long memoryMax() {
        try {
            String cgroup = "";
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::")) {
                    cgroup = line.substring(3);
                }
            }
            Path max = Path.of("/sys/fs/cgroup" + cgroup, "memory.max");
            if (!Files.isReadable(max)) {
                max = Path.of("/sys/fs/cgroup/memory.max");
            }
            if (!Files.isReadable(max)) {
                return Long.MAX_VALUE;
            }
            String value = Files.readString(max).trim();
            return value.equals("max") ? Long.MAX_VALUE : Long.parseLong(value);
        } catch (IOException | RuntimeException e) {
            // No cgroup v2 (or an unreadable one): no limit known, the builder's limitBytes is the only guard.
            return Long.MAX_VALUE;
        }
    }
}
