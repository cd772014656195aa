/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.thread;

import java.io.IOException;

/**
 * A {@code /proc} or {@code /sys} file that could not be read or parsed. The message reads
 * {@code cannot read /sys/devices/system/cpu/online: no such file}, naming the documented path even when the tree
 * lives elsewhere (tests, a container's bind mount).
 */
public final class HostFileException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The documented absolute path. */
    private final String path;

    /**
     * Creates an exception for one path.
     *
     * @param path the documented absolute path
     * @param why a short reason, such as {@code no such file}
     */
    public HostFileException(String path, String why) {
        super("cannot read " + path + ": " + why);
        this.path = path;
    }

    /**
     * Returns the documented absolute path that failed.
     *
     * @return the path, such as {@code /proc/self/cgroup}
     */
    public String path() {
        return path;
    }
}
