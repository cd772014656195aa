/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.uring;

import dev.panamax.ffm.IoUringOps;
import dev.panamax.ffm.IoUringSyscalls;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * SQ and CQ index publication of {@link IoUringSyscalls.Ring} on a real ring: a producer thread writes an SQE and
 * publishes it with {@code setSqTailRelease}, the kernel posts the completion, and a consumer thread that observes
 * the CQ tail with {@code getCqTailAcquire} reads the completion the kernel wrote before it.
 */
@Description("io_uring: an entry published by a tail store is seen whole by the side that observes the tail.")
public class RingIndexStress {

    /*
     * Property: a consumer that observes a ring tail sees the entry written before it, in both directions: the
     * kernel reads the SQE the producer wrote before setSqTailRelease (else the CQE would carry a stale or zero
     * user_data), and the consumer that sees getCqTailAcquire move reads the CQE the kernel wrote before it
     * (else user_data or res would be stale). r1 = the user_data the consumer read minus the one it expected
     * (0 when right), r2 = the CQE's res (0 for a NOP).
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t uring.RingIndexStress
     *
     * Which ring: a REAL ring (IoUringOps.open), one per test VM, not one per state (a ring per state is a
     * setup syscall and three mmaps, and jcstress makes states by the thousand). The producer and the consumer
     * each keep their own running count, so the check does not depend on which state an actor works on: entries
     * are submitted and completed in order (NOPs complete inline in io_uring_enter), and the n-th completion the
     * consumer reaps must carry the n-th user_data the producer wrote. The consumer spins until the tail moves
     * (the producer always submits), then frees the slot with setCqHeadRelease. A CQ of 65536 entries holds any
     * lead the producer can take within one jcstress batch.
     *
     * Negative control: on x86 (TSO) a plain tail store is not reordered with the entry stores before it, so a
     * data-before-flag control with a plain store would pass here and prove nothing; the store-then-load
     * reordering x86 does show lives in controls.DekkerStress. On aarch64 the release/acquire pair is what keeps
     * this test green.
     *
     * A kernel or sandbox that refuses io_uring (ENOSYS, EPERM from seccomp, io_uring_disabled) makes the ring's
     * static initialisation fail: jcstress then reports the test as ERROR with the kernel's reason, never OK.
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2,
     * 2 x 100 ms; 2026-11-25, machine shared with other builds). [outcome] samples, all forks merged:
     *   SubmitThenReap: OK; [0, 0] 867,562, nothing else
     * aarch64: cannot run under qemu-user (io_uring_setup is ENOSYS there); needs ARM hardware.
     */

    /** The ring of this test VM; one producer actor and one consumer actor use it, each as single issuer. */
    static final IoUringSyscalls.Ring RING = openRing();

    /** Count of entries the producer has submitted; touched only by the producer actor. */
    static final AtomicLong PRODUCED = new AtomicLong();

    /** Count of completions the consumer has reaped; touched only by the consumer actor. */
    static final AtomicLong CONSUMED = new AtomicLong();

    /** Tag in the user_data's high bits, so that a zeroed or foreign CQE never matches. */
    static final long TAG = 0x5EED_0000_0000_0000L;

    private static IoUringSyscalls.Ring openRing() {
        try {
            return IoUringOps.open(4096, 65536, 0, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("io_uring_setup refused by this kernel: " + e.getMessage(), e);
        }
    }

    /** Producer submits a NOP; consumer reaps one completion and checks it is the next one submitted. */
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "The consumer read the completion of the entry submitted.")
    @Outcome(expect = FORBIDDEN, desc = "Stale or foreign entry behind a published tail.")
    @State
    public static class SubmitThenReap {

        @Actor
        public void producer() {
            int tail = RING.getSqTail();
            IoUringOps.prepNop(RING, tail, TAG | PRODUCED.getAndIncrement());
            RING.setSqTailRelease(tail + 1);
            try {
                IoUringSyscalls.enter(RING.fd(), 1, 0, 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Actor
        public void consumer(JJ_Result r) {
            int head = RING.getCqHead();
            while (RING.getCqTailAcquire() == head) {
                Thread.onSpinWait();
            }
            long userData = IoUringOps.cqeUserData(RING, head);
            int res = IoUringOps.cqeResult(RING, head);
            RING.setCqHeadRelease(head + 1);
            r.r1 = userData - (TAG | CONSUMED.getAndIncrement());
            r.r2 = res;
        }
    }
}
