/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Explains an {@code ENOSYS} answer to a {@link Feature} probe's syscall, the one place every probe takes that
 * sentence from. {@code ENOSYS} has three usual origins, each with a different fix: a qemu-user emulator that does
 * not implement the syscall, a seccomp filter that returns {@code ENOSYS} for syscalls it refuses or does not know
 * (Docker 25's default profile for io_uring, Docker 20.10's for futex2), and a kernel that really lacks it.
 */
final class Refusals {

    static final Path KERNEL_ARCH = Path.of("/proc/sys/kernel/arch");
    static final Path OSRELEASE = Path.of("/proc/sys/kernel/osrelease");
    static final Path STATUS = Path.of("/proc/self/status");

    private Refusals() {
    }

    /**
     * Builds the status for an {@code ENOSYS} answer.
     *
     * @param refusal     the errno message, e.g. {@code ENOSYS (io_uring_setup): Function not implemented}
     * @param syscall     the refused syscall
     * @param kernelHasIt whether the running kernel is known to have the syscall (version or sysfs evidence)
     * @param allow       the syscalls a seccomp profile must allow, e.g. {@code "io_uring_setup/io_uring_enter"}
     * @param profileNote which well-known profile does this, e.g. "Docker 25's default profile"; may be empty
     * @param kernelCause the sentence for a kernel without the syscall
     * @param kernelFix   how to fix a kernel without the syscall
     * @return a status whose cause names the most likely origin: unsupported for an emulator or a kernel without
     *         the syscall, disabled (supported but refused) for a seccomp filter
     */
    static Feature.Status enosys(String refusal, String syscall, boolean kernelHasIt, String allow,
                                 String profileNote, String kernelCause, String kernelFix) {
        String emulator = emulator();
        if (emulator != null) {
            return Feature.Status.unsupported(refusal + ": the emulator (qemu-user, " + emulator
                    + ") does not implement " + syscall, "run on a real " + System.getProperty("os.arch")
                    + " kernel, not under qemu-user");
        }
        if (kernelHasIt && seccompFilterActive()) {
            // The kernel supports it; the sandbox refuses it: disabled, not unsupported.
            return Feature.Status.disabled(refusal + ": this kernel (Linux " + kernelRelease() + ") has "
                    + syscall + ", so a seccomp filter probably returns ENOSYS for it"
                    + (profileNote.isEmpty() ? "" : " (" + profileNote + ", or a custom profile)"),
                    "allow " + allow + " in the seccomp profile, or run with --security-opt seccomp=unconfined");
        }
        return Feature.Status.unsupported(refusal + ": " + kernelCause, kernelFix);
    }

    /** Returns "os.arch X on a Y kernel" when the JVM's architecture differs from the kernel's, else null. */
    static String emulator() {
        String kernel = read(KERNEL_ARCH);
        if (kernel == null) {
            return null; // a kernel without the kernel.arch sysctl: assume no emulation
        }
        String os = System.getProperty("os.arch", "");
        Arch jvm = Arch.detect("Linux", os);
        Arch host = Arch.detect("Linux", kernel);
        return jvm != null && host != null && jvm != host ? "os.arch " + os + " on a " + kernel + " kernel" : null;
    }

    /** Tells whether {@code /proc/self/status} reports seccomp mode 2 (a filter). */
    static boolean seccompFilterActive() {
        String status = read(STATUS);
        if (status == null) {
            return false;
        }
        for (String line : status.split("\n")) {
            if (line.startsWith("Seccomp:")) {
                return line.substring("Seccomp:".length()).strip().equals("2");
            }
        }
        return false;
    }

    /** Tells whether the running kernel's release is at least {@code major.minor}; false when unknown. */
    static boolean kernelAtLeast(int major, int minor) {
        String release = kernelRelease();
        String[] parts = release.split("[.\\-+]");
        try {
            int ma = Integer.parseInt(parts[0]);
            int mi = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return ma > major || ma == major && mi >= minor;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static String kernelRelease() {
        String r = read(OSRELEASE);
        return r == null ? "unknown" : r;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path).strip();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
