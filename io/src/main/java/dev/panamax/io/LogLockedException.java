/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.io.IOException;

/**
 * Another opener (this process or another one) holds the lock of a {@link DurableLog} directory.
 */
public class LogLockedException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened, naming the path
     * @param cause   the underlying failure, or null
     */
    public LogLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
