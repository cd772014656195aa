/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import java.lang.foreign.Arena;
import java.util.concurrent.locks.Lock;

/** The lock contract for a word in caller-supplied memory, with shared futex operations. */
class FutexMutexSharedTest extends LockContractTest {

    @Override
    Lock newLock() {
        return FutexMutex.inShared(Arena.ofAuto().allocate(64, 64), 4);
    }
}
