/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.testing.AllocationRounds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bindings that event loops, storage engines and locks call per operation allocate nothing on the Java heap once
 * compiled (see {@link AllocationRounds}): a caller that reuses its buffers feeds the garbage collector nothing.
 */
class SteadyStateAllocationTest {

    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    @Test
    void shouldAllocateNothingWhenReadingAndWritingAtPositions() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Fd fd = Fd.open(dir.resolve("data"), EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.CREATE), 0644)) {
            MemorySegment buffer = arena.allocate(2 * BLOCK, BLOCK).fill((byte) 3);
            assertEquals(2 * BLOCK, fd.pwrite(buffer, 0, 2 * BLOCK, 0));
            new AllocationRounds()
                    .add("pwrite", () -> fd.pwrite(buffer, BLOCK, BLOCK, BLOCK))
                    .add("pread", () -> fd.pread(buffer, 0, BLOCK, 0))
                    .assertNothingAllocated();
        }
    }

    @Test
    void shouldAllocateNothingWhenWaitingOnEpollAndCountingOnEventFd() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Epoll epoll = Epoll.create();
             EventFd ready = EventFd.create(1, EventFd.NONBLOCK); // stays readable: level-triggered events
             EventFd counter = EventFd.create(0, EventFd.NONBLOCK)) {
            Epoll.Events events = Epoll.Events.allocate(arena, 4);
            epoll.add(ready.fd(), Epoll.IN, 7);
            assertEquals(1, epoll.await(events, 0));
            new AllocationRounds()
                    .add("epoll_pwait", () -> epoll.await(events, 0))
                    .add("epoll_pwait2", () -> epoll.awaitNanos(events, 0))
                    .add("event read", () -> events.data(0))
                    .add("eventfd write", () -> counter.write(1))
                    .add("eventfd read", counter::read)
                    .add("eventfd read EAGAIN", counter::read)
                    .assertNothingAllocated();
        }
    }

    @Test
    void shouldAllocateNothingOnFutexPathsThatReturnAtOnce() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment words = arena.allocate(64, 64);
            // Words of exactly 4 bytes, as the locks keep them: passed to the kernel without a slice.
            MemorySegment word = arena.allocate(Integer.BYTES, Integer.BYTES);
            MemorySegment sharedWord = arena.allocate(Integer.BYTES, Integer.BYTES);
            long later = TimerFd.monotonicNanos() + 3_600_000_000_000L;
            // Each wait finds a value other than expected and returns AGAIN without sleeping; each wake finds no
            // sleeper; the requeue finds a value other than expected (a signal with no waiter in sight).
            new AllocationRounds()
                    .add("wake", () -> Futex.wake(word, 0, 1, false))
                    .add("wake shared", () -> Futex.wake(sharedWord, 0, 1, true))
                    .add("wait", () -> Futex.wait(words, 0, 1, false))
                    .add("wait timeout", () -> Futex.wait(words, 0, 1, 1_000_000L, false))
                    .add("waitBitset", () -> Futex.waitBitset(word, 0, 1, Futex.BITSET_MATCH_ANY,
                            Futex.NO_DEADLINE, false))
                    .add("waitBitset deadline", () -> Futex.waitBitset(sharedWord, 0, 1, Futex.BITSET_MATCH_ANY,
                            later, true))
                    .add("cmpRequeue", () -> Futex.cmpRequeue(words, 0, 1, 1, words, 8, Integer.MAX_VALUE, false))
                    .assertNothingAllocated();
        }
    }
}
