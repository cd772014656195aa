/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.event;

import dev.panamax.jcstress.Threads;
import dev.panamax.jcstress.Warmup;
import dev.panamax.sync.FutexEvent;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressMeta;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.util.concurrent.TimeUnit;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link FutexEvent}: {@code set()} releases every waiter, and what was written before {@code set()} is visible to
 * whoever sees the event set.
 */
@Description("FutexEvent: await() returns after set(), whether it slept first or not.")
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "set() released every waiter.")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "A waiter still sleeps after set(): a lost wake-up.")
public class FutexEventStress {

    /*
     * Property: set() wakes every thread asleep in await() (its exchange reads WAITING whenever one may sleep), and
     * has release semantics paired with the acquire of isSet()/await() (Publication: r1 = seen set, r2 = data).
     *
     * await() is interruptible: on a platform thread it sleeps in 10 ms slices and re-reads the word between them,
     * so there a lost wake-up would show as up to 10 ms of latency, not as STALE; the Platform variant proves
     * termination only. A virtual thread parks with no timeout (VirtualThread variants), where STALE is a lost
     * wake-up; controls.MissingWakeStress shows what a real lost wake-up looks like.
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t event.FutexEventStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2,
     * 2 x 100 ms; 2026-11-25, machine shared with other builds). [outcome] samples, all forks merged:
     *   MixedWaiters: OK; [STALE] 0 (forbidden), [TERMINATED] 167
     *   Platform: OK; [STALE] 0 (forbidden), [TERMINATED] 198
     *   Publication: OK; [0, 0] 434,890, [0, 1] 34,328, [1, 0] 0 (forbidden), [1, 1] 686,560
     *   TimedAwaitVirtualThread: OK; [STALE] 0 (forbidden), [TERMINATED] 165
     *   VirtualThread: OK; [STALE] 0 (forbidden), [TERMINATED] 198
     * aarch64: not yet run.
     */

    static void await(FutexEvent event) {
        try {
            event.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException("no one interrupts a stress actor", e);
        }
    }

    /** One platform-thread waiter. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexEventStress.class)
    @State
    public static class Platform {
        static {
            Warmup.blockingPaths();
        }

        private final FutexEvent event = new FutexEvent();

        @Actor
        public void actor() {
            await(event);
        }

        @Signal
        public void signal() {
            event.set();
        }
    }

    /** One virtual-thread waiter: parks with no timeout, so only set()'s wake gets it out. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexEventStress.class)
    @State
    public static class VirtualThread {
        static {
            Warmup.blockingPaths();
        }

        private final FutexEvent event = new FutexEvent();

        @Actor
        public void actor() {
            Threads.onVirtualThread(() -> await(event));
        }

        @Signal
        public void signal() {
            event.set();
        }
    }

    /** A platform-thread and a virtual-thread waiter: set() must wake the kernel sleeper and unpark the other. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexEventStress.class)
    @State
    public static class MixedWaiters {
        static {
            Warmup.blockingPaths();
        }

        private final FutexEvent event = new FutexEvent();

        @Actor
        public void actor() {
            Thread second = Threads.startPlatform(() -> await(event));
            Threads.onVirtualThread(() -> await(event));
            Threads.join(second);
        }

        @Signal
        public void signal() {
            event.set();
        }
    }

    /** await(1 hour) on a virtual thread: only the wake-up, not the deadline, can end it within the test. */
    @JCStressTest(Mode.Termination)
    @JCStressMeta(FutexEventStress.class)
    @State
    public static class TimedAwaitVirtualThread {
        static {
            Warmup.blockingPaths();
        }

        private final FutexEvent event = new FutexEvent();

        @Actor
        public void actor() {
            Threads.onVirtualThread(() -> {
                try {
                    if (!event.await(1, TimeUnit.HOURS)) {
                        throw new IllegalStateException("timed out before the one-hour deadline");
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException("no one interrupts a stress actor", e);
                }
            });
        }

        @Signal
        public void signal() {
            event.set();
        }
    }

    /** Publication: data written before set() is seen by a thread that sees the event set. */
    @JCStressTest
    @Outcome(id = {"0, 0", "0, 1"}, expect = ACCEPTABLE, desc = "The event was not yet set: data may or may not show.")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Saw the event set and the data written before it.")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "Saw the event set but not the data written before set().")
    @State
    public static class Publication {
        private final FutexEvent event = new FutexEvent();
        private int data; // plain: written before set(), read after isSet() returned true

        @Actor
        public void writer() {
            data = 1;
            event.set();
        }

        @Actor
        public void reader(II_Result r) {
            boolean set = event.isSet();
            r.r1 = set ? 1 : 0;
            r.r2 = data;
        }
    }
}
