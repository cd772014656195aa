/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.util.List;

/**
 * What one {@code panamax bench} run measured, and under which conditions.
 *
 * @param rows one comparison per JMH result
 * @param suites the names of the suites that ran
 * @param notBuilt the names of the requested suites whose class is not in {@code benchmarks.jar} yet
 * @param started when the run started, ISO-8601 UTC
 * @param jdk the benchmark JVM's version and vendor
 * @param host the operating system, kernel and CPU count
 * @param quick true for a {@code --quick} (smoke) run
 * @param jmhOptions the JMH options the run used beyond the benchmark selection, such as {@code -f 1 -i 2}
 */
public record BenchRun(List<Comparison> rows, List<String> suites, List<String> notBuilt, String started, String jdk,
                       String host, boolean quick, String jmhOptions) {

    /**
     * Copies the lists.
     *
     * @param rows the comparisons
     * @param suites the suites run
     * @param notBuilt the suites not built
     * @param started the start time
     * @param jdk the JVM
     * @param host the host
     * @param quick the quick flag
     * @param jmhOptions the options
     */
    public BenchRun {
        rows = List.copyOf(rows);
        suites = List.copyOf(suites);
        notBuilt = List.copyOf(notBuilt);
    }

    /**
     * Returns the rows of one suite.
     *
     * @param suite a suite name
     * @return its rows, in run order
     */
    public List<Comparison> rowsOf(String suite) {
        return rows.stream().filter(c -> c.suite() != null && c.suite().name().equals(suite)).toList();
    }

    /**
     * Returns the rows no registered suite claims (a benchmark class the registry does not name).
     *
     * @return those rows, in run order
     */
    public List<Comparison> otherRows() {
        return rows.stream().filter(c -> c.suite() == null).toList();
    }
}
