/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.thread.CpuList;
import dev.panamax.thread.HostFs;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ProcStatus, ProcLimits and Sysctl (HostFs itself: HostFsTest in primitives). */
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
}
