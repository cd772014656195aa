/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Proves that a per-architecture test lane really ran on the architecture it claims. The lanes (the emulated
 * aarch64 one in {@code build-support/arm64/test.sh}, the CI runners) pass {@code -Dpanamax.expectArch=<os.arch>};
 * a plain {@code ./build verify} names no architecture, and this test is skipped there. The emulated lane also
 * passes {@code -Dpanamax.expectQemuUser=true}, proving that {@link QemuUser}, which tests use to skip what the
 * emulator does not do, recognises the emulation.
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
}
