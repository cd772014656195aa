/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.thread;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * The NUMA nodes the kernel reports under {@code /sys/devices/system/node}: which are online, their CPUs, their
 * memory and their distances. A kernel built without {@code CONFIG_NUMA} has no such directory; that is reported as
 * a missing file, not as one node, because the doctor must not guess.
 *
 * @see <a href="https://docs.kernel.org/admin-guide/mm/numa_memory_policy.html">NUMA memory policy</a>
 */
public final class NumaNodes {

    static final String NODE_DIR = "/sys/devices/system/node";

    /**
     * One NUMA node.
     *
     * @param id the node number
     * @param cpus its CPUs (empty for a memory-only node)
     * @param memTotalBytes its memory, or -1 when {@code meminfo} is unreadable
     * @param memFreeBytes its free memory, or -1 when {@code meminfo} is unreadable
     * @param distances the distance row to every online node, in node order (empty when unreadable)
     */
    public record Node(int id, BitSet cpus, long memTotalBytes, long memFreeBytes, List<Integer> distances) {

        /**
         * Creates a node; the CPU set and the distances are copied.
         *
         * @param id the node number
         * @param cpus its CPUs
         * @param memTotalBytes its memory
         * @param memFreeBytes its free memory
         * @param distances its distance row
         */
        public Node {
            cpus = (BitSet) Objects.requireNonNull(cpus, "cpus").clone();
            distances = List.copyOf(distances);
        }

        @Override
        public BitSet cpus() {
            return (BitSet) cpus.clone();
        }
    }

    private NumaNodes() {
    }

    /**
     * Reads the online NUMA nodes.
     *
     * @param fs the host tree
     * @return the nodes in ascending order
     * @throws HostFileException when {@code /sys/devices/system/node/online} or a node's {@code cpulist} cannot be
     *         read
     */
    public static List<Node> read(HostFs fs) throws HostFileException {
        String onlinePath = NODE_DIR + "/online";
        BitSet online = CpuTopology.parseList(onlinePath, fs.readLine(onlinePath));
        List<Node> nodes = new ArrayList<>();
        for (int id = online.nextSetBit(0); id >= 0; id = online.nextSetBit(id + 1)) {
            String dir = NODE_DIR + "/node" + id;
            String cpulistPath = dir + "/cpulist";
            BitSet cpus = CpuTopology.parseList(cpulistPath, fs.readLine(cpulistPath));
            long total = -1;
            long free = -1;
            try {
                for (String line : fs.lines(dir + "/meminfo")) {
                    // "Node 0 MemTotal:        4155168 kB"
                    String[] f = line.trim().split("\\s+");
                    if (f.length >= 4 && f[2].equals("MemTotal:")) {
                        total = kiloBytes(f);
                    } else if (f.length >= 4 && f[2].equals("MemFree:")) {
                        free = kiloBytes(f);
                    }
                }
            } catch (HostFileException e) {
                // memory sizes are a detail; the node and its CPUs are still worth reporting
            }
            List<Integer> distances = new ArrayList<>();
            try {
                for (String d : fs.readLine(dir + "/distance").split("\\s+")) {
                    if (!d.isEmpty()) {
                        distances.add(Integer.parseInt(d));
                    }
                }
            } catch (HostFileException | NumberFormatException e) {
                distances.clear();
            }
            nodes.add(new Node(id, cpus, total, free, distances));
        }
        return nodes;
    }

    private static long kiloBytes(String[] fields) {
        try {
            long value = Long.parseLong(fields[3]);
            return fields.length > 4 && fields[4].equalsIgnoreCase("kB") ? value * 1024 : value;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
