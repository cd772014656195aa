/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * The four ways to acquire a {@link Lock}, so that a stress test can pair any two of them; each returns whether
 * the lock was acquired.
 */
public enum Acquisition {
    /** {@link Lock#lock()}: always acquires. */
    LOCK {
        @Override
        public boolean acquire(Lock lock) {
            lock.lock();
            return true;
        }
    },
    /** {@link Lock#tryLock()}: one attempt, fails while the other actor holds the lock. */
    TRY_LOCK {
        @Override
        public boolean acquire(Lock lock) {
            return lock.tryLock();
        }
    },
    /** {@link Lock#tryLock(long, TimeUnit)} with {@link #TIMEOUT_MS}: sleeps on the word, may time out. */
    TIMED_TRY_LOCK {
        @Override
        public boolean acquire(Lock lock) {
            try {
                return lock.tryLock(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException("no one interrupts a stress actor", e);
            }
        }
    },
    /** {@link Lock#lockInterruptibly()}: always acquires, as no one interrupts the actors. */
    LOCK_INTERRUPTIBLY {
        @Override
        public boolean acquire(Lock lock) {
            try {
                lock.lockInterruptibly();
                return true;
            } catch (InterruptedException e) {
                throw new IllegalStateException("no one interrupts a stress actor", e);
            }
        }
    };

    /**
     * The timeout of {@link #TIMED_TRY_LOCK}: long against a critical section of a few nanoseconds, short enough
     * that a descheduled holder makes the timed-out path run now and then on a loaded machine.
     */
    public static final long TIMEOUT_MS = 20;

    /**
     * Acquires {@code lock} this way.
     *
     * @param lock the lock
     * @return true if the calling thread now holds the lock
     */
    public abstract boolean acquire(Lock lock);
}
