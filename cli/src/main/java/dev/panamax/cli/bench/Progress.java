/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns JMH's console output into one progress line per fork. JMH prints, once for each benchmark and parameter
 * set, {@code # Benchmark: <name>} and {@code # Parameters: (k = v, ...)}, then before each fork
 * {@code # Run progress: 33.33% complete, ETA 00:01:23} and {@code # Fork: 1 of 2}. Each run progress line gives a
 * line such as {@code benchmark 3 of 9 (LockBenchmark.contended impl=futex), 33% done, ETA 00:01:23}, with
 * {@code fork 2} after the name from the second fork on.
 */
public final class Progress {

    private static final Pattern RUN_PROGRESS =
            Pattern.compile("^# Run progress: ([0-9]+(?:\\.[0-9]+)?)% complete, ETA (.+)$");
    private static final Pattern PARAMETERS = Pattern.compile("^# Parameters: \\((.*)\\)$");
    private static final String BENCHMARK = "# Benchmark: ";

    private final int total;
    private int index;            // benchmark and parameter sets started so far
    private int fork;             // forks started of the current one
    private String benchmark = "";
    private String params = "";

    /**
     * Creates a tracker for a run of a known number of benchmark runs.
     *
     * @param total the number of benchmark and parameter combinations JMH will run; 0 or less when unknown
     */
    public Progress(int total) {
        this.total = total;
    }

    /**
     * One parsed {@code # Run progress} line.
     *
     * @param percent the share of the run done, 0 to 100
     * @param eta JMH's estimate of the time left, such as {@code 00:01:23}
     */
    public record RunProgress(double percent, String eta) {
    }

    /**
     * Parses a {@code # Run progress} line.
     *
     * @param line one line of JMH's output
     * @return the figures, or empty when the line is something else
     */
    public static Optional<RunProgress> parse(String line) {
        Matcher m = RUN_PROGRESS.matcher(line.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new RunProgress(Double.parseDouble(m.group(1)), m.group(2).strip()));
    }

    /**
     * Feeds one line of JMH's output.
     *
     * @param line the line, without its line terminator
     * @return the progress line to show, when this line starts a new benchmark run
     */
    public Optional<String> accept(String line) {
        String s = line.strip();
        if (s.startsWith(BENCHMARK)) {
            String name = s.substring(BENCHMARK.length()).strip();
            benchmark = name.startsWith(Suite.PACKAGE + ".") ? name.substring(Suite.PACKAGE.length() + 1) : name;
            params = "";
            index++;
            fork = 0;
            return Optional.empty();
        }
        Matcher p = PARAMETERS.matcher(s);
        if (p.matches()) {
            params = p.group(1).replace(" = ", "=").replace(", ", " ");
            return Optional.empty();
        }
        Optional<RunProgress> progress = parse(s);
        if (progress.isEmpty()) {
            return Optional.empty();
        }
        index = Math.max(index, 1);
        fork++;
        StringBuilder sb = new StringBuilder("benchmark ").append(index);
        if (total > 0) {
            sb.append(" of ").append(Math.max(total, index));
        }
        if (!benchmark.isEmpty()) {
            sb.append(" (").append(benchmark).append(params.isEmpty() ? "" : " " + params).append(')');
        }
        if (fork > 1) {
            sb.append(", fork ").append(fork);
        }
        sb.append(String.format(Locale.ROOT, ", %.0f%% done, ETA %s", progress.get().percent(),
                progress.get().eta()));
        return Optional.of(sb.toString());
    }

    /**
     * Returns how many benchmark and parameter sets have started.
     *
     * @return the count of {@code # Benchmark} headers seen (at least 1 once a run progress line was seen)
     */
    public int started() {
        return index;
    }
}
