/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import java.util.concurrent.locks.Lock;

/**
 * The {@link Lock} contract for {@link FutexMutex} with the exchange unlock (what shared mutexes and processes
 * without membarrier use), spinning first.
 */
class FutexMutexExchangeTest extends LockContractTest {

    @Override
    Lock newLock() {
        return FutexMutex.withUnlock(FutexMutex.UnlockMode.EXCHANGE, FutexMutex.DEFAULT_SPIN_LIMIT);
    }
}
