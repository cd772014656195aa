/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/** Two threads free the same block at the same moment, round after round: exactly one free must succeed. */
final class DoubleFreeRace {

    /** How one racer frees a block; the loser of a round throws {@link IllegalStateException}. */
    interface Freer {
        void free(MemorySegment block);
    }

    private DoubleFreeRace() {
    }

    /**
     * Runs the race and checks every round had exactly one winner.
     *
     * @param allocator    allocates each round's block
     * @param rounds       how many blocks are raced for
     * @param freerOfRacer makes racer 0's or racer 1's freer, on that racer's own thread (a thread-bound view must
     *                     be made there)
     * @throws InterruptedException if interrupted while waiting for the racers
     */
    static void assertExactlyOneFreeWins(OffHeapAllocator allocator, int rounds, IntFunction<Freer> freerOfRacer)
            throws InterruptedException {
        MemorySegment[] target = new MemorySegment[1];
        // The action runs at every trip: at a round's start it hands both threads a fresh block, at its end it clears.
        CyclicBarrier barrier = new CyclicBarrier(2,
                () -> target[0] = target[0] == null ? allocator.allocate(48) : null);
        AtomicIntegerArray wins = new AtomicIntegerArray(rounds);
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        List<Thread> racers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int racer = t;
            racers.add(Thread.ofPlatform().start(() -> {
                try {
                    Freer freer = freerOfRacer.apply(racer);
                    for (int round = 0; round < rounds; round++) {
                        barrier.await(30, TimeUnit.SECONDS);
                        try {
                            freer.free(target[0]);
                            wins.incrementAndGet(round);
                        } catch (IllegalStateException doubleFree) {
                            // The loser of the race.
                        }
                        barrier.await(30, TimeUnit.SECONDS);
                    }
                } catch (Throwable e) {
                    unexpected.compareAndSet(null, e);
                }
            }));
        }
        for (Thread racer : racers) {
            racer.join();
        }
        if (unexpected.get() != null) {
            throw new AssertionError(unexpected.get());
        }
        for (int round = 0; round < rounds; round++) {
            assertEquals(1, wins.get(round), "round " + round + ": exactly one free succeeds");
        }
    }
}
