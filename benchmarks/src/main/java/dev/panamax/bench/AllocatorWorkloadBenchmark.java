/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import dev.panamax.alloc.OffHeapAllocator;
import dev.panamax.alloc.ThreadBoundAllocator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Allocator workloads in the spirit of mimalloc-bench, reporting time per round and memory: each score is the time
 * of one round; the {@code Memory} counters give the process's resident set ({@code VmRSS}), its peak
 * ({@code VmHWM}, reset at the start of the fork through {@code /proc/self/clear_refs} where the kernel allows it)
 * and the peak's growth over the resident set at the start of the fork. The Java heap is fixed and pre-touched
 * ({@code -Xms256m -Xmx256m -XX:+AlwaysPreTouch}), so growth is native memory: the peer's, plus the JVM's own
 * (JIT code, metaspace: about the same for every peer, compare with {@code unsafe}). The trial's final figures are
 * also printed at teardown.
 *
 * <ul>
 *   <li>{@link #larson}: two threads each keep {@value #SLOTS} live blocks of {@value #MIN_SIZE} to
 *       {@value #MAX_SIZE} bytes and replace a random one {@value #STEPS} times per round (free it, allocate a new
 *       random size, write it); after each round the threads swap their block sets, so every block left in a set
 *       is freed by the other thread (larson's server threads handing work over);</li>
 *   <li>{@link #shortLivedThreads}: {@value #WAVES} waves of two new platform threads that each allocate
 *       {@value #SHORT_BLOCKS} random blocks, write them, free them and exit: what a per-thread cache leaves behind
 *       when its thread dies (panamax reclaims dead threads' caches, see {@code OffHeapAllocator});</li>
 *   <li>{@link #falseSharing}: two threads each allocate {@value #SHARED_BLOCKS} blocks of {@value #SHARED_SIZE}
 *       bytes at the same time, then each increments a long in each of its own blocks {@value #PASSES} times; a
 *       cache line holding blocks of both threads makes the writes ping-pong between cores. The
 *       {@code Sharing.sharedLines} counter is the number of 64-byte lines holding blocks of both threads (-1 when
 *       a peer does not expose addresses). The allocation and the count run before each round, untimed: the score
 *       is the writes and the frees.</li>
 * </ul>
 *
 * <p>Peers are those of {@link AllocatorBenchmark} that can free a block on another thread than the one that
 * allocated it: {@code panamax}, {@code panamaxRaw}, {@code panamaxLocal}, {@code panamaxLocalRaw} (each thread
 * uses its own {@link ThreadBoundAllocator}), {@code panamaxStripes}, {@code netty}, {@code unsafe}, {@code malloc}.
 * {@code arena} (a confined arena is closed by its owner only) and {@code directBuffer} (freed by the GC, not by a
 * thread) are left out.
 *
 * <p>{@code none} is a baseline, not a peer: it runs each workload's threads and loops with no allocator (a slot
 * stands for the block: allocating stores the size in it, writing and incrementing update it, freeing clears it).
 * Its score is the fixed cost of a round that every peer pays too, so subtract it from a peer's score before
 * comparing peers: in {@link #shortLivedThreads} it is starting and joining the {@value #WAVES} × {@value #THREADS}
 * threads, most of every peer's round, and a ratio of two peers' raw scores there says little; in {@link #larson}
 * it is the crew's hand-off and the random sizes; in {@link #falseSharing} it is the increments on memory that no
 * other thread touches. Its {@code sharedLines} is -1 and its memory counters show the JVM's own growth. The CLI's
 * bench report lists it but does not take it as the best peer.
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar AllocatorWorkloadBenchmark -f 1 -wi 2 -i 3 -w 1s
 * -r 1s}. Two threads per workload: on a machine with fewer idle cores the times mostly measure the scheduler.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled",
    "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class AllocatorWorkloadBenchmark {

    static final int THREADS = 2;
    static final int SLOTS = 20_000;
    static final int STEPS = 20_000;
    static final int MIN_SIZE = 8;
    static final int MAX_SIZE = 1000;
    static final int WAVES = 16;
    static final int SHORT_BLOCKS = 256;
    static final int SHARED_BLOCKS = 64;
    static final int SHARED_SIZE = 16;
    static final int PASSES = 5_000;
    private static final int LINE = 64;
    /** The most lines a block of {@value #SHARED_SIZE} bytes can touch: one more when it straddles a boundary. */
    private static final int LINES_PER_BLOCK = (SHARED_SIZE - 1) / LINE + 2;

    @Param({"panamax", "panamaxRaw", "panamaxLocal", "panamaxLocalRaw", "panamaxStripes", "netty", "unsafe",
        "malloc", BASELINE})
    String peer;

    /** The {@code peer} value of the baseline that allocates nothing (see the class comment). */
    static final String BASELINE = "none";

    private AllocatorBenchmark.Peer kind; // null for the baseline
    private OffHeapAllocator allocator;
    private Crew crew;
    private final Blocks[] larsonSets = new Blocks[THREADS];
    private final Blocks[] sharingSets = new Blocks[THREADS];
    private final long[] firstLines = new long[SHARED_BLOCKS * LINES_PER_BLOCK];
    private final long[] bothLines = new long[SHARED_BLOCKS * LINES_PER_BLOCK];
    private int round;
    private long baseRssKiB;

    /**
     * Resident memory of the process, read from {@code /proc/self/status} once at each iteration's end, after its
     * last round and outside the timed rounds (reading and parsing the file costs tens of microseconds, the same for
     * every peer, which would pull every ratio toward 1). JMH sums {@code EVENTS} counters over the measurement
     * iterations of every fork, so each iteration reports its value divided by iterations × forks: the printed
     * figure is the mean, over the iterations of all forks, of the value at each iteration's end.
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Memory {
        /** {@code VmRSS} after the iteration's last round, MiB. */
        public double rssMiB;
        /** {@code VmHWM}: the peak resident set since the fork started, MiB. */
        public double peakRssMiB;
        /** {@code VmHWM} less the resident set when the fork started, MiB. */
        public double peakGrowthMiB;

        /**
         * Samples the resident set after the iteration's last round; JMH reads the counters after this teardown.
         *
         * @param bench the benchmark, for the resident set at the fork's start
         * @param params the run's parameters (its forks and measured iterations)
         * @param iteration this iteration's parameters (warm-up or measured)
         */
        @TearDown(Level.Iteration)
        public void sample(AllocatorWorkloadBenchmark bench, BenchmarkParams params, IterationParams iteration) {
            int share = EventCounters.shareOf(params, iteration);
            long[] kib = status("VmRSS:", "VmHWM:");
            rssMiB = kib[0] / 1024.0 / share;
            peakRssMiB = kib[1] / 1024.0 / share;
            peakGrowthMiB = (kib[1] - bench.baseRssKiB) / 1024.0 / share;
        }
    }

    /**
     * The blocks of a {@link #falseSharing} round, allocated before the round and outside its timing, and what the
     * false-sharing check saw in the iteration's last round (divided like {@link Memory}'s counters).
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Sharing {
        /** 64-byte cache lines holding blocks of both threads; -1 when the peer hides addresses. */
        public double sharedLines;
        private long lastSharedLines; // this round's count, reported at the iteration's end

        /**
         * Allocates the round's blocks, both threads at once as in the workload, and counts the lines they share;
         * JMH runs it before each round, outside the round's time.
         *
         * @param bench the benchmark, whose crew allocates
         */
        @Setup(Level.Invocation)
        public void allocate(AllocatorWorkloadBenchmark bench) {
            lastSharedLines = bench.allocateSharingRound();
        }

        /**
         * Reports the count of the iteration's last round.
         *
         * @param params the run's parameters (its forks and measured iterations)
         * @param iteration this iteration's parameters (warm-up or measured)
         */
        @TearDown(Level.Iteration)
        public void report(BenchmarkParams params, IterationParams iteration) {
            sharedLines = (double) lastSharedLines / EventCounters.shareOf(params, iteration);
        }
    }

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        if (params.getThreads() != 1) {
            // Each workload drives its own threads; two JMH threads would share one crew.
            throw new IllegalArgumentException("run AllocatorWorkloadBenchmark with one JMH thread (-t 1), not "
                    + params.getThreads());
        }
        kind = peer.equals(BASELINE) ? null : AllocatorBenchmark.Peer.of(peer);
        if (kind == AllocatorBenchmark.Peer.ARENA || kind == AllocatorBenchmark.Peer.DIRECT_BUFFER) {
            throw new IllegalArgumentException(peer + " cannot free a block on another thread; see the class comment");
        }
        allocator = OffHeapAllocator.builder().threadCaches(kind != AllocatorBenchmark.Peer.PANAMAX_STRIPES).build();
        try {
            // Resets VmHWM to the current resident set (proc(5)); refused by some sandboxes, then VmHWM counts from
            // the JVM's start, which only makes peakGrowthMiB an upper bound.
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | SecurityException e) {
            System.err.println("AllocatorWorkloadBenchmark: cannot reset VmHWM (" + e + "); peaks count from JVM"
                    + " start");
        }
        baseRssKiB = status("VmRSS:")[0];
        crew = new Crew(THREADS, this::newClient);
        for (int t = 0; t < THREADS; t++) {
            larsonSets[t] = new Blocks(SLOTS);
        }
        // Each worker makes its own slots, so that the arrays of the two threads do not share a line either.
        crew.run(id -> sharingSets[id] = new Blocks(SHARED_BLOCKS));
    }

    @TearDown(Level.Trial)
    public void tearDown(BenchmarkParams params) {
        // Free what larson left, each set on a crew thread (thread-bound views must be used by their owner).
        crew.run(id -> {
            for (int t = id; t < THREADS; t += THREADS) {
                Blocks b = larsonSets[t];
                for (int i = 0; i < SLOTS; i++) {
                    crew.client(id).free(b, i);
                }
            }
        });
        crew.close();
        allocator.close();
        long[] kib = status("VmHWM:", "VmRSS:");
        System.out.printf("%n%s %s: VmHWM %.1f MiB, growth over the fork's start %.1f MiB, VmRSS %.1f MiB%n",
                params.getBenchmark(), peer, kib[0] / 1024.0, (kib[0] - baseRssKiB) / 1024.0, kib[1] / 1024.0);
    }

    @Benchmark
    public int larson(Memory memory) {
        final int r = round++;
        crew.run(id -> {
            Client c = crew.client(id);
            Blocks b = larsonSets[(id + r) % THREADS];
            long seed = 0x9E3779B97F4A7C15L * (r * THREADS + id + 1);
            for (int step = 0; step < STEPS; step++) {
                seed = next(seed);
                int slot = (int) ((seed >>> 33) % SLOTS);
                int size = MIN_SIZE + (int) ((seed >>> 13) % (MAX_SIZE - MIN_SIZE + 1));
                c.free(b, slot);
                c.allocate(b, slot, size);
                c.write(b, slot, step);
            }
        });
        return r;
    }

    @Benchmark
    public int shortLivedThreads(Memory memory) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int w = 0; w < WAVES; w++) {
            Thread[] wave = new Thread[THREADS];
            for (int t = 0; t < THREADS; t++) {
                final long start = 0x9E3779B97F4A7C15L * (round * WAVES * THREADS + w * THREADS + t + 1);
                wave[t] = new Thread(() -> {
                    try {
                        Client c = newClient();
                        Blocks b = new Blocks(SHORT_BLOCKS);
                        long seed = start;
                        for (int i = 0; i < SHORT_BLOCKS; i++) {
                            seed = next(seed);
                            c.allocate(b, i, MIN_SIZE + (int) ((seed >>> 13) % (MAX_SIZE - MIN_SIZE + 1)));
                            c.write(b, i, i);
                        }
                        for (int i = 0; i < SHORT_BLOCKS; i++) {
                            c.free(b, i);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "short-lived-" + w + "-" + t);
                wave[t].start();
            }
            for (Thread t : wave) {
                t.join();
            }
        }
        round++;
        if (failure.get() != null) {
            throw new IllegalStateException("a short-lived thread failed", failure.get());
        }
        return WAVES;
    }

    @Benchmark
    public long falseSharing(Memory memory, Sharing sharing) {
        // The blocks were allocated by Sharing.allocate before the round: only the writes and the frees are timed.
        crew.run(id -> {
            Client c = crew.client(id);
            Blocks b = sharingSets[id];
            for (int pass = 0; pass < PASSES; pass++) {
                for (int i = 0; i < SHARED_BLOCKS; i++) {
                    c.increment(b, i);
                }
            }
            for (int i = 0; i < SHARED_BLOCKS; i++) {
                c.free(b, i);
            }
        });
        return sharing.lastSharedLines;
    }

    public static void main(String[] args) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(AllocatorWorkloadBenchmark.class.getSimpleName())
                .shouldFailOnError(true)
                .build();
        new Runner(options).run();
    }

    /**
     * Allocates {@link #falseSharing}'s blocks on the crew, both threads at once, and counts the 64-byte lines that
     * hold blocks of both threads, or returns -1 when the peer hides addresses. Untimed: called before each round.
     */
    long allocateSharingRound() {
        crew.run(id -> {
            Client c = crew.client(id);
            Blocks b = sharingSets[id];
            for (int i = 0; i < SHARED_BLOCKS; i++) {
                c.allocate(b, i, SHARED_SIZE);
            }
        });
        // The crew's end barrier orders the workers' slot writes before these reads; address() needs no owner.
        return sharedLines(crew.client(0), sharingSets, firstLines, bothLines);
    }

    /**
     * Counts the {@value #LINE}-byte lines holding blocks of {@value #SHARED_SIZE} bytes of both sets, or -1 when
     * the peer hides addresses; {@code firstLines} and {@code bothLines} are scratch, reused so that the count
     * allocates nothing that a GC could charge to a later round.
     */
    static long sharedLines(Client c, Blocks[] sets, long[] firstLines, long[] bothLines) {
        // Sorting and binary search on primitives: no boxed set, no garbage.
        int first = 0;
        for (int i = 0; i < SHARED_BLOCKS; i++) {
            long a = c.address(sets[0], i);
            if (a < 0) {
                return -1;
            }
            for (long line = a / LINE; line <= (a + SHARED_SIZE - 1) / LINE; line++) {
                firstLines[first++] = line;
            }
        }
        Arrays.sort(firstLines, 0, first);
        int both = 0;
        for (int i = 0; i < SHARED_BLOCKS; i++) {
            long a = c.address(sets[1], i);
            if (a < 0) {
                return -1;
            }
            for (long line = a / LINE; line <= (a + SHARED_SIZE - 1) / LINE; line++) {
                if (Arrays.binarySearch(firstLines, 0, first, line) >= 0) {
                    bothLines[both++] = line;
                }
            }
        }
        Arrays.sort(bothLines, 0, both);
        int distinct = 0;
        for (int i = 0; i < both; i++) {
            if (i == 0 || bothLines[i] != bothLines[i - 1]) {
                distinct++;
            }
        }
        return distinct;
    }

    /** {@code kB} fields of {@code /proc/self/status}, in KiB, in the order asked, from one read of the file. */
    private static long[] status(String... fields) {
        long[] kib = new long[fields.length];
        int found = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                for (int i = 0; i < fields.length; i++) {
                    if (line.startsWith(fields[i])) {
                        kib[i] = Long.parseLong(line.substring(fields[i].length()).replace("kB", "").trim());
                        found++;
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        if (found != fields.length) {
            throw new IllegalStateException("/proc/self/status lacks one of " + String.join(", ", fields));
        }
        return kib;
    }

    /** xorshift64: cheap enough not to show in the times, the same sequence for every peer. */
    private static long next(long x) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return x;
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at a barrier", e);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("the other thread failed", e);
        }
    }

    /** A client for the calling thread (a thread-bound view is bound to the thread that creates the client). */
    private Client newClient() {
        if (kind == null) {
            return new NoneClient();
        }
        return switch (kind) {
            case PANAMAX, PANAMAX_STRIPES -> new SegmentClient(allocator);
            case PANAMAX_RAW -> new RawClient(allocator);
            case PANAMAX_LOCAL -> new LocalSegmentClient(allocator.forCurrentThread());
            case PANAMAX_LOCAL_RAW -> new LocalRawClient(allocator.forCurrentThread());
            case NETTY -> new NettyClient(PooledByteBufAllocator.DEFAULT);
            case UNSAFE -> new UnsafeClient();
            case MALLOC -> new MallocClient();
            default -> throw new IllegalArgumentException("no workload peer " + kind);
        };
    }

    /** Slots of blocks: objects for the peers that hand out objects, addresses for the raw ones; empty is 0/null. */
    static final class Blocks {
        final Object[] objects;
        final long[] addresses;

        Blocks(int n) {
            objects = new Object[n];
            addresses = new long[n];
        }
    }

    /** One thread's access to a peer. One implementation per fork, so every call site stays monomorphic. */
    abstract static class Client {
        /** Allocates {@code size} bytes into the empty slot {@code i}. */
        abstract void allocate(Blocks b, int i, int size);

        /** Frees slot {@code i} if it holds a block, and empties it. */
        abstract void free(Blocks b, int i);

        /** Writes a long at offset 0 of the block in slot {@code i}. */
        abstract void write(Blocks b, int i, long value);

        /**
         * Adds 1 to the long at offset 0 of the block in slot {@code i}: a plain read-modify-write, whose read must
         * fetch the line back when another core wrote it, which is what makes false sharing show.
         */
        abstract void increment(Blocks b, int i);

        /** The address of the block in slot {@code i}, or -1 if the peer does not expose it. */
        abstract long address(Blocks b, int i);
    }

    private static final class SegmentClient extends Client {
        private final OffHeapAllocator allocator;

        SegmentClient(OffHeapAllocator allocator) {
            this.allocator = allocator;
        }

        @Override
        void allocate(Blocks b, int i, int size) {
            b.objects[i] = allocator.allocate(size);
        }

        @Override
        void free(Blocks b, int i) {
            Object s = b.objects[i];
            if (s != null) {
                allocator.free((MemorySegment) s);
                b.objects[i] = null;
            }
        }

        @Override
        void write(Blocks b, int i, long value) {
            ((MemorySegment) b.objects[i]).set(ValueLayout.JAVA_LONG, 0, value);
        }

        @Override
        void increment(Blocks b, int i) {
            MemorySegment s = (MemorySegment) b.objects[i];
            s.set(ValueLayout.JAVA_LONG, 0, s.get(ValueLayout.JAVA_LONG, 0) + 1);
        }

        @Override
        long address(Blocks b, int i) {
            return ((MemorySegment) b.objects[i]).address();
        }
    }

    private static final class LocalSegmentClient extends Client {
        private final ThreadBoundAllocator local;

        LocalSegmentClient(ThreadBoundAllocator local) {
            this.local = local;
        }

        @Override
        void allocate(Blocks b, int i, int size) {
            b.objects[i] = local.allocate(size);
        }

        @Override
        void free(Blocks b, int i) {
            Object s = b.objects[i];
            if (s != null) {
                local.free((MemorySegment) s);
                b.objects[i] = null;
            }
        }

        @Override
        void write(Blocks b, int i, long value) {
            ((MemorySegment) b.objects[i]).set(ValueLayout.JAVA_LONG, 0, value);
        }

        @Override
        void increment(Blocks b, int i) {
            MemorySegment s = (MemorySegment) b.objects[i];
            s.set(ValueLayout.JAVA_LONG, 0, s.get(ValueLayout.JAVA_LONG, 0) + 1);
        }

        @Override
        long address(Blocks b, int i) {
            return ((MemorySegment) b.objects[i]).address();
        }
    }

    /** The raw-address peers share slot handling; only allocate and free differ. */
    private abstract static class AddressClient extends Client {
        abstract long allocate(int size);

        abstract void free(long address);

        @Override
        final void allocate(Blocks b, int i, int size) {
            b.addresses[i] = allocate(size);
        }

        @Override
        final void free(Blocks b, int i) {
            long a = b.addresses[i];
            if (a != 0) {
                free(a);
                b.addresses[i] = 0;
            }
        }

        @Override
        final void write(Blocks b, int i, long value) {
            MallocPeer.pokeLong(b.addresses[i], value);
        }

        @Override
        final void increment(Blocks b, int i) {
            long a = b.addresses[i];
            MallocPeer.pokeLong(a, MallocPeer.peekLong(a) + 1);
        }

        @Override
        final long address(Blocks b, int i) {
            return b.addresses[i];
        }
    }

    private static final class RawClient extends AddressClient {
        private final OffHeapAllocator allocator;

        RawClient(OffHeapAllocator allocator) {
            this.allocator = allocator;
        }

        @Override
        long allocate(int size) {
            return allocator.allocateAddress(size);
        }

        @Override
        void free(long address) {
            allocator.freeAddress(address);
        }
    }

    private static final class LocalRawClient extends AddressClient {
        private final ThreadBoundAllocator local;

        LocalRawClient(ThreadBoundAllocator local) {
            this.local = local;
        }

        @Override
        long allocate(int size) {
            return local.allocateAddress(size);
        }

        @Override
        void free(long address) {
            local.freeAddress(address);
        }
    }

    private static final class UnsafeClient extends AddressClient {
        @Override
        long allocate(int size) {
            return UnsafePeer.allocate(size);
        }

        @Override
        void free(long address) {
            UnsafePeer.free(address);
        }
    }

    private static final class MallocClient extends AddressClient {
        @Override
        long allocate(int size) {
            return MallocPeer.malloc(size).address();
        }

        @Override
        void free(long address) {
            MallocPeer.free(MemorySegment.ofAddress(address));
        }
    }

    /**
     * The baseline: no allocator, the slot stands for the block. Each call still reads or writes the slot, so the
     * sizes computed for it stay live and C2 cannot drop the workload's loop.
     */
    private static final class NoneClient extends Client {
        @Override
        void allocate(Blocks b, int i, int size) {
            b.addresses[i] = size;
        }

        @Override
        void free(Blocks b, int i) {
            b.addresses[i] = 0;
        }

        @Override
        void write(Blocks b, int i, long value) {
            b.addresses[i] += value;
        }

        @Override
        void increment(Blocks b, int i) {
            b.addresses[i]++;
        }

        @Override
        long address(Blocks b, int i) {
            return -1;
        }
    }

    private static final class NettyClient extends Client {
        private final PooledByteBufAllocator netty;

        NettyClient(PooledByteBufAllocator netty) {
            this.netty = netty;
        }

        @Override
        void allocate(Blocks b, int i, int size) {
            b.objects[i] = netty.directBuffer(size);
        }

        @Override
        void free(Blocks b, int i) {
            Object buf = b.objects[i];
            if (buf != null) {
                ((ByteBuf) buf).release();
                b.objects[i] = null;
            }
        }

        @Override
        void write(Blocks b, int i, long value) {
            ((ByteBuf) b.objects[i]).setLong(0, value);
        }

        @Override
        void increment(Blocks b, int i) {
            ByteBuf buf = (ByteBuf) b.objects[i];
            buf.setLong(0, buf.getLong(0) + 1);
        }

        @Override
        long address(Blocks b, int i) {
            ByteBuf buf = (ByteBuf) b.objects[i];
            return buf.hasMemoryAddress() ? buf.memoryAddress() : -1;
        }
    }

    /**
     * Persistent worker threads, so that a round does not pay for thread starts (except in
     * {@link #shortLivedThreads}, where that is the point). Each worker makes its client on its own thread.
     */
    private static final class Crew implements AutoCloseable {
        private final Thread[] workers;
        private final Client[] clients;
        private final CyclicBarrier start;
        private final CyclicBarrier end;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile IntConsumer task; // written by the benchmark thread before the start barrier
        private volatile boolean stopping; // written by close() before the start barrier

        Crew(int n, Supplier<Client> factory) {
            workers = new Thread[n];
            clients = new Client[n];
            start = new CyclicBarrier(n + 1);
            end = new CyclicBarrier(n + 1);
            for (int i = 0; i < n; i++) {
                final int id = i;
                workers[i] = new Thread(() -> {
                    clients[id] = factory.get();
                    while (true) {
                        await(start);
                        if (stopping) {
                            return;
                        }
                        try {
                            task.accept(id);
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                        await(end);
                    }
                }, "workload-" + i);
                workers[i].setDaemon(true);
                workers[i].start();
            }
        }

        Client client(int id) {
            return clients[id];
        }

        void run(IntConsumer work) {
            task = work;
            await(start);
            await(end);
            Throwable e = failure.getAndSet(null);
            if (e != null) {
                throw new IllegalStateException("a workload thread failed", e);
            }
        }

        @Override
        public void close() {
            stopping = true;
            await(start);
            for (Thread w : workers) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
