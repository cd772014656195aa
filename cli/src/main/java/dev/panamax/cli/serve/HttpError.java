/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

/** A request the server answers with an error status and then closes the connection on (400, 431, 505). */
final class HttpError extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    HttpError(int status, String reason) {
        super(reason, null, false, false); // control flow for malformed input: no stack trace to fill
        this.status = status;
    }

    int status() {
        return status;
    }
}
