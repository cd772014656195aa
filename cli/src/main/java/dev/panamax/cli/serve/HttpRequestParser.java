/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

import java.nio.charset.StandardCharsets;

/**
 * Parses HTTP/1.1 request heads (RFC 9112 section 2 to 5) out of a connection's input bytes, strictly: one space
 * between the request line's parts, token methods and field names, no whitespace before a field's colon, no
 * obs-fold, no control characters, exactly one {@code Host} in HTTP/1.1, one {@code Content-Length} value. Lines
 * end in CRLF or, as RFC 9112 section 2.2 lets a recipient accept, a bare LF. Stateless: the caller keeps the
 * bytes and where the search for the head's end stopped.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9112">RFC 9112 HTTP/1.1</a>
 */
final class HttpRequestParser {

    /** The most header fields in one head; more answer 431 as an oversized head does. */
    static final int MAX_FIELDS = 100;

    private HttpRequestParser() {
    }

    /**
     * Skips the empty lines a client may send before a request line (RFC 9112 section 2.2).
     *
     * @return the index of the first byte that is not CR or LF, or {@code end}
     */
    static int skipEmptyLines(byte[] buf, int start, int end) {
        int i = start;
        while (i < end && (buf[i] == '\r' || buf[i] == '\n')) {
            i++;
        }
        return i;
    }

