/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.io.IOException;

/**
 * A file where a {@link DurableLog} segment was expected is not one (wrong magic, version or header
 * checksum), or the log path is not a directory. The file is left untouched.
 */
public class NotALogException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened, naming the path
     * @param cause   the underlying failure, or null
     */
    public NotALogException(String message, Throwable cause) {
        super(message, cause);
    }
}
