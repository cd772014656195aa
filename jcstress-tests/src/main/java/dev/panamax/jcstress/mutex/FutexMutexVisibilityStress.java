/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.mutex;

import dev.panamax.sync.FutexMutex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.lang.foreign.Arena;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Acquire/release visibility of {@link FutexMutex}: what one holder wrote in its critical section is seen whole by
 * the next holder.
 */
@Description("FutexMutex: the next holder sees all or none of the previous critical section's plain writes.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Reader's critical section ran first: it sees neither write.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Writer's critical section ran first: the reader sees both writes.")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "Saw the flag but not the data written before it: no visibility.")
@Outcome(id = "0, 1", expect = FORBIDDEN, desc = "Saw the data but not the flag: the critical sections overlapped.")
public class FutexMutexVisibilityStress {

    /*
     * Property: unlock() has release and lock() acquire semantics, so a critical section is observed all or
     * nothing by the next one (r1 = flag, r2 = data, both read under the lock, flag first).
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t mutex.FutexMutexVisibilityStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2,
     * 2 x 100 ms; 2026-11-25, machine shared with other builds). [outcome] samples, all forks merged:
     *   Adaptive: OK; [0, 0] 3,038, [0, 1] 0 (forbidden), [1, 0] 0 (forbidden), [1, 1] 10,536
     *   Default: OK; [0, 0] 44,694, [0, 1] 0 (forbidden), [1, 0] 0 (forbidden), [1, 1] 207,054
     *   Shared: OK; [0, 0] 234,865, [0, 1] 0 (forbidden), [1, 0] 0 (forbidden), [1, 1] 140,482
     * aarch64: not yet run.
     */

    /** The state shared by every variant: the mutex and the two plain fields it guards. */
    abstract static class Publication {
        final FutexMutex mutex;
        int data; // plain: written and read only under the mutex
        int flag; // plain: written and read only under the mutex, after data

        Publication(FutexMutex mutex) {
            this.mutex = mutex;
        }

        void write() {
            mutex.lock();
            try {
                data = 1;
                flag = 1;
            } finally {
                mutex.unlock();
            }
        }

        void read(II_Result r) {
            mutex.lock();
            try {
                r.r1 = flag;
                r.r2 = data;
            } finally {
                mutex.unlock();
            }
        }
    }

    /** A default mutex: release-store unlock (where membarrier is available), spin phase. */
    @JCStressTest
    @JCStressMeta(FutexMutexVisibilityStress.class)
    @State
    public static class Default extends Publication {
        public Default() {
            super(new FutexMutex());
        }

        @Actor
        public void writer() {
            write();
        }

        @Actor
        public void reader(II_Result r) {
            read(r);
        }
    }

    /** A mutex with the exchange unlock (what shared mutexes use), in process. */
    @JCStressTest
    @JCStressMeta(FutexMutexVisibilityStress.class)
    @State
    public static class Exchange extends Publication {
        public Exchange() {
            super(FutexMutex.withUnlock(FutexMutex.UnlockMode.EXCHANGE, FutexMutex.DEFAULT_SPIN_LIMIT));
        }

        @Actor
        public void writer() {
            write();
        }

        @Actor
        public void reader(II_Result r) {
            read(r);
        }
    }

    /** An adaptive (spinning) mutex: the spin phase's opaque reads must not admit a thread early. */
    @JCStressTest
    @JCStressMeta(FutexMutexVisibilityStress.class)
    @State
    public static class Adaptive extends Publication {
        public Adaptive() {
            super(FutexMutex.adaptive());
        }

        @Actor
        public void writer() {
            write();
        }

        @Actor
        public void reader(II_Result r) {
            read(r);
        }
    }

    /** A shared-mode mutex over a caller's native word. */
    @JCStressTest
    @JCStressMeta(FutexMutexVisibilityStress.class)
    @State
    public static class Shared extends Publication {
        public Shared() {
            super(FutexMutex.inShared(Arena.ofAuto().allocate(FutexMutex.BYTES, FutexMutex.BYTES), 0));
        }

        @Actor
        public void writer() {
            write();
        }

        @Actor
        public void reader(II_Result r) {
            read(r);
        }
    }
}
