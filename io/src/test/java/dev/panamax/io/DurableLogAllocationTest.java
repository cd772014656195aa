/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A steady-state append allocates nothing on the Java heap, whatever holds its payload: a low-latency service
 * appending millions of records per second must not feed the garbage collector. Checked once C2 has compiled the
 * path (escape analysis removes the JDK's own temporary objects around downcalls and copies; the interpreter and C1
 * keep them).
 */
class DurableLogAllocationTest {

    private static final int APPENDS_PER_ROUND = 10_000;
    private static final int MAX_ROUNDS = 200;

    @TempDir
    Path dir;

    @Test
    void appendsAllocateNothingOnceCompiled() throws IOException {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count the bytes each thread allocates");
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        assumeTrue(vm.getVMOption("UseCompiler").getValue().equals("true")
                && vm.getVMOption("TieredStopAtLevel").getValue().equals("4"),
                "C2 is off (-Xint or -XX:TieredStopAtLevel below 4): only its escape analysis removes the JDK's "
                        + "temporaries");
        byte[] array = new byte[100];
        Arrays.fill(array, (byte) 7);
        LogOptions options = LogOptions.defaults().withDurability(Durability.WRITE);
        try (Arena arena = Arena.ofConfined(); DurableLog log = DurableLog.open(dir.resolve("log"), options)) {
            MemorySegment nativePayload = arena.allocate(100).fill((byte) 8);
            MemorySegment heapPayload = MemorySegment.ofArray(new long[12]).fill((byte) 9); // not a byte[]
            long[] lastRound = new long[3];
            for (int round = 0; round < MAX_ROUNDS; round++) {
                lastRound[0] = allocatedBy(threads, () -> log.append(array));
                lastRound[1] = allocatedBy(threads, () -> log.append(nativePayload));
                lastRound[2] = allocatedBy(threads, () -> log.append(heapPayload));
                if (lastRound[0] == 0 && lastRound[1] == 0 && lastRound[2] == 0) {
                    return; // a whole round of each kind without a byte allocated
                }
            }
            fail("after " + MAX_ROUNDS + " rounds of " + APPENDS_PER_ROUND + " appends each, the last "
                    + "round still allocated byte[] " + lastRound[0] + ", native segment " + lastRound[1]
                    + ", long[] segment " + lastRound[2] + " bytes");
        }
    }

    private interface Append {
        long run() throws IOException;
    }

    private static long allocatedBy(ThreadMXBean threads, Append append) throws IOException {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < APPENDS_PER_ROUND; i++) {
            append.run();
        }
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
