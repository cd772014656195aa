/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.alloc;

import dev.panamax.alloc.OffHeapAllocator;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Cross-thread frees of {@link OffHeapAllocator}: a block freed by a thread that did not allocate it is never
 * handed out twice, and of two racing frees of one block exactly one succeeds.
 */
@Description("OffHeapAllocator: cross-thread free never hands one block out twice; a racing double free is caught.")
public class OffHeapAllocatorStress {

    /*
     * Property: live blocks of one OffHeapAllocator never share an address, whichever thread freed a block before
     * it was reused (thread caches, central lists), and a block freed twice concurrently is freed exactly once.
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t alloc.OffHeapAllocatorStress
     *
     * One allocator per test VM (creating one maps a region: too heavy per state), default builder (thread
     * caches on, unchecked fast paths). Blocks are 64 bytes: one size class, so reuse is as likely as it gets.
     * Each state's blocks are allocated in its constructor (by jcstress's state-creating thread, not the
     * actors) and freed by the arbiter, a third thread: every free in these tests is a cross-thread free.
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2,
     * 2 x 100 ms; 2026-11-25, machine shared with other builds). [outcome] samples, all forks merged:
     *   CrossThreadFreeThenAllocate: OK; [0, 1] 0 (forbidden), [1, 0] 0 (forbidden), [1, 1] 773,021
     *   FreeVsAllocate: OK; [0] 0 (forbidden), [1] 1,074,657
     *   RacingDoubleFree: OK; [0, 0] 0 (forbidden), [0, 1] 152,856, [1, 0] 562,087, [1, 1] 0 (forbidden)
     * aarch64 (emulated: qemu-user 10 on the x86_64 host above, so TSO memory; run-aarch64.sh, -m sanity -sc false,
     * 2026-11-25): RacingDoubleFree: OK; [0, 1] 6, [1, 0] 10. Other variants not yet run.
     */

    /** Block size: one small size class for every allocation, so freed blocks are reused at once. */
    static final long SIZE = 64;

    /** The allocator of this test VM. */
    static final OffHeapAllocator ALLOCATOR = OffHeapAllocator.builder().build();

    /**
     * Two actors each free a block the other side allocated and allocate one; the two new blocks differ from
     * each other and from the block that stays live (r1 = 1: the new blocks differ; r2 = 1: neither is the live
     * block).
     */
    @JCStressTest
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Two distinct new blocks, the live block untouched.")
    @Outcome(id = "0, 1", expect = FORBIDDEN, desc = "Both actors were handed the same block.")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "A live block was handed out again.")
    @Outcome(expect = FORBIDDEN, desc = "Blocks handed out twice.")
    @State
    public static class CrossThreadFreeThenAllocate {
        private final long freedByActor1 = ALLOCATOR.allocateAddress(SIZE);
        private final long freedByActor2 = ALLOCATOR.allocateAddress(SIZE);
        private final long live = ALLOCATOR.allocateAddress(SIZE);
        private long got1; // plain: written by actor1, read by the arbiter after the actors (jcstress orders them)
        private long got2; // plain: written by actor2, read by the arbiter after the actors

        @Actor
        public void actor1() {
            ALLOCATOR.freeAddress(freedByActor1);
            got1 = ALLOCATOR.allocateAddress(SIZE);
        }

        @Actor
        public void actor2() {
            ALLOCATOR.freeAddress(freedByActor2);
            got2 = ALLOCATOR.allocateAddress(SIZE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = got1 != got2 ? 1 : 0;
            r.r2 = got1 != live && got2 != live ? 1 : 0;
            ALLOCATOR.freeAddress(got1);
            if (got2 != got1) {
                ALLOCATOR.freeAddress(got2);
            }
            ALLOCATOR.freeAddress(live);
        }
    }

    /**
     * One actor frees a block allocated by another thread while the other actor allocates; the new block is never
     * the block still live (r1 = 1), and it may or may not be the freed one.
     */
    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "The new block is not the live one.")
    @Outcome(id = "0", expect = FORBIDDEN, desc = "The live block was handed out again.")
    @State
    public static class FreeVsAllocate {
        private final long freed = ALLOCATOR.allocateAddress(SIZE);
        private final long live = ALLOCATOR.allocateAddress(SIZE);
        private long got; // plain: written by actor2, read by the arbiter after the actors

        @Actor
        public void actor1() {
            ALLOCATOR.freeAddress(freed);
        }

        @Actor
        public void actor2() {
            got = ALLOCATOR.allocateAddress(SIZE);
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = got != live ? 1 : 0;
            ALLOCATOR.freeAddress(got);
            ALLOCATOR.freeAddress(live);
        }
    }

    /**
     * Racing double free: two actors free the same block; exactly one succeeds and the other gets the double-free
     * {@link IllegalStateException} (r1, r2 = 1 when that actor's free succeeded).
     */
    @JCStressTest
    @Outcome(id = {"1, 0", "0, 1"}, expect = ACCEPTABLE, desc = "Exactly one free succeeded.")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "Both frees succeeded: the block would be handed out twice.")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Neither free succeeded: the block leaked.")
    @State
    public static class RacingDoubleFree {
        private final long block = ALLOCATOR.allocateAddress(SIZE);

        @Actor
        public void actor1(II_Result r) {
            r.r1 = tryFree(block);
        }

        @Actor
        public void actor2(II_Result r) {
            r.r2 = tryFree(block);
        }

        private static int tryFree(long address) {
            try {
                ALLOCATOR.freeAddress(address);
                return 1;
            } catch (IllegalStateException doubleFree) {
                return 0;
            }
        }
    }
}
