/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import java.util.concurrent.locks.Lock;

/**
 * The {@link Lock} contract for {@link FutexMutex} with the default unlock and no spin phase: every contended
 * acquisition goes through the sleep path.
 */
class FutexMutexNoSpinTest extends LockContractTest {

    @Override
    Lock newLock() {
        return new FutexMutex(0);
    }
}
