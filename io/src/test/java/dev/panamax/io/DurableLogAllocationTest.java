/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.testing.AllocationRounds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A steady-state append allocates nothing on the Java heap, whatever holds its payload: a low-latency service
 * appending millions of records per second must not feed the garbage collector. Checked once C2 has compiled the
 * path (escape analysis removes the JDK's own temporary objects around downcalls and copies; the interpreter and C1
 * keep them).
 */
class DurableLogAllocationTest {

    @TempDir
    Path dir;

    @Test
    void appendsAllocateNothingOnceCompiled() throws Exception {
        AllocationRounds rounds = new AllocationRounds();
        byte[] array = new byte[100];
        Arrays.fill(array, (byte) 7);
        LogOptions options = LogOptions.defaults().withDurability(Durability.WRITE);
        try (Arena arena = Arena.ofConfined(); DurableLog log = DurableLog.open(dir.resolve("log"), options)) {
            MemorySegment nativePayload = arena.allocate(100).fill((byte) 8);
            MemorySegment heapPayload = MemorySegment.ofArray(new long[12]).fill((byte) 9); // not a byte[]
            rounds.add("byte[]", () -> log.append(array))
                    .add("native segment", () -> log.append(nativePayload))
                    .add("long[] segment", () -> log.append(heapPayload))
                    .assertNothingAllocated();
        }
    }
}
