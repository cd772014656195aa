/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.ffm.IoUringSyscalls;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code panamax echo} in-process through its test hook, on both engines. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EchoCommandTest {

    private static void echoOn(String engine) throws Exception {
        EchoCommand command = new EchoCommand();
        try (ForegroundRun run = new ForegroundRun(command, command.foreground, "echo", "--port", "0", "--engine",
                engine)) {
            InetSocketAddress at = run.awaitStarted();
            assertTrue(at != null, run.err());
            byte[] hello = "hello\n".getBytes(StandardCharsets.US_ASCII);
            try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(hello);
                assertArrayEquals(hello, s.getInputStream().readNBytes(hello.length));
            }
            assertEquals(0, run.stop(), run.err());
            assertEquals("panamax echo: 127.0.0.1:" + at.getPort() + " on " + engine + " (Ctrl-C stops)\nstopped\n",
                    run.out());
        }
    }

    @Test
    void shouldEchoAndStopWhenRunOnEpoll() throws Exception {
        echoOn("epoll");
    }

    @Test
    void shouldEchoAndStopWhenRunOnIoUring() throws Exception {
        assumeTrue(IoUringSyscalls.FEATURE.isAvailable(), () -> "io_uring unavailable: "
                + IoUringSyscalls.FEATURE.unavailabilityCause());
        echoOn("uring");
    }

    @Test
    void shouldExitTwoWhenTheEngineIsUnknown() throws Exception {
        EchoCommand command = new EchoCommand();
        ForegroundRun run = new ForegroundRun(command, command.foreground, "echo", "--engine", "kqueue");
        assertEquals(2, run.exitCode());
        assertEquals("panamax echo: --engine must be epoll or uring: kqueue (see 'panamax echo --help')\n", run.err());
    }
}
