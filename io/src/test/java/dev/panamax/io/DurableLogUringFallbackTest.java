/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A log asking for io_uring where io_uring is switched off ({@code -Dpanamax.iouring.disable=true}, in a child
 * JVM since the feature's status is settled once per process) flushes by syscall and says so.
 */
class DurableLogUringFallbackTest {

    @TempDir
    Path dir;

    @Test
    void shouldFlushBySyscallAndSayWhyWhenIoUringIsDisabled() throws Exception {
        Path stderr = dir.resolve("child.err");
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-Dpanamax.iouring.disable=true",
                "-cp", System.getProperty("java.class.path"), UringFallbackChild.class.getName(),
                dir.resolve("log").toString())
                .redirectError(stderr.toFile())
                .start();
        child.getOutputStream().close();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), out + Files.readString(stderr));
        List<String> lines = out.lines().toList();
        assertEquals("uses false", lines.get(0), out);
        assertEquals("flushes 3", lines.get(1), out);
        assertEquals("uring 0", lines.get(2), out);
        String reason = lines.get(3);
        assertTrue(reason.contains("io_uring flushing requested but unavailable")
                && reason.contains("-Dpanamax.iouring.disable=true"), reason);
        // Not silent: the fallback is also logged as a warning.
        String err = Files.readString(stderr);
        assertTrue(err.contains("io_uring flushing requested but unavailable"), err);
    }
}
