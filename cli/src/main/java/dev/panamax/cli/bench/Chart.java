/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One bar chart of a report: the implementations of one benchmark, measured with the same mode and other
 * parameters, as horizontal bars with error bars, rendered as a standalone SVG document by {@link #svg()}.
 *
 * <p>Error bars show JMH's 99.9% confidence interval; where JMH has none (fewer than 3 iterations, as in
 * {@code --quick}) they show the range from the fastest to the slowest iteration, dashed. When scores span more
 * than two decades (a spinning lock preempted on a busy machine next to a 20 ns fast path) the axis is
 * logarithmic, so that every bar stays visible; the subtitle says so.
 *
 * @param title such as {@code LockBenchmark.contended}
 * @param subtitle the mode, unit, direction and parameters held equal
 * @param rows the bars, top to bottom
 */
public record Chart(String title, String subtitle, List<Comparison> rows) {

    private static final int WIDTH = 980;
    private static final int LABEL_WIDTH = 190;
    private static final int VALUE_WIDTH = 250;
    private static final int PLOT_WIDTH = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    private static final int ROW_HEIGHT = 30;
    private static final int BAR_HEIGHT = 18;
    private static final int TOP = 84;
    private static final String FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";
    private static final String PANAMAX_COLOR = "#2563eb";
    private static final String PEER_COLOR = "#9ca3af";
    private static final String BEST_PEER_COLOR = "#4b5563";
    private static final double LOG_SCALE_SPAN = 100;

    /**
     * Copies the rows.
     *
     * @param title the title
     * @param subtitle the subtitle
     * @param rows the bars
     */
    public Chart {
        rows = List.copyOf(rows);
    }

    /**
     * Makes one chart per benchmark, mode and set of non-implementation parameters, in run order.
     *
     * @param comparisons the rows of a run
     * @return the charts
     */
    public static List<Chart> of(List<Comparison> comparisons) {
        Map<String, List<Comparison>> groups = new LinkedHashMap<>();
        for (Comparison c : comparisons) {
            Result r = c.result();
            String others = c.suite() == null ? "" : r.paramsTextExcept(c.suite().implParam());
            groups.computeIfAbsent(r.shortName() + "\u0000" + r.mode() + "\u0000" + others,
                    k -> new ArrayList<>()).add(c);
        }
        List<Chart> charts = new ArrayList<>();
        for (List<Comparison> group : groups.values()) {
            Comparison first = group.getFirst();
            Result r = first.result();
            String others = first.suite() == null ? "" : r.paramsTextExcept(first.suite().implParam());
            String subtitle = r.mode() + ", " + r.unit() + " (" + (r.higherIsBetter() ? "higher" : "lower")
                    + " is better), " + r.threads() + (r.threads() == 1 ? " thread" : " threads")
                    + (others.isEmpty() ? "" : ", " + others);
            charts.add(new Chart(r.shortName(), subtitle, group));
        }
        return charts;
    }

    /**
     * Returns a file name for this chart, unique within a run when the titles and subtitles are.
     *
     * @return such as {@code LockBenchmark.contended-avgt.svg}
     */
    public String fileName() {
        Result r = rows.getFirst().result();
        String others = rows.getFirst().suite() == null ? "" : r.paramsTextExcept(rows.getFirst().suite().implParam());
        String name = title + "-" + r.mode() + (others.isEmpty() ? "" : "-" + others);
        return name.replaceAll("[^A-Za-z0-9._=-]+", "_") + ".svg";
    }

    /** The bar's label: the implementation, or all parameters when the benchmark has no implementation one. */
    private static String label(Comparison c) {
        if (c.impl() != null) {
            return c.impl();
        }
        String p = c.result().paramsText();
        return p.isEmpty() ? c.result().shortName() : p;
    }

    /** The error bar's ends: the confidence interval, else the iteration range; null when there is neither. */
    private static double[] whisker(Result r) {
        if (Double.isFinite(r.error())) {
            return new double[] {r.score() - r.error(), r.score() + r.error()};
        }
        if (Double.isFinite(r.min()) && Double.isFinite(r.max())) {
            return new double[] {r.min(), r.max()};
        }
        return null;
    }

