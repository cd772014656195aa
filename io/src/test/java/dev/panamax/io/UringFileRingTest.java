/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.IoUringSyscalls;

import dev.panamax.ffm.Fd;
import dev.panamax.ffm.OpenFlag;
import dev.panamax.io.uring.IoUring;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link UringFileContractTest} on the io_uring engine. */
class UringFileRingTest extends UringFileContractTest {

    @BeforeEach
    void requireIoUring() {
        assumeTrue(IoUringSyscalls.FEATURE.isAvailable(), () -> "io_uring unavailable: "
                + IoUringSyscalls.FEATURE.unavailabilityCause());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    UringFile.Engine engine() {
        return UringFile.Engine.URING;
    }

    @Test
    void shouldCompleteEveryRequestWhenRingIsTinyAndCompletionQueueOverflows() throws Exception {
        Fd fd = Fd.open(dir.resolve("tiny"), EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.CREATE), 0644);
        // 2 SQEs and 2 CQEs for 64 requests queued at once: the loop must submit a full SQ and go on, and the
        // kernel must park CQEs in its overflow list until the loop flushes them.
        try (Arena arena = Arena.ofShared(); UringFile f = UringFile.wrapWithRing(fd, new IoUring.Options(2, 2,
                false, 0))) {
            // Park the loop thread in a completion callback, so the 64 writes below queue up and are drained,
            // submitted and completed in one go rather than one by one.
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            Thread test = Thread.currentThread();
            MemorySegment gateBlock = arena.allocate(512);
            do {
                ranOn.set(null);
                f.write(gateBlock, 64 * 512L).thenRun(() -> {
                    ranOn.set(Thread.currentThread());
                    if (Thread.currentThread() != test) {
                        awaitQuietly(release);
                    }
                });
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (ranOn.get() == null && System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                }
            } while (ranOn.get() == test); // the write completed before thenRun: try again
            List<CompletableFuture<Integer>> writes = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                MemorySegment block = arena.allocate(512);
                block.fill((byte) i);
                writes.add(f.write(block, i * 512L));
            }
            release.countDown();
            for (CompletableFuture<Integer> w : writes) {
                assertEquals(512, w.get(5, TimeUnit.SECONDS));
            }
            List<CompletableFuture<Integer>> reads = new ArrayList<>();
            List<MemorySegment> buffers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                MemorySegment b = arena.allocate(512);
                buffers.add(b);
                reads.add(f.read(b, i * 512L));
            }
            for (int i = 0; i < 64; i++) {
                assertEquals(512, reads.get(i).get(5, TimeUnit.SECONDS));
                MemorySegment expected = arena.allocate(512);
                expected.fill((byte) i);
                assertEquals(-1, buffers.get(i).mismatch(expected), "block " + i);
            }
            assertTrue(f.overflowFlushes() > 0, "64 completions through a 2-entry CQ must overflow");
        }
    }
}
