/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HostFs: documented paths in messages, size bound, natural order, root-relative resolution. */
class HostFsTest {

    @TempDir
    Path tmp;

    @Test
    void shouldNameDocumentedPathWhenFileIsMissing() {
        HostFileException e = assertThrows(HostFileException.class, () -> new HostFs(tmp).readLine("/sys/x/y"));
        assertEquals("cannot read /sys/x/y: no such file", e.getMessage());
        assertEquals("/sys/x/y", e.path());
    }

    @Test
    void shouldSayPermissionDeniedWhenFileIsUnreadable() throws Exception {
        FakeTree tree = new FakeTree(tmp).file("/sys/secret", "42");
        Path file = tmp.resolve("sys/secret");
        assertTrue(file.toFile().setReadable(false, false));
        boolean stillReadable = Files.isReadable(file);
        HostFs fs = tree.fs();
        if (stillReadable) {
            // root bypasses file permissions; a directory in place of a file fails the same way for everyone
            tree.dir("/sys/dir");
            HostFileException e = assertThrows(HostFileException.class, () -> fs.readLine("/sys/dir"));
            assertEquals("cannot read /sys/dir: is a directory", e.getMessage());
        } else {
            HostFileException e = assertThrows(HostFileException.class, () -> fs.readLine("/sys/secret"));
            assertEquals("cannot read /sys/secret: permission denied", e.getMessage());
        }
    }

    @Test
    void shouldRejectFileWhenLargerThanOneMebibyte() throws Exception {
        Path big = tmp.resolve("proc/big");
        Files.createDirectories(big.getParent());
        Files.write(big, new byte[(1 << 20) + 1]);
        HostFileException e = assertThrows(HostFileException.class, () -> new HostFs(tmp).read("/proc/big"));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }

    @Test
    void shouldSortNumericallyWhenListingDirectories() throws Exception {
        FakeTree tree = new FakeTree(tmp).dir("/sys/n/node10").dir("/sys/n/node2").dir("/sys/n/node1")
                .dir("/sys/n/other");
        assertEquals(List.of("node1", "node2", "node10"), tree.fs().list("/sys/n", "node*"));
    }

    @Test
    void shouldRejectRelativePathWhenResolving() {
        assertThrows(IllegalArgumentException.class, () -> HostFs.real().resolve("proc/self"));
        assertFalse(HostFs.real().exists("/proc/panamax-no-such-file"));
    }
}
