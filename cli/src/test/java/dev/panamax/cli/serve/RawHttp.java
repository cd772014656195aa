/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A plain-socket HTTP/1.1 client for tests: it sends request bytes exactly as written (HttpClient normalizes paths
 * and would never send {@code /../}), and reads responses one at a time, so pipelining and keep-alive are visible.
 */
final class RawHttp implements AutoCloseable {

    /** One response. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final int TIMEOUT_MS = 10_000; // a server that stops answering fails the test, not hangs it

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawHttp(InetSocketAddress server) throws IOException {
        this(server, 0);
    }

    /** With {@code receiveBufferBytes} > 0 the socket's receive buffer is set before connecting (window scaling). */
    RawHttp(InetSocketAddress server, int receiveBufferBytes) throws IOException {
        socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(server, TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n";
    }

    void send(String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    Response exchange(String request) throws IOException {
        send(request);
        return read(request.startsWith("HEAD "));
    }

    InputStream input() {
        return in;
    }

    /** Reads one response; {@code head}: the request was HEAD, so no body follows whatever Content-Length says. */
    Response read(boolean head) throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.1 ")) {
            throw new IOException("not a status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
        }
        String length = headers.get("content-length");
        if (length == null) {
            throw new IOException("no Content-Length in " + headers);
        }
        byte[] body = head ? new byte[0] : in.readNBytes(Integer.parseInt(length));
        if (!head && body.length != Integer.parseInt(length)) {
            throw new EOFException("body cut at " + body.length + " of " + length + " bytes");
        }
        return new Response(status, headers, body);
    }

    /** True when the server closed the connection: the next read sees end of stream. */
    boolean closedByServer() throws IOException {
        return in.read() < 0;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("end of stream inside a response head");
            }
            b.write(c);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        if (!s.endsWith("\r")) {
            throw new IOException("a line without CR: " + s);
        }
        return s.substring(0, s.length() - 1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
