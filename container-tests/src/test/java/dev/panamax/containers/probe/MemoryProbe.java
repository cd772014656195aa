/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.containers.probe;

import dev.panamax.ffm.Memory;
import dev.panamax.ffm.MappedRegion;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;

/**
 * Runs in a container with a memory limit: maps {@code args[0]} MiB of anonymous private memory with
 * {@code Memory.mapAnonymous}, then writes one byte per page, printing {@code touched.mib=N} after every
 * {@code args[1]} MiB. Under a cgroup limit smaller than the mapping the mmap itself succeeds (memory is charged
 * when a page is first touched), and the kernel's OOM killer ends the process with SIGKILL part-way; a line
 * {@code touched.all=true} means the limit was not enforced.
 */
public final class MemoryProbe {

    private static final long MIB = 1L << 20;

    private MemoryProbe() {
    }

    /**
     * Entry point.
     *
     * @param args the mapping size in MiB and the progress step in MiB
     * @throws Exception when mapping fails (stack trace on stderr, exit 1)
     */
    public static void main(String[] args) throws Exception {
        long sizeMib = Long.parseLong(args[0]);
        long stepMib = Long.parseLong(args[1]);
        long page = Memory.pageSize();
        try (MappedRegion region = Memory.mapAnonymous(sizeMib * MIB,
                EnumSet.of(Memory.Protection.READ, Memory.Protection.WRITE), EnumSet.noneOf(Memory.MapFlag.class))) {
            System.out.println("mapped.mib=" + sizeMib);
            MemorySegment s = region.segment();
            for (long mib = 0; mib < sizeMib; mib++) {
                for (long off = mib * MIB; off < (mib + 1) * MIB; off += page) {
                    s.set(ValueLayout.JAVA_BYTE, off, (byte) 1);
                }
                if ((mib + 1) % stepMib == 0) {
                    System.out.println("touched.mib=" + (mib + 1));
                }
            }
            System.out.println("touched.all=true");
        }
    }
}