    /** Maps scores to x offsets within the plot, linear from 0 or logarithmic between two powers of ten. */
    private record Scale(boolean log, double min, double max) {

        static Scale fit(List<Comparison> rows) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = 0;
            double maxScore = 0;
            for (Comparison c : rows) {
                double s = c.result().score();
                if (!Double.isFinite(s)) {
                    continue;
                }
                maxScore = Math.max(maxScore, s);
                hi = Math.max(hi, s);
                if (s > 0) {
                    lo = Math.min(lo, s);
                }
                double[] w = whisker(c.result());
                if (w != null) {
                    hi = Math.max(hi, w[1]);
                }
            }
            if (maxScore <= 0) {
                return new Scale(false, 0, 1);
            }
            if (lo < Double.POSITIVE_INFINITY && maxScore / lo > LOG_SCALE_SPAN) {
                return new Scale(true, Math.pow(10, Math.floor(Math.log10(lo))),
                        Math.pow(10, Math.ceil(Math.log10(Math.min(hi, maxScore * 10)))));
            }
            // A whisker far beyond the longest bar would squash every bar; clip it at 2.5x and draw an arrow.
            hi = Math.min(hi, maxScore * 2.5);
            double step = step(hi);
            return new Scale(false, 0, Math.ceil(hi / step - 1e-9) * step);
        }

        static double step(double span) {
            double raw = span / 5;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double f = raw / magnitude;
            double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
            return nice * magnitude;
        }

