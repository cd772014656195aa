/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.host;

import dev.panamax.thread.HostFs;
import dev.panamax.thread.HostFileException;

import java.util.ArrayList;
import java.util.List;

/**
 * Transparent huge page modes ({@code /sys/kernel/mm/transparent_hugepage}) and the hugetlbfs pools
 * ({@code /sys/kernel/mm/hugepages/hugepages-<size>kB}, with {@code /proc/meminfo} for the default size).
 *
 * @see <a href="https://docs.kernel.org/admin-guide/mm/transhuge.html">Transparent Hugepage Support</a>
 * @see <a href="https://docs.kernel.org/admin-guide/mm/hugetlbpage.html">HugeTLB Pages</a>
 */
public final class HugePageInfo {

    static final String THP_DIR = "/sys/kernel/mm/transparent_hugepage";
    static final String POOL_DIR = "/sys/kernel/mm/hugepages";

    /**
     * A sysfs selector such as {@code always [madvise] never}.
     *
     * @param selected the bracketed choice
     * @param choices every choice, in the kernel's order
     */
    public record Mode(String selected, List<String> choices) {

        /**
         * Creates a mode; the choices are copied.
         *
         * @param selected the bracketed choice
         * @param choices every choice
         */
        public Mode {
            choices = List.copyOf(choices);
        }
    }

    /**
     * One hugetlb pool.
     *
     * @param pageSizeBytes the page size
     * @param total {@code nr_hugepages}
     * @param free {@code free_hugepages}
     */
    public record Pool(long pageSizeBytes, long total, long free) {
    }

    private HugePageInfo() {
    }

    /**
     * Reads one THP selector: {@code enabled}, {@code defrag} or {@code shmem_enabled}.
     *
     * @param fs the host tree
     * @param name the file name under {@code /sys/kernel/mm/transparent_hugepage}
     * @return the selected mode and the choices
     * @throws HostFileException when the file is missing (kernel without {@code CONFIG_TRANSPARENT_HUGEPAGE}),
     *         unreadable or has no bracketed choice
     */
    public static Mode readThp(HostFs fs, String name) throws HostFileException {
        String path = THP_DIR + "/" + name;
        return parseMode(path, fs.readLine(path));
    }

    static Mode parseMode(String path, String line) throws HostFileException {
        String selected = null;
        List<String> choices = new ArrayList<>();
        for (String word : line.trim().split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (word.length() > 2 && word.startsWith("[") && word.endsWith("]")) {
                word = word.substring(1, word.length() - 1);
                selected = word;
            }
            choices.add(word);
        }
        if (selected == null) {
            throw new HostFileException(path, "no [selected] mode in '" + line + "'");
        }
        return new Mode(selected, choices);
    }

    /**
     * Reads every hugetlb pool, smallest page size first.
     *
     * @param fs the host tree
     * @return the pools (empty when the kernel offers none)
     * @throws HostFileException when {@code /sys/kernel/mm/hugepages} is missing (no {@code CONFIG_HUGETLBFS}) or
     *         a pool cannot be read
     */
    public static List<Pool> readPools(HostFs fs) throws HostFileException {
        List<Pool> pools = new ArrayList<>();
        for (String name : fs.list(POOL_DIR, "hugepages-*kB")) {
            long kb;
            try {
                kb = Long.parseLong(name.substring("hugepages-".length(), name.length() - 2));
            } catch (NumberFormatException e) {
                continue;
            }
            String dir = POOL_DIR + "/" + name;
            pools.add(new Pool(kb * 1024, fs.readLong(dir + "/nr_hugepages"), fs.readLong(dir + "/free_hugepages")));
        }
        pools.sort((a, b) -> Long.compare(a.pageSizeBytes(), b.pageSizeBytes()));
        return pools;
    }

    /**
     * Reads the default huge page size from the {@code Hugepagesize} line of {@code /proc/meminfo}.
     *
     * @param fs the host tree
     * @return the size in bytes
     * @throws HostFileException when {@code /proc/meminfo} cannot be read or has no such line
     */
    public static long readDefaultPageSize(HostFs fs) throws HostFileException {
        String path = "/proc/meminfo";
        for (String line : fs.lines(path)) {
            if (line.startsWith("Hugepagesize:")) {
                String[] f = line.substring("Hugepagesize:".length()).trim().split("\\s+");
                try {
                    long v = Long.parseLong(f[0]);
                    return f.length > 1 && f[1].equalsIgnoreCase("kB") ? v * 1024 : v;
                } catch (NumberFormatException e) {
                    throw new HostFileException(path, "bad Hugepagesize line '" + line + "'");
                }
            }
        }
        throw new HostFileException(path, "no Hugepagesize line");
    }
}
