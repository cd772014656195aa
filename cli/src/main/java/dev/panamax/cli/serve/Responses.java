/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Builds response heads (and the short text bodies of errors) as bytes, with the {@code Date} field an origin
 * server with a clock must send (RFC 9110 section 6.6.1), formatted once per second per loop.
 */
final class Responses {

    /** IMF-fixdate: two-digit day, unlike RFC_1123_DATE_TIME's. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private long dateSecond = -1; // loop thread only, as the whole object
    private String date = "";

    /**
     * The head of a response whose body follows it (a file) or is absent.
     *
     * @param status        the status code
     * @param contentLength the body's length (for HEAD: the length GET would send)
     * @param contentType   the type, or null for none
     * @param connection    a {@code Connection} value ({@code close}, or {@code keep-alive} for an HTTP/1.0 client
     *                      that asked for it), or null
     * @param location      a {@code Location} value, or null
     * @param allow         an {@code Allow} value, or null
     * @return the head, ending in the empty line
     */
    byte[] head(int status, long contentLength, String contentType, String connection, String location,
            String allow) {
        StringBuilder sb = new StringBuilder(192);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        sb.append("Server: panamax\r\nDate: ").append(date()).append("\r\n");
        if (contentType != null) {
            sb.append("Content-Type: ").append(contentType).append("\r\n");
        }
        sb.append("Content-Length: ").append(contentLength).append("\r\n");
        if (location != null) {
            sb.append("Location: ").append(location).append("\r\n");
        }
        if (allow != null) {
            sb.append("Allow: ").append(allow).append("\r\n");
        }
        if (connection != null) {
            sb.append("Connection: ").append(connection).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A whole error response: head and a one-line text body (only the head for a HEAD request).
     *
     * @param status   the status code
     * @param head     true when the request was HEAD
     * @param connection a {@code Connection} value, or null
     * @param location   a {@code Location} value, or null
     * @param allow      an {@code Allow} value, or null
     * @return the bytes to send
     */
    byte[] error(int status, boolean head, String connection, String location, String allow) {
        byte[] body = (status + " " + reason(status) + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] h = head(status, body.length, "text/plain; charset=utf-8", connection, location, allow);
        if (head) {
            return h;
        }
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private String date() {
        long second = System.currentTimeMillis() / 1000;
        if (second != dateSecond) {
            date = IMF_FIXDATE.format(Instant.ofEpochSecond(second));
            dateSecond = second;
        }
        return date;
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 301 -> "Moved Permanently";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 505 -> "HTTP Version Not Supported";
            default -> "Unknown";
        };
    }
}
