/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.util.concurrent.locks.Lock;

import org.junit.jupiter.api.BeforeEach;

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
}
