/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
     * @param note          why the rung did not run (O_DIRECT refused) or stopped early, or null
     */
    public record Result(Durability rung, int threads, long operations, double opsPerSecond, long p50Nanos,
                         long p99Nanos, long p999Nanos, LogStats stats, String note) {
    }

    /** The most bytes (framed records) that the measured appends of one timed rung write: 1 GiB. */
    public static final long MAX_BYTES_PER_RUNG = 1L << 30;

    /**
     * A segment size that holds everything a timed rung writes, warmup included, so that {@link #measure} times
     * appends and not segment creation (an {@code fsync} each); preallocation makes it cost disk space, not time.
     * Durable rungs zero-fill their segments by default ({@link LogOptions#withZeroFill(boolean)}), which writes the
     * whole segment once when the log opens: give them a segment sized for what they write, or zero fill off.
     */
    public static final long TIMED_SEGMENT_BYTES = MAX_BYTES_PER_RUNG + MAX_BYTES_PER_RUNG / 8 + (16L << 20);

    private static final String WORK_PREFIX = ".panamax-ladder-";

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
        check(directory, recordBytes, operations, threads);
        int warmup = Math.max(1, operations / 10);
        Plan plan = new Plan((warmup + threads - 1) / threads, (operations + threads - 1) / threads, 0, 0, 0);
        List<Result> results = new ArrayList<>();
        for (Durability rung : Durability.values()) {
            results.add(runRung(directory, rung, LogOptions.defaults(), recordBytes, threads, plan));
        }
        return results;
    }

    /**
     * Measures one rung for a fixed time: appends from {@code threads} threads to a fresh {@link DurableLog} for
     * {@code duration} after a warmup of a tenth of it, and reports what the measured appends cost. A rung stops
     * early once its measured appends have written {@link #MAX_BYTES_PER_RUNG} of framed records (a fast page cache
     * would otherwise fill the disk) and says so in {@link Result#note()}; the warmup writes at most a tenth of
     * that: with segments of {@link #TIMED_SEGMENT_BYTES} in {@code options}, no segment is created while measuring.
     * Each thread makes at least one measured append, however long the warmup took. A rung the file system
     * refuses ({@link Durability#DIRECT} where {@code O_DIRECT} is unavailable) returns a result with no operations
     * and the reason in the note.
     *
     * @param directory   an existing directory on the file system to measure
     * @param rung        the rung to measure (overrides the rung of {@code options})
     * @param options     the log's other options (segment size, preallocation, zero fill)
     * @param recordBytes payload bytes per append, 1 to {@link LogOptions#maxRecordBytes()}
     * @param threads     concurrent appenders, 1 to 256
     * @param duration    how long to measure, 1 ms to 1 hour
     * @return what the rung measured
     * @throws IOException if the directory cannot be written or an append fails
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static Result measure(Path directory, Durability rung, LogOptions options, int recordBytes, int threads,
                                 Duration duration) throws IOException {
        Objects.requireNonNull(rung, "rung");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(duration, "duration");
        check(directory, recordBytes, 1, threads);
        if (recordBytes > options.maxRecordBytes()) {
            throw new IllegalArgumentException("recordBytes " + recordBytes + " exceeds the log's limit of "
                    + options.maxRecordBytes());
        }
        if (duration.compareTo(Duration.ofMillis(1)) < 0 || duration.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("duration must be in [1 ms, 1 h]: " + duration);
        }
        long measureNanos = duration.toNanos();
        Plan plan = new Plan(0, 0, measureNanos / 10, measureNanos, MAX_BYTES_PER_RUNG / threads);
        return runRung(directory, rung, options, recordBytes, threads, plan);
    }

    /**
     * How long a rung runs: a count of appends per thread, or (when {@code measureNanos > 0}) a time, with a budget
     * of framed-record bytes per thread (a tenth of it for the warmup).
     */
    private record Plan(int warmupPerThread, int measuredPerThread, long warmupNanos, long measureNanos,
                        long bytesPerThread) {
        boolean timed() {
            return measureNanos > 0;
        }
    }

    /** A thread's latency samples: a growable array, since a timed rung does not know its count in advance. */
    private static final class Samples {
        private long[] values;
        private int size;

        Samples(int capacity) {
            values = new long[Math.max(16, capacity)];
        }

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }

    private static Result runRung(Path directory, Durability rung, LogOptions options, int recordBytes, int threads,
                                  Plan plan) throws IOException {
        Path work = directory.resolve(WORK_PREFIX + rung.name().toLowerCase(Locale.ROOT) + "-"
                + ProcessHandle.current().pid() + "-" + System.nanoTime());
        long frameBytes = RecordFormat.frameBytes(recordBytes);
        try (DurableLog log = DurableLog.open(work, options.withDurability(rung))) {
            Samples[] latencies = new Samples[threads];
            boolean[] budgetHit = new boolean[threads];
            CountDownLatch start = new CountDownLatch(1);
            IOException[] failure = new IOException[threads];
            Thread[] workers = new Thread[threads];
            long[] window = new long[1];
            long[] deadlines = new long[2]; // written before start.countDown(), read after start.await()
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers[t] = Thread.ofPlatform().name("ladder-" + rung + "-" + t).start(() -> {
                    byte[] payload = new byte[recordBytes];
                    Samples lat = new Samples(plan.timed() ? 1024 : plan.measuredPerThread());
                    latencies[id] = lat;
                    try {
                        start.await();
                        if (plan.timed()) {
                            long bytes = 0;
                            while (System.nanoTime() < deadlines[0] && bytes < plan.bytesPerThread() / 10) {
                                log.append(payload);
                                bytes += frameBytes;
                            }
                        } else {
                            for (int i = 0; i < plan.warmupPerThread(); i++) {
                                log.append(payload);
                            }
                        }
                        synchronized (window) {
                            if (window[0] == 0) {
                                window[0] = System.nanoTime();
                            }
                        }
                        if (plan.timed()) {
                            long bytes = 0;
                            long t0 = System.nanoTime();
                            do { // at least one measured append, however slow the warmup was
                                log.append(payload);
                                long t1 = System.nanoTime();
                                lat.add(t1 - t0);
                                bytes += frameBytes;
                                t0 = t1;
                            } while (t0 < deadlines[1] && bytes < plan.bytesPerThread());
                            budgetHit[id] = bytes >= plan.bytesPerThread();
                        } else {
                            for (int i = 0; i < plan.measuredPerThread(); i++) {
                                long t0 = System.nanoTime();
                                log.append(payload);
                                lat.add(System.nanoTime() - t0);
                            }
                        }
                    } catch (IOException e) {
                        failure[id] = e;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            deadlines[0] = System.nanoTime() + plan.warmupNanos();
            deadlines[1] = deadlines[0] + plan.measureNanos();
            start.countDown();
            try {
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
            long[] all = Arrays.stream(latencies).map(Samples::toArray).flatMapToLong(Arrays::stream).sorted()
                    .toArray();
            double seconds = Math.max(1, end - window[0]) / 1e9;
            String note = log.fallbackReason().orElse(null);
            for (boolean hit : budgetHit) {
                if (hit) {
                    note = (note == null ? "" : note + "; ") + "stopped early after "
                            + (MAX_BYTES_PER_RUNG >> 20) + " MiB written";
                    break;
                }
            }
            return new Result(rung, threads, all.length, all.length / seconds, percentile(all, 0.50),
                    percentile(all, 0.99), percentile(all, 0.999), log.stats(), note);
        } catch (DirectIoUnavailableException e) {
            return new Result(rung, threads, 0, 0, 0, 0, 0, new LogStats(0, 0, 0, 0, 0, 0, 0), e.getMessage());
        } finally {
            deleteTree(work);
        }
    }

    private static void check(Path directory, int recordBytes, int operations, int threads) {
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
    }

    /**
     * Deletes the work directories that probes of this process created in {@code directory} and have not removed
     * yet: for a shutdown hook, since an interrupted probe (Ctrl-C) leaves its preallocated segment behind.
     * Directories of other processes are left alone.
     *
     * @param directory the directory given to {@link #run} or {@link #measure}
     * @return how many work directories were deleted
     * @throws IOException if one cannot be deleted
     */
    public static int deleteLeftovers(Path directory) throws IOException {
        Objects.requireNonNull(directory, "directory");
        String mine = "-" + ProcessHandle.current().pid() + "-";
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(directory)) {
            s.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(WORK_PREFIX) && name.contains(mine) && Files.isDirectory(p);
            }).forEach(found::add);
        }
        for (Path p : found) {
            deleteTree(p);
        }
        return found.size();
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