    /**
     * Finds the end of the head that starts at {@code start}: the index after its empty line.
     *
     * @param scanFrom where an earlier call on the same head stopped (>= start): bytes before it hold no end
     * @return the index after the head, or -1 when {@code buf[start, end)} holds no whole head yet
     */
    static int findHeadEnd(byte[] buf, int start, int end, int scanFrom) {
        for (int i = Math.max(start, scanFrom); i < end; i++) {
            if (buf[i] != '\n') {
                continue;
            }
            if (i + 1 < end && buf[i + 1] == '\n') {
                return i + 2;
            }
            if (i + 2 < end && buf[i + 1] == '\r' && buf[i + 2] == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    /**
     * Where the next {@link #findHeadEnd} call may resume: an end spans at most the last three bytes.
     *
     * @return the index to pass as {@code scanFrom}
     */
    static int resumeAt(int start, int end) {
        return Math.max(start, end - 3);
    }

    /**
     * Parses the head in {@code buf[start, headEnd)}, as found by {@link #findHeadEnd}.
     *
     * @return the request
     * @throws HttpError 400 for a malformed head, 431 for too many fields, 505 for an HTTP version other than 1.x
     */
    static RequestHead parse(byte[] buf, int start, int headEnd) throws HttpError {
        int lineEnd = lineEnd(buf, start, headEnd);
        String[] requestLine = requestLine(buf, start, contentEnd(buf, start, lineEnd));
        boolean http11 = version(requestLine[2]);
        boolean close = false;
        boolean keepAliveAsked = false;
        int hosts = 0;
        long contentLength = -1;
        boolean chunked = false;
        int fields = 0;
        int at = lineEnd + 1;
        while (true) {
            lineEnd = lineEnd(buf, at, headEnd);
            int end = contentEnd(buf, at, lineEnd);
            if (end == at) {
                break; // the empty line that ends the head
            }
            if (++fields > MAX_FIELDS) {
                throw new HttpError(431, "more than " + MAX_FIELDS + " header fields");
            }
            int colon = fieldName(buf, at, end);
            String name = new String(buf, at, colon - at, StandardCharsets.ISO_8859_1);
            String value = fieldValue(buf, colon + 1, end);
            if (name.equalsIgnoreCase("Host")) {
                hosts++;
            } else if (name.equalsIgnoreCase("Connection")) {
                for (String token : value.split(",")) {
                    String t = token.strip();
                    close |= t.equalsIgnoreCase("close");
                    keepAliveAsked |= t.equalsIgnoreCase("keep-alive");
                }
            } else if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = contentLength(value, contentLength);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = true;
            }
            at = lineEnd + 1;
        }
        if (http11 ? hosts != 1 : hosts > 1) {
            throw new HttpError(400, hosts == 0 ? "no Host header in an HTTP/1.1 request" : "more than one Host");
        }
        if (chunked && contentLength >= 0) {
            // RFC 9112 section 6.1: a message with both is how request smuggling starts; refuse it
            throw new HttpError(400, "both Transfer-Encoding and Content-Length");
        }
        boolean keepAlive = http11 ? !close : keepAliveAsked && !close; // HTTP/1.0 closes unless asked not to
        return new RequestHead(requestLine[0], requestLine[1], http11, keepAlive, chunked || contentLength > 0);
    }

    /** The index of the LF that ends the line starting at {@code from}; a head always ends in one. */
    private static int lineEnd(byte[] buf, int from, int headEnd) {
        for (int i = from; i < headEnd; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        throw new IllegalArgumentException("no line end in the head: findHeadEnd was not called");
    }

    /** The line's end without its CR, if any. */
    private static int contentEnd(byte[] buf, int from, int lf) {
        return lf > from && buf[lf - 1] == '\r' ? lf - 1 : lf;
    }

    /** method SP request-target SP HTTP-version, each part checked. */
    private static String[] requestLine(byte[] buf, int from, int end) throws HttpError {
        int sp1 = indexOf(buf, from, end, (byte) ' ');
        int sp2 = sp1 < 0 ? -1 : indexOf(buf, sp1 + 1, end, (byte) ' ');
        if (sp1 <= from || sp2 <= sp1 + 1 || sp2 + 1 >= end || indexOf(buf, sp2 + 1, end, (byte) ' ') >= 0) {
            throw new HttpError(400, "malformed request line");
        }
        for (int i = from; i < sp1; i++) {
            if (!isTokenChar(buf[i])) {
                throw new HttpError(400, "malformed method");
            }
        }
        for (int i = sp1 + 1; i < sp2; i++) {
            if (buf[i] <= ' ' || buf[i] >= 0x7f) { // visible ASCII only: a NUL, CR or 8-bit byte is refused here
                throw new HttpError(400, "malformed request-target");
            }
        }
        return new String[] {
            new String(buf, from, sp1 - from, StandardCharsets.US_ASCII),
            new String(buf, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.US_ASCII),
            new String(buf, sp2 + 1, end - sp2 - 1, StandardCharsets.ISO_8859_1)};
    }

    /** true for HTTP/1.1, false for HTTP/1.0. */
    private static boolean version(String v) throws HttpError {
        if (v.length() != 8 || !v.startsWith("HTTP/") || !isDigit(v.charAt(5)) || v.charAt(6) != '.'
                || !isDigit(v.charAt(7))) {
            throw new HttpError(400, "malformed HTTP version");
        }
        if (v.charAt(5) != '1') {
            throw new HttpError(505, "HTTP version " + v.substring(5) + " is not supported");
        }
        return v.charAt(7) != '0'; // HTTP/1.2 and later minor versions are answered as 1.1 (RFC 9110 2.5)
    }

    /** The index of the colon after a field name of token characters. */
    private static int fieldName(byte[] buf, int from, int end) throws HttpError {
        int i = from;
        while (i < end && isTokenChar(buf[i])) {
            i++;
        }
        if (i == from || i == end || buf[i] != ':') {
            // also a line starting with SP or HTAB: obs-fold, which RFC 9112 section 5.2 lets a server reject
            throw new HttpError(400, "malformed header field");
        }
        return i;
    }

    /** The value between optional whitespace; control characters other than HTAB are refused. */
    private static String fieldValue(byte[] buf, int from, int end) throws HttpError {
        for (int i = from; i < end; i++) {
            int b = buf[i] & 0xff;
            if ((b < ' ' && b != '\t') || b == 0x7f) {
                throw new HttpError(400, "control character in a header value");
            }
        }
        return new String(buf, from, end - from, StandardCharsets.ISO_8859_1).strip();
    }

    private static long contentLength(String value, long earlier) throws HttpError {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(HttpRequestParser::isDigit)) {
            throw new HttpError(400, "malformed Content-Length");
        }
        long n = Long.parseLong(value);
        if (earlier >= 0 && earlier != n) {
            throw new HttpError(400, "conflicting Content-Length values");
        }
        return n;
    }

    private static int indexOf(byte[] buf, int from, int end, byte b) {
        for (int i = from; i < end; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** tchar of RFC 9110 section 5.6.2. */
    private static boolean isTokenChar(byte b) {
        if (b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9') {
            return true;
        }
        return b > ' ' && b < 0x7f && "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }
}
