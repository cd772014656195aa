/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.io.IOException;

/**
 * A {@link DurableLog} refuses writes because a write or flush failed earlier.
 *
 * <p>A failed {@code fsync}/{@code fdatasync} (or {@code O_DSYNC} write) is fatal for the file: the kernel may
 * have marked the dirty pages clean and reported the error once, so a retry that succeeds proves nothing
 * (PostgreSQL's "fsyncgate", 2018). The log never retries; close it and reopen it, which runs recovery.
 * The first failure is the cause of every later one.
 */
public class LogFailedException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened, naming the path
     * @param cause   the underlying failure, or null
     */
    public LogFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
