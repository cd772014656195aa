/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.util.List;

/**
 * Renders {@code index.html}: the run conditions, one table per suite and every chart inlined, in one file that
 * needs no network and no script. The page is also well-formed XML, so that tests can parse it.
 */
public final class HtmlReport {

    private static final String STYLE = """
            body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 24px; color: #111827; }
            h1 { font-size: 24px; margin-bottom: 4px; }
            h2 { font-size: 18px; margin-top: 28px; }
            h3 { font-size: 15px; margin: 18px 0 6px; }
            .meta { color: #374151; font-size: 14px; margin: 2px 0; }
            .note { color: #374151; font-size: 13px; max-width: 980px; }
            .warn { color: #92400e; }
            table { border-collapse: collapse; font-size: 13px; }
            th, td { padding: 3px 8px; border-bottom: 1px solid #e5e7eb; text-align: left; white-space: nowrap; }
            td:last-child { white-space: normal; min-width: 12em; }
            table.secondary td:last-child { white-space: nowrap; min-width: 0; }
            th { background: #f3f4f6; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            tr.panamax td { background: #eff6ff; font-weight: bold; }
            .faster { color: #15803d; }
            .slower { color: #b91c1c; }
            figure { margin: 18px 0; }
            svg { max-width: 100%; height: auto; }
            """;

    private HtmlReport() {
    }

    /**
     * Renders the page: the run conditions, one table per suite followed by a table of secondary metrics per
     * benchmark that has any, and the charts.
     *
     * @param run the run
     * @param charts the charts, inlined in this order
     * @return the HTML text
     */
    public static String html(BenchRun run, List<Chart> charts) {
        return html(run, charts, List.of());
    }

    /**
     * Renders the page with latency percentiles: as {@link #html(BenchRun, List)}, then a section with each latency
     * chart inlined and a table of its percentiles per implementation, linking the histogram files.
     *
     * @param run the run
     * @param charts the bar charts, inlined in this order
     * @param latency the latency charts, inlined in this order after the bar charts
     * @return the HTML text
     */
    public static String html(BenchRun run, List<Chart> charts, List<LatencyChart> latency) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        sb.append("<title>panamax bench ").append(Fmt.xml(run.started())).append("</title>\n");
        sb.append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        sb.append("<h1>panamax bench</h1>\n");
        meta(sb, "Started", run.started());
        meta(sb, "Suites", run.suites().isEmpty() ? "none" : String.join(", ", run.suites()));
        if (!run.notBuilt().isEmpty()) {
            meta(sb, "Not built yet", String.join(", ", run.notBuilt()) + " (no class in benchmarks.jar)");
        }
        meta(sb, "JVM", run.jdk());
        meta(sb, "Host", run.host());
        meta(sb, "JMH options", run.jmhOptions().isEmpty() ? "the benchmarks' own" : run.jmhOptions());
        if (run.quick()) {
            sb.append("<p class=\"meta warn\">Quick run: smoke figures from few, short iterations; not for "
                    + "comparing with targets.</p>\n");
        }
        for (String suite : run.suites()) {
            sb.append("<h2>").append(Fmt.xml(suite)).append("</h2>\n");
            table(sb, run.rowsOf(suite));
            secondaryTables(sb, run.rowsOf(suite));
        }
        if (!run.otherRows().isEmpty()) {
            sb.append("<h2>other</h2>\n");
            table(sb, run.otherRows());
            secondaryTables(sb, run.otherRows());
        }
        sb.append("<p class=\"note\">").append(Fmt.xml(Reports.LEGEND)).append("</p>\n");
        if (!SecondaryTable.of(run.rows()).isEmpty()) {
            sb.append("<p class=\"note\">").append(Fmt.xml(SecondaryTable.LEGEND)).append("</p>\n");
        }
        if (!charts.isEmpty()) {
            sb.append("<h2>Charts</h2>\n");
            for (Chart chart : charts) {
                String svg = chart.svg();
                svg = svg.substring(svg.indexOf("<svg"));   // drop the XML declaration to inline it
                sb.append("<figure id=\"").append(Fmt.xml(chart.fileName())).append("\">\n").append(svg)
                        .append("</figure>\n");
            }
        }
        if (!latency.isEmpty()) {
            sb.append("<h2 id=\"latency\">Latency percentiles</h2>\n");
            sb.append("<p class=\"note\">").append(Fmt.xml(Reports.LATENCY_LEGEND)).append("</p>\n");
            for (LatencyChart chart : latency) {
                String svg = chart.svg();
                svg = svg.substring(svg.indexOf("<svg"));
                sb.append("<figure id=\"").append(Fmt.xml(chart.fileName())).append("\">\n").append(svg);
                latencyTable(sb, chart);
                sb.append("</figure>\n");
            }
        }
        sb.append("<p class=\"note\">Files: <a href=\"summary.md\">summary.md</a>, <a href=\"jmh-result.json\">"
                + "jmh-result.json</a> (JMH's raw results), <a href=\"figures.json\">figures.json</a>, "
                + "<a href=\"jmh.log\">jmh.log</a>, charts/*.svg"
                + (latency.isEmpty() ? "" : ", latency/*.hgrm and *.hlog (HdrHistogram)") + ".</p>\n");
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    private static void meta(StringBuilder sb, String name, String value) {
        sb.append("<p class=\"meta\"><b>").append(Fmt.xml(name)).append(":</b> ").append(Fmt.xml(value))
                .append("</p>\n");
    }

