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
 * under {@code charts/}, next to the {@code jmh-result.json} and {@code jmh.log} that the run left there.
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
     * @throws IOException when a file cannot be written
     */
    public static Path write(Path dir, BenchRun run) throws IOException {
        List<Chart> charts = Chart.of(run.rows());
        Path chartDir = Files.createDirectories(dir.resolve("charts"));
        for (Chart chart : charts) {
            Files.writeString(chartDir.resolve(chart.fileName()), chart.svg());
        }
        Files.writeString(dir.resolve("summary.md"), Reports.markdown(run, charts));
        Files.writeString(dir.resolve("figures.json"), Json.write(Reports.json(run, dir.toString())) + "\n");
        Path index = dir.resolve("index.html");
        Files.writeString(index, HtmlReport.html(run, charts));
        return index;
    }
}
