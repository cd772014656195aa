/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import dev.panamax.alloc.OffHeapAllocator;

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
 * Off-heap allocation against what users would pick instead, in the same run: one allocate, one write, one free
 * ({@link #allocateFree}), and a burst of {@value #BURST} allocations freed in allocation order ({@link #burst}),
 * which defeats a single-slot LIFO fast path.
 *
 * <p>Peers: {@code panamax} ({@link OffHeapAllocator}, thread cache), {@code panamaxStripes} (the same without
 * a thread cache: the striped, locked path that virtual threads take), {@code arena} ({@code Arena.ofConfined()}
 * allocate + close: malloc + zeroing + free underneath), {@code directBuffer} ({@code ByteBuffer.allocateDirect},
 * freed by the GC's cleaner, as users do), {@code netty} ({@code PooledByteBufAllocator.DEFAULT.directBuffer} +
 * {@code release}), {@code malloc} (glibc through a downcall).
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar AllocatorBenchmark -f 1 -wi 2 -i 3}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled"})
@State(Scope.Thread)
public class AllocatorBenchmark {

    static final int BURST = 64;

    @Param({"panamax", "panamaxStripes", "arena", "directBuffer", "netty", "malloc"})
    String peer;

    @Param({"64", "4096", "65536"})
    int size;

    private OffHeapAllocator allocator;
    private boolean ours;
    private PooledByteBufAllocator netty;
    private final Object[] held = new Object[BURST];

    @Setup(Level.Trial)
    public void setUp() {
        // panamaxStripes: the locked shared caches that virtual threads use, here taken by a platform thread.
        allocator = OffHeapAllocator.builder().threadCaches(!peer.equals("panamaxStripes")).build();
        ours = peer.startsWith("panamax");
        netty = PooledByteBufAllocator.DEFAULT;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        allocator.close();
    }

    @Benchmark
    public long allocateFree() {
        Object block = allocate();
        return release(block);
    }

    @Benchmark
    public long burst() {
        long sum = 0;
        for (int i = 0; i < BURST; i++) {
            held[i] = allocate();
        }
        for (int i = 0; i < BURST; i++) {
            sum += release(held[i]);
            held[i] = null;
        }
        return sum;
    }

    private Object allocate() {
        switch (peer) {
            case "panamax", "panamaxStripes" -> {
                MemorySegment s = allocator.allocate(size);
                s.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                return s;
            }
            case "arena" -> {
                Arena arena = Arena.ofConfined();
                arena.allocate(size).set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                return arena;
            }
            case "directBuffer" -> {
                ByteBuffer b = ByteBuffer.allocateDirect(size);
                b.put(0, (byte) 1);
                return b;
            }
            case "netty" -> {
                ByteBuf b = netty.directBuffer(size);
                b.setByte(0, 1);
                return b;
            }
            case "malloc" -> {
                MemorySegment address = MallocPeer.malloc(size);
                return address;
            }
            default -> throw new IllegalArgumentException("unknown peer " + peer);
        }
    }

    private long release(Object block) {
        switch (block) {
            case MemorySegment s when ours -> {
                long address = s.address();
                allocator.free(s);
                return address;
            }
            case MemorySegment s -> {
                long address = s.address();
                MallocPeer.free(s);
                return address;
            }
            case Arena arena -> {
                arena.close();
                return 1;
            }
            case ByteBuffer b -> {
                return b.get(0);
            }
            case ByteBuf b -> {
                long v = b.getByte(0);
                b.release();
                return v;
            }
            default -> throw new IllegalArgumentException("unknown block " + block);
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
