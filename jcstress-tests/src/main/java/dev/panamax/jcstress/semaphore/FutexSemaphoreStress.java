/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.semaphore;

import dev.panamax.jcstress.Threads;
import dev.panamax.jcstress.Warmup;
import dev.panamax.sync.FutexSemaphore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.TimeUnit;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link FutexSemaphore}: a single permit excludes (no lost update), and a sleeper in {@code acquire} is woken by
 * {@code release} (no lost wake-up).
 */
@Description("FutexSemaphore: a released permit always reaches a sleeping acquirer.")
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The release woke every acquirer it had permits for.")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "An acquirer still sleeps after the release: a lost wake-up.")
public class FutexSemaphoreStress {

    /*
     * Property: a permit is handed to at most one acquirer (BinaryExclusion: r1, r2 = acquired, r3 = counter), and
     * release(n) after acquirers went to sleep wakes them (the Dekker pairing of the acquirer's waiters++ and the
     * releaser's permit CAS, both volatile). acquireUninterruptibly() sleeps with no timeout and no interrupt
     * poll, so STALE is a lost wake-up.
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t semaphore.FutexSemaphoreStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2,
     * 2 x 100 ms; 2026-11-25, machine shared with other builds). [outcome] samples, all forks merged:
     *   BinaryExclusion: OK; [1, 0, 1] 7,390, [1, 1, 1] 0 (forbidden), [1, 1, 2] 498,108
     *   Release: OK; [STALE] 0 (forbidden), [TERMINATED] 180
     *   ReleaseTwoToTwoWaiters: OK; [STALE] 0 (forbidden), [TERMINATED] 187
     *   ReleaseVirtualThread: OK; [STALE] 0 (forbidden), [TERMINATED] 165
     *   TimedTryAcquire: OK; [STALE] 0 (forbidden), [TERMINATED] 210
     * aarch64: not yet run.
     */

    /** One platform-thread acquirer, release(). */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexSemaphoreStress.class)
    @State
    public static class Release {
        static {
            Warmup.blockingPaths();
        }

        private final FutexSemaphore semaphore = new FutexSemaphore(0);

        @Actor
        public void actor() {
            semaphore.acquireUninterruptibly();
        }

        @Signal
        public void signal() {
            semaphore.release();
        }
    }

    /** One virtual-thread acquirer (parks beside the permit word), release(). */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexSemaphoreStress.class)
    @State
    public static class ReleaseVirtualThread {
        static {
            Warmup.blockingPaths();
        }

        private final FutexSemaphore semaphore = new FutexSemaphore(0);

        @Actor
        public void actor() {
            Threads.onVirtualThread(semaphore::acquireUninterruptibly);
        }

        @Signal
        public void signal() {
            semaphore.release();
        }
    }

    /** Two platform-thread acquirers, one release(2): both must get a permit. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexSemaphoreStress.class)
    @State
    public static class ReleaseTwoToTwoWaiters {
        static {
            Warmup.blockingPaths();
        }

        private final FutexSemaphore semaphore = new FutexSemaphore(0);

        @Actor
        public void actor() {
            Thread second = Threads.startPlatform(semaphore::acquireUninterruptibly);
            semaphore.acquireUninterruptibly();
            Threads.join(second);
        }

        @Signal
        public void signal() {
            semaphore.release(2);
        }
    }

    /** tryAcquire(1 hour): a deadline far beyond the harness's patience, so only the release ends the wait. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexSemaphoreStress.class)
    @State
    public static class TimedTryAcquire {
        static {
            Warmup.blockingPaths();
        }

        private final FutexSemaphore semaphore = new FutexSemaphore(0);

        @Actor
        public void actor() throws InterruptedException {
            if (!semaphore.tryAcquire(1, TimeUnit.HOURS)) {
                throw new IllegalStateException("timed out before the one-hour deadline");
            }
        }

        @Signal
        public void signal() {
            semaphore.release();
        }
    }

    /** A one-permit semaphore as a lock: acquire/release by two actors, tryAcquire against acquire. */
    @JCStressTest
    @Outcome(id = "1, 1, 2", expect = ACCEPTABLE, desc = "Both took the permit in turn; both increments are there.")
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "tryAcquire found no permit; the other's increment is there.")
    @Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "Both held the single permit at once: an increment was lost.")
    @Outcome(expect = FORBIDDEN, desc = "Anything else breaks the permit count.")
    @State
    public static class BinaryExclusion {
        private final FutexSemaphore semaphore = new FutexSemaphore(1);
        private int value; // plain: read and written only while holding the permit, and by the arbiter after

        @Actor
        public void actor1(III_Result r) {
            semaphore.acquireUninterruptibly();
            value = value + 1;
            semaphore.release();
            r.r1 = 1;
        }

        @Actor
        public void actor2(III_Result r) {
            if (semaphore.tryAcquire()) {
                value = value + 1;
                semaphore.release();
                r.r2 = 1;
            }
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = value;
        }
    }
}
