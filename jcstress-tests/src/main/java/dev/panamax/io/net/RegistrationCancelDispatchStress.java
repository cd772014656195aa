/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link EventLoop}'s cancel-versus-dispatch handshake on its {@link RegistrationTable}: a {@code cancel()} from
 * another thread must either keep the loop from finding the registration or see that the loop is dispatching it
 * (and then wait for the handler), never neither.
 */
@JCStressTest
@Description("RegistrationTable.remove and the loop's dispatchingId: a cancel misses no running handler.")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "Removed before the lookup: the handler is not called.")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "Removed before the lookup, and the canceller waits anyway.")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Found and dispatching: the canceller waits for the handler.")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "The loop calls the handler while cancel() returns at once.")
@State
public class RegistrationCancelDispatchStress {

    /*
     * Property: EventLoop.dispatch writes dispatchingId (volatile) and then looks the id up (RegistrationTable.get,
     * a volatile load); cancel removes the registration (RegistrationTable.remove, a volatile store under the
     * table's lock) and then reads dispatchingId (EventLoop.awaitHandler). Both sides are sequentially consistent,
     * so at least one sees the other. r1 = 1 when the loop found the registration, r2 = 1 when the canceller saw
     * it being dispatched. The loop's two lines are mirrored here (dispatch itself needs a live epoll and fds);
     * the table is the real one.
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t io.net.RegistrationCancelDispatchStress
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, -m quick -iters 2 -time 200, 2026-11-26): OK in every fork; [1, 0]
     * 0 in 0.6 to 5.7 million samples per fork. With the canceller reading dispatchingId before removing (the
     * order reversed): FAILED in every fork, [1, 0] 761 to 19,163 per fork.
     * aarch64: not yet run.
     */

    private static final long IDLE = 0; // EventLoop.WAKE: never a registration id

    private final RegistrationTable table = new RegistrationTable();
    private final Registration registration;
    private volatile long dispatchingId = IDLE; // as EventLoop's

    public RegistrationCancelDispatchStress() {
        long id = table.reserve();
        registration = new Registration(null, id, null, EventLoop.Trigger.LEVEL, false, (r, ready) -> { }, 0);
        table.publish(registration);
    }

    @Actor
    public void loop(II_Result r) {
        dispatchingId = registration.id;
        r.r1 = table.get(registration.id) == registration ? 1 : 0;
    }

    @Actor
    public void canceller(II_Result r) {
        table.remove(registration);
        r.r2 = dispatchingId == registration.id ? 1 : 0;
    }
}
