/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

/**
 * One parsed request head.
 *
 * @param method    the method token, case-sensitive as RFC 9110 says ({@code GET}, {@code HEAD}, ...)
 * @param target    the request-target as received (percent-encoded, query included)
 * @param http11    true for HTTP/1.1, false for HTTP/1.0
 * @param keepAlive whether the connection may carry another request after this one's response
 * @param hasBody   a {@code Content-Length} above 0 or a {@code Transfer-Encoding}: this server reads no bodies,
 *                  so it closes the connection after the response instead of looking for the next request in them
 */
record RequestHead(String method, String target, boolean http11, boolean keepAlive, boolean hasBody) {

    boolean isHead() {
        return method.equals("HEAD");
    }
}
