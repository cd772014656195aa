/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.thread;

import java.util.BitSet;
import java.util.stream.IntStream;

/**
 * The kernel's CPU list format ({@code 0-3,8,10-11}), used by {@code /sys/devices/system/cpu/online},
 * {@code cpulist}, {@code thread_siblings_list}, {@code cpuset.cpus} and {@code Cpus_allowed_list}. Parsed into a
 * {@link BitSet}, so machines with more than 64 CPUs need no special case.
 *
 * @see <a href="https://docs.kernel.org/admin-guide/cputopology.html">CPU topology (kernel documentation)</a>
 */
public final class CpuList {

    /** The highest CPU number accepted; the kernel's NR_CPUS tops out at 8192 today. */
    static final int MAX_CPU = 1 << 16;

    private CpuList() {
    }

    /**
     * Parses a CPU list. An empty (or all white space) string is the empty set, as in an unset {@code cpuset.cpus}.
     *
     * @param text a list such as {@code 0-3,8,10-11}, optionally with {@code :stride} ranges ({@code 0-7:2})
     * @return the CPUs
     * @throws IllegalArgumentException when the text is not a CPU list
     */
    public static BitSet parse(String text) {
        BitSet cpus = new BitSet();
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return cpus;
        }
        for (String part : trimmed.split(",", -1)) {
            String range = part.strip();
            int stride = 1;
            int colon = range.indexOf(':');
            if (colon >= 0) {
                stride = parseNumber(range.substring(colon + 1), text);
                if (stride == 0) {
                    throw new IllegalArgumentException("zero stride in CPU list '" + text + "'");
                }
                range = range.substring(0, colon);
            }
            int dash = range.indexOf('-');
            int from;
            int to;
            if (dash < 0) {
                from = parseNumber(range, text);
                to = from;
            } else {
                from = parseNumber(range.substring(0, dash), text);
                to = parseNumber(range.substring(dash + 1), text);
            }
            if (to < from) {
                throw new IllegalArgumentException("descending range '" + part + "' in CPU list '" + text + "'");
            }
            for (int cpu = from; cpu <= to; cpu += stride) {
                cpus.set(cpu);
            }
        }
        return cpus;
    }

    /**
     * Formats CPUs in the kernel's list format, merging runs into ranges.
     *
     * @param cpus the CPUs
     * @return a list such as {@code 0-3,8}, or the empty string for no CPU
     */
    public static String format(BitSet cpus) {
        StringBuilder sb = new StringBuilder();
        int from = cpus.nextSetBit(0);
        while (from >= 0) {
            int to = cpus.nextClearBit(from) - 1;
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(from);
            if (to > from) {
                sb.append('-').append(to);
            }
            from = to == Integer.MAX_VALUE ? -1 : cpus.nextSetBit(to + 1);
        }
        return sb.toString();
    }

    /**
     * Returns the CPU numbers in ascending order.
     *
     * @param cpus the CPUs
     * @return their numbers
     */
    public static int[] toArray(BitSet cpus) {
        return cpus.stream().toArray();
    }

    /**
     * Builds a set from CPU numbers.
     *
     * @param cpus CPU numbers
     * @return the set
     */
    public static BitSet of(int... cpus) {
        BitSet set = new BitSet();
        IntStream.of(cpus).forEach(set::set);
        return set;
    }

    private static int parseNumber(String s, String whole) {
        String t = s.strip();
        if (t.isEmpty() || !t.chars().allMatch(c -> c >= '0' && c <= '9') || t.length() > 6) {
            throw new IllegalArgumentException("not a CPU list: '" + whole + "'");
        }
        int n = Integer.parseInt(t);
        if (n > MAX_CPU) {
            throw new IllegalArgumentException("CPU number " + n + " above " + MAX_CPU + " in '" + whole + "'");
        }
        return n;
    }
}
