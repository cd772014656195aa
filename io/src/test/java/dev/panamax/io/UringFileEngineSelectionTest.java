/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.OpenFlag;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UringFileEngineSelectionTest {

    @TempDir
    Path dir;

    @AfterEach
    void clearProperty() {
        System.clearProperty(UringFile.ENGINE_PROPERTY);
    }

    @Test
    void shouldUseBlockingEngineWhenPropertyForcesIt() throws IOException {
        System.setProperty(UringFile.ENGINE_PROPERTY, "blocking");
        try (UringFile f = UringFile.open(dir.resolve("f"), EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE), 0644)) {
            assertEquals(UringFile.Engine.BLOCKING, f.engine());
        }
    }

    @Test
    void shouldRejectUnknownEngineWhenPropertyIsMisspelt() {
        System.setProperty(UringFile.ENGINE_PROPERTY, "iouring");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UringFile.open(dir.resolve("f"), EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE), 0644));
        assertTrue(e.getMessage().contains("panamax.io.engine"), e.getMessage());
    }

    @Test
    void shouldFallBackWithOneWarningWhenIoUringIsDisabled() throws Exception {
        // A child JVM, because the io_uring probe result is cached per process.
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-Dpanamax.iouring.disable=true",
                "-cp", System.getProperty("java.class.path"), FallbackChild.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child JVM did not finish");
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), output);
        assertTrue(output.contains("engine=BLOCKING engine=BLOCKING read=5"), output);
        int first = output.indexOf("io_uring not used");
        assertTrue(first >= 0, "expected the fallback warning: " + output);
        assertEquals(-1, output.indexOf("io_uring not used", first + 1), "warn once only: " + output);
        assertTrue(output.contains("panamax.iouring.disable"), "the warning must say why: " + output);
    }

    /** Opens two files with the default engine and reads one back, in a JVM where io_uring is disabled. */
    static final class FallbackChild {
        public static void main(String[] args) throws Exception {
            Path d = Path.of(args[0]);
            try (Arena arena = Arena.ofShared();
                    UringFile a = UringFile.open(d.resolve("a"), EnumSet.of(OpenFlag.READ, OpenFlag.WRITE,
                            OpenFlag.CREATE), 0644);
                    UringFile b = UringFile.open(d.resolve("b"), EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE), 0644)) {
                a.write(arena.allocate(5), 0).get(5, TimeUnit.SECONDS);
                int read = a.read(arena.allocate(16), 0).get(5, TimeUnit.SECONDS);
                System.out.println("engine=" + a.engine() + " engine=" + b.engine() + " read=" + read);
            }
        }
    }
}
