/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * Measures the {@link Durability} ladder on a directory: for each rung, appends records to a fresh
 * {@link DurableLog} there and reports throughput and latency percentiles, from one thread or from several
 * sharing flushes through group commit. This is the engine of {@code panamax ladder DIR}: a quick look at what
 * this machine's storage costs per rung, not a substitute for a JMH benchmark (no forks, a short warmup).
 *
 * <p>The probe writes only inside a new subdirectory of {@code directory} and removes it afterwards.
 */
public final class LadderProbe {

    /**
     * What one rung measured.
     *
     * @param rung          the rung asked for
     * @param threads       concurrent appenders
     * @param operations    measured appends (after warmup)
     * @param opsPerSecond  measured appends per second, all threads together
     * @param p50Nanos      median append latency
     * @param p99Nanos      99th percentile append latency
     * @param p999Nanos     99.9th percentile append latency
     * @param stats         the log's counters: {@link LogStats#durabilityPoints()} below appends shows group commit
     * @param note          why the rung did not run (O_DIRECT refused), or null
     */
    public record Result(Durability rung, int threads, long operations, double opsPerSecond, long p50Nanos,
                         long p99Nanos, long p999Nanos, LogStats stats, String note) {
    }

    private LadderProbe() {
    }

    /**
     * Runs every rung of the ladder on {@code directory}.
     *
     * @param directory   an existing directory on the file system to measure
     * @param recordBytes payload bytes per append, 1 to 1 MiB
     * @param operations  measured appends per rung (a tenth as many more are run first as warmup), at least 1
     * @param threads     concurrent appenders, 1 to 256
     * @return one result per rung, in ladder order
     * @throws IOException if the directory cannot be written
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static List<Result> run(Path directory, int recordBytes, int operations, int threads)
            throws IOException {
        Objects.requireNonNull(directory, "directory");
        if (recordBytes < 1 || recordBytes > LogOptions.defaults().maxRecordBytes()) {
            throw new IllegalArgumentException("recordBytes must be in [1, 1 MiB]: " + recordBytes);
        }
        if (operations < 1) {
            throw new IllegalArgumentException("operations must be positive: " + operations);
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be in [1, 256]: " + threads);
        }
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("not a directory: " + directory);
        }
        List<Result> results = new ArrayList<>();
        for (Durability rung : Durability.values()) {
            results.add(runRung(directory, rung, recordBytes, operations, threads));
        }
        return results;
    }

    private static Result runRung(Path directory, Durability rung, int recordBytes, int operations, int threads)
            throws IOException {
        Path work = directory.resolve(".panamax-ladder-" + rung.name().toLowerCase(Locale.ROOT) + "-"
                + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try (DurableLog log = DurableLog.open(work, LogOptions.defaults().withDurability(rung))) {
            int warmup = Math.max(1, operations / 10);
            long[][] latencies = new long[threads][];
            int perThread = (operations + threads - 1) / threads;
            int perWarmup = (warmup + threads - 1) / threads;
            CountDownLatch start = new CountDownLatch(1);
            CountDownLatch measured = new CountDownLatch(threads);
            IOException[] failure = new IOException[threads];
            Thread[] workers = new Thread[threads];
            long[] window = new long[2];
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers[t] = Thread.ofPlatform().name("ladder-" + rung + "-" + t).start(() -> {
                    byte[] payload = new byte[recordBytes];
                    long[] lat = new long[perThread];
                    try {
                        start.await();
                        for (int i = 0; i < perWarmup; i++) {
                            log.append(payload);
                        }
                        synchronized (window) {
                            if (window[0] == 0) {
                                window[0] = System.nanoTime();
                            }
                        }
                        for (int i = 0; i < perThread; i++) {
                            long t0 = System.nanoTime();
                            log.append(payload);
                            lat[i] = System.nanoTime() - t0;
                        }
                    } catch (IOException e) {
                        failure[id] = e;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        latencies[id] = lat;
                        measured.countDown();
                    }
                });
            }
            start.countDown();
            try {
                measured.await();
                for (Thread w : workers) {
                    w.join();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("ladder probe interrupted", e);
            }
            long end = System.nanoTime();
            for (IOException e : failure) {
                if (e != null) {
                    throw e;
                }
            }
            long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
            double seconds = (end - window[0]) / 1e9;
            String note = log.fallbackReason().orElse(null);
            return new Result(rung, threads, all.length, all.length / seconds, percentile(all, 0.50),
                    percentile(all, 0.99), percentile(all, 0.999), log.stats(), note);
        } catch (DirectIoUnavailableException e) {
            return new Result(rung, threads, 0, 0, 0, 0, 0, new LogStats(0, 0, 0, 0, 0, 0), e.getMessage());
        } finally {
            deleteTree(work);
        }
    }

    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /**
     * Formats results as a table: one row per rung, latencies in microseconds.
     *
     * @param results what {@link #run} returned
     * @return the table, with a trailing newline
     */
    public static String format(List<Result> results) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s %7s %12s %10s %10s %10s %8s %s%n",
                "rung", "threads", "ops/s", "p50 us", "p99 us", "p99.9 us", "syncs", "note"));
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "%-10s %7d %12.0f %10.1f %10.1f %10.1f %8d %s%n", r.rung(),
                    r.threads(), r.opsPerSecond(), r.p50Nanos() / 1e3, r.p99Nanos() / 1e3, r.p999Nanos() / 1e3,
                    r.stats().durabilityPoints(), r.note() == null ? "" : r.note()));
        }
        return sb.toString();
    }

    /**
     * Command line: {@code LadderProbe DIR [recordBytes] [operations] [threads]}; defaults 256 B, 2000, 1.
     *
     * @param args the arguments
     * @throws IOException if the directory cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: LadderProbe DIR [recordBytes=256] [operations=2000] [threads=1]");
            System.exit(2);
        }
        int bytes = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int ops = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        System.out.print(format(run(Path.of(args[0]), bytes, ops, threads)));
    }
}
