/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.controls;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Negative control for the store-then-load ordering the primitives' wake protocols depend on (unlock's exchange
 * before reading the park queue, the semaphore's permit CAS before reading the waiter count): a Dekker handshake
 * with plain or release/acquire accesses lets both actors miss each other's flag, which x86's store buffer shows.
 */
@Description("Control: Dekker flags without a full fence; both actors can read 0.")
@Outcome(id = {"0, 1", "1, 0", "1, 1"}, expect = ACCEPTABLE, desc = "At least one actor saw the other's flag.")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "Both missed the other's flag: store-then-load reordered (expected).")
public class DekkerStress {

    /*
     * Property (expected to be violated): in "x = 1; r1 = y" against "y = 1; r2 = x", some actor sees the other's
     * store. That needs sequentially consistent (volatile) accesses; with setRelease/getAcquire or plain accesses a
     * store may be ordered after the following load, which is what a missed wake-up in a futex protocol looks like.
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t controls.DekkerStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2,
     * 2 x 100 ms; 2026-11-25, machine shared with other builds). [outcome] samples, all forks merged:
     *   Plain: FAILED; [0, 0] 580,104 (forbidden), [0, 1] 1,116,452, [1, 0] 273,581, [1, 1] 96
     *   ReleaseAcquire: FAILED; [0, 0] 101,609 (forbidden), [0, 1] 1,028,431, [1, 0] 244,929, [1, 1] 33,530
     * aarch64: not yet run.
     */

    /** Plain fields. */
    @JCStressTest
    @JCStressMeta(DekkerStress.class)
    @State
    public static class Plain {
        private int x; // plain: written by actor1, read by actor2, racy on purpose
        private int y; // plain: written by actor2, read by actor1, racy on purpose

        @Actor
        public void actor1(II_Result r) {
            x = 1;
            r.r1 = y;
        }

        @Actor
        public void actor2(II_Result r) {
            y = 1;
            r.r2 = x;
        }
    }

    /** setRelease and getAcquire: still no order between a release store and a later acquire load. */
    @JCStressTest
    @JCStressMeta(DekkerStress.class)
    @State
    public static class ReleaseAcquire {
        private static final VarHandle X;
        private static final VarHandle Y;

        static {
            try {
                X = MethodHandles.lookup().findVarHandle(ReleaseAcquire.class, "x", int.class);
                Y = MethodHandles.lookup().findVarHandle(ReleaseAcquire.class, "y", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private int x; // setRelease by actor1, getAcquire by actor2: not enough for Dekker, on purpose
        private int y; // setRelease by actor2, getAcquire by actor1: not enough for Dekker, on purpose

        @Actor
        public void actor1(II_Result r) {
            X.setRelease(this, 1);
            r.r1 = (int) Y.getAcquire(this);
        }

        @Actor
        public void actor2(II_Result r) {
            Y.setRelease(this, 1);
            r.r2 = (int) X.getAcquire(this);
        }
    }
}
