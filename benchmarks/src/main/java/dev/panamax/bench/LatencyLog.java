/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Control;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Records the latency of every measured operation of a benchmark into HdrHistograms and, at the end of the trial,
 * writes their percentile distribution to a file, so that a report can draw percentile curves next to JMH's mean.
 *
 * <p>Recording is off unless the forked JVM runs with {@code -Dpanamax.bench.latency.dir=DIR} ({@code panamax
 * bench} passes it through JMH's {@code -jvmArgsAppend}); then, per benchmark and parameter set, the trial writes
 * {@code DIR/<Class>.<method>-<param>=<value>...hgrm} (HdrHistogram's percentile distribution, values in
 * nanoseconds, readable by HdrHistogram's plotter) and the lossless {@code .hlog} next to it (HdrHistogram's log
 * format). A second fork of the same benchmark and parameters adds its histogram to the one the first fork left,
 * so point the property at an empty directory. Without the property, {@link Recorder#start()} and
 * {@link Recorder#stop(long, Control)} compile to nothing: {@link #ENABLED} is a constant for the JIT.
 *
 * <p>Use: take a {@link Recorder} as an argument of the benchmark method (JMH gives each thread its own and
 * creates the {@code LatencyLog} it belongs to), and wrap the operation:
 * {@snippet :
 * @Benchmark
 * public void read(Control control, LatencyLog.Recorder latency) {
 *     long startNs = latency.start();
 *     doTheOperation();
 *     latency.stop(startNs, control);
 * }
 * }
 * Only operations inside JMH's measurement window are recorded: measurement iterations (not warmup ones), between
 * {@link Control#startMeasurement} and {@link Control#stopMeasurement}, so that the histogram counts what JMH's
 * score averages. Each recorded operation pays two {@link System#nanoTime()} reads (tens of nanoseconds each: 44 to
 * 130 ns on the loaded 2-core build VM with its TSC clock source), so a score measured with recording on includes
 * them; compare implementations within one run.
 *
 * <p>The CLI passes the property with JMH's {@code -jvmArgsAppend}, which replaces a benchmark's own
 * {@code @Fork(jvmArgsAppend = ...)}: benchmarks use {@code jvmArgsPrepend} for their JVM flags.
 */
@State(Scope.Benchmark)
public class LatencyLog {

    /* Overview.
     *
     * One LatencyLog per trial (Scope.Benchmark), one Recorder per benchmark thread (Scope.Thread). Each Recorder
     * owns a plain HdrHistogram Histogram, preallocated at trial setup for 1 ns to 60 s at 3 significant digits
     * (about 200 KiB), written only by its thread: recording is an array increment, with no allocation, no atomic
     * and no sharing between threads. The LatencyLog keeps the list of its Recorders' histograms and, at trial
     * teardown (which JMH runs after every benchmark thread left the trial), adds them up and writes the files.
     */

    /** The system property that names the directory for the histogram files; recording is off without it. */
    public static final String DIR_PROPERTY = "panamax.bench.latency.dir";

    /** True when this JVM records latencies: {@link #DIR_PROPERTY} is set. A constant, so the JIT folds it. */
    public static final boolean ENABLED = System.getProperty(DIR_PROPERTY) != null
            && !System.getProperty(DIR_PROPERTY).isBlank();

    /** The largest latency recorded as itself; longer operations are recorded as this value. */
    public static final long MAX_RECORDED_NS = TimeUnit.SECONDS.toNanos(60);

    /** HdrHistogram precision: values are kept to 3 significant digits (0.1%). */
    static final int SIGNIFICANT_DIGITS = 3;

    /** How many percentile lines per halving of the remaining 1 - p, in the {@code .hgrm} output. */
    static final int TICKS_PER_HALF_DISTANCE = 5;

    private final List<Histogram> histograms = new ArrayList<>();   // guarded by this: Recorders register at setup
    private String benchmark;     // plain: set at trial setup, read at trial teardown (JMH orders them)
    private Map<String, String> params;   // plain: as benchmark

    /** Creates an empty log; JMH does this once per trial. */
    public LatencyLog() {
    }

    /**
     * Remembers which benchmark and parameters the trial runs, for the file name.
     *
     * @param benchmarkParams JMH's description of the trial
     */
    @Setup(Level.Trial)
    public void open(BenchmarkParams benchmarkParams) {
        benchmark = benchmarkParams.getBenchmark();
        Map<String, String> p = new TreeMap<>();
        for (String key : benchmarkParams.getParamsKeys()) {
            p.put(key, benchmarkParams.getParam(key));
        }
        params = p;
    }

    /**
     * Writes the trial's histogram, when recording is on and something was recorded.
     *
     * @throws IOException when the directory or a file cannot be written
     */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        if (!ENABLED) {
            return;
        }
        Histogram merged = newHistogram();
        synchronized (this) {
            for (Histogram h : histograms) {
                merged.add(h);
            }
        }
        if (merged.getTotalCount() > 0) {
            write(Path.of(System.getProperty(DIR_PROPERTY)), fileName(benchmark, params), merged);
        }
    }

    private synchronized Histogram register() {
        Histogram h = newHistogram();
        histograms.add(h);
        return h;
    }

    static Histogram newHistogram() {
        return new Histogram(MAX_RECORDED_NS, SIGNIFICANT_DIGITS);
    }

    /**
     * Returns the base name of a benchmark's histogram files: the class and method without the package, then each
     * parameter as {@code -key=value} in key order, with characters other than letters, digits, {@code .},
     * {@code _}, {@code =} and {@code -} replaced by {@code _}. {@code panamax bench} derives the same name from
     * JMH's results to find the file of each result.
     *
     * @param benchmark the full name, such as {@code dev.panamax.bench.LockBenchmark.handoff}
     * @param params the parameters
     * @return such as {@code LockBenchmark.handoff-impl=futex}
     */
    public static String fileName(String benchmark, Map<String, String> params) {
        String prefix = LatencyLog.class.getPackageName() + ".";
        StringJoiner name = new StringJoiner("-");
        name.add(benchmark.startsWith(prefix) ? benchmark.substring(prefix.length()) : benchmark);
        new TreeMap<>(params).forEach((k, v) -> name.add(k + "=" + v));
        return name.toString().replaceAll("[^A-Za-z0-9._=-]", "_");
    }

    /**
     * Writes {@code dir/name.hlog} and {@code dir/name.hgrm}, after adding the histogram an earlier fork left in
     * {@code name.hlog}. Each file is written under a {@code .tmp} name and moved into place.
     *
     * @param dir the directory, created when missing
     * @param name the base name
     * @param histogram this trial's operations, in nanoseconds
     * @throws IOException when a file cannot be read or written
     */
    static void write(Path dir, String name, Histogram histogram) throws IOException {
        Files.createDirectories(dir);
        Path hlog = dir.resolve(name + ".hlog");
        Histogram total = newHistogram();
        total.add(histogram);
        if (Files.isRegularFile(hlog)) {
            HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
            try {
                while (reader.hasNext()) {
                    Histogram earlier = (Histogram) reader.nextIntervalHistogram();
                    if (earlier != null) {
                        total.add(earlier);
                    }
                }
            } finally {
                reader.close();
            }
        }
        Path tmp = dir.resolve(name + ".hlog.tmp");
        try (OutputStream out = Files.newOutputStream(tmp); PrintStream ps = new PrintStream(out, false,
                StandardCharsets.UTF_8)) {
            HistogramLogWriter writer = new HistogramLogWriter(ps);
            writer.outputComment("panamax LatencyLog: " + name + ", values in nanoseconds");
            writer.outputLogFormatVersion();
            writer.outputLegend();
            writer.outputIntervalHistogram(total);
        }
        Files.move(tmp, hlog, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        tmp = dir.resolve(name + ".hgrm.tmp");
        try (OutputStream out = Files.newOutputStream(tmp); PrintStream ps = new PrintStream(out, false,
                StandardCharsets.UTF_8)) {
            total.outputPercentileDistribution(ps, TICKS_PER_HALF_DISTANCE, 1.0);
        }
        Files.move(tmp, dir.resolve(name + ".hgrm"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * One benchmark thread's histogram. JMH creates one per thread (take it as an argument of the benchmark
     * method); only that thread may call {@link #start()} and {@link #stop(long, Control)}.
     */
    @State(Scope.Thread)
    public static class Recorder {

        private Histogram histogram;  // plain: written by the owning thread only; read by LatencyLog.close after
                                      // the trial, ordered by JMH's end-of-trial synchronization
        private boolean measuring;    // plain: written by the owning thread at iteration setup, read by it

        /** Creates a recorder; JMH does this once per thread and trial. */
        public Recorder() {
        }

        /**
         * Registers this thread's histogram with the trial's log, when recording is on.
         *
         * @param log the trial's log
         */
        @Setup(Level.Trial)
        public void register(LatencyLog log) {
            histogram = ENABLED ? log.register() : null;
        }

        /**
         * Records during measurement iterations only.
         *
         * @param iteration JMH's description of the iteration about to run
         */
        @Setup(Level.Iteration)
        public void beginIteration(IterationParams iteration) {
            measuring = iteration.getType() == IterationType.MEASUREMENT;
        }

        /**
         * Reads the clock before an operation.
         *
         * @return {@link System#nanoTime()}, or 0 without a constant-folded clock read when recording is off
         */
        public long start() {
            return ENABLED ? System.nanoTime() : 0;
        }

        /**
         * Records the time since {@code startNs} when the operation ran in JMH's measurement window.
         *
         * @param startNs what {@link #start()} returned before the operation
         * @param control the benchmark thread's JMH control, which tells whether the operation was measured
         */
        public void stop(long startNs, Control control) {
            if (!ENABLED) {
                return;
            }
            final long endNs = System.nanoTime();
            if (measuring && control.startMeasurement && !control.stopMeasurement) {
                histogram.recordValue(Math.min(endNs - startNs, MAX_RECORDED_NS));
            }
        }
    }
}
