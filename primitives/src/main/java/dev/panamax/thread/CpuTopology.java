/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.thread;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Packages, cores, SMT siblings and caches of the online CPUs, from {@code /sys/devices/system/cpu}. A core is a
 * distinct {@code thread_siblings_list}, a package a distinct {@code physical_package_id}; a cache instance is a
 * distinct (level, type, {@code shared_cpu_list}).
 *
 * @param online the online CPUs
 * @param packages the number of physical packages (sockets)
 * @param cores the number of physical cores
 * @param maxThreadsPerCore the largest number of hardware threads found on one core (1 without SMT)
 * @see <a href="https://docs.kernel.org/admin-guide/cputopology.html">CPU topology (kernel documentation)</a>
 */
public record CpuTopology(BitSet online, int packages, int cores, int maxThreadsPerCore) {

    static final String CPU_DIR = "/sys/devices/system/cpu";
    static final String STATUS = "/proc/self/status";

    /**
     * One kind of cache, summed over its instances.
     *
     * @param level 1, 2, 3 ...
     * @param type {@code Data}, {@code Instruction} or {@code Unified}
     * @param size the size of one instance as the kernel prints it ({@code 48K})
     * @param sizeBytes the size of one instance in bytes, or -1 when the kernel printed no size
     * @param lineSizeBytes the coherency line size in bytes, or -1 when not exposed
     * @param instances how many distinct instances the online CPUs share among themselves
     * @param cpusPerInstance how many CPUs share the largest instance
     */
    public record Cache(int level, String type, String size, long sizeBytes, int lineSizeBytes, int instances,
                        int cpusPerInstance) {

        /**
         * Returns the short name used by vendors: {@code L1d}, {@code L1i}, {@code L2}, {@code L3}.
         *
         * @return the name
         */
        public String name() {
            return switch (type) {
                case "Data" -> "L" + level + "d";
                case "Instruction" -> "L" + level + "i";
                default -> "L" + level;
            };
        }
    }

    /**
     * Creates a topology; the CPU set is copied.
     *
     * @param online the online CPUs
     * @param packages the number of packages
     * @param cores the number of cores
     * @param maxThreadsPerCore the largest SMT width
     */
    public CpuTopology {
        online = (BitSet) Objects.requireNonNull(online, "online").clone();
    }

    @Override
    public BitSet online() {
        return (BitSet) online.clone();
    }

    /**
     * Reads the online CPUs: {@code /sys/devices/system/cpu/online}, or the {@code cpuN} directories when that file
     * is missing.
     *
     * @param fs the host tree
     * @return the online CPUs
     * @throws HostFileException when neither can be read
     */
    public static BitSet readOnline(HostFs fs) throws HostFileException {
        return readCpuList(fs, CPU_DIR + "/online", true);
    }

    /**
     * Reads one of the CPU list files under {@code /sys/devices/system/cpu} ({@code possible}, {@code present},
     * {@code isolated}, {@code nohz_full}).
     *
     * @param fs the host tree
     * @param name the file name
     * @return the CPUs it lists
     * @throws HostFileException when it cannot be read or parsed
     */
    public static BitSet readCpuFile(HostFs fs, String name) throws HostFileException {
        return readCpuList(fs, CPU_DIR + "/" + name, false);
    }

    private static BitSet readCpuList(HostFs fs, String path, boolean fallBackToDirectories)
            throws HostFileException {
        try {
            return parseList(path, fs.readLine(path));
        } catch (HostFileException e) {
            if (!fallBackToDirectories || fs.exists(path)) {
                throw e;
            }
            BitSet cpus = new BitSet();
            try {
                for (String name : fs.list(CPU_DIR, "cpu[0-9]*")) {
                    cpus.set(Integer.parseInt(name.substring(3)));
                }
            } catch (HostFileException | NumberFormatException listing) {
                e.addSuppressed(listing);
                throw e;
            }
            if (cpus.isEmpty()) {
                throw e;
            }
            return cpus;
        }
    }

    /**
     * Parses the CPU list held by a host file, reporting a malformed list as a failure of that file.
     *
     * @param path the documented absolute path the text was read from
     * @param text the file's contents, such as {@code 0-3,8}
     * @return the CPUs
     * @throws HostFileException when the text is not a CPU list; its message names {@code path}
     */
    public static BitSet parseList(String path, String text) throws HostFileException {
        try {
            return CpuList.parse(text);
        } catch (IllegalArgumentException e) {
            throw new HostFileException(path, e.getMessage());
        }
    }

    /**
     * Reads packages, cores and SMT width of the online CPUs.
     *
     * @param fs the host tree
     * @return the topology
     * @throws HostFileException when the online CPUs or one of their topology files cannot be read
     */
    public static CpuTopology read(HostFs fs) throws HostFileException {
        return read(fs, readOnline(fs));
    }

    /**
     * Reads packages, cores and SMT width of the CPUs this process may use: the online CPUs that are also in
     * {@code Cpus_allowed_list} of {@code /proc/self/status}, which the kernel keeps inside the cgroup cpuset (and
     * any taskset). In a container limited to {@code cpuset.cpus=0-3} of a 128-CPU host this counts 4 CPUs.
     *
     * @param fs the host tree
     * @return the topology of the usable CPUs; {@link #online()} holds them
     * @throws HostFileException when a file cannot be read, or no online CPU is allowed
     */
    public static CpuTopology readUsable(HostFs fs) throws HostFileException {
        BitSet usable = readOnline(fs);
        usable.and(readAllowed(fs));
        if (usable.isEmpty()) {
            throw new HostFileException(STATUS, "no online CPU in Cpus_allowed_list");
        }
        return read(fs, usable);
    }

