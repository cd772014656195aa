/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells tests whether this JVM runs under qemu-user emulation (the aarch64 lane of
 * {@code build-support/arm64/test.sh}), found from the kernel rather than from a flag: the JVM's {@code os.arch}
 * names one architecture while the kernel's {@code /proc/sys/kernel/arch} names another. On real hardware of either
 * architecture this is false, so a test that skips with {@link #reason(String)} still runs, and fails, there.
 *
 * <p>qemu-user deviates from a kernel in ways that are not ENOSYS: it answers {@code madvise} hints other than
 * {@code MADV_DONTNEED}, {@code MADV_WIPEONFORK} and {@code MADV_KEEPONFORK} with 0 without calling the kernel; it
 * refuses {@code PR_GET_SECCOMP}/{@code PR_SET_SECCOMP} (and the THP, TSC and unaligned-access prctls) with
 * EINVAL; and its {@code statx} (qemu 10.0) leaves {@code stx_dio_mem_align}/{@code stx_dio_offset_align} 0.
 * Only such tests may skip with this, and only for the assertions the emulator cannot honour.
 */
public final class QemuUser {

    private static final boolean ACTIVE = detect();

    private QemuUser() {
    }

    /**
     * Tells whether this JVM is emulated by qemu-user on a kernel of another architecture.
     *
     * @return true when {@code os.arch} and the kernel's architecture differ
     */
    public static boolean isActive() {
        return ACTIVE;
    }

    /**
     * Builds an assumption message naming the emulator and what it does not do.
     *
     * @param what the behaviour qemu-user does not emulate, e.g. "madvise(MADV_POPULATE_WRITE) is a no-op"
     * @return the message for {@code assumeFalse(QemuUser.isActive(), ...)}
     */
    public static String reason(String what) {
        return "qemu-user emulation (os.arch=" + System.getProperty("os.arch") + " on a " + kernelArch()
                + " kernel): " + what + "; the test runs where there is no emulation";
    }

    static String kernelArch() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/arch")).trim();
        } catch (IOException | UnsupportedOperationException e) {
            return "";   // a kernel without the kernel.arch sysctl: assume no emulation
        }
    }

    private static boolean detect() {
        Arch jvm = Arch.detect(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
        Arch kernel = Arch.detect("Linux", kernelArch());
        return jvm != null && kernel != null && jvm != kernel;
    }
}
