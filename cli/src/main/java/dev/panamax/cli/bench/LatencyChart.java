/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * One latency chart of a report: the percentile curves of the implementations of one benchmark (same mode and other
 * parameters), one line each, from the HdrHistogram files that the benchmark's {@code LatencyLog} wrote during the
 * run. Rendered as a standalone SVG document by {@link #svg()}.
 *
 * <p>The x axis is the percentile on the usual log scale of 1/(1 - p), so that 0%, 90%, 99%, 99.9%, 99.99%... are
 * evenly spaced and the tail gets the room; the right edge is the largest recorded value. The y axis is the latency,
 * logarithmic when the values span more than 20x (a lock handoff of 200 ns next to a
 * preempted one of 10 ms), linear from 0 otherwise. panamax's lines are solid, the peers' dashed.
 *
 * @param title such as {@code LockBenchmark.handoff}
 * @param subtitle what the curves show and the parameters held equal
 * @param others the parameters held equal, as {@code k=v} pairs, empty when none
 * @param curves the lines, in run order
 */
public record LatencyChart(String title, String subtitle, String others, List<LatencyCurve> curves) {

    /** The report's subdirectory where the benchmarks write their histogram files. */
    public static final String DIR = "latency";

    /** The forked JVM's system property naming that directory: {@code LatencyLog.DIR_PROPERTY} of the benchmarks. */
    public static final String DIR_PROPERTY = "panamax.bench.latency.dir";

    /** Percentiles in the tables next to the charts. */
    static final double[] TABLE_PERCENTILES = {0.5, 0.9, 0.99, 0.999, 0.9999};

    private static final int WIDTH = 980;
    private static final int LEFT = 90;
    private static final int RIGHT = 40;
    private static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;
    private static final int PLOT_HEIGHT = 320;
    private static final String FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";
    private static final String[] PANAMAX_COLORS = {"#2563eb", "#7c3aed", "#0891b2", "#1e3a8a"};
    private static final String[] PEER_COLORS = {"#ea580c", "#16a34a", "#6b7280", "#db2777", "#b45309", "#65a30d"};
    private static final double LOG_SCALE_SPAN = 20;
    private static final int MIN_DECADES = 2;
    private static final int MAX_DECADES = 7;

    /**
     * Copies the curves.
     *
     * @param title the title
     * @param subtitle the subtitle
     * @param others the parameters held equal
     * @param curves at least one
     */
    public LatencyChart {
        curves = List.copyOf(curves);
        if (curves.isEmpty()) {
            throw new IllegalArgumentException("a latency chart needs at least one curve");
        }
    }

    /**
     * Returns the base name of a result's histogram files, as the benchmarks' {@code LatencyLog.fileName} makes it:
     * the class and method without the package, then each parameter as {@code -key=value} in key order, characters
     * other than letters, digits, {@code .}, {@code _}, {@code =} and {@code -} replaced by {@code _}.
     *
     * @param r a JMH result
     * @return such as {@code LockBenchmark.handoff-impl=futex}
     */
    public static String histogramName(Result r) {
        StringJoiner name = new StringJoiner("-");
        name.add(r.shortName());
        new TreeMap<>(r.params()).forEach((k, v) -> name.add(k + "=" + v));
        return name.toString().replaceAll("[^A-Za-z0-9._=-]", "_");
    }

    /**
     * Makes one chart per benchmark, mode and set of non-implementation parameters, from the {@code .hgrm} files
     * that the run left in {@code latencyDir}, in run order. Results without a file (benchmarks that record no
     * latency) get no curve.
     *
     * @param comparisons the rows of a run
     * @param latencyDir the report's {@link #DIR}, which may be missing
     * @return the charts, empty when there are no histogram files
     * @throws IOException when a file cannot be read, or is not HdrHistogram's percentile distribution
     */
    public static List<LatencyChart> of(List<Comparison> comparisons, Path latencyDir) throws IOException {
        Map<String, List<LatencyCurve>> groups = new LinkedHashMap<>();
        Map<String, Comparison> firsts = new LinkedHashMap<>();
        if (!Files.isDirectory(latencyDir)) {
            return List.of();
        }
        for (Comparison c : comparisons) {
            Result r = c.result();
            String file = histogramName(r) + ".hgrm";
            Path path = latencyDir.resolve(file);
            if (!Files.isRegularFile(path)) {
                continue;
            }
            LatencyCurve curve;
            try {
                curve = LatencyCurve.parse(label(c), c.panamax(), file, Files.readString(path));
            } catch (IllegalArgumentException e) {
                throw new IOException("latency histogram " + path + ": " + e.getMessage(), e);
            }
            String key = r.shortName() + "\u0000" + r.mode() + "\u0000" + others(c);
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(curve);
            firsts.putIfAbsent(key, c);
        }
        List<LatencyChart> charts = new ArrayList<>();
        for (Map.Entry<String, List<LatencyCurve>> e : groups.entrySet()) {
            Comparison first = firsts.get(e.getKey());
            Result r = first.result();
            String others = others(first);
            String subtitle = "latency of each measured operation (HdrHistogram), " + r.threads()
                    + (r.threads() == 1 ? " thread" : " threads") + (others.isEmpty() ? "" : ", " + others);
            charts.add(new LatencyChart(r.shortName(), subtitle, others, e.getValue()));
        }
        return charts;
    }

    private static String others(Comparison c) {
        return c.suite() == null ? "" : c.result().paramsTextExcept(c.suite().implParam());
    }

    private static String label(Comparison c) {
        if (c.impl() != null) {
            return c.impl();
        }
        String p = c.result().paramsText();
        return p.isEmpty() ? c.result().shortName() : p;
    }

    /**
     * Returns a file name for this chart, distinct from the bar charts' names.
     *
     * @return such as {@code LockBenchmark.handoff-latency.svg}
     */
    public String fileName() {
        String name = title + "-latency" + (others.isEmpty() ? "" : "-" + others);
        return name.replaceAll("[^A-Za-z0-9._=-]+", "_") + ".svg";
    }

    /**
     * Formats a latency with a unit that keeps it short: ns, µs, ms or s.
     *
     * @param ns nanoseconds
     * @return three significant digits and the unit, such as {@code 840 ns}, {@code 12.5 µs}
     */
    public static String duration(double ns) {
        if (!Double.isFinite(ns)) {
            return "n/a";
        }
        if (ns >= 1e9) {
            return short3(ns / 1e9) + " s";
        }
        if (ns >= 1e6) {
            return short3(ns / 1e6) + " ms";
        }
        if (ns >= 1e3) {
            return short3(ns / 1e3) + " µs";
        }
        return short3(ns) + " ns";
    }

    /** Three significant digits, no trailing zeros: HdrHistogram keeps three. */
    private static String short3(double v) {
        return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    /**
     * Names a percentile the usual way.
     *
     * @param p from 0 to 1
     * @return such as {@code p50}, {@code p99.9}, {@code max} for 1
     */
    public static String percentileName(double p) {
        if (p >= 1) {
            return "max";
        }
        String s = String.format(Locale.ROOT, "%.4f", p * 100).replaceAll("0+$", "");
        return "p" + (s.endsWith(".") ? s.substring(0, s.length() - 1) : s);
    }

    /** Where the percentile p sits on the x axis, in decades of 1/(1 - p); the maximum sits at {@code right}. */
    private static double decades(double p, double right) {
        return p >= 1 ? right : Math.min(right, Math.log10(1 / (1 - p)));
    }

    /** Maps latencies to y offsets within the plot (0 at the top), linear from 0 or logarithmic by decades. */
    private record YScale(boolean log, double min, double max) {

        static YScale fit(List<LatencyCurve> curves) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = 0;
            for (LatencyCurve c : curves) {
                for (LatencyCurve.Point p : c.points()) {
                    hi = Math.max(hi, p.valueNs());
                    if (p.valueNs() > 0) {
                        lo = Math.min(lo, p.valueNs());
                    }
                }
            }
            if (hi <= 0) {
                return new YScale(false, 0, 1);
            }
            if (hi / lo > LOG_SCALE_SPAN) {
                return new YScale(true, Math.pow(10, Math.floor(Math.log10(lo))), Math.pow(10,
                        Math.ceil(Math.log10(hi))));
            }
            double step = step(hi);
            return new YScale(false, 0, Math.ceil(hi / step - 1e-9) * step);
        }

        static double step(double span) {
            double raw = span / 5;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / magnitude;
            double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
            return nice * magnitude;
        }

        double y(double v) {
            double t;
            if (log) {
                t = v <= min ? 0 : (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
            } else {
                t = (v - min) / (max - min);
            }
            return (1 - Math.max(0, Math.min(1, t))) * PLOT_HEIGHT;
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            if (log) {
                boolean few = max / min <= 1000;
                for (double v = min; v <= max * 1.0001; v *= 10) {
                    ticks.add(v);
                    if (few && v * 2 < max) {
                        ticks.add(v * 2);
                        ticks.add(v * 5);
                    }
                }
            } else {
                double step = step(max);
                for (int i = 0; i * step <= max * 1.0001; i++) {
                    ticks.add(i * step);
                }
            }
            return ticks;
        }
    }

    /**
     * Renders the chart as a standalone SVG 1.1 document: title, subtitle, legend, a grid, both axes with their
     * ticks and labels, and one polyline per implementation with a tooltip giving its main percentiles.
     *
     * @return the SVG text, well-formed XML
     */
    public String svg() {
        YScale y = YScale.fit(curves);
        double maxInverse = 1;
        for (LatencyCurve c : curves) {
            for (LatencyCurve.Point p : c.points()) {
                if (p.percentile() < 1) {
                    maxInverse = Math.max(maxInverse, 1 / (1 - p.percentile()));
                }
            }
        }
        int right = Math.max(MIN_DECADES, Math.min(MAX_DECADES, (int) Math.ceil(Math.log10(maxInverse) - 1e-9)));
        StringBuilder sb = new StringBuilder();
        int legendRows = legendRows();
        int top = 70 + legendRows * 20;
        int axisY = top + PLOT_HEIGHT;
        int height = axisY + 62;
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                + "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"%s\" font-size=\"13\">%n",
                WIDTH, height, WIDTH, height, FONT));
        sb.append(String.format(Locale.ROOT, "<title>%s</title>%n", Fmt.xml(title + " latency percentiles: "
                + subtitle)));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH,
                height));
        text(sb, 12, 24, "start", "font-size=\"16\" font-weight=\"bold\"", title + " latency percentiles");
        text(sb, 12, 44, "start", "fill=\"#374151\"", subtitle + (y.log ? ", log scales" : ", percentiles on a "
                + "log scale"));
        legend(sb);
        // Grid, ticks and labels: y.
        for (double t : y.ticks()) {
            double py = top + y.y(t);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                    + "stroke=\"#e5e7eb\"/>%n", LEFT, py, LEFT + PLOT_WIDTH, py));
            text(sb, LEFT - 8, py + 4.5, "end", "fill=\"#111827\"", duration(t));
        }
        // x: one tick per decade of 1/(1 - p).
        for (int d = 0; d <= right; d++) {
            double px = LEFT + (double) d / right * PLOT_WIDTH;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"#e5e7eb\"/>%n", px, top, px, axisY));
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"#111827\"/>%n", px, axisY, px, axisY + 5));
            text(sb, px, axisY + 19, "middle", "fill=\"#111827\"", decadeLabel(d));
        }
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#111827\"/>%n",
                LEFT, axisY, LEFT + PLOT_WIDTH, axisY));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#111827\"/>%n",
                LEFT, top, LEFT, axisY));
        text(sb, LEFT + PLOT_WIDTH / 2.0, axisY + 42, "middle", "font-weight=\"bold\"",
                "percentile (the right edge is the largest value)");
        sb.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" font-weight=\"bold\" "
                + "transform=\"rotate(-90 16 %.1f)\">latency (lower is better)</text>%n", top + PLOT_HEIGHT / 2.0,
                top + PLOT_HEIGHT / 2.0));
        // Curves: peers first, so that panamax's lines are drawn on top.
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < curves.size(); i++) {
                LatencyCurve c = curves.get(i);
                if (c.panamax() == (pass == 1)) {
                    curve(sb, c, color(i), y, top, right);
                }
            }
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private void curve(StringBuilder sb, LatencyCurve c, String color, YScale y, int top, int right) {
        StringJoiner points = new StringJoiner(" ");
        for (LatencyCurve.Point p : c.points()) {
            double px = LEFT + decades(p.percentile(), right) / right * PLOT_WIDTH;
            points.add(String.format(Locale.ROOT, "%.1f,%.1f", px, top + y.y(p.valueNs())));
        }
        // The largest value at the right edge, also when the last line of the file is below p = 1.
        points.add(String.format(Locale.ROOT, "%.1f,%.1f", (double) LEFT + PLOT_WIDTH, top + y.y(c.maxNs())));
        sb.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
                + "stroke-width=\"%s\" stroke-linejoin=\"round\"%s><title>%s</title></polyline>%n", points, color,
                c.panamax() ? "3" : "2.5", c.panamax() ? "" : " stroke-dasharray=\"8 4\"", Fmt.xml(summary(c))));
    }

    /**
     * Describes a curve in one line: its main percentiles and how many operations it holds.
     *
     * @param c a curve
     * @return such as {@code futex: p50 310 ns, p99 2.1 µs, p99.9 14 µs, max 3.2 ms, 812345 ops}
     */
    static String summary(LatencyCurve c) {
        StringBuilder s = new StringBuilder(c.label()).append(':');
        for (double p : new double[] {0.5, 0.99, 0.999}) {
            s.append(' ').append(percentileName(p)).append(' ').append(duration(c.valueAt(p))).append(',');
        }
        return s.append(" max ").append(duration(c.maxNs())).append(", ").append(c.count()).append(" ops")
                .toString();
    }

    private String color(int index) {
        int nth = 0;
        for (int i = 0; i < index; i++) {
            if (curves.get(i).panamax() == curves.get(index).panamax()) {
                nth++;
            }
        }
        String[] palette = curves.get(index).panamax() ? PANAMAX_COLORS : PEER_COLORS;
        return palette[nth % palette.length];
    }

    private static String decadeLabel(int d) {
        if (d == 0) {
            return "0%";
        }
        if (d == 1) {
            return "90%";
        }
        return "99" + (d > 2 ? "." + "9".repeat(d - 2) : "") + "%";
    }

    private static int legendWidth(String label) {
        return 28 + label.length() * 8 + 18;
    }

    private int legendRows() {
        int rows = 1;
        int x = 12;
        for (LatencyCurve c : curves) {
            if (x + legendWidth(c.label()) > WIDTH - 12 && x > 12) {
                rows++;
                x = 12;
            }
            x += legendWidth(c.label());
        }
        return rows;
    }

    private void legend(StringBuilder sb) {
        int x = 12;
        int row = 0;
        for (int i = 0; i < curves.size(); i++) {
            LatencyCurve c = curves.get(i);
            if (x + legendWidth(c.label()) > WIDTH - 12 && x > 12) {
                row++;
                x = 12;
            }
            int ly = 62 + row * 20;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"3\"%s/>%n", x, ly, x + 22, ly, color(i), c.panamax() ? ""
                    : " stroke-dasharray=\"8 4\""));
            text(sb, x + 28, ly + 4.5, "start", c.panamax() ? "font-weight=\"bold\"" : "", c.label());
            x += legendWidth(c.label());
        }
    }

    private static void text(StringBuilder sb, double x, double y, String anchor, String attrs, String content) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>%n", x, y,
                anchor, attrs.isEmpty() ? "" : " " + attrs, Fmt.xml(content)));
    }
}