    /**
     * Reads the CPUs this process may run on: {@code Cpus_allowed_list} of {@code /proc/self/status}.
     *
     * @param fs the host tree
     * @return the allowed CPUs
     * @throws HostFileException when the file cannot be read or has no such line
     */
    public static BitSet readAllowed(HostFs fs) throws HostFileException {
        for (String line : fs.lines(STATUS)) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return parseList(STATUS, line.substring("Cpus_allowed_list:".length()));
            }
        }
        throw new HostFileException(STATUS, "no Cpus_allowed_list line");
    }

    /**
     * Reads the SMT siblings of a CPU ({@code thread_siblings_list}): the hardware threads sharing its core,
     * itself included.
     *
     * @param fs the host tree
     * @param cpu the CPU number
     * @return the CPUs of its core
     * @throws IllegalArgumentException when {@code cpu} is negative
     * @throws HostFileException when the CPU has no readable topology
     */
    public static BitSet siblings(HostFs fs, int cpu) throws HostFileException {
        if (cpu < 0) {
            throw new IllegalArgumentException("CPU number must be >= 0: " + cpu);
        }
        String path = CPU_DIR + "/cpu" + cpu + "/topology/thread_siblings_list";
        BitSet siblings = parseList(path, fs.readLine(path));
        siblings.set(cpu);
        return siblings;
    }

    /**
     * Reads packages, cores and SMT width of the given CPUs; a core or package counts when one of its CPUs is
     * given.
     *
     * @param fs the host tree
     * @param cpus the CPUs to describe, such as the online or the usable ones
     * @return the topology; {@link #online()} holds {@code cpus}
     * @throws HostFileException when a topology file of one of the CPUs cannot be read
     */
    public static CpuTopology read(HostFs fs, BitSet cpus) throws HostFileException {
        BitSet online = (BitSet) cpus.clone();
        Set<Long> packages = new HashSet<>();
        Set<BitSet> cores = new HashSet<>();
        int maxThreads = 0;
        for (int cpu = online.nextSetBit(0); cpu >= 0; cpu = online.nextSetBit(cpu + 1)) {
            String dir = CPU_DIR + "/cpu" + cpu + "/topology";
            packages.add(fs.readLong(dir + "/physical_package_id"));
            BitSet siblings = siblings(fs, cpu);
            siblings.and(online);
            cores.add(siblings);
            maxThreads = Math.max(maxThreads, siblings.cardinality());
        }
        return new CpuTopology(online, packages.size(), cores.size(), maxThreads);
    }

    /**
     * Reads the caches of the given CPUs from {@code cpuN/cache/indexM}, grouped by level and type.
     *
     * @param fs the host tree
     * @param cpus the CPUs whose caches count (normally the online ones)
     * @return one entry per level and type, ordered by level then L1d before L1i
     * @throws HostFileException when a cache directory exists but cannot be read, or no CPU exposes caches
     */
    public static List<Cache> readCaches(HostFs fs, BitSet cpus) throws HostFileException {
        record Key(int level, String type) {
        }
        final class Acc {
            final Set<BitSet> instances = new HashSet<>();
            String size = "";
            long sizeBytes = -1;
            int lineSizeBytes = -1;
            int cpusPerInstance;
        }
        Map<Key, Acc> byKind = new LinkedHashMap<>();
        HostFileException firstMissing = null;
        for (int cpu = cpus.nextSetBit(0); cpu >= 0; cpu = cpus.nextSetBit(cpu + 1)) {
            String cacheDir = CPU_DIR + "/cpu" + cpu + "/cache";
            List<String> indexes;
            try {
                indexes = fs.list(cacheDir, "index[0-9]*");
            } catch (HostFileException e) {
                firstMissing = firstMissing == null ? e : firstMissing;
                continue;
            }
            for (String index : indexes) {
                String dir = cacheDir + "/" + index;
                int level = (int) fs.readLong(dir + "/level");
                String type = fs.readLine(dir + "/type");
                String sharedPath = dir + "/shared_cpu_list";
                BitSet shared = fs.exists(sharedPath)
                        ? parseList(sharedPath, fs.readLine(sharedPath))
                        : CpuList.of(cpu);
                Acc acc = byKind.computeIfAbsent(new Key(level, type), k -> new Acc());
                if (acc.instances.add(shared)) {
                    acc.cpusPerInstance = Math.max(acc.cpusPerInstance, shared.cardinality());
                }
                if (fs.exists(dir + "/size")) {
                    acc.size = fs.readLine(dir + "/size");
                    acc.sizeBytes = parseSize(acc.size);
                }
                if (fs.exists(dir + "/coherency_line_size")) {
                    acc.lineSizeBytes = (int) fs.readLong(dir + "/coherency_line_size");
                }
            }
        }
        if (byKind.isEmpty() && firstMissing != null) {
            throw firstMissing;
        }
        List<Cache> caches = new ArrayList<>();
        byKind.forEach((k, a) -> caches.add(new Cache(k.level(), k.type(), a.size, a.sizeBytes, a.lineSizeBytes,
                a.instances.size(), a.cpusPerInstance)));
        caches.sort((a, b) -> a.level() != b.level() ? Integer.compare(a.level(), b.level())
                : a.type().compareTo(b.type()));
        return caches;
    }

    /** Parses the cache size format of sysfs: {@code 48K}, {@code 2048K}, {@code 32M}, or plain bytes. */
    static long parseSize(String size) {
        if (size.isEmpty()) {
            return -1;
        }
        char unit = Character.toUpperCase(size.charAt(size.length() - 1));
        long scale = switch (unit) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        String digits = scale == 1 ? size : size.substring(0, size.length() - 1);
        try {
            return Long.parseLong(digits) * scale;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
