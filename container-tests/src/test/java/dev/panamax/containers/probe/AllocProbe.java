/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.containers.probe;

import dev.panamax.alloc.OffHeapAllocator;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs in a container: the off-heap allocator as a service would build it.
 * <ul>
 *   <li>{@code fill TOTAL_MIB CHUNK_MIB touch|reserve}: a default allocator (limit taken from the cgroup) hands
 *   out {@code CHUNK_MIB} blocks, written page by page with {@code touch} or left untouched with {@code reserve},
 *   printing {@code allocated.mib=N} after each, until {@code TOTAL_MIB} or until it throws; a throw prints
 *   {@code exhausted=<class>: <message>}. Killed by the OOM killer, the process prints neither.</li>
 *   <li>{@code numa NODE}: builds an allocator bound to {@code NODE}, printing {@code numa.build=ok} or the
 *   exception, then allocates and writes 16 MiB from a default allocator ({@code default.allocated.mib=16}).</li>
 * </ul>
 */
public final class AllocProbe {

    private static final long MIB = 1L << 20;
    private static final long PAGE = 4096;

    private AllocProbe() {
    }

    /**
     * Entry point.
     *
     * @param args the mode and its arguments
     */
    public static void main(String[] args) {
        switch (args[0]) {
            case "fill" -> fill(Long.parseLong(args[1]), Long.parseLong(args[2]), args[3].equals("touch"));
            case "numa" -> numa(Integer.parseInt(args[1]));
            default -> throw new IllegalArgumentException("mode: fill or numa, not " + args[0]);
        }
    }

    private static void fill(long totalMib, long chunkMib, boolean write) {
        try (OffHeapAllocator alloc = OffHeapAllocator.builder().build()) {
            List<MemorySegment> held = new ArrayList<>();
            try {
                for (long mib = chunkMib; mib <= totalMib; mib += chunkMib) {
                    MemorySegment s = alloc.allocate(chunkMib * MIB);
                    if (write) {
                        touch(s);
                    }
                    held.add(s);
                    System.out.println("allocated.mib=" + mib);
                }
                System.out.println("allocated.all=true");
            } catch (OutOfMemoryError e) {
                System.out.println("exhausted=" + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            held.forEach(alloc::free);
        }
    }

    private static void numa(int node) {
        try (OffHeapAllocator bound = OffHeapAllocator.builder().numaNode(node).build()) {
            touch(bound.allocate(MIB));
            System.out.println("numa.build=ok");
        } catch (RuntimeException e) {
            System.out.println("numa.build=" + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        try (OffHeapAllocator plain = OffHeapAllocator.builder().build()) {
            MemorySegment s = plain.allocate(16 * MIB);
            touch(s);
            plain.free(s);
            System.out.println("default.allocated.mib=16");
        }
    }

    private static void touch(MemorySegment s) {
        for (long off = 0; off < s.byteSize(); off += PAGE) {
            s.set(ValueLayout.JAVA_BYTE, off, (byte) 1);
        }
    }
}
