/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.io.IOException;

/**
 * A record failed verification while being read after recovery accepted it: the file changed underneath
 * the log (media error or an outside writer).
 */
public class CorruptLogException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened, naming the path
     * @param cause   the underlying failure, or null
     */
    public CorruptLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
