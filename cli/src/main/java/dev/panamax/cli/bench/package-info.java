/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * {@code panamax bench}: runs {@code benchmarks.jar} in a child JVM, reads JMH's JSON results, compares each panamax
 * variant with the best peer measured in the same run, and renders the figures (each score, and the secondary
 * metrics JMH gives beside it: {@code @AuxCounters} counters, profilers' figures) as a console table, Markdown, SVG
 * charts and one HTML page.
 *
 * <p>Conventions: {@link dev.panamax.cli.bench.Suite} is the one registry of suites and of which implementation
 * values are panamax's; everything else is a peer. Renderers are pure functions of a
 * {@link dev.panamax.cli.bench.BenchRun} (and, for {@link dev.panamax.cli.bench.LatencyChart}, of the histogram
 * files the run left under {@code latency/}); only {@link dev.panamax.cli.bench.JmhRunner} starts processes and only
 * {@link dev.panamax.cli.bench.ReportWriter} writes files. Numbers are formatted with {@code Locale.ROOT}.
 */
package dev.panamax.cli.bench;
