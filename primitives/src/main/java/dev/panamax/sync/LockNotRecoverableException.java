/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

/**
 * Thrown by a {@link RobustMutex} whose previous owner died and whose next holder unlocked it without calling
 * {@link RobustMutex#markConsistent()}: the lock can no longer be acquired by anyone ({@code ENOTRECOVERABLE}).
 * The caller does not hold the lock. Re-create the shared region to start over.
 */
public class LockNotRecoverableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message why the lock is unusable
     */
    public LockNotRecoverableException(String message) {
        super(message);
    }
}
