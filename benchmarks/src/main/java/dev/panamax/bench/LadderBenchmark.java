/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import dev.panamax.io.Durability;
import dev.panamax.io.DurableLog;
import dev.panamax.io.LogOptions;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The durability ladder's appends against what users write instead, in one run: {@code append} measures one
 * writer at {@code WRITE} (page cache only) and {@code FDATASYNC} (data on stable storage before returning) for
 * panamax's {@link DurableLog} ({@code panamax}: {@code pwrite} then {@code fdatasync}; {@code panamaxUring}: the
 * write linked to the fdatasync in one io_uring submission, {@link LogOptions#withIoUring(boolean)}) and two JDK
 * peers:
 * <ul>
 *   <li>{@code fileChannel}: {@code FileChannel.write} of a direct buffer at the end of the file, plus
 *       {@code force(false)} (which is {@code fdatasync(2)} on Linux) for FDATASYNC;</li>
 *   <li>{@code fileChannelHeap}: the same with the heap buffer wrapping the very array panamax appends (the JDK
 *       copies it into a temporary direct buffer, as panamax copies it into its staging buffer): the like-for-like
 *       peer of the WRITE rung;</li>
 *   <li>{@code randomAccessFile}: {@code RandomAccessFile.write}, the file opened {@code "rw"} for WRITE and
 *       {@code "rwd"} ({@code O_DSYNC}, the class's only data-sync mode) for FDATASYNC;</li>
 *   <li>{@code fileChannelPrewritten}: {@code FileChannel.write} of the direct buffer at a position in a file
 *       written with zeros and fsynced before the iteration (untimed), wrapping at its end, plus {@code force(false)}
 *       for FDATASYNC: what pg_test_fsync does, and the file state panamax's zero-filled segments give its
 *       FDATASYNC appends (a flush then commits no block allocation or size change). Its WRITE row overwrites cached
 *       pages, which no other row does.</li>
 * </ul>
 * The first three peers append raw bytes to a growing file, so each of their FDATASYNC flushes also journals the
 * file's new size and blocks; panamax frames each record (header and CRC32C) into a preallocated segment,
 * zero-filled for FDATASYNC. {@code groupCommit} (8 threads) and {@code singleWriter} (1 thread) append at FDATASYNC to
 * one shared log, so their ratio is what group commit buys; the {@code fileChannel} peer writes under a lock and
 * calls {@code force(false)} outside it, the usual hand-rolled way to let the kernel merge flushes.
 *
 * <p>Scores are operations (records) per second, all threads together. Every iteration starts from fresh files,
 * deleted afterwards. Iterations are short (0.5 s): a WRITE iteration then leaves about 1 GB of dirty page
 * cache, below {@code vm.dirty_background_ratio} on a machine with a few GiB free, so neither background
 * writeback nor write throttling runs while it is measured (with 2 s iterations they did, and the WRITE scores
 * swung by ±150%). The files live under
 * {@code -Dpanamax.bench.dir=DIR} (default {@code target/ladder-bench} under the working directory): put it on
 * the disk to measure, not on a tmpfs {@code /tmp}.
 *
 * <p>Targets (issue "ladder"): panamax WRITE ≥ fileChannel WRITE (both peers are reported; fileChannelHeap is
 * the like-for-like one); panamax FDATASYNC ≥ 0.9× fileChannelPrewritten FDATASYNC, the peer whose file is in
 * the same state (pg_test_fsync's figure comes from {@code benchmarks/ladder-vs-pg_test_fsync.sh}; the growing-file
 * peer's ratio is printed for reference); groupCommit ≥ 5× singleWriter (panamax rows). {@link #main} prints the
 * ratios after the run.
 *
 * <p>Run: {@code java -Dpanamax.bench.dir=/data/bench -jar benchmarks/target/benchmarks.jar LadderBenchmark}, or
 * with the three ratios printed at the end: {@code java --enable-native-access=ALL-UNNAMED
 * -Dpanamax.bench.dir=/data/bench -cp benchmarks/target/benchmarks.jar dev.panamax.bench.LadderBenchmark}
 * (JMH options may follow).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 6, time = 500, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 2, jvmArgsPrepend = {"--enable-native-access=ALL-UNNAMED"})
public class LadderBenchmark {

    /** Bytes per record: PostgreSQL's WAL block, as pg_test_fsync writes. */
    static final int RECORD_BYTES = 8192;

    /** The pre-written peer's file: a default DurableLog segment, more than an FDATASYNC iteration writes. */
    static final long PREWRITTEN_BYTES = LogOptions.defaults().segmentBytes();

    /** The directory benchmark files go under. */
    static Path benchDir() throws IOException {
        Path dir = Path.of(System.getProperty("panamax.bench.dir", "target/ladder-bench"));
        Files.createDirectories(dir);
        return Files.createTempDirectory(dir.toAbsolutePath(), "ladder-");
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** Opens a log that flushes through io_uring, or fails: a silent syscall fallback would measure nothing new. */
    static DurableLog openUring(Path dir, LogOptions options) throws IOException {
        DurableLog log = DurableLog.open(dir.resolve("log"), options.withIoUring(true));
        if (!log.usesIoUring()) {
            String why = log.fallbackReason().orElse("no reason given");
            log.close();
            throw new IllegalStateException("panamaxUring needs io_uring: " + why);
        }
        return log;
    }

    /** One appender's payload: the same bytes as an array, the array wrapped, and as a direct buffer. */
    @State(Scope.Thread)
    public static class Payload {
        /**
         * Bytes per record: {@link #RECORD_BYTES} unless {@code -p recordBytes=...} asks for other sizes (the
         * framing's 20 bytes weigh differently on a 128-byte and a 64 KiB record).
         */
        @Param({"" + RECORD_BYTES})
        public int recordBytes;

        byte[] bytes;
        ByteBuffer heap;
        ByteBuffer buffer;

        /** Fills the payload with non-zero bytes. */
        @Setup
        public void fill() {
            if (recordBytes < 1) {
                throw new IllegalArgumentException("recordBytes must be positive: " + recordBytes);
            }
            bytes = new byte[recordBytes];
            heap = ByteBuffer.wrap(bytes);
            buffer = ByteBuffer.allocateDirect(recordBytes);
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (i * 31 + 7);
            }
            buffer.put(bytes).flip();
        }
    }

    /** A single writer's file at one rung, recreated for every iteration. */
    @State(Scope.Benchmark)
    public static class Appender {
        /** The rung: WRITE or FDATASYNC. */
        @Param({"WRITE", "FDATASYNC"})
        public String rung;

        /** Who appends: panamax's DurableLog (by syscalls or through io_uring) or a JDK peer. */
        @Param({"panamax", "panamaxUring", "fileChannel", "fileChannelHeap", "randomAccessFile",
            "fileChannelPrewritten"})
        public String impl;

        Path dir;
        DurableLog log;
        FileChannel channel;
        RandomAccessFile file;
        boolean sync;
        long position; // fileChannelPrewritten: where the next record goes, wrapping at PREWRITTEN_BYTES

        /**
         * Opens fresh files for the iteration.
         *
         * @throws IOException if they cannot be created
         */
        @Setup(Level.Iteration)
        public void open() throws IOException {
            dir = benchDir();
            Durability r = Durability.valueOf(rung);
            sync = r == Durability.FDATASYNC;
            switch (impl) {
                case "panamax" -> log = DurableLog.open(dir.resolve("log"), LogOptions.defaults().withDurability(r));
                case "panamaxUring" -> log = openUring(dir, LogOptions.defaults().withDurability(r));
                case "fileChannel", "fileChannelHeap" -> channel = FileChannel.open(dir.resolve("data"),
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                case "randomAccessFile" -> file = new RandomAccessFile(dir.resolve("data").toFile(),
                        sync ? "rwd" : "rw");
                case "fileChannelPrewritten" -> {
                    channel = FileChannel.open(dir.resolve("data"), StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE);
                    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
                    for (long at = 0; at < PREWRITTEN_BYTES; at += zeros.capacity()) {
                        zeros.clear();
                        while (zeros.hasRemaining()) {
                            channel.write(zeros, at + zeros.position());
                        }
                    }
                    channel.force(true);
                    position = 0;
                }
                default -> throw new IllegalArgumentException("unknown impl " + impl);
            }
        }

        /**
         * Closes and deletes the iteration's files.
         *
         * @throws IOException if they cannot be removed
         */
        @TearDown(Level.Iteration)
        public void close() throws IOException {
            if (log != null) {
                log.close();
                log = null;
            }
            if (channel != null) {
                channel.close();
                channel = null;
            }
            if (file != null) {
                file.close();
                file = null;
            }
            deleteTree(dir);
        }
    }

    /** The log or file shared by the group-commit appenders, recreated for every iteration. */
    @State(Scope.Benchmark)
    public static class Shared {
        /**
         * Who appends: panamax's DurableLog with group commit (by syscalls or through io_uring), or FileChannel with
         * a lock and force(false).
         */
        @Param({"panamax", "panamaxUring", "fileChannel"})
        public String groupImpl;

        Path dir;
        DurableLog log;
        FileChannel channel;

        /**
         * Opens a fresh log or file for the iteration.
         *
         * @throws IOException if it cannot be created
         */
        @Setup(Level.Iteration)
        public void open() throws IOException {
            dir = benchDir();
            switch (groupImpl) {
                case "panamax" -> log = DurableLog.open(dir.resolve("log"),
                        LogOptions.defaults().withDurability(Durability.FDATASYNC));
                case "panamaxUring" -> log = openUring(dir, LogOptions.defaults().withDurability(Durability.FDATASYNC));
                case "fileChannel" -> channel = FileChannel.open(dir.resolve("data"), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                default -> throw new IllegalArgumentException("unknown groupImpl " + groupImpl);
            }
        }

        /**
         * Closes and deletes the iteration's files.
         *
         * @throws IOException if they cannot be removed
         */
        @TearDown(Level.Iteration)
        public void close() throws IOException {
            if (log != null) {
                log.close();
                log = null;
            }
            if (channel != null) {
                channel.close();
                channel = null;
            }
            deleteTree(dir);
        }

        long append(Payload p) throws IOException {
            if (log != null) {
                return log.append(p.bytes);
            }
            ByteBuffer b = p.buffer;
            b.clear();
            synchronized (this) {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            }
            // Outside the lock: concurrent fdatasync calls on one file can share a journal commit in the kernel.
            channel.force(false);
            return b.position();
        }
    }

    /**
     * One writer appends one record at the rung.
     *
     * @param s the appender
     * @param p the payload
     * @return the sequence number or bytes written, consumed by JMH
     * @throws IOException if the append fails
     */
    @Benchmark
    public long append(Appender s, Payload p) throws IOException {
        switch (s.impl) {
            case "panamax", "panamaxUring" -> {
                return s.log.append(p.bytes);
            }
            case "fileChannel", "fileChannelHeap" -> {
                ByteBuffer b = s.impl.equals("fileChannel") ? p.buffer : p.heap;
                b.clear();
                while (b.hasRemaining()) {
                    s.channel.write(b);
                }
                if (s.sync) {
                    s.channel.force(false);
                }
                return b.position();
            }
            case "fileChannelPrewritten" -> {
                ByteBuffer b = p.buffer;
                b.clear();
                while (b.hasRemaining()) {
                    s.channel.write(b, s.position + b.position());
                }
                s.position += p.bytes.length;
                if (s.position + p.bytes.length > PREWRITTEN_BYTES) {
                    s.position = 0;
                }
                if (s.sync) {
                    s.channel.force(false);
                }
                return b.position();
            }
            default -> {
                s.file.write(p.bytes);
                return p.bytes.length;
            }
        }
    }

    /**
     * Eight threads append at FDATASYNC to one log (or file).
     *
     * @param s the shared log
     * @param p this thread's payload
     * @return the sequence number or bytes written, consumed by JMH
     * @throws IOException if the append fails
     */
    @Benchmark
    @Threads(8)
    public long groupCommit(Shared s, Payload p) throws IOException {
        return s.append(p);
    }

    /**
     * One thread appends at FDATASYNC to the same kind of log: the baseline for {@link #groupCommit}.
     *
     * @param s the shared log
     * @param p the payload
     * @return the sequence number or bytes written, consumed by JMH
     * @throws IOException if the append fails
     */
    @Benchmark
    @Threads(1)
    public long singleWriter(Shared s, Payload p) throws IOException {
        return s.append(p);
    }

    /**
     * Runs this benchmark (JMH options in {@code args}, e.g. {@code -p rung=WRITE -f 1}), fails on any error, and
     * prints the three ratios from the results that ran.
     *
     * @param args JMH command-line options
     * @throws RunnerException if a benchmark fails
     * @throws CommandLineOptionException if {@code args} are not JMH options
     */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        OptionsBuilder builder = new OptionsBuilder();
        builder.parent(cli).shouldFailOnError(true);
        if (cli.getIncludes().isEmpty()) { // a pattern given (e.g. LadderBenchmark.append) narrows the run
            builder.include(LadderBenchmark.class.getSimpleName());
        }
        Options opt = builder.build();
        Collection<RunResult> results = new Runner(opt).run();
        System.out.println();
        Set<String> sizes = new TreeSet<>(Comparator.comparingInt(Integer::parseInt));
        results.forEach(r -> sizes.add(r.getParams().getParam("recordBytes")));
        for (String size : sizes) {
            System.out.println("LadderBenchmark targets (ratio of ops/s), " + size + "-byte records:");
            ratio(results, size, "WRITE: panamax / fileChannelHeap (heap byte[] both)", ">= 1.00", 1.0,
                    "append", "WRITE", "panamax", "append", "WRITE", "fileChannelHeap");
            ratio(results, size, "WRITE: panamax / fileChannel (direct buffer)", ">= 1.00", 1.0,
                    "append", "WRITE", "panamax", "append", "WRITE", "fileChannel");
            ratio(results, size, "FDATASYNC: panamax / fileChannelPrewritten + force", ">= 0.90", 0.9,
                    "append", "FDATASYNC", "panamax", "append", "FDATASYNC", "fileChannelPrewritten");
            ratio(results, size, "FDATASYNC: panamax / fileChannel + force (growing)", "none", 0,
                    "append", "FDATASYNC", "panamax", "append", "FDATASYNC", "fileChannel");
            ratio(results, size, "group commit: 8 threads / 1 thread (panamax)", ">= 5.00", 5.0,
                    "groupCommit", null, "panamax", "singleWriter", null, "panamax");
        }
    }

    private static void ratio(Collection<RunResult> results, String size, String label, String target, double min,
                              String method, String rung, String impl, String baseMethod, String baseRung,
                              String baseImpl) {
        Double a = score(results, size, method, rung, impl);
        Double b = score(results, size, baseMethod, baseRung, baseImpl);
        if (a == null || b == null || b == 0) {
            System.out.printf(Locale.ROOT, "  %-52s %8s  (not run)%n", label, "-");
            return;
        }
        double r = a / b;
        String verdict = min <= 0 ? "for reference" : r >= min ? "met" : "MISSED";
        System.out.printf(Locale.ROOT, "  %-52s %8.2f  target %s: %s (%.0f vs %.0f ops/s)%n", label, r, target,
                verdict, a, b);
    }

    private static Double score(Collection<RunResult> results, String size, String method, String rung,
                                String impl) {
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            if (!p.getBenchmark().endsWith("." + method) || !size.equals(p.getParam("recordBytes"))) {
                continue;
            }
            String who = method.equals("append") ? p.getParam("impl") : p.getParam("groupImpl");
            if (impl.equals(who) && (rung == null || rung.equals(p.getParam("rung")))) {
                return r.getPrimaryResult().getScore();
            }
        }
        return null;
    }
}