        double x(double v) {
            double t;
            if (log) {
                t = v <= min ? 0 : (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
            } else {
                t = (v - min) / (max - min);
            }
            return Math.max(0, Math.min(1, t)) * PLOT_WIDTH;
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            if (log) {
                for (double v = min; v <= max * 1.0001; v *= 10) {
                    ticks.add(v);
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
     * Renders the chart as a standalone SVG 1.1 document: title, subtitle, legend, one bar per row with its error
     * bar and value, an x axis with ticks and a unit label, and a tooltip on each bar.
     *
     * @return the SVG text, well-formed XML
     */
    public String svg() {
        Scale scale = Scale.fit(rows);
        Result first = rows.getFirst().result();
        int axisY = TOP + rows.size() * ROW_HEIGHT + 4;
        int height = axisY + 56;
        boolean anyRange = rows.stream().anyMatch(c -> !Double.isFinite(c.result().error())
                && whisker(c.result()) != null);
        boolean anyCi = rows.stream().anyMatch(c -> Double.isFinite(c.result().error()));
        StringBuilder sb = new StringBuilder();
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                + "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"%s\" font-size=\"13\">%n",
                WIDTH, height, WIDTH, height, FONT));
        sb.append(String.format(Locale.ROOT, "<title>%s</title>%n", Fmt.xml(title + ": " + subtitle)));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", WIDTH,
                height));
        text(sb, 12, 24, "start", "font-size=\"16\" font-weight=\"bold\"", title);
        text(sb, 12, 44, "start", "fill=\"#374151\"", subtitle + (scale.log ? ", log scale" : ""));
        // Legend.
        int lx = 12;
        lx = legend(sb, lx, PANAMAX_COLOR, "panamax");
        lx = legend(sb, lx, BEST_PEER_COLOR, "best peer");
        lx = legend(sb, lx, PEER_COLOR, "peer");
        String whiskers = anyCi && anyRange ? "error bars: 99.9% CI, dashed: min–max of iterations"
                : anyCi ? "error bars: 99.9% confidence interval" : anyRange ? "error bars (dashed): min–max of "
                + "iterations (too few for a confidence interval)" : "no error estimate";
        text(sb, lx + 8, 66, "start", "fill=\"#374151\"", whiskers);
        // Grid and ticks.
        for (double t : scale.ticks()) {
            double x = LABEL_WIDTH + scale.x(t);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"#e5e7eb\"/>%n", x, TOP - 4, x, axisY));
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"#111827\"/>%n", x, axisY, x, axisY + 5));
            text(sb, x, axisY + 19, "middle", "fill=\"#111827\"", tick(t));
        }
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#111827\"/>%n",
                LABEL_WIDTH, axisY, LABEL_WIDTH + PLOT_WIDTH, axisY));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#111827\"/>%n",
                LABEL_WIDTH, TOP - 4, LABEL_WIDTH, axisY));
        text(sb, LABEL_WIDTH + PLOT_WIDTH / 2.0, axisY + 40, "middle", "font-weight=\"bold\"",
                first.unit() + (first.higherIsBetter() ? " (higher is better)" : " (lower is better)"));
        // Bars.
        for (int i = 0; i < rows.size(); i++) {
            bar(sb, rows.get(i), scale, TOP + i * ROW_HEIGHT);
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private void bar(StringBuilder sb, Comparison c, Scale scale, int rowY) {
        Result r = c.result();
        boolean bestPeer = rows.stream().anyMatch(o -> o.bestPeer() == r);
        String color = c.panamax() ? PANAMAX_COLOR : bestPeer ? BEST_PEER_COLOR : PEER_COLOR;
        double barY = rowY + (ROW_HEIGHT - BAR_HEIGHT) / 2.0;
        double centerY = rowY + ROW_HEIGHT / 2.0;
        text(sb, LABEL_WIDTH - 8, centerY + 4.5, "end", c.panamax() ? "font-weight=\"bold\"" : "", label(c));
        double w = Double.isFinite(r.score()) ? scale.x(r.score()) : 0;
        String tooltip = label(c) + ": " + Fmt.num(r.score()) + " " + r.unit() + ", error " + Fmt.error(r.error())
                + ", median " + Fmt.num(r.median()) + ", range " + Fmt.range(r)
                + (c.verdict().isEmpty() ? "" : ", " + c.verdict());
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                + "<title>%s</title></rect>%n", LABEL_WIDTH, barY, Math.max(w, 1), BAR_HEIGHT, color,
                Fmt.xml(tooltip)));
        double[] whisker = whisker(r);
        if (whisker != null) {
            double x1 = LABEL_WIDTH + scale.x(Math.max(whisker[0], scale.min));
            double x2 = LABEL_WIDTH + scale.x(whisker[1]);
            boolean clipped = whisker[1] > scale.max;
            String dash = Double.isFinite(r.error()) ? "" : " stroke-dasharray=\"4 3\"";
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"#111827\" stroke-width=\"1.5\"%s/>%n", x1, centerY, x2, centerY, dash));
            sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                    + "stroke=\"#111827\" stroke-width=\"1.5\"/>%n", x1, centerY - 6, x1, centerY + 6));
            if (clipped) {
                sb.append(String.format(Locale.ROOT, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" "
                        + "fill=\"#111827\"/>%n", x2, centerY, x2 - 7, centerY - 5, x2 - 7, centerY + 5));
            } else {
                sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                        + "stroke=\"#111827\" stroke-width=\"1.5\"/>%n", x2, centerY - 6, x2, centerY + 6));
            }
        }
        String value = Fmt.num(r.score()) + (Double.isFinite(r.error()) ? " " + Fmt.error(r.error()) : "");
        if (c.hasPeer()) {
            value += "  (" + Comparison.times(c.speedup() >= 1 ? c.speedup() : 1 / c.speedup())
                    + (c.speedup() >= 1 ? " faster)" : " slower)");
        }
        text(sb, LABEL_WIDTH + PLOT_WIDTH + 10, centerY + 4.5, "start", c.panamax() ? "font-weight=\"bold\"" : "",
                value);
    }

    private static int legend(StringBuilder sb, int x, String color, String name) {
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"56\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                x, color));
        text(sb, x + 17, 66, "start", "", name);
        return x + 17 + name.length() * 8 + 14;
    }

    private static void text(StringBuilder sb, double x, double y, String anchor, String attrs, String content) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>%n", x, y,
                anchor, attrs.isEmpty() ? "" : " " + attrs, Fmt.xml(content)));
    }

    /** Tick labels: short, with k, M and G for large values. */
    private static String tick(double v) {
        double a = Math.abs(v);
        if (a >= 1e9) {
            return trim(v / 1e9) + "G";
        }
        if (a >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (a >= 1e4) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