    private static void table(StringBuilder sb, List<Comparison> rows) {
        sb.append("<table>\n<tr><th>Benchmark</th><th>Params</th><th>Mode</th><th>Score</th><th>± Error</th>"
                + "<th>Median</th><th>Range</th><th>Unit</th><th>vs best peer</th></tr>\n");
        for (Comparison c : rows) {
            Result r = c.result();
            sb.append(c.panamax() ? "<tr class=\"panamax\">" : "<tr>");
            cell(sb, "", r.shortName());
            cell(sb, "", r.paramsText());
            cell(sb, "", r.mode());
            cell(sb, "num", Fmt.num(r.score()));
            cell(sb, "num", Fmt.error(r.error()));
            cell(sb, "num", Fmt.num(r.median()));
            cell(sb, "num", Fmt.range(r));
            cell(sb, "", r.unit());
            cell(sb, !c.hasPeer() ? "" : c.speedup() >= 1 ? "faster" : "slower", c.verdict());
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    /** One table per benchmark with secondary metrics: params, then one column per metric. */
    private static void secondaryTables(StringBuilder sb, List<Comparison> rows) {
        for (SecondaryTable t : SecondaryTable.of(rows)) {
            sb.append("<h3>Secondary metrics: ").append(Fmt.xml(t.title())).append("</h3>\n");
            sb.append("<table class=\"secondary\">\n<tr><th>Params</th>");
            for (int i = 0; i < t.names().size(); i++) {
                sb.append("<th>").append(Fmt.xml(t.header(i))).append("</th>");
            }
            sb.append("</tr>\n");
            for (Comparison c : t.rows()) {
                sb.append(c.panamax() ? "<tr class=\"panamax\">" : "<tr>");
                cell(sb, "", c.result().paramsText());
                for (int i = 0; i < t.names().size(); i++) {
                    cell(sb, "num", t.cell(c, i));
                }
                sb.append("</tr>\n");
            }
            sb.append("</table>\n");
        }
    }

    private static void latencyTable(StringBuilder sb, LatencyChart chart) {
        sb.append("<table>\n<tr><th>Impl</th><th>Ops</th>");
        for (double p : LatencyChart.TABLE_PERCENTILES) {
            sb.append("<th>").append(LatencyChart.percentileName(p)).append("</th>");
        }
        sb.append("<th>max</th><th>Histogram</th></tr>\n");
        for (LatencyCurve c : chart.curves()) {
            sb.append(c.panamax() ? "<tr class=\"panamax\">" : "<tr>");
            cell(sb, "", c.label());
            cell(sb, "num", Long.toString(c.count()));
            for (double p : LatencyChart.TABLE_PERCENTILES) {
                cell(sb, "num", LatencyChart.duration(c.valueAt(p)));
            }
            cell(sb, "num", LatencyChart.duration(c.maxNs()));
            String href = Fmt.xml(LatencyChart.DIR + "/" + c.file());
            sb.append("<td><a href=\"").append(href).append("\">").append(Fmt.xml(c.file())).append("</a></td>");
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }

    private static void cell(StringBuilder sb, String cssClass, String text) {
        sb.append(cssClass.isEmpty() ? "<td>" : "<td class=\"" + cssClass + "\">").append(Fmt.xml(text))
                .append("</td>");
    }
}
