/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
