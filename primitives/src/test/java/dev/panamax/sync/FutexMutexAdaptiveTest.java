/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import java.util.concurrent.locks.Lock;

/** The lock contract for the adaptive spin-then-futex variant. */
class FutexMutexAdaptiveTest extends LockContractTest {

    @Override
    Lock newLock() {
        return FutexMutex.adaptive();
    }
}
