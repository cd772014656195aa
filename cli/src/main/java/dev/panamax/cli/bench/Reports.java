/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The text forms of a bench run: the console table, the Markdown summary and the machine-readable figures. */
public final class Reports {

    /** What the columns mean; printed under every table. */
    static final String LEGEND = "Score: JMH's mean over the measured iterations. ± Error: half-width of the 99.9% "
            + "confidence interval (n/a below 3 iterations). Range: lowest to highest iteration score. vs best "
            + "peer: each panamax variant against the best non-panamax implementation measured with the same "
            + "benchmark and parameters in this run.";

    /** What the latency percentiles are; printed with them. */
    static final String LATENCY_LEGEND = "Latency of each operation of the measured iterations, recorded with "
            + "HdrHistogram (3 significant digits) around the operation, so it includes two clock reads. A "
            + "percentile is the value of the first listed percentile at or above it. Histograms: HdrHistogram "
            + "percentile distributions (.hgrm, ns) and logs (.hlog) under latency/.";

    private static final String[] HEADER = {"Benchmark", "Params", "Mode", "Score", "± Error", "Median", "Unit",
        "vs best peer"};

    private Reports() {
    }

    /**
     * Renders the compact console table: one row per result, suite by suite, columns aligned, numbers right-aligned;
     * then one line per benchmark with secondary metrics, naming them (their figures are in the report files).
     *
     * @param run the run
     * @return the table with a legend, ending with a newline
     */
    public static String text(BenchRun run) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        List<Comparison> bySuite = new ArrayList<>();
        run.suites().forEach(suite -> bySuite.addAll(run.rowsOf(suite)));
        bySuite.addAll(run.otherRows());
        for (Comparison c : bySuite) {
            Result r = c.result();
            rows.add(new String[] {r.shortName(), r.paramsText(), r.mode(), Fmt.num(r.score()), Fmt.error(r.error()),
                Fmt.num(r.median()), r.unit(), c.verdict()});
        }
        int[] width = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean right = i >= 3 && i <= 5 && row != HEADER;
                String cell = right ? " ".repeat(width[i] - row[i].length()) + row[i]
                        : row[i] + " ".repeat(width[i] - row[i].length());
                line.append(i == 0 ? "" : "  ").append(cell);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        for (SecondaryTable t : SecondaryTable.of(bySuite)) {
            sb.append("secondary metrics of ").append(t.title()).append(": ").append(String.join(", ", t.names()))
                    .append(" (in summary.md and index.html)\n");
        }
        if (!run.notBuilt().isEmpty()) {
            sb.append("not built yet (no class in benchmarks.jar): ").append(String.join(", ", run.notBuilt()))
                    .append('\n');
        }
        if (run.quick()) {
            sb.append("quick run (").append(run.jmhOptions()).append("): smoke figures, not for comparing with "
                    + "targets\n");
        }
        return sb.toString();
    }

    /**
     * Renders {@code summary.md}: run conditions, one table per suite followed by a table of secondary metrics
     * ({@code @AuxCounters} counters, profilers' figures) per benchmark that has any, the legends and links to the
     * charts.
     *
     * @param run the run
     * @param charts the charts written next to the summary, linked by {@link Chart#fileName()} under
     *     {@code charts/}
     * @return the Markdown text
     */
    public static String markdown(BenchRun run, List<Chart> charts) {
        return markdown(run, charts, List.of());
    }

    /**
     * Renders {@code summary.md} with latency percentiles: as {@link #markdown(BenchRun, List)}, then, per latency
     * chart, a table of percentiles per implementation and links to the chart and to the histogram files.
     *
     * @param run the run
     * @param charts the bar charts, under {@code charts/}
     * @param latency the latency charts, under {@code charts/}, their histograms under {@code latency/}
     * @return the Markdown text
     */
    public static String markdown(BenchRun run, List<Chart> charts, List<LatencyChart> latency) {
        StringBuilder sb = new StringBuilder();
        sb.append("# panamax bench, ").append(run.started()).append("\n\n");
        sb.append("- Suites: ").append(run.suites().isEmpty() ? "none" : String.join(", ", run.suites()))
                .append('\n');
        if (!run.notBuilt().isEmpty()) {
            sb.append("- Not built yet (no class in benchmarks.jar): ").append(String.join(", ", run.notBuilt()))
                    .append('\n');
        }
        sb.append("- JVM: ").append(run.jdk()).append('\n');
        sb.append("- Host: ").append(run.host()).append('\n');
        sb.append("- JMH options: `").append(run.jmhOptions().isEmpty() ? "(the benchmarks' own)" : run.jmhOptions())
                .append('`').append(run.quick() ? " (quick: smoke figures, not for comparing with targets)" : "")
                .append("\n\n");
        for (String suite : run.suites()) {
            sb.append("## ").append(suite).append("\n\n");
            table(sb, run.rowsOf(suite));
            secondaryTables(sb, run.rowsOf(suite));
        }
        if (!run.otherRows().isEmpty()) {
            sb.append("## other\n\n");
            table(sb, run.otherRows());
            secondaryTables(sb, run.otherRows());
        }
        sb.append(LEGEND).append(" Raw figures: `jmh-result.json`; JMH's output: `jmh.log`.\n\n");
        if (!SecondaryTable.of(run.rows()).isEmpty()) {
            sb.append(SecondaryTable.LEGEND).append("\n\n");
        }
        if (!charts.isEmpty()) {
            sb.append("## Charts\n\n");
            for (Chart chart : charts) {
                sb.append("![").append(Fmt.md(chart.title())).append("](charts/").append(chart.fileName())
                        .append(")\n\n");
            }
        }
        if (!latency.isEmpty()) {
            sb.append("## Latency percentiles\n\n");
            sb.append(LATENCY_LEGEND).append("\n\n");
            for (LatencyChart chart : latency) {
                sb.append("### ").append(Fmt.md(chart.title())).append(chart.others().isEmpty() ? ""
                        : " (" + Fmt.md(chart.others()) + ")").append("\n\n");
                sb.append("![").append(Fmt.md(chart.title())).append(" latency percentiles](charts/")
                        .append(chart.fileName()).append(")\n\n");
                sb.append("| Impl | Ops |");
                for (double p : LatencyChart.TABLE_PERCENTILES) {
                    sb.append(' ').append(LatencyChart.percentileName(p)).append(" |");
                }
                sb.append(" max | Histogram |\n|---|--:|");
                sb.append("--:|".repeat(LatencyChart.TABLE_PERCENTILES.length + 1)).append("---|\n");
                for (LatencyCurve c : chart.curves()) {
                    String impl = Fmt.md(c.label());
                    sb.append("| ").append(c.panamax() ? "**" + impl + "**" : impl).append(" | ").append(c.count())
                            .append(" |");
                    for (double p : LatencyChart.TABLE_PERCENTILES) {
                        sb.append(' ').append(LatencyChart.duration(c.valueAt(p))).append(" |");
                    }
                    sb.append(' ').append(LatencyChart.duration(c.maxNs())).append(" | [").append(Fmt.md(c.file()))
                            .append("](").append(LatencyChart.DIR).append('/').append(c.file()).append(") |\n");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** One table per benchmark with secondary metrics: params, then one column per metric. */
    private static void secondaryTables(StringBuilder sb, List<Comparison> rows) {
        for (SecondaryTable t : SecondaryTable.of(rows)) {
            sb.append("### Secondary metrics: ").append(Fmt.md(t.title())).append("\n\n| Params |");
            for (int i = 0; i < t.names().size(); i++) {
                sb.append(' ').append(Fmt.md(t.header(i))).append(" |");
            }
            sb.append("\n|---|").append("--:|".repeat(t.names().size())).append('\n');
            for (Comparison c : t.rows()) {
                String params = Fmt.md(c.result().paramsText());
                sb.append("| ").append(c.panamax() ? "**" + params + "**" : params).append(" |");
                for (int i = 0; i < t.names().size(); i++) {
                    sb.append(' ').append(Fmt.md(t.cell(c, i))).append(" |");
                }
                sb.append('\n');
            }
            sb.append('\n');
        }
    }

    private static void table(StringBuilder sb, List<Comparison> rows) {
        sb.append("| Benchmark | Params | Mode | Score | ± Error | Median | Range | Unit | vs best peer |\n");
        sb.append("|---|---|---|--:|--:|--:|--:|---|---|\n");
        for (Comparison c : rows) {
            Result r = c.result();
            String params = Fmt.md(r.paramsText());
            sb.append("| ").append(Fmt.md(r.shortName()))
                    .append(" | ").append(c.panamax() ? "**" + params + "**" : params)
                    .append(" | ").append(r.mode())
                    .append(" | ").append(Fmt.num(r.score()))
                    .append(" | ").append(Fmt.error(r.error()))
                    .append(" | ").append(Fmt.num(r.median()))
                    .append(" | ").append(Fmt.range(r))
                    .append(" | ").append(Fmt.md(r.unit()))
                    .append(" | ").append(Fmt.md(c.verdict()))
                    .append(" |\n");
        }
        sb.append('\n');
    }

    /**
     * Returns the figures as a JSON-ready tree (maps, lists, strings, numbers, booleans, nulls; NaN as null). Each
     * result has its {@code forks} and a {@code secondary} object, empty when JMH gave no secondary metric, mapping
     * each metric's name to its {@code score}, {@code error}, {@code unit}, {@code summed} (JMH summed it over the
     * iterations of all forks: an {@code EVENTS} counter).
     *
     * @param run the run
     * @param reportDir where the report was written, null when none was
     * @return the tree for {@code dev.panamax.cli.doctor.Json#write}
     */
    public static Map<String, Object> json(BenchRun run, String reportDir) {
        return json(run, reportDir, List.of());
    }

    /**
     * Returns the figures with latency percentiles as a JSON-ready tree: as {@link #json(BenchRun, String)}, plus a
     * {@code latency} list with, per latency chart, each implementation's operation count and percentiles in
     * nanoseconds.
     *
     * @param run the run
     * @param reportDir where the report was written, null when none was
     * @param latency the latency charts
     * @return the tree for {@code dev.panamax.cli.doctor.Json#write}
     */
    public static Map<String, Object> json(BenchRun run, String reportDir, List<LatencyChart> latency) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("tool", "panamax bench");
        doc.put("started", run.started());
        doc.put("quick", run.quick());
        doc.put("jmh_options", run.jmhOptions());
        doc.put("jdk", run.jdk());
        doc.put("host", run.host());
        doc.put("suites", run.suites());
        doc.put("not_built", run.notBuilt());
        doc.put("report", reportDir);
        List<Object> results = new ArrayList<>();
        for (Comparison c : run.rows()) {
            Result r = c.result();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("suite", c.suite() == null ? null : c.suite().name());
            m.put("benchmark", r.benchmark());
            m.put("mode", r.mode());
            m.put("threads", r.threads());
            m.put("forks", r.forks());
            m.put("params", new LinkedHashMap<>(r.params()));
            m.put("impl", c.impl());
            m.put("panamax", c.panamax());
            m.put("score", finite(r.score()));
            m.put("error", finite(r.error()));
            m.put("median", finite(r.median()));
            m.put("min", finite(r.min()));
            m.put("max", finite(r.max()));
            m.put("unit", r.unit());
            m.put("best_peer", c.bestPeerImpl());
            m.put("best_peer_score", c.hasPeer() ? finite(c.bestPeer().score()) : null);
            m.put("ratio", finite(c.ratio()));
            m.put("speedup", finite(c.speedup()));
            Map<String, Object> secondary = new LinkedHashMap<>();
            for (SecondaryMetric s : r.secondary()) {
                Map<String, Object> metric = new LinkedHashMap<>();
                metric.put("score", finite(s.score()));
                metric.put("error", finite(s.error()));
                metric.put("unit", s.unit());
                metric.put("summed", s.summed());
                secondary.put(s.name(), metric);
            }
            m.put("secondary", secondary);
            results.add(m);
        }
        doc.put("results", results);
        if (!latency.isEmpty()) {
            List<Object> charts = new ArrayList<>();
            for (LatencyChart chart : latency) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("benchmark", chart.title());
                m.put("params", chart.others());
                List<Object> curves = new ArrayList<>();
                for (LatencyCurve c : chart.curves()) {
                    Map<String, Object> curve = new LinkedHashMap<>();
                    curve.put("impl", c.label());
                    curve.put("panamax", c.panamax());
                    curve.put("count", c.count());
                    curve.put("mean_ns", finite(c.meanNs()));
                    for (double p : LatencyChart.TABLE_PERCENTILES) {
                        curve.put(LatencyChart.percentileName(p) + "_ns", c.valueAt(p));
                    }
                    curve.put("max_ns", c.maxNs());
                    curve.put("histogram", LatencyChart.DIR + "/" + c.file());
                    curves.add(curve);
                }
                m.put("curves", curves);
                charts.add(m);
            }
            doc.put("latency", charts);
        }
        return doc;
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }
}
