/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.io.IOException;

/**
 * A {@link UringFile#writeAndSync} wrote fewer bytes than asked, so its sync did not run (on the ring the linked
 * sync completes with {@code ECANCELED}). The bytes written are known, so a caller may finish the write and sync
 * separately.
 */
final class ShortWriteException extends IOException {

    private static final long serialVersionUID = 1L;

    private final long written;

    ShortWriteException(String message, long written) {
        super(message);
        this.written = written;
    }

    /** The bytes the write did move, from the start of the buffer. */
    long written() {
        return written;
    }
}
