/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.host;

import dev.panamax.thread.HostFs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a fake {@code /proc} and {@code /sys} under a temporary directory, for parser tests. */
public final class FakeTree {

    private final Path root;

    public FakeTree(Path root) {
        this.root = root;
    }

    public HostFs fs() {
        return new HostFs(root);
    }

    public Path root() {
        return root;
    }

    /** Writes {@code content} plus a newline, as sysfs does, at the documented absolute path. */
    public FakeTree file(String absolute, String content) {
        Path p = root.resolve(absolute.substring(1));
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, content + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public FakeTree dir(String absolute) {
        try {
            Files.createDirectories(root.resolve(absolute.substring(1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * A machine with {@code packages} sockets of {@code coresPerPackage} cores and {@code threadsPerCore} SMT
     * threads, numbered like Linux on x86 (all first threads, then all second threads), with per-core L1d/L1i/L2
     * and a per-package L3, and one NUMA node per package.
     */
    public FakeTree machine(int packages, int coresPerPackage, int threadsPerCore) {
        int cores = packages * coresPerPackage;
        int cpus = cores * threadsPerCore;
        file("/sys/devices/system/cpu/online", "0-" + (cpus - 1));
        file("/sys/devices/system/cpu/possible", "0-" + (cpus - 1));
        file("/sys/devices/system/cpu/isolated", "");
        file("/sys/devices/system/cpu/smt/control", threadsPerCore > 1 ? "on" : "notsupported");
        file("/sys/devices/system/node/online", packages == 1 ? "0" : "0-" + (packages - 1));
        for (int cpu = 0; cpu < cpus; cpu++) {
            int core = cpu % cores;
            int pkg = core / coresPerPackage;
            StringBuilder siblings = new StringBuilder();
            for (int t = 0; t < threadsPerCore; t++) {
                siblings.append(t == 0 ? "" : ",").append(core + t * cores);
            }
            String dir = "/sys/devices/system/cpu/cpu" + cpu;
            file(dir + "/topology/physical_package_id", String.valueOf(pkg));
            file(dir + "/topology/core_id", String.valueOf(core % coresPerPackage));
            file(dir + "/topology/thread_siblings_list", siblings.toString());
            cache(dir + "/cache/index0", 1, "Data", "48K", siblings.toString());
            cache(dir + "/cache/index1", 1, "Instruction", "32K", siblings.toString());
            cache(dir + "/cache/index2", 2, "Unified", "2048K", siblings.toString());
            String l3 = pkg * coresPerPackage + "-" + ((pkg + 1) * coresPerPackage - 1);
            if (threadsPerCore > 1) {
                l3 += "," + (cores + pkg * coresPerPackage) + "-" + (cores + (pkg + 1) * coresPerPackage - 1);
            }
            cache(dir + "/cache/index3", 3, "Unified", "32768K", l3);
        }
        for (int pkg = 0; pkg < packages; pkg++) {
            String cpulist = pkg * coresPerPackage + "-" + ((pkg + 1) * coresPerPackage - 1);
            if (threadsPerCore > 1) {
                cpulist += "," + (cores + pkg * coresPerPackage) + "-" + (cores + (pkg + 1) * coresPerPackage - 1);
            }
            String node = "/sys/devices/system/node/node" + pkg;
            file(node + "/cpulist", cpulist);
            file(node + "/meminfo", "Node " + pkg + " MemTotal:       16777216 kB\nNode " + pkg
                    + " MemFree:         8388608 kB\nNode " + pkg + " MemUsed:         8388608 kB");
            StringBuilder distance = new StringBuilder();
            for (int other = 0; other < packages; other++) {
                distance.append(other == 0 ? "" : " ").append(other == pkg ? 10 : 21);
            }
            file(node + "/distance", distance.toString());
        }
        return this;
    }

    private void cache(String dir, int level, String type, String size, String shared) {
        file(dir + "/level", String.valueOf(level));
        file(dir + "/type", type);
        file(dir + "/size", size);
        file(dir + "/coherency_line_size", "64");
        file(dir + "/shared_cpu_list", shared);
    }
}
