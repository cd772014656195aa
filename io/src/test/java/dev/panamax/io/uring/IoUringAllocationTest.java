/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.uring;

import dev.panamax.ffm.Fd;
import dev.panamax.ffm.IoUringSyscalls;
import dev.panamax.ffm.OpenFlag;
import dev.panamax.testing.AllocationRounds;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Submitting requests and reaping their completions allocates nothing on the Java heap once compiled, when each
 * request reuses a completion made in advance (as IoBenchmark's RingReader does): a storage engine's read path
 * through the ring feeds the garbage collector nothing.
 */
class IoUringAllocationTest {

    private static final int OPS_PER_ROUND = 10_000;
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    @BeforeEach
    void requireIoUring() {
        assumeTrue(IoUringSyscalls.FEATURE.isAvailable(), () -> "io_uring unavailable: "
                + IoUringSyscalls.FEATURE.unavailabilityCause());
    }

    /** A completion made once and reused by every request: it records the last result. */
    private static final class Recorder implements IoUring.Completion {
        int result = Integer.MIN_VALUE;
        int completed;

        @Override
        public void complete(int result, int flags) {
            this.result = result;
            completed++;
        }
    }

    @Test
    void shouldAllocateNothingWhenSubmittingAndReapingWithPreallocatedCompletions() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Fd fd = Fd.open(dir.resolve("data"), EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.CREATE), 0644);
             IoUring ring = IoUring.open(IoUring.Options.of(8))) {
            MemorySegment buffer = arena.allocate(BLOCK, BLOCK).fill((byte) 5);
            MemorySegment fixed = arena.allocate(BLOCK, BLOCK);
            assertEquals(BLOCK, fd.pwrite(buffer, 0, BLOCK, 0));
            ring.registerBuffers(fixed);
            Recorder recorder = new Recorder();
            new AllocationRounds(OPS_PER_ROUND)
                    .add("nop", () -> {
                        ring.nop(recorder);
                        roundTrip(ring, recorder, 0);
                    })
                    .add("read", () -> {
                        ring.read(fd, buffer, 0, recorder);
                        roundTrip(ring, recorder, BLOCK);
                    })
                    .add("write", () -> {
                        ring.write(fd, buffer, 0, recorder);
                        roundTrip(ring, recorder, BLOCK);
                    })
                    .add("readFixed", () -> {
                        ring.readFixed(fd, 0, fixed, 0, recorder);
                        roundTrip(ring, recorder, BLOCK);
                    })
                    .assertNothingAllocatedBy(Thread.currentThread());
        }
    }

    private static void roundTrip(IoUring ring, Recorder recorder, int expected) throws IOException {
        int before = recorder.completed;
        while (recorder.completed == before) {
            ring.submitAndWait(1);
            ring.reap();
        }
        if (recorder.result != expected) {
            throw new AssertionError("request completed with " + recorder.result + ", expected " + expected);
        }
    }
}
