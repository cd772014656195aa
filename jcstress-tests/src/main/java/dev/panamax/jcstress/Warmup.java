/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress;

import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Futex;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Links the futex downcalls and starts the virtual-thread scheduler before a {@code Mode.Termination} test starts
 * its iterations.
 *
 * <p>Linking a downcall and initializing the bindings take longer than a short test iteration. Without this, the
 * first iteration of every fork spends its time linking, the signal arrives before the actor has gone to sleep,
 * and a quick run records one sample that never exercised the wake-up path. Termination states call
 * {@link #blockingPaths()} from a static initializer, which runs once per forked VM, outside the measured loop.
 */
public final class Warmup {

    private Warmup() {
    }

    /**
     * Makes each futex operation the primitives use once, private and shared, on a word that never matches (every
     * wait returns {@code EAGAIN} at once and every wake finds no sleeper), and runs one virtual thread.
     *
     * @throws IllegalStateException if the kernel refuses a futex operation (a broken environment, not a result)
     */
    public static void blockingPaths() {
        Threads.onVirtualThread(() -> { });
        MemorySegment word = Arena.ofAuto().allocate(8, 4);
        try {
            for (boolean shared : new boolean[] {false, true}) {
                Futex.wait(word, 0, 1, shared);
                Futex.waitBitset(word, 0, 1, Futex.BITSET_MATCH_ANY, Futex.NO_DEADLINE, shared);
                Futex.wake(word, 0, 1, shared);
                Futex.cmpRequeue(word, 0, 1, 1, word, 4, Integer.MAX_VALUE, shared);
            }
        } catch (ErrnoException e) {
            throw new IllegalStateException("futex warm-up failed: " + e.getMessage(), e);
        }
    }
}
