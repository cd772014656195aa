/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.containers.probe;

import dev.panamax.ffm.IoUringSyscalls;
import dev.panamax.ffm.OpenFlag;
import dev.panamax.io.UringFile;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Opens a {@link UringFile} in {@code auto} engine mode, writes a pattern at three offsets, reads it back and prints
 * {@code key=value} facts: the engine used, whether the round trip was exact, the fallback warning UringFile logged
 * (captured from its {@code dev.panamax.io} logger) and the bindings' io_uring cause and fix.
 */
public final class UringFallbackProbe {

    private static final int CHUNK_BYTES = 12_288;
    private static final long[] OFFSETS = {0, 65_536, 1_048_576 + 512};
    private static final List<String> WARNINGS = new ArrayList<>();
    // Held strongly: JUL keeps loggers weakly, and a collected logger would lose the handler.
    private static final Logger IO_LOGGER = Logger.getLogger("dev.panamax.io");

    private UringFallbackProbe() {
    }

    /**
     * Entry point.
     *
     * @param args the directory for the scratch file
     * @throws Exception on an I/O failure (stack trace on stderr, exit 1)
     */
    public static void main(String[] args) throws Exception {
        IO_LOGGER.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (WARNINGS) {
                    WARNINGS.add(record.getLevel() + " " + record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        Path file = Files.createTempFile(Path.of(args[0]), "uring", ".dat");
        long mismatches = 0;
        long bytes = 0;
        try (Arena arena = Arena.ofShared();
             UringFile f = UringFile.open(file, EnumSet.of(OpenFlag.READ, OpenFlag.WRITE), 0644,
                     UringFile.Engine.AUTO)) {
            System.out.println("engine=" + f.engine());
            for (int i = 0; i < OFFSETS.length; i++) {
                MemorySegment out = pattern(arena, i);
                int written = f.write(out, OFFSETS[i]).get(30, TimeUnit.SECONDS);
                if (written != CHUNK_BYTES) {
                    throw new IllegalStateException("short write " + written + " at " + OFFSETS[i]);
                }
            }
            f.fdatasync().get(30, TimeUnit.SECONDS);
            for (int i = 0; i < OFFSETS.length; i++) {
                MemorySegment in = arena.allocate(CHUNK_BYTES);
                int read = f.read(in, OFFSETS[i]).get(30, TimeUnit.SECONDS);
                bytes += read;
                long at = in.asSlice(0, read).mismatch(pattern(arena, i));
                mismatches += at < 0 ? 0 : 1;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        System.out.println("roundtrip=" + (mismatches == 0 && bytes == (long) CHUNK_BYTES * OFFSETS.length
                ? "exact" : mismatches + " chunks differ") + " bytes=" + bytes);
        synchronized (WARNINGS) {
            System.out.println("warnings=" + WARNINGS.size());
            for (String w : WARNINGS) {
                System.out.println("warning=" + w.replace('\n', ' '));
            }
        }
        System.out.println("feature.cause=" + IoUringSyscalls.FEATURE.unavailabilityCause());
        System.out.println("feature.fix=" + IoUringSyscalls.FEATURE.unavailabilityFix());
    }

    private static MemorySegment pattern(Arena arena, int chunk) {
        MemorySegment s = arena.allocate(CHUNK_BYTES, 4096);
        for (int i = 0; i < CHUNK_BYTES; i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) (chunk * 37 + i * 7 + (i >>> 8)));
        }
        return s;
    }
}
