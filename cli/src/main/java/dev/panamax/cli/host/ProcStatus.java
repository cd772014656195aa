/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.host;

import dev.panamax.thread.CpuList;
import dev.panamax.thread.HostFs;
import dev.panamax.thread.HostFileException;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code Key:\tvalue} lines of {@code /proc/self/status}: seccomp mode and filter count, no_new_privs, the
 * allowed CPU list.
 *
 * @see <a href="https://man7.org/linux/man-pages/man5/proc_pid_status.5.html">proc_pid_status(5)</a>
 */
public final class ProcStatus {

    static final String PATH = "/proc/self/status";

    private final Map<String, String> fields;

    private ProcStatus(Map<String, String> fields) {
        this.fields = fields;
    }

    /**
     * Reads {@code /proc/self/status}.
     *
     * @param fs the host tree
     * @return the parsed fields
     * @throws HostFileException when the file cannot be read
     */
    public static ProcStatus read(HostFs fs) throws HostFileException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : fs.lines(PATH)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return new ProcStatus(fields);
    }

    /**
     * Returns one field.
     *
     * @param key the name before the colon, such as {@code Seccomp}
     * @return the value, trimmed, or empty when the kernel does not print it
     */
    public Optional<String> field(String key) {
        return Optional.ofNullable(fields.get(key));
    }

    /**
     * Returns the seccomp mode: 0 disabled, 1 strict, 2 filter.
     *
     * @return the mode, or empty when the kernel lacks {@code CONFIG_SECCOMP}
     */
    public Optional<Integer> seccompMode() {
        return integer("Seccomp");
    }

    /**
     * Returns the number of seccomp filters attached to this thread (Linux 5.9+).
     *
     * @return the count, or empty when the kernel does not print it
     */
    public Optional<Integer> seccompFilters() {
        return integer("Seccomp_filters");
    }

    /**
     * Returns the {@code no_new_privs} bit.
     *
     * @return 0 or 1, or empty when not printed
     */
    public Optional<Integer> noNewPrivs() {
        return integer("NoNewPrivs");
    }

    /**
     * Returns the CPUs this thread may run on ({@code Cpus_allowed_list}).
     *
     * @return the CPUs, or empty when not printed or unparsable
     */
    public Optional<BitSet> cpusAllowed() {
        return field("Cpus_allowed_list").flatMap(s -> {
            try {
                return Optional.of(CpuList.parse(s));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * Names a seccomp mode the way {@code seccomp(2)} does.
     *
     * @param mode the number from {@link #seccompMode()}
     * @return {@code disabled}, {@code strict}, {@code filter} or {@code mode N}
     */
    public static String seccompModeName(int mode) {
        return switch (mode) {
            case 0 -> "disabled";
            case 1 -> "strict";
            case 2 -> "filter";
            default -> "mode " + mode;
        };
    }

    private Optional<Integer> integer(String key) {
        return field(key).flatMap(s -> {
            try {
                return Optional.of(Integer.parseInt(s));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }
}
