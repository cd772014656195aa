/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** The lock contract for the robust mutex, within one process. */
class RobustMutexTest extends LockContractTest {

    @BeforeEach
    void requireRobustLists() {
        assumeTrue(RobustMutex.isAvailable(), "robust futex list unavailable: "
                + dev.panamax.ffm.RobustList.unavailabilityCause());
    }

    @Override
    Lock newLock() {
        return RobustMutex.inShared(Arena.ofAuto().allocate(RobustMutex.BYTES, 64), 0);
    }

    @Test
    @Timeout(60)
    void shouldThrowWhenHolderLocksAgainThroughSecondView() throws Exception {
        MemorySegment region = Arena.ofAuto().allocate(RobustMutex.BYTES, 64);
        RobustMutex first = RobustMutex.inShared(region, 0);
        RobustMutex second = RobustMutex.inShared(region, 0); // e.g. another component mapping the same region
        CompletableFuture<List<String>> outcome = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            first.lock();
            List<String> results = new ArrayList<>();
            try {
                for (Callable<?> again : List.<Callable<?>>of(() -> {
                    second.lock();
                    return "acquired";
                }, () -> {
                    second.lockInterruptibly();
                    return "acquired";
                }, second::tryLock, () -> second.tryLock(1, TimeUnit.HOURS))) {
                    try {
                        results.add(String.valueOf(again.call()));
                    } catch (IllegalMonitorStateException e) {
                        results.add("IllegalMonitorStateException");
                    }
                }
                first.unlock();
                outcome.complete(results);
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            }
        });
        List<String> results;
        try {
            results = outcome.get(GENEROUS_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the holder's second lock through another view hangs (word owner tid "
                    + first.ownerTid() + ")", e);
        }
        assertEquals(Collections.nCopies(4, "IllegalMonitorStateException"), results);
        assertTrue(second.tryLock(), "the failed attempts left the lock free and its pending slot clear");
        second.unlock();
    }

    @Test
    void shouldThrowIllegalStateFromEveryMethodWhenSegmentClosedWhileHeld() {
        Arena arena = Arena.ofConfined();
        RobustMutex mutex = RobustMutex.inShared(arena.allocate(RobustMutex.BYTES, 64), 0);
        mutex.lock();
        arena.close();
        List<Executable> calls = List.of(mutex::unlock, mutex::lock, mutex::lockInterruptibly, mutex::tryLock,
                () -> mutex.tryLock(1, TimeUnit.SECONDS), mutex::markConsistent, mutex::ownerTid);
        for (Executable call : calls) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertTrue(e.getMessage().startsWith("RobustMutex's segment is already closed"), e.getMessage());
        }
        Lock later = newLock();
        later.lock();
        later.unlock();
    }
}
