/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.io.IOException;

/**
 * The file system holding a path refuses {@code O_DIRECT} (ramfs, some FUSE and network file systems), so
 * {@link Durability#DIRECT} cannot run there. Either choose another rung or open the log with
 * {@link LogOptions#withDirectFallback(boolean)} to fall back, visibly, to {@link Durability#DSYNC}.
 */
public class DirectIoUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened, naming the path
     * @param cause   the underlying failure, or null
     */
    public DirectIoUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
