/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A wrk-like load loop, not a test: keep-alive clients fetch one 1 MiB file as fast as they can from
 * {@link StaticFileServer} and from the JDK's own file server ({@code SimpleFileServer}, what {@code jwebserver}
 * runs) in the same JVM, in alternating rounds, and print requests/s and MiB/s per round.
 *
 * <p>How to run (after {@code ./build -q -pl cli -am package -DskipTests}):
 * {@code java --enable-native-access=ALL-UNNAMED -cp "cli/target/test-classes:cli/target/classes:cli/target/lib/*"
 * dev.panamax.cli.serve.ServeLoadComparison [connections] [seconds] [rounds]}.
 */
public final class ServeLoadComparison {

    private static final int FILE_BYTES = 1 << 20;

    private ServeLoadComparison() {
    }

    /**
     * Runs the comparison.
     *
     * @param args connections (default 4), seconds per round (default 5), rounds per server (default 3)
     * @throws Exception when a server or a client fails
     */
    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int threads = Runtime.getRuntime().availableProcessors();
        Path dir = Files.createTempDirectory("serve-load");
        byte[] content = new byte[FILE_BYTES];
        new SplittableRandom(1).nextBytes(content);
        Path file = Files.write(dir.resolve("one.bin"), content);
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        ExecutorService jdkPool = Executors.newFixedThreadPool(threads);
        HttpServer jdk = SimpleFileServer.createFileServer(any, dir.toAbsolutePath(),
                SimpleFileServer.OutputLevel.NONE);
        jdk.setExecutor(jdkPool);
        jdk.start();
        try (StaticFileServer panamax = StaticFileServer.start(ServeOptions.of(dir, any).withLoops(threads))) {
            System.out.printf(Locale.ROOT, "%d CPUs, %d loops / %d pool threads, %d keep-alive connections, "
                    + "1 MiB file, %d s rounds%n", threads, threads, threads, connections, seconds);
            for (int i = 0; i < rounds; i++) {
                report("panamax serve (epoll, sendfile)", load(panamax.address(), connections, seconds), seconds);
                report("JDK SimpleFileServer", load(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        jdk.getAddress().getPort()), connections, seconds), seconds);
            }
        } finally {
            jdk.stop(0);
            jdkPool.shutdownNow();
            Files.delete(file);
            Files.delete(dir);
        }
    }

    private static void report(String name, long responses, int seconds) {
        System.out.printf(Locale.ROOT, "%-32s %8.0f requests/s %8.0f MiB/s%n", name, (double) responses / seconds,
                responses * (double) FILE_BYTES / (1 << 20) / seconds);
    }

    /** Counts whole responses the clients got in {@code s} seconds, after one second of warm-up. */
    private static long load(InetSocketAddress server, int connections, int s) throws Exception {
        try (ExecutorService clients = Executors.newFixedThreadPool(connections)) {
            long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            long end = warmEnd + TimeUnit.SECONDS.toNanos(s);
            List<Future<Long>> counts = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                counts.add(clients.submit(() -> fetchUntil(server, warmEnd, end)));
            }
            long total = 0;
            for (Future<Long> f : counts) {
                total += f.get();
            }
            return total;
        }
    }

    private static long fetchUntil(InetSocketAddress server, long warmEndNs, long endNs) throws IOException {
        byte[] request = "GET /one.bin HTTP/1.1\r\nHost: load\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[FILE_BYTES];
        long counted = 0;
        try (Socket s = new Socket(server.getAddress(), server.getPort())) {
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            long now;
            while ((now = System.nanoTime()) < endNs) {
                out.write(request);
                out.flush();
                int length = contentLength(in);
                if (length != FILE_BYTES || in.readNBytes(body, 0, length) != length) {
                    throw new IOException("a short response: " + length);
                }
                if (now >= warmEndNs) {
                    counted++;
                }
            }
        }
        return counted;
    }

    /** Reads a response head and returns its Content-Length. */
    private static int contentLength(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (c == '\n' && head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        String h = head.toString().toLowerCase(Locale.ROOT);
        if (!h.startsWith("http/1.1 200")) {
            throw new IOException("not a 200: " + head);
        }
        int at = h.indexOf("content-length:");
        return Integer.parseInt(h.substring(at + 15, h.indexOf('\r', at)).strip());
    }
}
