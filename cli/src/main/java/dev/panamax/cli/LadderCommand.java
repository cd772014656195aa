/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli;

import dev.panamax.cli.doctor.Json;
import dev.panamax.cli.host.Mounts;
import dev.panamax.ffm.IoUringSyscalls;
import dev.panamax.io.Durability;
import dev.panamax.io.LadderProbe;
import dev.panamax.io.LogOptions;
import dev.panamax.io.LogStats;
import dev.panamax.thread.HostFs;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code panamax ladder DIR}: what each rung of the durability ladder costs on the file system holding DIR, in the
 * manner of PostgreSQL's {@code pg_test_fsync}, plus group commit at {@code FDATASYNC}.
 */
@Command(name = "ladder",
        mixinStandardHelpOptions = true,
        versionProvider = Panamax.Version.class,
        description = {"Measures the durability ladder on the file system holding DIR: for each rung (WRITE, "
                + "FDATASYNC, FSYNC, DSYNC, DIRECT, SYNC), appends of --size bytes from one thread for --seconds, "
                + "reported as ops/s and p50/p99/p99.9 latency; then group commit: --threads appenders sharing "
                + "FDATASYNC flushes, reported as records/s and flushes per record. Where io_uring is available, "
                + "FDATASYNC runs twice: also as 'FDATASYNC (io_uring)', each write and its fdatasync submitted "
                + "together as one linked pair.",
                "Writes only inside a new subdirectory of DIR and removes it afterwards. A rung the file system "
                        + "refuses (DIRECT without O_DIRECT, e.g. on tmpfs or ramfs) is reported with the reason. "
                        + "Progress goes to stderr, the report to stdout."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:report written", "1:DIR is not writable or an append failed",
                "2:bad arguments (DIR missing or not a directory included)"})
final class LadderCommand implements Callable<Integer> {

    /** The label of the FDATASYNC row that flushes through io_uring. */
    static final String URING_LABEL = "FDATASYNC (io_uring)";

    /**
     * Largest segment of a zero-filled rung: zeroing is real writing, so less than a timed segment's full gigabyte.
     * The segment is sized for {@link #ZERO_FILL_SIZING_OPS_PER_SECOND} over the rung's time, within
     * [64 MiB, this]; a faster rung rolls over to segments prepared in the background, as a real log does.
     */
    static final long ZERO_FILL_SEGMENT_BYTES = 512L << 20;

    /**
     * Largest zero-filled segment of the group-commit run: group commit writes several times what one writer does,
     * and a segment prepared in the background while it is timed would charge it for zeroing the next one.
     */
    static final long ZERO_FILL_GROUP_SEGMENT_BYTES = 2L << 30;

