/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import dev.panamax.alloc.OffHeapAllocator;
import dev.panamax.alloc.ThreadBoundAllocator;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
import org.openjdk.jmh.infra.Control;

/**
 * Cross-thread frees: a producer thread allocates a block, writes one byte and hands it over a single-producer
 * single-consumer ring to a consumer thread, which reads the byte and frees the block. The score of
 * {@code handoff:consume} is the freeing throughput; the ring costs every peer the same.
 *
 * <p>Peers: {@code panamax} (segments, thread caches: frees land in the consumer's cache and flow back to the
 * slabs through the central list), {@code panamaxRaw} (raw addresses), {@code panamaxLocal} and
 * {@code panamaxLocalRaw} (the same through each thread's {@link ThreadBoundAllocator}), {@code panamaxStripes}
 * (no thread caches), {@code netty} ({@code PooledByteBufAllocator.DEFAULT}: a foreign-thread release goes to the
 * arena), {@code unsafe} ({@code Unsafe.allocateMemory}/{@code freeMemory}) and {@code malloc} (a critical FFM
 * downcall; both glibc: a foreign free goes to the owning arena).
 *
 * <p>How to run: {@code java -jar benchmarks/target/benchmarks.jar AllocatorCrossThreadBenchmark -f 1 -wi 3 -i 5
 * -w 500ms -r 500ms}. Needs two cores to mean anything; on a loaded machine compare peers within one run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled"})
@State(Scope.Group)
public class AllocatorCrossThreadBenchmark {

    static final int RING = 1024;

    @Param({"panamax", "panamaxRaw", "panamaxLocal", "panamaxLocalRaw", "panamaxStripes", "netty", "unsafe", "malloc"})
    String peer;

    @Param({"64", "4096"})
    int size;

    private AllocatorBenchmark.Peer kind;
    private OffHeapAllocator allocator;
    private PooledByteBufAllocator netty;
    private final Object[] objects = new Object[RING];
    private final long[] addresses = new long[RING];
    private final AtomicLong head = new AtomicLong(); // next slot to consume: set (volatile) by the consumer only
    private final AtomicLong tail = new AtomicLong(); // next slot to fill: set (volatile) by the producer only

    @Setup(Level.Trial)
    public void setUp() {
        kind = AllocatorBenchmark.Peer.of(peer);
        allocator = OffHeapAllocator.builder().threadCaches(kind != AllocatorBenchmark.Peer.PANAMAX_STRIPES).build();
        netty = PooledByteBufAllocator.DEFAULT;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        // Blocks still in the ring when the measurement stopped.
        for (long h = head.get(); h < tail.get(); h++) {
            free((int) (h & (RING - 1)), allocator.forCurrentThread());
        }
        allocator.close();
    }

    /** Each thread's own view of the allocator, for the {@code panamaxLocal*} peers. */
    @State(Scope.Thread)
    public static class View {
        ThreadBoundAllocator local;

        @Setup(Level.Trial)
        public void setUp(AllocatorCrossThreadBenchmark shared) {
            // Thread-scoped state: set up on the thread that uses it, so the view is bound to that thread.
            local = shared.allocator.forCurrentThread();
        }
    }

    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public void produce(Control control, View view) {
        long t = tail.get();
        int slot = (int) (t & (RING - 1));
        while (t - head.get() >= RING) {
            if (control.stopMeasurement) {
                return;
            }
            Thread.onSpinWait();
        }
        switch (kind) {
            case PANAMAX, PANAMAX_STRIPES -> {
                MemorySegment s = allocator.allocate(size);
                s.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                objects[slot] = s;
            }
            case PANAMAX_RAW -> {
                long address = allocator.allocateAddress(size);
                MallocPeer.poke(address, (byte) 1);
                addresses[slot] = address;
            }
            case PANAMAX_LOCAL -> {
                MemorySegment s = view.local.allocate(size);
                s.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
                objects[slot] = s;
            }
            case PANAMAX_LOCAL_RAW -> {
                long address = view.local.allocateAddress(size);
                MallocPeer.poke(address, (byte) 1);
                addresses[slot] = address;
            }
            case NETTY -> {
                ByteBuf b = netty.directBuffer(size);
                b.setByte(0, 1);
                objects[slot] = b;
            }
            case UNSAFE -> {
                long address = UnsafePeer.allocate(size);
                MallocPeer.poke(address, (byte) 1);
                addresses[slot] = address;
            }
            case MALLOC -> {
                long address = MallocPeer.malloc(size).address();
                MallocPeer.poke(address, (byte) 1);
                addresses[slot] = address;
            }
            default -> throw new IllegalArgumentException("no cross-thread peer " + kind);
        }
        tail.set(t + 1); // publishes the slot to the consumer
    }

    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public void consume(Control control, View view) {
        long h = head.get();
        while (h >= tail.get()) {
            if (control.stopMeasurement) {
                return;
            }
            Thread.onSpinWait();
        }
        free((int) (h & (RING - 1)), view.local);
        head.set(h + 1); // gives the slot back to the producer
    }

    private void free(int slot, ThreadBoundAllocator local) {
        switch (kind) {
            case PANAMAX_LOCAL -> {
                local.free((MemorySegment) objects[slot]);
                objects[slot] = null;
            }
            case PANAMAX_LOCAL_RAW -> local.freeAddress(addresses[slot]);
            case PANAMAX, PANAMAX_STRIPES -> {
                allocator.free((MemorySegment) objects[slot]);
                objects[slot] = null;
            }
            case PANAMAX_RAW -> allocator.freeAddress(addresses[slot]);
            case NETTY -> {
                ByteBuf b = (ByteBuf) objects[slot];
                objects[slot] = null;
                b.release();
            }
            case UNSAFE -> UnsafePeer.free(addresses[slot]);
            case MALLOC -> MallocPeer.free(MemorySegment.ofAddress(addresses[slot]));
            default -> throw new IllegalArgumentException("no cross-thread peer " + kind);
        }
    }
}
