/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Proves that a per-architecture test lane really ran on the architecture it claims. The lanes (the emulated
 * aarch64 one in {@code build-support/arm64/test.sh}, the CI runners) pass {@code -Dpanamax.expectArch=<os.arch>};
 * a plain {@code ./build verify} names no architecture, and this test is skipped there. The emulated lane also
 * passes {@code -Dpanamax.expectQemuUser=true}, proving that {@link QemuUser}, which tests use to skip what the
 * emulator does not do, recognises the emulation. The 16 KiB-page VM lane ({@code build-support/vm/arm64-16k-lane.sh})
 * passes {@code -Dpanamax.expectPageSize=16384}, proving that its kernel really runs with that page size.
 */
class ArchLaneTest {

    @Test
    void shouldRunOnTheExpectedArchWhenALaneNamesOne() {
        String expected = System.getProperty("panamax.expectArch");
        assumeTrue(expected != null && !expected.isEmpty(),
                "no -Dpanamax.expectArch: only the per-architecture lanes name the os.arch they must run on");
        assertEquals(expected, System.getProperty("os.arch"), "os.arch of the JVM that runs the tests");
        assertEquals(Arch.detect(System.getProperty("os.name"), expected), Arch.current(),
                "Arch.current() must pick the tables of the expected architecture");
    }

    @Test
    void shouldRecogniseEmulationWhenALaneSaysItEmulates() {
        String expected = System.getProperty("panamax.expectQemuUser");
        assumeTrue(expected != null && !expected.isEmpty(),
                "no -Dpanamax.expectQemuUser: only the emulated lane says whether it emulates");
        assertEquals(Boolean.parseBoolean(expected), QemuUser.isActive(),
                "os.arch=" + System.getProperty("os.arch") + ", kernel.arch=" + QemuUser.kernelArch());
    }

    @Test
    void shouldSeeThePageSizeALaneNames() throws IOException {
        String expected = System.getProperty("panamax.expectPageSize");
        assumeTrue(expected != null && !expected.isEmpty(),
                "no -Dpanamax.expectPageSize: only the page-size lanes name the page size they must run with");
        assertEquals(Long.parseLong(expected), Memory.pageSize(), "Memory.pageSize() (getpagesize, AT_PAGESZ)");
        // The kernel's own word, independent of libc: each mapping's KernelPageSize in /proc/self/smaps.
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/smaps"))) {
            String kb = lines.filter(l -> l.startsWith("KernelPageSize:")).findFirst().orElseThrow()
                    .replaceAll("[^0-9]", "");
            assertEquals(Long.parseLong(expected), Long.parseLong(kb) * 1024, "KernelPageSize of /proc/self/smaps");
        }
    }
}
