/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FutexEventTest {

    @ParameterizedTest
    @ValueSource(strings = {"platform", "virtual", "shared"})
    void shouldReleaseEveryWaiterWhenSet(String mode) throws Exception {
        FutexEvent event = mode.equals("shared") ? FutexEvent.inShared(Arena.ofAuto().allocate(4, 4), 0)
                : new FutexEvent();
        Thread.Builder builder = mode.equals("virtual") ? Thread.ofVirtual() : Thread.ofPlatform();
        int waiters = mode.equals("virtual") ? 1000 : 8;
        long[] seen = new long[waiters];
        long[] payload = new long[1];
        CountDownLatch started = new CountDownLatch(waiters);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            int index = i;
            threads.add(builder.start(() -> {
                started.countDown();
                try {
                    event.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                seen[index] = payload[0]; // written before set(): visible after await()
            }));
        }
        assertTrue(started.await(LockContractTest.GENEROUS_MS, TimeUnit.MILLISECONDS));
        assertFalse(event.isSet());
        payload[0] = 42;
        event.set();
        event.set();
        for (Thread t : threads) {
            t.join();
        }
        for (long s : seen) {
            assertEquals(42, s);
        }
        assertTrue(event.isSet());
        assertTrue(event.await(0, TimeUnit.SECONDS));
    }

    @Test
    void shouldTimeOutWhenNeverSet() throws Exception {
        FutexEvent event = new FutexEvent();
        long startNs = System.nanoTime();
        assertFalse(event.await(20, TimeUnit.MILLISECONDS));
        assertTrue(System.nanoTime() - startNs >= TimeUnit.MILLISECONDS.toNanos(20));
        assertFalse(event.await(-3, TimeUnit.MILLISECONDS));
    }

    @Test
    void shouldThrowInterruptedExceptionWhenInterruptedWhileAwaiting() throws Exception {
        FutexEvent event = new FutexEvent();
        Object[] outcome = new Object[1];
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                event.await();
                outcome[0] = "set";
            } catch (InterruptedException e) {
                outcome[0] = e;
            }
        });
        waiter.interrupt();
        waiter.join(LockContractTest.GENEROUS_MS);
        assertTrue(outcome[0] instanceof InterruptedException, "outcome: " + outcome[0]);
        assertThrows(IllegalArgumentException.class, () -> FutexEvent.inShared(Arena.ofAuto().allocate(8, 8), 2));
    }
}
