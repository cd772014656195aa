/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress;

import java.util.concurrent.locks.Lock;

/**
 * The state of a mutual-exclusion test: a lock and the plain counter it protects. Each actor acquires in its own
 * way and, if it got the lock, increments the counter with a separate read and write; an arbiter then reads it.
 */
public abstract class Exclusion {

    /** The lock under test. */
    protected final Lock lock;

    /** Plain: read and written only inside the lock's critical section, and by the arbiter after both actors. */
    protected int value;

    /**
     * Creates the state.
     *
     * @param lock the lock under test, unlocked
     */
    protected Exclusion(Lock lock) {
        this.lock = lock;
    }

    /**
     * Acquires with {@code acquisition}; if acquired, increments the counter and unlocks.
     *
     * @param acquisition how to acquire
     * @return 1 if the lock was acquired (and the counter incremented), 0 otherwise
     */
    protected int enter(Acquisition acquisition) {
        if (!acquisition.acquire(lock)) {
            return 0;
        }
        try {
            value = value + 1;
        } finally {
            lock.unlock();
        }
        return 1;
    }
}
