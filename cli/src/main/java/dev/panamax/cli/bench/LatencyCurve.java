/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The latency distribution of one implementation in one benchmark: the percentile distribution that the benchmark's
 * {@code LatencyLog} wrote as an HdrHistogram {@code .hgrm} file (values in nanoseconds).
 *
 * @param label the implementation, as the curve's legend names it
 * @param panamax true for panamax's own implementation
 * @param file the {@code .hgrm} file's name, relative to the report's {@code latency/} directory
 * @param points the distribution: percentiles from 0 to 1, ascending, with the latency at each
 * @param count how many operations were recorded
 * @param meanNs their mean, in nanoseconds
 * @param maxNs the largest, in nanoseconds
 */
public record LatencyCurve(String label, boolean panamax, String file, List<Point> points, long count, double meanNs,
                           double maxNs) {

    private static final Pattern MEAN = Pattern.compile("^#\\[Mean\\s*=\\s*([0-9.eE+-]+),");
    private static final Pattern MAX = Pattern.compile("^#\\[Max\\s*=\\s*([0-9.eE+-]+),\\s*Total count\\s*=\\s*(\\d+)");

    /**
     * One line of the distribution.
     *
     * @param percentile the fraction of operations at or below {@code valueNs}, from 0 to 1
     * @param valueNs the latency, in nanoseconds
     */
    public record Point(double percentile, double valueNs) {
    }

    /**
     * Checks the distribution and copies the points.
     *
     * @param label the label
     * @param panamax the panamax flag
     * @param file the file
     * @param points at least one, percentiles in [0, 1] ascending
     * @param count at least 1
     * @param meanNs the mean
     * @param maxNs the maximum
     */
    public LatencyCurve {
        points = List.copyOf(points);
        if (points.isEmpty() || count < 1) {
            throw new IllegalArgumentException("no latencies recorded");
        }
        double last = 0;
        for (Point p : points) {
            if (!(p.percentile() >= last && p.percentile() <= 1) || !(p.valueNs() >= 0)) {
                throw new IllegalArgumentException("percentiles out of order or out of range at " + p);
            }
            last = p.percentile();
        }
    }

    /**
     * Parses HdrHistogram's percentile distribution output ({@code Histogram.outputPercentileDistribution} with a
     * scaling ratio of 1): a header line, lines of {@code value percentile totalCount [1/(1-percentile)]}, and the
     * {@code #[Mean = ...]} and {@code #[Max = ..., Total count = ...]} footer.
     *
     * @param label the implementation
     * @param panamax whether it is panamax's own
     * @param file the file's name, for links
     * @param hgrm the file's text
     * @return the curve
     * @throws IllegalArgumentException when the text is not such output or holds no operation
     */
    public static LatencyCurve parse(String label, boolean panamax, String file, String hgrm) {
        List<Point> points = new ArrayList<>();
        double mean = Double.NaN;
        double max = Double.NaN;
        long count = 0;
        for (String raw : hgrm.split("\\R")) {
            String line = raw.strip();
            Matcher m;
            if ((m = MEAN.matcher(line)).find()) {
                mean = Double.parseDouble(m.group(1));
            } else if ((m = MAX.matcher(line)).find()) {
                max = Double.parseDouble(m.group(1));
                count = Long.parseLong(m.group(2));
            } else if (!line.isEmpty() && !line.startsWith("#") && !line.startsWith("Value")) {
                String[] cols = line.split("\\s+");
                if (cols.length < 3 || cols.length > 4) {
                    throw new IllegalArgumentException("not an HdrHistogram percentile distribution line: " + line);
                }
                try {
                    points.add(new Point(Double.parseDouble(cols[1]), Double.parseDouble(cols[0])));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not an HdrHistogram percentile distribution line: " + line,
                            e);
                }
            }
        }
        if (Double.isNaN(max)) {
            throw new IllegalArgumentException("no '#[Max = ..., Total count = ...]' line");
        }
        return new LatencyCurve(label, panamax, file, points, count, mean, max);
    }

    /**
     * Returns the latency at a percentile: the value of the first line at or above it (HdrHistogram lists
     * percentiles in steps, so between two lines this is the upper one, the cautious reading).
     *
     * @param percentile from 0 to 1
     * @return the latency in nanoseconds; {@link #maxNs()} at 1
     */
    public double valueAt(double percentile) {
        if (percentile >= 1) {
            return maxNs;
        }
        for (Point p : points) {
            if (p.percentile() >= percentile) {
                return p.valueNs();
            }
        }
        return maxNs;
    }
}