    /** The append rate a zero-filled segment is sized for: a fast NVMe drive's flushes, or group commit's. */
    static final long ZERO_FILL_SIZING_OPS_PER_SECOND = 100_000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "A directory on the file system to measure.")
    Path dir;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "2",
            description = "Seconds to measure each rung, after a warmup a tenth as long (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "8",
            description = "Appenders for the group-commit run at FDATASYNC; 0 skips it (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "4096",
            description = "Payload bytes per append, 1 to 1048576 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--rungs", paramLabel = "LIST", split = ",", converter = RungConverter.class,
            description = "The rungs to measure, comma separated, any case (default: all).")
    List<Durability> rungs;

    @Option(names = "--zero-fill", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Whether the durable rungs' log segments are zero-filled before use, as PostgreSQL does "
                    + "for its WAL and as DurableLog does by default: flushes then carry data only, with no extent "
                    + "conversion to journal. The first segment (64 MiB to 512 MiB, 2 GiB for group commit) is "
                    + "zeroed untimed; --no-zero-fill "
                    + "measures preallocated, unwritten extents instead. WRITE is never zero-filled (default: on).")
    boolean zeroFill;

    @Option(names = "--json", description = "Print the figures as one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        if (!(seconds >= 0.001 && seconds <= 3600)) {
            throw new CommandLine.ParameterException(cl, "--seconds must be in [0.001, 3600]: " + seconds);
        }
        if (threads < 0 || threads > 256) {
            throw new CommandLine.ParameterException(cl, "--threads must be in [0, 256]: " + threads);
        }
        int maxBytes = LogOptions.defaults().maxRecordBytes();
        if (size < 1 || size > maxBytes) {
            throw new CommandLine.ParameterException(cl, "--size must be in [1, " + maxBytes + "]: " + size);
        }
        if (!Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(cl,
                    "DIR " + dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory"));
        }
        ensureWritable(dir);
        List<Durability> plan = rungs == null || rungs.isEmpty() ? List.of(Durability.values())
                : rungs.stream().distinct().toList();
        Duration perRung = Duration.ofNanos(Math.round(seconds * 1e9));
        Path abs = dir.toAbsolutePath().normalize();
        String fileSystem = Mounts.describe(new HostFs(Path.of("/")), abs);
        // One segment for everything a rung writes, so segment creation is not timed: at least the default, at
        // most a quarter of the free space (tmpfs preallocates in memory), which wins on a small file system.
        LogOptions defaults = LogOptions.defaults();
        FileStore store = Files.getFileStore(dir);
        long usable = store.getTotalSpace() == 0 ? Long.MAX_VALUE : store.getUsableSpace(); // ramfs counts nothing
        if (usable / 4 < LogOptions.MIN_SEGMENT_BYTES + size) {
            throw new IOException("DIR " + dir + ": " + usable + " bytes free; the ladder needs at least "
                    + 4 * (LogOptions.MIN_SEGMENT_BYTES + size) + " for --size " + size);
        }
        LogOptions options = defaults.withSegmentBytes(segmentBytes(LadderProbe.TIMED_SEGMENT_BYTES, usable));
        long sized = (long) (seconds * 1.1 * ZERO_FILL_SIZING_OPS_PER_SECOND * (size + 64.0));
        LogOptions durableOptions = !zeroFill ? options.withZeroFill(false) : defaults.withZeroFill(true)
                .withSegmentBytes(segmentBytes(Math.min(sized, ZERO_FILL_SEGMENT_BYTES), usable));
        LogOptions groupOptions = !zeroFill ? durableOptions
                : durableOptions.withSegmentBytes(segmentBytes(Math.min(sized, ZERO_FILL_GROUP_SEGMENT_BYTES),
                        usable));

        // The FDATASYNC rung again with its writes and flushes as linked io_uring pairs, right after it.
        boolean uringRow = plan.contains(Durability.FDATASYNC) && IoUringSyscalls.FEATURE.isAvailable();
        List<Row> results = new ArrayList<>();
        LadderProbe.Result group = null;
        int steps = plan.size() + (uringRow ? 1 : 0) + (threads > 0 ? 1 : 0);
        // Ctrl-C skips the probe's own clean-up: remove its preallocated segment on the way out.
        Thread cleanUp = new Thread(() -> {
            try {
                LadderProbe.deleteLeftovers(dir);
            } catch (IOException e) {
                System.err.println("panamax ladder: could not remove work files in " + dir + ": " + e.getMessage());
            }
        }, "ladder-clean-up");
        Runtime.getRuntime().addShutdownHook(cleanUp);
        try (Progress progress = new Progress(cl.getErr(), isTerminal(), steps, seconds * 1.1)) {
            int step = 0;
            for (Durability rung : plan) {
                progress.step(step++, rung.name());
                results.add(new Row(rung.name(), false, LadderProbe.measure(dir, rung,
                        rung == Durability.WRITE ? options : durableOptions, size, 1, perRung)));
                if (rung == Durability.FDATASYNC && uringRow) {
                    progress.step(step++, URING_LABEL);
                    results.add(new Row(URING_LABEL, true, LadderProbe.measure(dir, rung,
                            durableOptions.withIoUring(true), size, 1, perRung)));
                }
            }
            if (threads > 0) {
                progress.step(step, "group commit, " + threads + " threads at FDATASYNC");
                group = LadderProbe.measure(dir, Durability.FDATASYNC, groupOptions, size, threads, perRung);
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanUp);
        }
        LadderProbe.Result single = results.stream()
                .filter(r -> !r.ioUring() && r.result().rung() == Durability.FDATASYNC).map(Row::result).findFirst()
                .orElse(null);
        PrintWriter out = cl.getOut();
        if (json) {
            out.println(Json.write(toJson(abs, fileSystem, results, group, single)));
        } else {
            out.print(toText(abs, fileSystem, results, group, single));
        }
        out.flush();
        return Panamax.EXIT_OK;
    }

    /** One row of the report: its label, whether it flushed through io_uring, and what it measured. */
    private record Row(String label, boolean ioUring, LadderProbe.Result result) {
    }

    /** {@code wanted}, raised to the default segment size, then held to a quarter of {@code usable} bytes. */
    private static long segmentBytes(long wanted, long usable) {
        return Math.min(Math.max(LogOptions.defaults().segmentBytes(), wanted), usable / 4);
    }

    /** Creates and removes a file in {@code dir}: the only reliable test (root ignores modes, mounts are ro). */
    private static void ensureWritable(Path dir) throws IOException {
        Path probe;
        try {
            probe = Files.createTempFile(dir, ".panamax-ladder-", ".probe");
        } catch (IOException e) {
            String reason = switch (e) {
                case AccessDeniedException a -> "permission denied";
                case FileSystemException f when f.getReason() != null -> f.getReason().toLowerCase(Locale.ROOT);
                default -> "cannot create a file there: " + e.getClass().getSimpleName();
            };
            throw new IOException("DIR " + dir + ": not writable (" + reason + ")", e);
        }
        Files.delete(probe);
    }

    /** Reads a rung name in any case; an unknown name is a usage error that lists the valid ones. */
    static final class RungConverter implements CommandLine.ITypeConverter<Durability> {
        @Override
        public Durability convert(String value) {
            try {
                return Durability.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("unknown rung '" + value + "' (valid: "
                        + String.join(",", java.util.Arrays.stream(Durability.values()).map(Enum::name).toList())
                        + ")");
            }
        }
    }

    private static boolean isTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    private Map<String, Object> toJson(Path abs, String fileSystem, List<Row> results,
                                       LadderProbe.Result group, LadderProbe.Result single) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("tool", "panamax ladder");
        root.put("version", Panamax.version());
        root.put("directory", abs.toString());
        root.put("file_system", fileSystem);
        root.put("record_bytes", size);
        root.put("seconds_per_rung", seconds);
        root.put("zero_fill", zeroFill);
        root.put("io_uring", IoUringSyscalls.FEATURE.isAvailable() ? "available"
                : IoUringSyscalls.FEATURE.unavailabilityCause());
        List<Object> rows = new ArrayList<>();
        for (Row r : results) {
            Map<String, Object> m = row(r.result());
            m.put("label", r.label());
            m.put("io_uring", r.ioUring());
            rows.add(m);
        }
        root.put("rungs", rows);
        if (group == null) {
            root.put("group_commit", null);
        } else {
            Map<String, Object> g = row(group);
            g.put("records_per_second", group.opsPerSecond());
            Double speedup = single == null || single.opsPerSecond() == 0 || group.operations() == 0 ? null
                    : group.opsPerSecond() / single.opsPerSecond();
            g.put("speedup_vs_single_writer", speedup);
            root.put("group_commit", g);
        }
        return root;
    }

    private static Map<String, Object> row(LadderProbe.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        LogStats st = r.stats();
        m.put("rung", r.rung().name());
        m.put("ran", r.operations() > 0);
        m.put("threads", r.threads());
        m.put("operations", r.operations());
        m.put("ops_per_second", r.opsPerSecond());
        m.put("p50_ns", r.p50Nanos());
        m.put("p99_ns", r.p99Nanos());
        m.put("p999_ns", r.p999Nanos());
        m.put("appends", st.appends());
        m.put("write_calls", st.writeCalls());
        m.put("flush_calls", st.flushCalls());
        m.put("synced_writes", st.syncedWrites());
        m.put("uring_submissions", st.uringSubmissions());
        m.put("flushes_per_record", flushesPerRecord(st));
        m.put("note", r.note());
        return m;
    }

    /** Kernel calls that made data durable per appended record (warmup included on both sides). */
    private static double flushesPerRecord(LogStats st) {
        return st.appends() == 0 ? 0 : (double) st.durabilityPoints() / st.appends();
    }

    private String toText(Path abs, String fileSystem, List<Row> results, LadderProbe.Result group,
                          LadderProbe.Result single) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "panamax ladder: %s (%s), %d-byte appends, %s s per rung%s%n%n", abs,
                fileSystem, size, number(seconds),
                zeroFill ? ", zero-filled segments" : ", segments not zero-filled"));
        if (!results.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%-20s %12s %10s %10s %10s %10s  %s%n", "rung", "ops/s", "p50 us",
                    "p99 us", "p99.9 us", "syncs/op", "note"));
            for (Row r : results) {
                sb.append(textRow(r.label(), r.result()));
            }
        }
        if (group != null) {
            sb.append(String.format(Locale.ROOT, "%ngroup commit: %d threads at FDATASYNC%n", group.threads()));
            sb.append(String.format(Locale.ROOT, "%-20s %12s %10s %10s %10s %10s  %s%n", "", "records/s", "p50 us",
                    "p99 us", "p99.9 us", "syncs/rec", "note"));
            sb.append(textRow("", group));
            if (single != null && single.opsPerSecond() > 0 && group.operations() > 0) {
                sb.append(String.format(Locale.ROOT, "%.1fx the records/s of one writer at FDATASYNC%n",
                        group.opsPerSecond() / single.opsPerSecond()));
            }
        }
        return sb.toString();
    }

    private static String textRow(String label, LadderProbe.Result r) {
        if (r.operations() == 0) {
            return String.format(Locale.ROOT, "%-20s %12s %10s %10s %10s %10s  %s%n", label, "-", "-", "-", "-", "-",
                    r.note() == null ? "no appends measured" : "not run: " + r.note());
        }
        return String.format(Locale.ROOT, "%-20s %12.0f %10.1f %10.1f %10.1f %10.2f  %s", label, r.opsPerSecond(),
                r.p50Nanos() / 1e3, r.p99Nanos() / 1e3, r.p999Nanos() / 1e3, flushesPerRecord(r.stats()),
                r.note() == null ? "" : r.note()).stripTrailing() + System.lineSeparator();
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /**
     * The progress indicator on stderr: on a terminal, one line rewritten four times a second ("rung 2 of 7:
     * FDATASYNC, 11 s left"); otherwise one line per step, so logs stay readable.
     */
    private static final class Progress implements AutoCloseable {
        private final PrintWriter err;
        private final boolean terminal;
        private final int steps;
        private final double secondsPerStep;
        private final CountDownLatch done = new CountDownLatch(1);
        private final Thread ticker;
        private volatile int step = -1; // volatile: written by the command thread last, read by the ticker
        private volatile String label = ""; // volatile: written by the command thread, read by the ticker
        private volatile long stepStartNanos; // volatile: written by the command thread, read by the ticker

        Progress(PrintWriter err, boolean terminal, int steps, double secondsPerStep) {
            this.err = err;
            this.terminal = terminal;
            this.steps = steps;
            this.secondsPerStep = secondsPerStep;
            this.ticker = terminal ? Thread.ofPlatform().daemon().name("ladder-progress").start(this::tick) : null;
        }

        void step(int index, String name) {
            label = name;
            stepStartNanos = System.nanoTime();
            step = index;
            if (!terminal) {
                synchronized (err) {
                    err.println("panamax ladder: " + line(index, name, stepStartNanos));
                    err.flush();
                }
            }
        }

        private String line(int index, String name, long startNanos) {
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            double left = Math.max(0, secondsPerStep - elapsed) + (steps - index - 1) * secondsPerStep;
            return String.format(Locale.ROOT, "rung %d of %d: %s, %d s left", index + 1, steps, name,
                    (long) Math.ceil(left));
        }

        private void tick() {
            try {
                while (!done.await(250, TimeUnit.MILLISECONDS)) {
                    int s = step;
                    if (s >= 0) {
                        synchronized (err) {
                            err.print("\r\033[K" + line(s, label, stepStartNanos));
                            err.flush();
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            done.countDown();
            if (ticker != null) {
                try {
                    ticker.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (err) {
                    err.print("\r\033[K");
                    err.flush();
                }
            }
        }
    }
}
