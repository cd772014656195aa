/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.thread.HostFs;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountsTest {

    @TempDir
    Path tmp;

    @Test
    void shouldPickLongestAndLastMountWhenPathsNest() throws Exception {
        FakeTree tree = new FakeTree(tmp).file("/proc/self/mountinfo", String.join("\n",
                "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
                "40 22 0:40 / /tmp rw,nosuid shared:20 - tmpfs tmpfs rw",
                "41 40 0:41 / /tmp/ram rw - ramfs ramfs rw",
                "42 40 0:42 / /tmp/ram rw - tmpfs over rw",
                "43 22 8:2 / /data\\040disk rw - xfs /dev/sdb rw"));
        HostFs fs = tree.fs();
        assertEquals(new Mounts.Mount("/tmp/ram", "tmpfs", "over"), Mounts.of(fs, "/tmp/ram/x").orElseThrow());
        assertEquals("tmpfs", Mounts.of(fs, "/tmp").orElseThrow().fsType());
        assertEquals("ext4", Mounts.of(fs, "/tmpfoo").orElseThrow().fsType());
        assertEquals("xfs", Mounts.of(fs, "/data disk/db").orElseThrow().fsType());
    }

    @Test
    void shouldDescribeRootFileSystemWhenReadingThisMachine() {
        String d = Mounts.describe(HostFs.real(), Path.of("/"));
        assertTrue(d.endsWith(" on /") && !d.startsWith("unknown"), d);
    }
}
