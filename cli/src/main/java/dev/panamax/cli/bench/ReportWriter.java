/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import dev.panamax.cli.doctor.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a report directory: {@code summary.md}, {@code index.html}, {@code figures.json} and one SVG per chart
 * under {@code charts/}, next to the {@code jmh-result.json}, {@code jmh.log} and {@code latency/} histogram files
 * that the run left there. The latency benchmarks' histograms become percentile-curve charts
 * ({@link LatencyChart}).
 */
public final class ReportWriter {

    /** The JMH results file, as JMH wrote it. */
    public static final String RESULTS = "jmh-result.json";
    /** JMH's console output. */
    public static final String LOG = "jmh.log";

    private ReportWriter() {
    }

    /**
     * Writes the report files.
     *
     * @param dir an existing, writable directory
     * @param run the run
     * @return the path of {@code index.html}
     * @throws IOException when a file cannot be written, or a latency histogram of the run cannot be read
     */
    public static Path write(Path dir, BenchRun run) throws IOException {
        List<Chart> charts = Chart.of(run.rows());
        List<LatencyChart> latency = LatencyChart.of(run.rows(), dir.resolve(LatencyChart.DIR));
        Path chartDir = Files.createDirectories(dir.resolve("charts"));
        for (Chart chart : charts) {
            Files.writeString(chartDir.resolve(chart.fileName()), chart.svg());
        }
        for (LatencyChart chart : latency) {
            Files.writeString(chartDir.resolve(chart.fileName()), chart.svg());
        }
        Files.writeString(dir.resolve("summary.md"), Reports.markdown(run, charts, latency));
        Files.writeString(dir.resolve("figures.json"), Json.write(Reports.json(run, dir.toString(), latency))
                + "\n");
        Path index = dir.resolve("index.html");
        Files.writeString(index, HtmlReport.html(run, charts, latency));
        return index;
    }
}
