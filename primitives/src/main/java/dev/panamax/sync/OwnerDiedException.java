/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

/**
 * Thrown by the acquiring methods of a {@link RobustMutex} that acquired the lock from a holder that died
 * (its thread exited or its process was killed) while holding it: the calling thread <em>holds the lock</em>,
 * the data it guards may be inconsistent. Repair the data, then call {@link RobustMutex#markConsistent()} before
 * {@link RobustMutex#unlock()}; unlocking without it makes the lock permanently unusable, as with POSIX robust
 * mutexes ({@code EOWNERDEAD}).
 */
public class OwnerDiedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what died and what the caller must do
     */
    public OwnerDiedException(String message) {
        super(message);
    }
}
