/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.ffm.CpuSet;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** Affinity against the real kernel; every pin happens on a thread of its own, never on the test runner's. */
class AffinityTest {

    private interface Body {
        void run() throws Exception;
    }

    private static void onOwnThread(Body body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() instanceof Exception e) {
            throw e;
        }
        if (failure.get() instanceof Error e) {
            throw e;
        }
    }

    @Test
    void shouldRestoreAllowedCpusWhenPinnedThenUnpinned() throws Exception {
        onOwnThread(() -> {
            CpuSet before = Affinity.cpus();
            assumeTrue(before.contains(1), "CPU 1 must be allowed: " + before);
            Affinity.pin(1);
            assertEquals(CpuSet.of(1), Affinity.cpus());
            assertEquals(1, Affinity.currentCpu());
            Affinity.unpin();
            assertEquals(before, Affinity.cpus());
            Affinity.pin(CpuSet.of(0));
            assertEquals(0, Affinity.currentCpu());
            Affinity.unpin();
            assertEquals(before, Affinity.cpus());
        });
    }

    @Test
    void shouldPinAnotherThreadByTid() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<CpuSet> inside = new AtomicReference<>();
        NativeThread t = NativeThread.builder().start(() -> {
            try {
                release.await();
                inside.set(Affinity.cpus());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            Affinity.pin(t.tid(), CpuSet.of(0));
            assertEquals(CpuSet.of(0), Affinity.cpus(t.tid()));
        } finally {
            release.countDown();
            t.join();
        }
        assertEquals(CpuSet.of(0), inside.get());
    }

    @Test
    void shouldNameTheCpuWhenPinnedOutOfRange() throws Exception {
        onOwnThread(() -> {
            CpuSet before = Affinity.cpus();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Affinity.pin(4095));
            assertTrue(e.getMessage().contains("4095") && e.getMessage().contains("not online"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Affinity.pin(-1));
            assertThrows(IllegalArgumentException.class, () -> Affinity.pin(CpuSet.empty()));
            assertThrows(IllegalArgumentException.class, () -> Affinity.cpus(-2));
            assertEquals(before, Affinity.cpus(), "a refused pin leaves the affinity alone");
        });
    }

    @Test
    void shouldReportCurrentCpuInsideAllowedSet() throws Exception {
        assertTrue(Affinity.cpus().contains(Affinity.currentCpu()));
        assertTrue(Affinity.currentNode() >= 0);
    }
}
