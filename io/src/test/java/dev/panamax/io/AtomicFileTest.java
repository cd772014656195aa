/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFileTest {

    @TempDir
    Path dir;

    private long entries() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void shouldCreateFileWhenMissing() throws IOException {
        Path f = dir.resolve("config.json");
        AtomicFile.replace(f, "{\"v\":1}".getBytes(StandardCharsets.UTF_8));
        assertEquals("{\"v\":1}", Files.readString(f));
        assertEquals(1, entries());
    }

    @Test
    void shouldReplaceContentsAndLeaveNoTemporaryFile() throws IOException {
        Path f = dir.resolve("state");
        Files.writeString(f, "old contents that are longer than the new ones");
        long inode = (long) Files.getAttribute(f, "unix:ino");
        AtomicFile.replace(f, "new".getBytes(StandardCharsets.UTF_8));
        assertEquals("new", Files.readString(f));
        assertTrue(inode != (long) Files.getAttribute(f, "unix:ino"), "replaced by rename, not rewritten in place");
        assertEquals(1, entries());
    }

    @Test
    void shouldReplaceFromNativeSegmentAndWithEmptyContents() throws IOException {
        Path f = dir.resolve("blob");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(10_000);
            m.fill((byte) 7);
            AtomicFile.replace(f, m);
        }
        byte[] expected = new byte[10_000];
        java.util.Arrays.fill(expected, (byte) 7);
        assertArrayEquals(expected, Files.readAllBytes(f));
        AtomicFile.replace(f, new byte[0]);
        assertEquals(0, Files.size(f));
    }

    @Test
    void shouldFailWithNamedErrnoWhenDirectoryIsMissing() {
        Path f = dir.resolve("missing").resolve("file");
        ErrnoException e = assertThrows(ErrnoException.class, () -> AtomicFile.replace(f, new byte[1]));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().startsWith("ENOENT (openat)"), e.getMessage());
    }

    @Test
    void shouldFailAndKeepOldContentsWhenTargetIsDirectory() throws IOException {
        Path sub = dir.resolve("sub");
        Files.createDirectories(sub);
        Files.writeString(sub.resolve("keep"), "x");
        ErrnoException e = assertThrows(ErrnoException.class, () -> AtomicFile.replace(sub, new byte[1]));
        assertEquals("renameat2", e.syscall());
        assertEquals("x", Files.readString(sub.resolve("keep")));
        assertEquals(1, entries());
    }
}
