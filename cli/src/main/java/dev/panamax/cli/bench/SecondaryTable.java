/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The secondary metrics of one benchmark and mode as a table, for the Markdown and HTML reports: one row per result
 * (parameter set), one column per metric.
 *
 * @param title the benchmark without its package, and the mode, such as
 *     {@code AllocatorWorkloadBenchmark.falseSharing (avgt)}
 * @param names the metrics' names, in the order they first appear in the results
 * @param units each metric's unit, as the first result that has it gives it
 * @param rows the results, in run order
 */
record SecondaryTable(String title, List<String> names, List<String> units, List<Comparison> rows) {

    /** What the secondary metric tables show; printed under them. */
    static final String LEGEND = "Secondary metrics: what JMH measured beside the score, that is the benchmark's "
            + "@AuxCounters counters and any profiler's figures (such as ·gc.alloc.rate.norm), as JMH's score ± the "
            + "half-width of its 99.9% confidence interval where it gives one. JMH sums a counter in # (an EVENTS "
            + "counter) over every measured iteration of every fork ([Sum] in jmh.log); panamax's benchmarks divide "
            + "each iteration's share by the measured iterations and forks, so their # counters read as means.";

    SecondaryTable {
        names = List.copyOf(names);
        units = List.copyOf(units);
        rows = List.copyOf(rows);
    }

    /**
     * Makes one table per benchmark and mode that has secondary metrics; results without any are left out.
     *
     * @param rows the results, in run order
     * @return the tables, in the order their benchmarks first appear
     */
    static List<SecondaryTable> of(List<Comparison> rows) {
        Map<String, List<Comparison>> groups = new LinkedHashMap<>();
        for (Comparison c : rows) {
            Result r = c.result();
            if (!r.secondary().isEmpty()) {
                groups.computeIfAbsent(r.shortName() + " (" + r.mode() + ")", k -> new ArrayList<>()).add(c);
            }
        }
        List<SecondaryTable> tables = new ArrayList<>();
        groups.forEach((title, group) -> {
            Map<String, String> units = new LinkedHashMap<>();
            for (Comparison c : group) {
                for (SecondaryMetric m : c.result().secondary()) {
                    units.putIfAbsent(m.name(), m.unit());
                }
            }
            tables.add(new SecondaryTable(title, List.copyOf(units.keySet()), List.copyOf(units.values()), group));
        });
        return tables;
    }

    /**
     * Returns a column's header.
     *
     * @param column the metric's index in {@link #names()}
     * @return such as {@code peakRssMiB (#)}
     */
    String header(int column) {
        return names.get(column) + " (" + units.get(column) + ")";
    }

    /**
     * Returns a cell: the score, its error when JMH gave one, and the metric's unit where it differs from the
     * column's.
     *
     * @param row a result of {@link #rows()}
     * @param column the metric's index in {@link #names()}
     * @return such as {@code 7.142 ± 1.227}, {@code 660.1}, or the empty string when the result
     *     lacks the metric
     */
    String cell(Comparison row, int column) {
        Result r = row.result();
        for (SecondaryMetric m : r.secondary()) {
            if (m.name().equals(names.get(column))) {
                StringBuilder sb = new StringBuilder(Fmt.num(m.score()));
                if (!Double.isNaN(m.error())) {
                    sb.append(" ± ").append(Fmt.num(m.error()));
                }
                if (!m.unit().equals(units.get(column))) {
                    sb.append(' ').append(m.unit());
                }
                return sb.toString();
            }
        }
        return "";
    }
}
