/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import dev.panamax.alloc.OffHeapAllocator;
import dev.panamax.alloc.ThreadBoundAllocator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Off-heap allocation against what users would pick instead, in the same run. Every peer does the same work per
 * block: allocate, write one byte at offset 0, free.
 *
 * <ul>
 *   <li>{@link #allocateFree}: one allocate/write/free pair (the LIFO fast path of every thread cache);</li>
 *   <li>{@link #batch}: {@value #BATCH} allocations, then their frees in allocation order (defeats a single-slot
 *       LIFO path; reported per batch, divide by {@value #BATCH} for a pair).</li>
 * </ul>
 * Cross-thread frees (producer allocates, consumer frees) are in {@link AllocatorCrossThreadBenchmark}.
 *
 * <p>Peers: {@code panamax} ({@link OffHeapAllocator#allocate(long)}, a bounds-checked segment, thread cache),
 * {@code panamaxRaw} (the same allocator through {@link OffHeapAllocator#allocateAddress(long)} and
 * {@link OffHeapAllocator#freeAddress(long)}: no segment), {@code panamaxLocal} and {@code panamaxLocalRaw} (the same
 * two paths through the thread's {@link ThreadBoundAllocator}: no thread-local lookup), {@code panamaxStripes}
 * (segments without a thread cache: the striped, locked path that virtual threads take), {@code arena}
 * ({@code Arena.ofConfined()} allocate + close: malloc + zeroing + free underneath), {@code directBuffer}
 * ({@code ByteBuffer.allocateDirect}, freed by the GC's cleaner, as users do), {@code netty}
 * ({@code PooledByteBufAllocator.DEFAULT.directBuffer} + {@code release}), {@code unsafe}
 * ({@code sun.misc.Unsafe.allocateMemory}/{@code freeMemory}: the reference the targets are stated against, glibc
 * malloc plus the JVM's checks and native-call transition), {@code malloc} (glibc through a critical FFM downcall: the
 * cheapest way to reach malloc from Java, as extra information; the byte is written through a raw address, as for
 * {@code panamaxRaw}).
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar AllocatorBenchmark -f 1 -wi 3 -i 5 -w 500ms
 * -r 500ms}; add {@code -prof gc} to see the segment object of {@code panamax} (and none for {@code panamaxRaw}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled"})
@State(Scope.Thread)
public class AllocatorBenchmark {

    static final int BATCH = 64;

    @Param({"panamax", "panamaxRaw", "panamaxLocal", "panamaxLocalRaw", "panamaxStripes", "arena", "directBuffer",
        "netty", "unsafe", "malloc"})
    String peer;

    @Param({"16", "64", "256", "4096"})
    int size;

    private Peer kind;
    private OffHeapAllocator allocator;
    private ThreadBoundAllocator local;
    private PooledByteBufAllocator netty;
    private final Object[] held = new Object[BATCH];
    private final long[] addresses = new long[BATCH];

    /** The peers, as a switch the JIT folds (a string switch per call would be part of the measurement). */
    enum Peer {
        PANAMAX, PANAMAX_RAW, PANAMAX_LOCAL, PANAMAX_LOCAL_RAW, PANAMAX_STRIPES, ARENA, DIRECT_BUFFER, NETTY, UNSAFE,
        MALLOC;

        static Peer of(String name) {
            return switch (name) {
                case "panamax" -> PANAMAX;
                case "panamaxRaw" -> PANAMAX_RAW;
                case "panamaxLocal" -> PANAMAX_LOCAL;
                case "panamaxLocalRaw" -> PANAMAX_LOCAL_RAW;
                case "panamaxStripes" -> PANAMAX_STRIPES;
                case "arena" -> ARENA;
                case "directBuffer" -> DIRECT_BUFFER;
                case "netty" -> NETTY;
                case "unsafe" -> UNSAFE;
                case "malloc" -> MALLOC;
                default -> throw new IllegalArgumentException("unknown peer " + name);
            };
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        kind = Peer.of(peer);
        // panamaxStripes: the locked shared caches that virtual threads use, here taken by a platform thread.
        allocator = OffHeapAllocator.builder().threadCaches(kind != Peer.PANAMAX_STRIPES).build();
        // Thread-scoped state: JMH runs this on the benchmark thread, which the view is bound to.
        local = allocator.forCurrentThread();
        netty = PooledByteBufAllocator.DEFAULT;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        allocator.close();
    }

    @Benchmark
    public long allocateFree() {
        // Each case allocates, writes one byte and frees, inline, so escape analysis gets its best chance.
        switch (kind) {
            case PANAMAX, PANAMAX_STRIPES -> {
                MemorySegment s = allocator.allocate(size);
                s.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                allocator.free(s);
                return s.address();
            }
            case PANAMAX_RAW -> {
                long address = allocator.allocateAddress(size);
                MallocPeer.poke(address, (byte) 1);
                allocator.freeAddress(address);
                return address;
            }
            case PANAMAX_LOCAL -> {
                MemorySegment s = local.allocate(size);
                s.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                local.free(s);
                return s.address();
            }
            case PANAMAX_LOCAL_RAW -> {
                long address = local.allocateAddress(size);
                MallocPeer.poke(address, (byte) 1);
                local.freeAddress(address);
                return address;
            }
            case UNSAFE -> {
                long address = UnsafePeer.allocate(size);
                MallocPeer.poke(address, (byte) 1);
                UnsafePeer.free(address);
                return address;
            }
            case MALLOC -> {
                MemorySegment m = MallocPeer.malloc(size);
                MallocPeer.poke(m.address(), (byte) 1);
                MallocPeer.free(m);
                return m.address();
            }
            default -> {
                allocate(0);
                return release(0);
            }
        }
    }

    @Benchmark
    public long batch() {
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            allocate(i);
        }
        for (int i = 0; i < BATCH; i++) {
            sum += release(i);
        }
        return sum;
    }

    private void allocate(int i) {
        switch (kind) {
            case PANAMAX, PANAMAX_STRIPES -> {
                MemorySegment s = allocator.allocate(size);
                s.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                held[i] = s;
            }
            case PANAMAX_RAW -> {
                long address = allocator.allocateAddress(size);
                MallocPeer.poke(address, (byte) 1);
                addresses[i] = address;
            }
            case PANAMAX_LOCAL -> {
                MemorySegment s = local.allocate(size);
                s.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                held[i] = s;
            }
            case PANAMAX_LOCAL_RAW -> {
                long address = local.allocateAddress(size);
                MallocPeer.poke(address, (byte) 1);
                addresses[i] = address;
            }
            case ARENA -> {
                Arena arena = Arena.ofConfined();
                arena.allocate(size).set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                held[i] = arena;
            }
            case DIRECT_BUFFER -> {
                ByteBuffer b = ByteBuffer.allocateDirect(size);
                b.put(0, (byte) 1);
                held[i] = b;
            }
            case NETTY -> {
                ByteBuf b = netty.directBuffer(size);
                b.setByte(0, 1);
                held[i] = b;
            }
            case UNSAFE -> {
                long address = UnsafePeer.allocate(size);
                MallocPeer.poke(address, (byte) 1);
                addresses[i] = address;
            }
            case MALLOC -> {
                long address = MallocPeer.malloc(size).address();
                MallocPeer.poke(address, (byte) 1);
                addresses[i] = address;
            }
            default -> throw new IllegalArgumentException("unknown peer " + kind);
        }
    }

    private long release(int i) {
        Object block = held[i];
        held[i] = null;
        switch (kind) {
            case PANAMAX, PANAMAX_STRIPES -> {
                MemorySegment s = (MemorySegment) block;
                allocator.free(s);
                return s.address();
            }
            case PANAMAX_RAW -> {
                allocator.freeAddress(addresses[i]);
                return addresses[i];
            }
            case PANAMAX_LOCAL -> {
                MemorySegment s = (MemorySegment) block;
                local.free(s);
                return s.address();
            }
            case PANAMAX_LOCAL_RAW -> {
                local.freeAddress(addresses[i]);
                return addresses[i];
            }
            case ARENA -> {
                ((Arena) block).close();
                return 1;
            }
            case DIRECT_BUFFER -> {
                return ((ByteBuffer) block).get(0);
            }
            case NETTY -> {
                ByteBuf b = (ByteBuf) block;
                long v = b.getByte(0);
                b.release();
                return v;
            }
            case UNSAFE -> {
                UnsafePeer.free(addresses[i]);
                return addresses[i];
            }
            case MALLOC -> {
                MallocPeer.free(MemorySegment.ofAddress(addresses[i]));
                return addresses[i];
            }
            default -> throw new IllegalArgumentException("unknown peer " + kind);
        }
    }

    public static void main(String[] args) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(AllocatorBenchmark.class.getSimpleName())
                .shouldFailOnError(true)
                .build();
        new Runner(options).run();
    }
}
