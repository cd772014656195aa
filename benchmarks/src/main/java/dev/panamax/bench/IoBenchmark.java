/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import dev.panamax.ffm.DirectIo;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.OpenFlag;
import dev.panamax.io.UringFile;
import dev.panamax.io.uring.IoUring;

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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * 4 KiB random reads with O_DIRECT from one file (1 GiB by default), panamax against what users would pick
 * instead, in one run; the same job as {@code fio --ioengine=io_uring --rw=randread --bs=4k --direct=1}, which
 * {@code benchmarks/fio-anchor.sh} runs on the same file.
 * <ul>
 *   <li>{@code qd32}: 32 reads in flight from one thread, in reads per second (IOPS). {@code panamaxUring}:
 *       {@link IoUring} used directly, 32 registered buffers ({@code IORING_OP_READ_FIXED}), each completion
 *       queueing the next read, every {@code io_uring_enter} submitting all of them and waiting for one
 *       completion (fio's default batching), no allocation per read; {@code panamaxUringFile}: {@link UringFile}
 *       on its io_uring engine (a future per read, handed to the ring's loop thread); {@code panamaxBlocking}:
 *       {@link UringFile} on its blocking engine ({@code pread} on its small pool, at most 8 threads, so fewer
 *       than 32 reads really run at once on small machines); {@code asyncFileChannel}: the JDK's
 *       {@link AsynchronousFileChannel} on a pool of 4 threads, 32 requests queued.</li>
 *   <li>{@code qd1}: one read at a time, in microseconds per read with JMH's percentiles (SampleTime); the same
 *       panamax engines, and {@code fileChannel}: {@link FileChannel#read(ByteBuffer, long)}.</li>
 *   <li>{@code threads4}: {@code fileChannel}, 4 threads each reading with {@link FileChannel#read(ByteBuffer,
 *       long)}, in reads per second of all 4 together: the blocking way to keep 4 reads in flight.</li>
 * </ul>
 * The JDK peers open the file with {@code com.sun.nio.file.ExtendedOpenOption.DIRECT} (O_DIRECT, JDK 10 and
 * later; looked up reflectively, since javac warns on every use of that {@code jdk.unsupported} class) and read into
 * 4 KiB-aligned direct buffers. Every read is checked to return 4096 bytes.
 *
 * <p>The file: {@code -Dpanamax.bench.io.file=PATH}. An existing regular file is read as it is (never written);
 * a directory gets {@code panamax-io-bench-<bytes>.bin}, created filled with random bytes (not sparse: O_DIRECT
 * reads of holes never reach the device) unless a file of that name and size is there already, so forks and
 * later runs reuse it; a path that does not exist is created like that. Default: the directory
 * {@code panamax-io-bench} under {@code java.io.tmpdir}. {@code -Dpanamax.bench.io.size=1g} sets the size of a
 * created file ({@code k}, {@code m}, {@code g} suffixes; smaller for smoke runs). Put the file on the disk to
 * measure: reads of a file the page cache holds still reach the device with O_DIRECT, but a tmpfs has no device.
 *
 * <p>Targets (issues #5 and #8): {@code qd32 panamaxUring} ≥ 0.9× fio's io_uring IOPS at iodepth 32 and ≥ 2×
 * {@code threads4 fileChannel}; {@code qd1 panamaxUring} mean latency ≤ 1.1× fio's at iodepth 1.
 *
 * <p>Run: {@code java -Dpanamax.bench.io.file=/data -jar benchmarks/target/benchmarks.jar IoBenchmark}
 */
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--enable-native-access=ALL-UNNAMED"})
public class IoBenchmark {

    /** Bytes per read and the alignment of buffers and offsets: fio's {@code --bs=4k}. */
    static final int BLOCK_BYTES = 4096;
    /** Where the file is, or the directory it goes in. */
    static final String FILE_PROPERTY = "panamax.bench.io.file";
    /** The size of a file the benchmark creates. */
    static final String SIZE_PROPERTY = "panamax.bench.io.size";
    /** The queue depth of {@code qd32}. */
    static final int DEPTH = 32;
    /** The threads of the {@code asyncFileChannel} pool and of {@code threads4}. */
    static final int CHANNEL_THREADS = 4;

    /** The JDK's O_DIRECT open option. */
    static final OpenOption JDK_DIRECT = jdkDirect();

    private static final long DEFAULT_SIZE_BYTES = 1L << 30;
    private static final long MIN_SIZE_BYTES = 1L << 20;

    /**
     * The file to read, created when needed (see the class comment).
     *
     * @return the file, at least 1 MiB, its size a multiple of 4 KiB (a longer tail is never read)
     * @throws IOException if it cannot be created, or the file system refuses O_DIRECT
     */
    static Path benchFile() throws IOException {
        long size = parseSize(System.getProperty(SIZE_PROPERTY, String.valueOf(DEFAULT_SIZE_BYTES)));
        String property = System.getProperty(FILE_PROPERTY);
        Path where = (property == null || property.isBlank()
                ? Path.of(System.getProperty("java.io.tmpdir"), "panamax-io-bench") : Path.of(property))
                .toAbsolutePath();
        Path file;
        if (Files.isRegularFile(where)) {
            file = where;
        } else {
            if (property == null || property.isBlank() || Files.isDirectory(where)) {
                Files.createDirectories(where);
                file = where.resolve("panamax-io-bench-" + size + ".bin");
            } else {
                file = where;
            }
            if (!Files.isRegularFile(file) || Files.size(file) != size) {
                create(file, size);
            }
        }
        if (Files.size(file) < MIN_SIZE_BYTES) {
            throw new IllegalArgumentException(file + " has " + Files.size(file) + " bytes: the benchmark reads "
                    + "random 4 KiB blocks of a file of at least 1 MiB (-D" + SIZE_PROPERTY + ")");
        }
        DirectIo direct = DirectIo.probe(file.getParent());
        if (!direct.isAvailable()) {
            throw new IllegalStateException("O_DIRECT is unavailable for " + file + ": "
                    + direct.unavailabilityCause() + " (point -D" + FILE_PROPERTY + " at a disk file system)");
        }
        if (direct.memoryAlignment() > BLOCK_BYTES || direct.offsetAlignment() > BLOCK_BYTES) {
            throw new IllegalStateException("O_DIRECT on " + file + " needs " + direct.offsetAlignment()
                    + "-byte aligned offsets: more than the 4 KiB reads of this benchmark");
        }
        return file;
    }

    private static OpenOption jdkDirect() {
        try {
            return (OpenOption) Class.forName("com.sun.nio.file.ExtendedOpenOption").getField("DIRECT").get(null);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("this JDK has no com.sun.nio.file.ExtendedOpenOption.DIRECT (module "
                    + "jdk.unsupported), which the FileChannel peers need to open the file with O_DIRECT", e);
        }
    }

    /** Writes {@code size} random bytes to a temporary file beside {@code file}, syncs it, renames it over. */
    private static void create(Path file, long size) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(parent, ".panamax-io-bench-", ".tmp");
        try {
            ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
            long seed = 0x9E3779B97F4A7C15L ^ System.nanoTime();
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                for (long written = 0; written < size; ) {
                    chunk.clear();
                    while (chunk.remaining() >= Long.BYTES) {
                        seed = xorShift(seed);
                        chunk.putLong(seed);
                    }
                    chunk.flip().limit((int) Math.min(chunk.limit(), size - written));
                    while (chunk.hasRemaining()) {
                        written += ch.write(chunk, written);
                    }
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Parses a size such as {@code 1g}, {@code 64m}, {@code 4096}.
     *
     * @param text digits with an optional {@code k}, {@code m} or {@code g} (binary units)
     * @return the bytes
     */
    static long parseSize(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        long unit = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        try {
            long n = Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1));
            if (n <= 0 || n > Long.MAX_VALUE / unit) {
                throw new NumberFormatException();
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + SIZE_PROPERTY + " must be a positive size such as 1g or 64m: "
                    + text, e);
        }
    }

    static long xorShift(long x) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return x;
    }

    /** A random 4 KiB-aligned offset below {@code blocks * 4096}. */
    static long offset(long random, long blocks) {
        return Long.remainderUnsigned(random, blocks) * BLOCK_BYTES;
    }

    static int check(int bytes) {
        if (bytes != BLOCK_BYTES) {
            throw new IllegalStateException("a 4 KiB read returned " + bytes + " bytes");
        }
        return bytes;
    }

    /** Completes one read per call, keeping its queue depth in flight. */
    interface Reader extends AutoCloseable {
        /**
         * Waits for the next read to complete (and queues another in its place).
         *
         * @return the bytes it read, always 4096
         * @throws Exception when a read fails
         */
        int next() throws Exception;

        @Override
        void close() throws IOException;
    }

    /** Opens the reader {@code impl} names, at queue depth {@code depth}. */
    static Reader open(String impl, Path file, int depth) throws IOException {
        long blocks = Files.size(file) / BLOCK_BYTES;
        long seed = (0x2545F4914F6CDD1DL ^ System.nanoTime()) | 1;
        return switch (impl) {
            case "panamaxUring" -> new RingReader(file, blocks, depth, seed);
            case "panamaxUringFile" -> new FileReader(file, blocks, depth, seed, UringFile.Engine.URING);
            case "panamaxBlocking" -> new FileReader(file, blocks, depth, seed, UringFile.Engine.BLOCKING);
            case "asyncFileChannel" -> new AsyncChannelReader(file, blocks, depth, seed);
            case "fileChannel" -> {
                if (depth != 1) {
                    throw new IllegalArgumentException("fileChannel reads one block at a time");
                }
                yield new ChannelReader(file, blocks, seed);
            }
            default -> throw new IllegalArgumentException("unknown impl " + impl);
        };
    }

    /** 4 KiB-aligned native buffers of one block each, from one allocation. */
    static MemorySegment[] blocks(Arena arena, int count) {
        MemorySegment all = arena.allocate((long) count * BLOCK_BYTES, BLOCK_BYTES);
        MemorySegment[] slices = new MemorySegment[count];
        for (int i = 0; i < count; i++) {
            slices[i] = all.asSlice((long) i * BLOCK_BYTES, BLOCK_BYTES);
        }
        return slices;
    }

    /** A 4 KiB-aligned direct buffer of one block. */
    static ByteBuffer alignedBuffer() {
        return ByteBuffer.allocateDirect(2 * BLOCK_BYTES).alignedSlice(BLOCK_BYTES).limit(BLOCK_BYTES);
    }

    /**
     * {@link IoUring} used directly: registered buffers, one preallocated completion per slot which queues the
     * slot's next read, so a read allocates nothing; each {@code io_uring_enter} submits every queued read and
     * waits for at least one completion.
     */
    static final class RingReader implements Reader {
        private final Fd fd;
        private final Arena arena = Arena.ofShared();
        private final IoUring ring;
        private final MemorySegment[] buffers;
        private final Slot[] slots;
        private final boolean refill;
        private final long blocks;
        private long random;
        private int ready; // completions reaped but not yet returned by next()
        private int failure; // the first negated errno a read returned, 0 while none did
        private IOException requeueFailure;
        private boolean closing; // set before close(): the cancelled reads' completions queue nothing

        RingReader(Path file, long blocks, int depth, long seed) throws IOException {
            this.blocks = blocks;
            this.random = seed;
            this.refill = depth > 1;
            this.fd = Fd.open(file, EnumSet.of(OpenFlag.READ, OpenFlag.DIRECT), 0);
            IoUring r = null;
            try {
                r = IoUring.open(IoUring.Options.of(Math.max(2, Integer.highestOneBit(depth - 1) << 1)));
                this.buffers = blocks(arena, depth);
                r.registerBuffers(buffers);
            } catch (IOException | RuntimeException e) {
                if (r != null) {
                    r.close();
                }
                fd.close();
                arena.close();
                throw e;
            }
            this.ring = r;
            this.slots = new Slot[depth];
            for (int i = 0; i < depth; i++) {
                slots[i] = new Slot(i);
            }
            if (refill) {
                for (Slot s : slots) {
                    queue(s);
                }
            }
        }

        private void queue(Slot slot) throws IOException {
            random = xorShift(random);
            ring.readFixed(fd, slot.index, buffers[slot.index], offset(random, blocks), slot);
        }

        @Override
        public int next() throws IOException {
            if (!refill) {
                queue(slots[0]);
            }
            while (ready == 0) {
                ring.submitAndWait(1);
                ring.reap();
            }
            ready--;
            if (failure != 0) {
                throw new ErrnoException("IORING_OP_READ_FIXED", -failure);
            }
            if (requeueFailure != null) {
                throw requeueFailure;
            }
            return BLOCK_BYTES;
        }

        @Override
        public void close() throws IOException {
            closing = true;
            try {
                ring.close();
            } finally {
                try {
                    fd.close();
                } finally {
                    arena.close();
                }
            }
        }

        /** One buffer's completion; runs on the benchmark thread inside {@link IoUring#reap()}. */
        private final class Slot implements IoUring.Completion {
            final int index;

            Slot(int index) {
                this.index = index;
            }

            @Override
            public void complete(int result, int flags) {
                if (closing) {
                    return;
                }
                if (result < 0 && failure == 0) {
                    failure = result;
                } else if (result >= 0 && result != BLOCK_BYTES && failure == 0) {
                    requeueFailure = new IOException("a 4 KiB read returned " + result + " bytes");
                }
                ready++;
                if (refill && failure == 0 && requeueFailure == null) {
                    try {
                        queue(this);
                    } catch (IOException e) {
                        requeueFailure = e;
                    }
                }
            }
        }
    }

    /** {@link UringFile} on a forced engine: {@code depth} futures in flight, waited for oldest first. */
    static final class FileReader implements Reader {
        private final Arena arena = Arena.ofShared();
        private final UringFile file;
        private final MemorySegment[] buffers;
        private final CompletableFuture<?>[] inFlight;
        private final long blocks;
        private long random;
        private int next;

        FileReader(Path path, long blocks, int depth, long seed, UringFile.Engine engine) throws IOException {
            this.blocks = blocks;
            this.random = seed;
            this.buffers = blocks(arena, depth);
            this.inFlight = new CompletableFuture<?>[depth];
            try {
                this.file = UringFile.open(path, EnumSet.of(OpenFlag.READ, OpenFlag.DIRECT), 0, engine);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
            if (depth > 1) {
                for (int i = 0; i < depth; i++) {
                    inFlight[i] = read(i);
                }
            }
        }

        private CompletableFuture<Integer> read(int i) {
            random = xorShift(random);
            return file.read(buffers[i], offset(random, blocks));
        }

        @Override
        public int next() {
            if (inFlight.length == 1) {
                return check(read(0).join());
            }
            int i = next;
            int bytes = (Integer) inFlight[i].join();
            inFlight[i] = read(i);
            next = i + 1 == inFlight.length ? 0 : i + 1;
            return check(bytes);
        }

        @Override
        public void close() throws IOException {
            try {
                file.close();
                for (CompletableFuture<?> f : inFlight) {
                    if (f != null) {
                        f.handle((r, e) -> r).join();
                    }
                }
            } finally {
                arena.close();
            }
        }
    }

    /** The JDK's asynchronous file channel on a pool of 4 threads, {@code depth} reads queued. */
    static final class AsyncChannelReader implements Reader {
        private final ExecutorService pool = Executors.newFixedThreadPool(CHANNEL_THREADS, r -> {
            Thread t = new Thread(r, "io-bench-async-channel");
            t.setDaemon(true);
            return t;
        });
        private final AsynchronousFileChannel channel;
        private final ByteBuffer[] buffers;
        private final Future<?>[] inFlight;
        private final long blocks;
        private long random;
        private int next;

        AsyncChannelReader(Path file, long blocks, int depth, long seed) throws IOException {
            this.blocks = blocks;
            this.random = seed;
            this.channel = AsynchronousFileChannel.open(file, Set.of(StandardOpenOption.READ,
                    JDK_DIRECT), pool);
            this.buffers = new ByteBuffer[depth];
            this.inFlight = new Future<?>[depth];
            for (int i = 0; i < depth; i++) {
                buffers[i] = alignedBuffer();
                inFlight[i] = read(i);
            }
        }

        private Future<Integer> read(int i) {
            random = xorShift(random);
            buffers[i].clear();
            return channel.read(buffers[i], offset(random, blocks));
        }

        @Override
        public int next() throws InterruptedException, ExecutionException {
            int i = next;
            int bytes = (Integer) inFlight[i].get();
            inFlight[i] = read(i);
            next = i + 1 == inFlight.length ? 0 : i + 1;
            return check(bytes);
        }

        @Override
        public void close() throws IOException {
            pool.shutdown();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            channel.close();
        }
    }

    /** {@link FileChannel#read(ByteBuffer, long)}, one block at a time. */
    static final class ChannelReader implements Reader {
        private final FileChannel channel;
        private final ByteBuffer buffer = alignedBuffer();
        private final long blocks;
        private long random;

        ChannelReader(Path file, long blocks, long seed) throws IOException {
            this.blocks = blocks;
            this.random = seed;
            this.channel = FileChannel.open(file, StandardOpenOption.READ, JDK_DIRECT);
        }

        @Override
        public int next() throws IOException {
            random = xorShift(random);
            buffer.clear();
            return check(channel.read(buffer, offset(random, blocks)));
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** The reader of {@code qd32}. */
    @State(Scope.Benchmark)
    public static class Qd32 {
        /** Who reads: panamax's engines, or the JDK's asynchronous channel. */
        @Param({"panamaxUring", "panamaxUringFile", "panamaxBlocking", "asyncFileChannel"})
        public String impl;

        Reader reader;

        /**
         * Opens the file and queues the first 32 reads.
         *
         * @throws IOException if the file cannot be prepared or opened
         */
        @Setup(Level.Trial)
        public void open() throws IOException {
            reader = IoBenchmark.open(impl, benchFile(), DEPTH);
        }

        /**
         * Closes the reader, waiting for the reads in flight.
         *
         * @throws IOException if closing fails
         */
        @TearDown(Level.Trial)
        public void close() throws IOException {
            reader.close();
        }
    }

    /** The reader of {@code qd1}. */
    @State(Scope.Benchmark)
    public static class Qd1 {
        /** Who reads: panamax's engines, or {@code FileChannel}. */
        @Param({"panamaxUring", "panamaxUringFile", "panamaxBlocking", "fileChannel"})
        public String impl;

        Reader reader;

        /**
         * Opens the file.
         *
         * @throws IOException if the file cannot be prepared or opened
         */
        @Setup(Level.Trial)
        public void open() throws IOException {
            reader = IoBenchmark.open(impl, benchFile(), 1);
        }

        /**
         * Closes the reader.
         *
         * @throws IOException if closing fails
         */
        @TearDown(Level.Trial)
        public void close() throws IOException {
            reader.close();
        }
    }

    /** The channel the 4 threads of {@code threads4} share. */
    @State(Scope.Benchmark)
    public static class SharedChannel {
        /** The one implementation: {@code FileChannel} (a parameter so that results name it like the others). */
        @Param({"fileChannel"})
        public String impl;

        FileChannel channel;
        long blocks;

        /**
         * Opens the file with O_DIRECT.
         *
         * @throws IOException if the file cannot be prepared or opened
         */
        @Setup(Level.Trial)
        public void open() throws IOException {
            Path file = benchFile();
            blocks = Files.size(file) / BLOCK_BYTES;
            channel = FileChannel.open(file, StandardOpenOption.READ, JDK_DIRECT);
        }

        /**
         * Closes the channel.
         *
         * @throws IOException if closing fails
         */
        @TearDown(Level.Trial)
        public void close() throws IOException {
            channel.close();
        }
    }

    /** One {@code threads4} thread's buffer and random sequence. */
    @State(Scope.Thread)
    public static class ThreadBuffer {
        final ByteBuffer buffer = alignedBuffer();
        long random = (0x2545F4914F6CDD1DL ^ System.nanoTime() ^ Thread.currentThread().threadId()) | 1;
    }

    /**
     * One read completed while 32 are in flight.
     *
     * @param s the reader
     * @return the bytes read
     * @throws Exception when a read fails
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int qd32(Qd32 s) throws Exception {
        return s.reader.next();
    }

    /**
     * One read, alone in flight: its latency.
     *
     * @param s the reader
     * @return the bytes read
     * @throws Exception when the read fails
     */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int qd1(Qd1 s) throws Exception {
        return s.reader.next();
    }

    /**
     * One blocking read by one of 4 threads.
     *
     * @param s the shared channel
     * @param t this thread's buffer
     * @return the bytes read
     * @throws IOException when the read fails
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(CHANNEL_THREADS)
    public int threads4(SharedChannel s, ThreadBuffer t) throws IOException {
        t.random = xorShift(t.random);
        t.buffer.clear();
        return check(s.channel.read(t.buffer, offset(t.random, s.blocks)));
    }

    /**
     * Runs this benchmark alone.
     *
     * @param args ignored
     * @throws RunnerException if a benchmark fails
     */
    public static void main(String[] args) throws RunnerException {
        Options options = new OptionsBuilder().include(IoBenchmark.class.getSimpleName()).shouldFailOnError(true)
                .build();
        new Runner(options).run();
    }
}
