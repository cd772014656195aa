/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.ffm.Processes;
import dev.panamax.ffm.Signal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code panamax serve} as a user runs it: in-process through its test hook, and as a child JVM sent signals. */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServeCommandTest {

    private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path dir;

    private static String fetch(int port, String path) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        }
    }

    @Test
    void shouldServeTheDirectoryAndPrintItsUrlUntilStopped() throws Exception {
        Files.writeString(dir.resolve("index.html"), "<h1>home</h1>");
        ServeCommand command = new ServeCommand();
        try (ForegroundRun run = new ForegroundRun(command, command.foreground, "serve", dir.toString(), "--port",
                "0", "--loops", "2", "--idle-timeout", "5")) {
            InetSocketAddress at = run.awaitStarted();
            assertTrue(at != null && at.getPort() > 0, run.err());
            assertEquals("200 <h1>home</h1>", fetch(at.getPort(), "/"));
            assertEquals(0, run.stop(), run.err());
            assertEquals("panamax serve: " + dir + " at http://127.0.0.1:" + at.getPort() + "/ (2 loops; Ctrl-C "
                    + "stops)\nstopped\n", run.out());
            assertEquals("", run.err());
        }
    }

    @Test
    void shouldExitTwoWithOneLineWhenAnArgumentIsBad() throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "x");
        String[][] cases = {{dir.resolve("missing").toString()}, {file.toString()},
            {dir.toString(), "--bind", "localhost"}, {dir.toString(), "--loops", "0"},
            {dir.toString(), "--port", "70000"}, {dir.toString(), "--idle-timeout", "0"}};
        for (String[] c : cases) {
            ServeCommand command = new ServeCommand();
            String[] args = new String[c.length + 1];
            args[0] = "serve";
            System.arraycopy(c, 0, args, 1, c.length);
            ForegroundRun run = new ForegroundRun(command, command.foreground, args);
            assertEquals(2, run.exitCode(), String.join(" ", c) + ": " + run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().startsWith("panamax serve: "), run.err());
            assertNull(run.awaitStarted());
        }
    }

    @Test
    void shouldExitOneWhenThePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ServeCommand command = new ServeCommand();
            ForegroundRun run = new ForegroundRun(command, command.foreground, "serve", dir.toString(), "--port",
                    String.valueOf(taken.getLocalPort()), "--loops", "1");
            assertEquals(1, run.exitCode());
            assertTrue(run.err().contains("EADDRINUSE"), run.err());
        }
    }

    @Test
    void shouldCloseEverythingAndSayStoppedWhenSentSigintOrSigterm() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "alpha");
        for (Signal signal : List.of(Signal.INT, Signal.TERM)) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    Panamax.class.getName(), "serve", dir.toString(), "--port", "0", "--loops", "2")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String first = out.readLine();
                Matcher m = URL.matcher(String.valueOf(first));
                assertTrue(m.find(), "no URL in: " + first);
                assertEquals("200 alpha", fetch(Integer.parseInt(m.group(1)), "/a.txt"));
                Processes.kill((int) p.pid(), signal);
                assertTrue(p.waitFor(ForegroundRun.WAIT_S, TimeUnit.SECONDS), "still running after " + signal);
                assertEquals(128 + signal.number(), p.exitValue(), "killed by the signal, after the hook ran");
                assertEquals("stopped", out.readLine(), "the hook closed the server before the JVM halted");
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
