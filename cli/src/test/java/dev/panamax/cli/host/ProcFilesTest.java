/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.host;

import dev.panamax.thread.CpuList;
import dev.panamax.thread.HostFs;
import dev.panamax.thread.HostFileException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ProcStatus, ProcLimits, Sysctl and HostFs itself. */
class ProcFilesTest {

    @TempDir
    Path tmp;

    @Test
    void shouldParseSeccompFieldsWhenFilterMode() throws Exception {
        FakeTree tree = new FakeTree(tmp).file("/proc/self/status",
                "Name:\tjava\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t3\nCpus_allowed_list:\t0-3,64-67");
        ProcStatus s = ProcStatus.read(tree.fs());
        assertEquals(Optional.of(2), s.seccompMode());
        assertEquals(Optional.of(3), s.seccompFilters());
        assertEquals(Optional.of(1), s.noNewPrivs());
        assertEquals("0-3,64-67", CpuList.format(s.cpusAllowed().orElseThrow()));
        assertEquals("filter", ProcStatus.seccompModeName(2));
    }

    @Test
    void shouldReturnEmptyWhenKernelLacksSeccomp() throws Exception {
        ProcStatus s = ProcStatus.read(new FakeTree(tmp).file("/proc/self/status", "Name:\tjava").fs());
        assertTrue(s.seccompMode().isEmpty());
        assertTrue(s.cpusAllowed().isEmpty());
    }

    @Test
    void shouldReadThisProcessWhenReadingRealProc() throws Exception {
        ProcStatus s = ProcStatus.read(HostFs.real());
        assertEquals(Optional.of("java"), s.field("Name").map(n -> n.startsWith("java") ? "java" : n));
        assertTrue(s.cpusAllowed().orElseThrow().cardinality() >= Runtime.getRuntime().availableProcessors());
    }

    @Test
    void shouldParseMemlockWhenLimitsListIt() throws Exception {
        FakeTree tree = new FakeTree(tmp).file("/proc/self/limits", String.join("\n",
                "Limit                     Soft Limit           Hard Limit           Units     ",
                "Max cpu time              unlimited            unlimited            seconds   ",
                "Max locked memory         8388608              unlimited            bytes     ",
                "Max realtime timeout      unlimited            unlimited            us        "));
        ProcLimits limits = ProcLimits.read(tree.fs());
        assertEquals(new ProcLimits.Limit("Max locked memory", 8388608, -1, "bytes"),
                limits.get("Max locked memory").orElseThrow());
        assertEquals(-1, limits.get("Max cpu time").orElseThrow().soft());
        assertTrue(limits.get("Max nice priority").isEmpty());
    }

    @Test
    void shouldReadMemlockWhenReadingRealProc() throws Exception {
        ProcLimits.Limit l = ProcLimits.read(HostFs.real()).get("Max locked memory").orElseThrow();
        assertTrue(l.hard() == -1 || l.soft() != -1 && l.soft() <= l.hard(), l.toString());
    }

    @Test
    void shouldMapDottedNameWhenReadingSysctl() throws Exception {
        assertEquals("/proc/sys/kernel/io_uring_disabled", Sysctl.path("kernel.io_uring_disabled"));
        FakeTree tree = new FakeTree(tmp).file("/proc/sys/kernel/io_uring_disabled", "2");
        assertEquals(2, Sysctl.readLong(tree.fs(), "kernel.io_uring_disabled"));
        assertThrows(IllegalArgumentException.class, () -> Sysctl.path("../etc/passwd"));
    }

    @Test
    void shouldMatchUnameWhenReadingRealOsrelease() throws Exception {
        assertEquals(System.getProperty("os.version"), Sysctl.read(HostFs.real(), "kernel.osrelease"));
    }

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
