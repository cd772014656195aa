/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns a request-target into a path relative to the served directory, refusing every form that could name
 * something outside it: dot segments ({@code ..} and {@code .}, also percent-encoded as {@code %2e%2e}), an
 * absolute path after the leading slash ({@code //etc/passwd}, {@code /%2fetc/passwd}), NUL ({@code %00}),
 * malformed escapes and bytes that are not UTF-8. Symbolic links are the opener's business ({@link DocumentRoot}
 * opens with {@code RESOLVE_BENEATH}); this check keeps the common attacks from reaching the kernel at all.
 */
final class RequestPath {

    private RequestPath() {
    }

    /**
     * The decoded path without its leading slash: {@code ""} for {@code /}, {@code "docs/"} for {@code /docs/}.
     *
     * @param target an origin-form target ({@code /path?query}) or an absolute-form one ({@code http://host/path})
     * @return the relative path; it ends in {@code /} when the target's path does
     * @throws HttpError 400 for a target that names nothing under the directory
     */
    static String relative(String target) throws HttpError {
        String path = pathOf(target);
        if (path.indexOf('#') >= 0) {
            throw new HttpError(400, "a fragment in the request-target");
        }
        String decoded = decode(path);
        if (!decoded.startsWith("/")) {
            throw new HttpError(400, "the path does not start with /");
        }
        String relative = decoded.substring(1);
        if (relative.startsWith("/")) {
            throw new HttpError(400, "an absolute path");
        }
        for (String segment : relative.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new HttpError(400, "a dot segment");
            }
        }
        return relative;
    }

    /** The path part of the target, query dropped; absolute-form (RFC 9112 section 3.2.2) reduced to it. */
    private static String pathOf(String target) throws HttpError {
        String t = target;
        int scheme = t.indexOf("://");
        if (!t.startsWith("/") && scheme > 0 && t.regionMatches(true, 0, "http", 0, 4)) {
            int slash = t.indexOf('/', scheme + 3);
            t = slash < 0 ? "/" : t.substring(slash);
        }
        if (!t.startsWith("/")) {
            throw new HttpError(400, "not an origin-form request-target");
        }
        int query = t.indexOf('?');
        return query < 0 ? t : t.substring(0, query);
    }

    /** Percent-decodes to bytes, then UTF-8 strictly. */
    private static String decode(String path) throws HttpError {
        if (path.indexOf('%') < 0) {
            return path; // visible ASCII already (the parser checked), no NUL possible
        }
        byte[] bytes = new byte[path.length()];
        int n = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                int hi = i + 2 < path.length() ? Character.digit(path.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(path.charAt(i + 2), 16);
                if (lo < 0) {
                    throw new HttpError(400, "a malformed percent-encoding");
                }
                c = (char) (hi << 4 | lo);
                if (c == 0) {
                    throw new HttpError(400, "NUL in the path");
                }
                i += 2;
            }
            bytes[n++] = (byte) c;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        } catch (CharacterCodingException e) {
            throw new HttpError(400, "the path is not UTF-8");
        }
    }
}
