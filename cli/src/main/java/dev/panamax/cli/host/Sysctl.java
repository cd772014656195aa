/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.host;

import dev.panamax.thread.HostFs;
import dev.panamax.thread.HostFileException;

/**
 * Kernel tunables under {@code /proc/sys}, named the way {@code sysctl(8)} names them
 * ({@code kernel.io_uring_disabled} is {@code /proc/sys/kernel/io_uring_disabled}).
 *
 * @see <a href="https://docs.kernel.org/admin-guide/sysctl/kernel.html">Documentation for /proc/sys/kernel/</a>
 */
public final class Sysctl {

    private Sysctl() {
    }

    /**
     * Returns the file behind a sysctl name.
     *
     * @param name a dotted name such as {@code kernel.osrelease}
     * @return its path, such as {@code /proc/sys/kernel/osrelease}
     */
    public static String path(String name) {
        if (name.isEmpty() || name.contains("/") || name.startsWith(".") || name.contains("..")) {
            throw new IllegalArgumentException("not a sysctl name: '" + name + "'");
        }
        return "/proc/sys/" + name.replace('.', '/');
    }

    /**
     * Reads a sysctl as text.
     *
     * @param fs the host tree
     * @param name a dotted name such as {@code kernel.osrelease}
     * @return its first line, trimmed
     * @throws HostFileException when the file is missing (older kernel, option not built) or unreadable
     */
    public static String read(HostFs fs, String name) throws HostFileException {
        return fs.readLine(path(name));
    }

    /**
     * Reads a sysctl holding one integer.
     *
     * @param fs the host tree
     * @param name a dotted name such as {@code kernel.io_uring_disabled}
     * @return its value
     * @throws HostFileException when the file is missing, unreadable or not an integer
     */
    public static long readLong(HostFs fs, String name) throws HostFileException {
        return fs.readLong(path(name));
    }
}
