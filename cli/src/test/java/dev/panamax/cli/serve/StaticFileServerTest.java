/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StaticFileServer} over real loopback connections, with java.net.http.HttpClient where it can say what is
 * tested and {@link RawHttp} (plain sockets) where the exact bytes matter: traversal attempts, pipelining,
 * malformed heads, slow and vanishing readers.
 */
// A server that stops answering must fail the test, not hang the build.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StaticFileServerTest {

    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(20);
    private static final int BIG_BYTES = 32 << 20; // far above any socket buffer: sendfile is partial, EAGAIN follows
    private static final byte[] SMALL = "hello, panamax\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SECRET = "SECRET outside the served directory\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path base;
    private static Path root;
    private static byte[] big;
    private static StaticFileServer server;
    private static HttpClient http;

    @BeforeAll
    static void createTreeAndStart() throws IOException {
        root = Files.createDirectory(base.resolve("www"));
        Files.write(base.resolve("secret.txt"), SECRET);
        Files.write(root.resolve("small.txt"), SMALL);
        Files.writeString(root.resolve("page.html"), "<p>page</p>");
        Files.writeString(root.resolve("style.css"), "p {}");
        Files.write(root.resolve("empty.txt"), new byte[0]);
        big = new byte[BIG_BYTES];
        new SplittableRandom(42).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/index.html"), "<h1>docs</h1>");
        Files.createDirectories(root.resolve("bare"));
        Files.writeString(root.resolve("bare/file.txt"), "in bare");
        Files.createSymbolicLink(root.resolve("escape.txt"), Path.of("../secret.txt"));
        Files.createSymbolicLink(root.resolve("absolute.txt"), base.resolve("secret.txt").toAbsolutePath());
        Files.createSymbolicLink(root.resolve("up"), Path.of(".."));
        Files.createSymbolicLink(root.resolve("inside.txt"), Path.of("small.txt"));
        Files.createSymbolicLink(root.resolve("docs/back.txt"), Path.of("../small.txt"));
        server = start(ServeOptions.of(root, loopback()).withLoops(2));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void stop() throws IOException {
        http.shutdownNow(); // close() would wait for any request a failed test left unanswered
        server.close();
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private static StaticFileServer start(ServeOptions options) throws IOException {
        StaticFileServer s = StaticFileServer.start(options);
        assertTrue(s.address().getPort() > 0, "port 0 reads back as the bound port");
        return s;
    }

    private static URI uri(StaticFileServer s, String path) {
        return URI.create("http://127.0.0.1:" + s.address().getPort() + path);
    }

    private static HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(server, path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void await(BooleanSupplier condition, String what) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > WAIT_NS) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // polling with a deadline
        }
    }

    static long openFds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldSendTheFileWithLengthAndTypeWhenASmallFileIsAsked() throws Exception {
        HttpResponse<byte[]> r = get("/small.txt");
        assertEquals(200, r.statusCode());
        assertArrayEquals(SMALL, r.body());
        assertEquals("text/plain; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(SMALL.length, r.headers().firstValueAsLong("Content-Length").orElseThrow());
        assertTrue(r.headers().firstValue("Date").orElseThrow().endsWith(" GMT"));
        assertEquals("text/html; charset=utf-8", get("/page.html").headers().firstValue("Content-Type").orElseThrow());
        assertEquals("text/css; charset=utf-8", get("/style.css").headers().firstValue("Content-Type").orElseThrow());
        HttpResponse<byte[]> empty = get("/empty.txt");
        assertEquals(200, empty.statusCode());
        assertEquals(0, empty.body().length);
    }

    @Test
    void shouldSendEveryByteWhenTheFileIsFarLargerThanTheSocketBuffers() throws Exception {
        HttpResponse<byte[]> r = get("/big.bin");
        assertEquals(200, r.statusCode());
        assertEquals("application/octet-stream", r.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(big, r.body());
    }

    @Test
    void shouldSendOnlyTheHeadWhenTheMethodIsHead() throws Exception {
        try (RawHttp c = new RawHttp(server.address())) {
            RawHttp.Response head = c.exchange("HEAD /big.bin HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(200, head.status());
            assertEquals(String.valueOf(BIG_BYTES), head.header("Content-Length"));
            // Had a body followed, this response would be read from its bytes and fail.
            RawHttp.Response next = c.exchange(RawHttp.get("/small.txt"));
            assertArrayEquals(SMALL, next.body());
            RawHttp.Response missing = c.exchange("HEAD /missing HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(404, missing.status());
            assertArrayEquals(SMALL, c.exchange(RawHttp.get("/small.txt")).body());
        }
    }

    @Test
    void shouldAnswer404And403WhenTheFileIsMissingOrADirectoryHasNoIndex() throws Exception {
        assertEquals(404, get("/missing.txt").statusCode());
        assertEquals(404, get("/docs/missing/deeper").statusCode());
        assertEquals(404, get("/small.txt/").statusCode(), "a file is no directory");
        assertEquals(403, get("/bare/").statusCode());
        HttpResponse<byte[]> index = get("/docs/");
        assertEquals(200, index.statusCode());
        assertEquals("<h1>docs</h1>", new String(index.body(), StandardCharsets.UTF_8));
        assertEquals("text/html; charset=utf-8", index.headers().firstValue("Content-Type").orElseThrow());
        HttpResponse<byte[]> moved = get("/docs?x=1");
        assertEquals(301, moved.statusCode());
        assertEquals("/docs/?x=1", moved.headers().firstValue("Location").orElseThrow());
        assertEquals(403, get("/").statusCode(), "the root has no index.html either");
    }

    @Test
    void shouldAnswer405WithAllowWhenTheMethodIsNotGetOrHead() throws Exception {
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri(server, "/small.txt"))
                .POST(HttpRequest.BodyPublishers.ofString("data")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
        HttpResponse<String> delete = http.send(HttpRequest.newBuilder(uri(server, "/small.txt")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, delete.statusCode());
        try (RawHttp c = new RawHttp(server.address())) {
            assertEquals(405, c.exchange("OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n").status());
            assertArrayEquals(SMALL, c.exchange(RawHttp.get("/small.txt")).body(), "the connection stays usable");
        }
    }

    @Test
    void shouldRefuseEveryTraversalWhenTheTargetOrASymlinkLeadsOutOfTheDirectory() throws Exception {
        String[] targets = {"/../secret.txt", "/docs/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
            "/docs/%2e%2e/%2e%2e/secret.txt", "/./small.txt", "//" + base.resolve("secret.txt").toAbsolutePath(),
            "/%2f" + base.resolve("secret.txt").toAbsolutePath().toString().substring(1), "/small.txt%00.html",
            "/escape.txt", "/absolute.txt", "/up/secret.txt", "/up/www/small.txt", "/%65scape.txt"};
        for (String t : targets) {
            try (RawHttp c = new RawHttp(server.address())) {
                RawHttp.Response r = c.exchange(RawHttp.get(t));
                assertTrue(r.status() == 400 || r.status() == 403, t + " answered " + r.status());
                assertFalse(r.text().contains("SECRET"), t);
            }
        }
        try (RawHttp c = new RawHttp(server.address())) {
            assertEquals(403, c.exchange(RawHttp.get("/escape.txt")).status(), "a symlink out: EXDEV");
            assertArrayEquals(SMALL, c.exchange(RawHttp.get("/inside.txt")).body(), "a symlink within is served");
            assertArrayEquals(SMALL, c.exchange(RawHttp.get("/docs/back.txt")).body(), "up but still within");
            assertArrayEquals(SMALL, c.exchange(RawHttp.get("/sm%61ll.txt")).body(), "a percent-encoded name");
            assertArrayEquals(SMALL, c.exchange("GET http://t/small.txt HTTP/1.1\r\nHost: t\r\n\r\n").body());
        }
    }

    @Test
    void shouldServeSeveralRequestsOnOneConnectionWhenKeptAlive() throws Exception {
        long accepted = server.stats().accepted.sum();
        try (HttpClient one = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<byte[]> r = one.send(HttpRequest.newBuilder(uri(server, "/small.txt")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertArrayEquals(SMALL, r.body());
            }
        }
        assertEquals(accepted + 1, server.stats().accepted.sum(), "five requests, one connection");
        try (RawHttp c = new RawHttp(server.address())) {
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(i == 1 ? big : SMALL, c.exchange(RawHttp.get(i == 1 ? "/big.bin" : "/small.txt"))
                        .body());
            }
            RawHttp.Response last = c.exchange("GET /small.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertEquals("close", last.header("Connection"));
            assertTrue(c.closedByServer(), "Connection: close ends the connection after the response");
        }
        try (RawHttp c = new RawHttp(server.address())) {
            RawHttp.Response kept = c.exchange("GET /small.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertEquals("keep-alive", kept.header("Connection"), "an HTTP/1.0 client must hear it back");
            assertArrayEquals(SMALL, c.exchange("GET /small.txt HTTP/1.0\r\n\r\n").body());
            assertTrue(c.closedByServer(), "HTTP/1.0 closes unless asked to keep alive");
        }
    }

    @Test
    void shouldAnswerPipelinedRequestsInOrderWhenTheyArriveTogether() throws Exception {
        try (RawHttp c = new RawHttp(server.address())) {
            c.send(RawHttp.get("/small.txt") + "HEAD /big.bin HTTP/1.1\r\nHost: t\r\n\r\n" + RawHttp.get("/missing")
                    + RawHttp.get("/big.bin") + "\r\n" + RawHttp.get("/docs/") + RawHttp.get("/empty.txt")
                    + "GET /page.html HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" + RawHttp.get("/small.txt"));
            assertArrayEquals(SMALL, c.read(false).body());
            RawHttp.Response head = c.read(true);
            assertEquals(200, head.status());
            assertEquals(String.valueOf(BIG_BYTES), head.header("Content-Length"));
            assertEquals(404, c.read(false).status());
            assertArrayEquals(big, c.read(false).body());
            assertEquals("<h1>docs</h1>", c.read(false).text());
            assertEquals(0, c.read(false).body().length);
            assertEquals("<p>page</p>", c.read(false).text());
            assertTrue(c.closedByServer(), "nothing after Connection: close is answered");
        }
    }

    @Test
    void shouldServeEveryClientWhenManyConnectConcurrently() throws Exception {
        int clients = 48;
        int requestsEach = 10;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int id = i;
                done.add(threads.submit(() -> {
                    try (RawHttp c = new RawHttp(server.address())) {
                        for (int j = 0; j < requestsEach; j++) {
                            boolean large = (id + j) % 16 == 0;
                            RawHttp.Response r = c.exchange(RawHttp.get(large ? "/big.bin" : "/small.txt"));
                            assertArrayEquals(large ? big : SMALL, r.body());
                        }
                    }
                    return null;
                }));
            }
            List<CompletableFuture<HttpResponse<byte[]>>> async = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                HttpRequest request = HttpRequest.newBuilder(uri(server, i % 2 == 0 ? "/small.txt" : "/page.html"))
                        .build();
                async.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()));
            }
            for (Future<?> f : done) {
                f.get(WAIT_NS, TimeUnit.NANOSECONDS);
            }
            for (int i = 0; i < async.size(); i++) {
                HttpResponse<byte[]> r = async.get(i).get(WAIT_NS, TimeUnit.NANOSECONDS);
                assertEquals(200, r.statusCode());
                assertEquals(i % 2 == 0 ? SMALL.length : 11, r.body().length);
            }
        }
    }

    @Test
    void shouldResumeOnEpolloutWithoutSpinningWhenTheReaderStallsMidTransfer() throws Exception {
        // One loop: the other connection below shares the loop with the stalled transfer.
        try (StaticFileServer s = start(ServeOptions.of(root, loopback()).withLoops(1));
                RawHttp slow = new RawHttp(s.address(), 64 * 1024)) {
            slow.send(RawHttp.get("/big.bin"));
            await(() -> s.stats().outWaits.sum() >= 1, "the transfer to block on the full socket");
            // While the slow client reads nothing, the loop serves others; a spinning transfer would show as
            // wake-ups that moved nothing.
            try (RawHttp other = new RawHttp(s.address())) {
                for (int i = 0; i < 20; i++) {
                    assertArrayEquals(SMALL, other.exchange(RawHttp.get("/small.txt")).body());
                }
            }
            assertEquals(1, s.stats().outWaits.sum(), "still blocked: the slow client has read nothing");
            RawHttp.Response r = slow.read(false);
            assertArrayEquals(big, r.body());
            long resumes = s.stats().outResumes.sum();
            assertTrue(resumes > 2, "resumed on EPOLLOUT " + resumes + " times");
            assertEquals(0, s.stats().emptyWakeups.sum(), "a handler call that moved nothing: a busy loop");
        }
    }

    @Test
    void shouldCloseEveryFdWhenClientsVanishMidTransfer() throws Exception {
        try (StaticFileServer s = start(ServeOptions.of(root, loopback()).withLoops(1))) {
            abortTransfer(s, true); // once before counting: lazily opened JDK files are open by then
            await(() -> s.stats().open() == 0, "the server to close the aborted connection");
            long before = openFds();
            for (int i = 0; i < 6; i++) {
                abortTransfer(s, i % 2 == 0);
            }
            await(() -> s.stats().open() == 0, "the server to close every aborted connection");
            // <=: a pooled HttpClient connection of another test may close meanwhile; a leak would show as more.
            await(() -> openFds() <= before, "the fds of the aborted connections and their files to close");
            assertTrue(s.stats().closed.sum() >= 7);
        }
    }

    /** Starts a big transfer, reads a little of it, and disappears: RST, or a close with unread data (RST too). */
    private static void abortTransfer(StaticFileServer s, boolean reset) throws IOException {
        try (RawHttp c = new RawHttp(s.address(), 64 * 1024)) {
            c.send(RawHttp.get("/big.bin"));
            InputStream in = c.input();
            assertEquals(100_000, in.readNBytes(100_000).length);
            if (reset) {
                c.socket.setSoLinger(true, 0);
            }
        }
    }

    @Test
    void shouldCloseTheConnectionWhenItStaysIdleLongerThanTheTimeout() throws Exception {
        try (StaticFileServer s = start(ServeOptions.of(root, loopback()).withLoops(1)
                .withIdleTimeout(Duration.ofMillis(200)))) {
            long startNs = System.nanoTime();
            try (RawHttp silent = new RawHttp(s.address())) {
                assertTrue(silent.closedByServer(), "a connection that never sends a request");
            }
            assertTrue(System.nanoTime() - startNs >= TimeUnit.MILLISECONDS.toNanos(200), "closed before its timeout");
            try (RawHttp kept = new RawHttp(s.address())) {
                assertArrayEquals(SMALL, kept.exchange(RawHttp.get("/small.txt")).body());
                assertTrue(kept.closedByServer(), "a kept-alive connection with no next request");
            }
            try (RawHttp partial = new RawHttp(s.address())) {
                partial.send("GET /small.txt HTTP/1.1\r\nHost:");
                assertTrue(partial.closedByServer(), "a head that never completes");
            }
            await(() -> s.stats().idleTimeouts.sum() == 3 && s.stats().open() == 0, "three idle timeouts");
        }
    }

    @Test
    void shouldAnswerAndCloseWhenTheHeadIsTooLargeOrMalformed() throws Exception {
        try (RawHttp c = new RawHttp(server.address())) {
            RawHttp.Response r = c.exchange("GET /small.txt HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(9000)
                    + "\r\n\r\n");
            assertEquals(431, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedByServer());
        }
        try (RawHttp c = new RawHttp(server.address())) {
            assertEquals(431, c.exchange(RawHttp.get("/" + "x".repeat(10_000))).status(), "a long request line");
        }
        String[] malformed = {"GET /small.txt HTTP/1.1\r\n\r\n", "GET /small.txt HTTP/1.1\r\nHost : t\r\n\r\n",
            "GET /small.txt  HTTP/1.1\r\nHost: t\r\n\r\n", "GET /small.txt HTTP/1.1\r\nHost: t\r\n folded\r\n\r\n"};
        for (String m : malformed) {
            try (RawHttp c = new RawHttp(server.address())) {
                RawHttp.Response r = c.exchange(m);
                assertEquals(400, r.status(), m);
                assertTrue(c.closedByServer(), m);
            }
        }
        try (RawHttp c = new RawHttp(server.address())) {
            assertEquals(505, c.exchange("GET /small.txt HTTP/2.0\r\nHost: t\r\n\r\n").status());
        }
    }

    @Test
    void shouldDeliverTheWholeResponseWhenClosingAfterARequestBodyItDidNotRead() throws Exception {
        try (RawHttp c = new RawHttp(server.address())) {
            String body = "b".repeat(200_000); // unread by the server: a plain close would send RST
            RawHttp.Response r = c.exchange("POST /small.txt HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body);
            assertEquals(405, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void shouldCloseEveryListenerConnectionAndFileWhenClosed() throws Exception {
        long before = openFds();
        StaticFileServer s = start(ServeOptions.of(root, loopback()).withLoops(3));
        try (RawHttp idle = new RawHttp(s.address()); RawHttp stalled = new RawHttp(s.address(), 64 * 1024)) {
            assertArrayEquals(SMALL, idle.exchange(RawHttp.get("/small.txt")).body());
            stalled.send(RawHttp.get("/big.bin"));
            await(() -> s.stats().outWaits.sum() >= 1, "the transfer to block");
            s.close();
            assertTrue(idle.closedByServer(), "the kept-alive connection is closed");
            assertNull(readToEndOrReset(stalled), "the stalled transfer is cut");
            s.close(); // idempotent
        }
        await(() -> openFds() <= before, "every fd of the server to close");
    }

    /** Reads to end of stream; null when that came, the exception when the connection was reset instead. */
    private static IOException readToEndOrReset(RawHttp c) {
        try {
            c.input().transferTo(java.io.OutputStream.nullOutputStream());
            return null;
        } catch (java.net.SocketException e) {
            return e.getMessage().contains("reset") ? null : e;
        } catch (IOException e) {
            return e;
        }
    }
}
