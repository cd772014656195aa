/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.host;

import dev.panamax.thread.HostFs;
import dev.panamax.thread.HostFileException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The resource limits in {@code /proc/self/limits}, the fallback when {@code prlimit(2)} is not reachable.
 *
 * @see <a href="https://man7.org/linux/man-pages/man5/proc_pid_limits.5.html">proc_pid_limits(5)</a>
 */
public final class ProcLimits {

    static final String PATH = "/proc/self/limits";

    /**
     * One resource limit.
     *
     * @param name the kernel's name, such as {@code Max locked memory}
     * @param soft the soft limit, or -1 for {@code unlimited}
     * @param hard the hard limit, or -1 for {@code unlimited}
     * @param unit the unit column ({@code bytes}, {@code us}, empty for counts)
     */
    public record Limit(String name, long soft, long hard, String unit) {
    }

    private final Map<String, Limit> limits;

    private ProcLimits(Map<String, Limit> limits) {
        this.limits = limits;
    }

    /**
     * Reads {@code /proc/self/limits}.
     *
     * @param fs the host tree
     * @return the limits by name
     * @throws HostFileException when the file cannot be read or a line cannot be parsed
     */
    public static ProcLimits read(HostFs fs) throws HostFileException {
        Map<String, Limit> limits = new LinkedHashMap<>();
        for (String line : fs.lines(PATH)) {
            if (line.isBlank() || line.startsWith("Limit ")) {
                continue;
            }
            // "Max locked memory         8388608              8388608              bytes"
            String[] words = line.trim().split("\\s+");
            int i = 0;
            while (i < words.length && !isValue(words[i])) {
                i++;
            }
            if (i == 0 || i + 1 >= words.length) {
                throw new HostFileException(PATH, "malformed line '" + line + "'");
            }
            String name = String.join(" ", Arrays.copyOfRange(words, 0, i));
            String unit = i + 2 < words.length ? words[i + 2] : "";
            limits.put(name, new Limit(name, value(words[i]), value(words[i + 1]), unit));
        }
        return new ProcLimits(limits);
    }

    /**
     * Returns one limit.
     *
     * @param name the kernel's name, such as {@code Max locked memory}
     * @return the limit, or empty when the kernel does not list it
     */
    public Optional<Limit> get(String name) {
        return Optional.ofNullable(limits.get(name));
    }

    private static boolean isValue(String word) {
        return word.equals("unlimited") || word.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static long value(String word) {
        if (word.equals("unlimited")) {
            return -1;
        }
        try {
            return Long.parseLong(word);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
