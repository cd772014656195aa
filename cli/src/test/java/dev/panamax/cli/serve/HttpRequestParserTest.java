/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class HttpRequestParserTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static RequestHead parse(String head) throws HttpError {
        byte[] b = bytes(head);
        int end = HttpRequestParser.findHeadEnd(b, 0, b.length, 0);
        assertEquals(b.length, end, "the whole input is one head");
        return HttpRequestParser.parse(b, 0, end);
    }

    private static int status(String head) {
        return assertThrows(HttpError.class, () -> parse(head)).status();
    }

    @Test
    void shouldParseTheRequestLineAndKeepAliveWhenTheHeadIsWellFormed() throws HttpError {
        RequestHead r = parse("GET /a/b.txt?x=1 HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n");
        assertEquals("GET", r.method());
        assertEquals("/a/b.txt?x=1", r.target());
        assertTrue(r.http11());
        assertTrue(r.keepAlive());
        assertFalse(r.hasBody());
    }

    @Test
    void shouldCloseOrKeepAliveAsTheVersionAndConnectionHeaderSay() throws HttpError {
        assertFalse(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").keepAlive());
        assertFalse(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, CLOSE\r\n\r\n").keepAlive());
        assertTrue(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\n\r\n").keepAlive());
        assertFalse(parse("GET / HTTP/1.0\r\n\r\n").keepAlive(), "HTTP/1.0 closes by default");
        assertTrue(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keepAlive());
    }

    @Test
    void shouldAcceptBareLineFeedsWhenTheClientSendsThem() throws HttpError {
        RequestHead r = parse("HEAD /x HTTP/1.1\nHost: h\n\n");
        assertEquals("HEAD", r.method());
        assertTrue(r.isHead());
    }

    @Test
    void shouldSayTheRequestHasABodyWhenContentLengthOrTransferEncodingIsSent() throws HttpError {
        assertTrue(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n").hasBody());
        assertFalse(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n").hasBody());
        assertTrue(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n").hasBody());
        assertTrue(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n").hasBody());
    }

    @Test
    void shouldRefuseWith400WhenTheHeadIsMalformed() {
        assertEquals(400, status("GET  / HTTP/1.1\r\nHost: h\r\n\r\n"), "two spaces");
        assertEquals(400, status("GET / HTTP/1.1 \r\nHost: h\r\n\r\n"), "trailing space");
        assertEquals(400, status("GET /\r\nHost: h\r\n\r\n"), "HTTP/0.9 style");
        assertEquals(400, status("G(T / HTTP/1.1\r\nHost: h\r\n\r\n"), "not a token");
        assertEquals(400, status("GET / HTTP/1.1\r\n\r\n"), "no Host");
        assertEquals(400, status("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), "two Hosts");
        assertEquals(400, status("GET / HTTP/1.1\r\nHost : h\r\n\r\n"), "space before the colon");
        assertEquals(400, status("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n"), "obs-fold");
        assertEquals(400, status("GET / HTTP/1.1\r\nHost: h\r\nX: a\u0000b\r\n\r\n"), "NUL in a value");
        assertEquals(400, status("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n"), "bare CR in a value");
        assertEquals(400, status("GET /a\u00ffb HTTP/1.1\r\nHost: h\r\n\r\n"), "8-bit byte in the target");
        assertEquals(400, status("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"));
        assertEquals(400, status("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked"
                + "\r\n\r\n"), "both framings: request smuggling");
        assertEquals(400, status("GET / HTTP/x.1\r\nHost: h\r\n\r\n"));
    }

    @Test
    void shouldRefuseWith505WhenTheVersionIsNotOneDotX() {
        assertEquals(505, status("GET / HTTP/2.0\r\nHost: h\r\n\r\n"));
        assertEquals(505, status("GET / HTTP/0.9\r\nHost: h\r\n\r\n"));
    }

    @Test
    void shouldRefuseWith431WhenThereAreTooManyFields() {
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        for (int i = 0; i < HttpRequestParser.MAX_FIELDS; i++) {
            sb.append("X-").append(i).append(": v\r\n");
        }
        assertEquals(431, status(sb.append("\r\n").toString()));
    }

    @Test
    void shouldFindTheHeadEndWhenItArrivesInPieces() {
        byte[] b = bytes("\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\nGET /next");
        int start = HttpRequestParser.skipEmptyLines(b, 0, b.length);
        assertEquals(2, start, "the empty line before a request line is skipped");
        int scanFrom = start;
        int end = -1;
        for (int available = start; available <= b.length && end < 0; available++) { // one byte at a time
            end = HttpRequestParser.findHeadEnd(b, start, available, scanFrom);
            scanFrom = HttpRequestParser.resumeAt(start, available);
        }
        assertEquals(b.length - "GET /next".length(), end);
        assertEquals(-1, HttpRequestParser.findHeadEnd(b, end, b.length, end), "the next head is incomplete");
    }
}
