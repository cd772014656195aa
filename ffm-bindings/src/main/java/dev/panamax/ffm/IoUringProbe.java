/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.uapi.io_uring_h;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The probe behind {@link IoUringSyscalls#FEATURE}: creates a real ring, maps it and reads
 * {@code IORING_REGISTER_PROBE}, so every refusal a user could meet (no syscall, sysctl, seccomp, memlock,
 * kernel too old for the probe) shows up here, once, with a sentence saying how to fix it.
 */
final class IoUringProbe {

    private static final Path DISABLED = Path.of("/proc/sys/kernel/io_uring_disabled");
    private static final Path GROUP = Path.of("/proc/sys/kernel/io_uring_group");
    private static final String ALLOW = "io_uring_setup/io_uring_enter/io_uring_register";

    private IoUringProbe() {
    }

    static Feature.Status probe() {
        try {
            Set<Integer> ops = IoUringSyscalls.probe();
            if (!ops.contains(io_uring_h.IORING_OP_NOP()) || !ops.contains(io_uring_h.IORING_OP_READ())) {
                return Feature.Status.unsupported("io_uring on this kernel lacks IORING_OP_READ (Linux 5.6)",
                        "upgrade the kernel to 5.6 or later");
            }
            return Feature.Status.available();
        } catch (ErrnoException e) {
            return statusOf(e);
        } catch (IOException e) {
            return Feature.Status.disabled("io_uring probe failed: " + e,
                    "check the failure against io_uring_setup(2) and mmap(2)");
        } catch (UnsupportedOperationException | IllegalCallerException e) {
            return Feature.Status.unsupported("io_uring cannot be probed: " + e.getMessage(),
                    e instanceof IllegalCallerException ? "run java with --enable-native-access=dev.panamax.ffm"
                            : "run on Linux x86_64 or aarch64");
        }
    }

    static Feature.Status statusOf(ErrnoException e) {
        Errno errno = e.errno();
        if (errno == Errno.ENOSYS) {
            return Refusals.enosys(e.getMessage(), e.syscall(), Refusals.kernelAtLeast(5, 6), ALLOW,
                    "Docker 25 and later's default profile returns ENOSYS for io_uring",
                    "this kernel (or a sandbox such as gVisor) has no io_uring; io_uring needs Linux 5.6 or later",
                    "run on Linux 5.6 or later, outside gVisor");
        }
        if (errno == Errno.EPERM || errno == Errno.EACCES) {
            return eperm(e.getMessage());
        }
        if (errno == Errno.ENOMEM) {
            return Feature.Status.disabled(e.getMessage() + ": the ring does not fit RLIMIT_MEMLOCK (kernels before "
                    + "5.12 charge rings to locked memory)", "raise it with 'ulimit -l unlimited' or LimitMEMLOCK= in "
                    + "the systemd unit, or docker run --ulimit memlock=-1");
        }
        if (errno == Errno.EINVAL && "io_uring_register".equals(e.syscall())) {
            return Feature.Status.unsupported(e.getMessage() + ": this kernel has io_uring but not "
                    + "IORING_REGISTER_PROBE", "upgrade to Linux 5.6 or later");
        }
        return Feature.Status.disabled(e.getMessage() + ": io_uring could not create a ring",
                "see " + e.syscall() + "(2) for " + errno);
    }

    private static Feature.Status eperm(String refusal) {
        String disabled = read(DISABLED);
        if ("2".equals(disabled)) {
            return Feature.Status.disabled(refusal + ": io_uring is disabled for all processes by sysctl "
                    + "kernel.io_uring_disabled=2", "run 'sysctl -w kernel.io_uring_disabled=0' as root");
        }
        if ("1".equals(disabled)) {
            String group = read(GROUP);
            return Feature.Status.disabled(refusal + ": sysctl kernel.io_uring_disabled=1 allows io_uring only to "
                    + "root and to members of group " + (group == null || "-1".equals(group)
                    ? "kernel.io_uring_group (unset)" : "gid " + group), "add this user to that group (sysctl "
                    + "kernel.io_uring_group) or set kernel.io_uring_disabled=0");
        }
        return Feature.Status.disabled(refusal + ": io_uring_setup is blocked, most likely by a seccomp filter "
                + "(Docker's and containerd's default profiles block io_uring)", "allow " + ALLOW
                + " in the seccomp profile, or run with --security-opt seccomp=unconfined");
    }

    private static String read(Path path) {
        try {
            return Files.readString(path).strip();
        } catch (IOException | SecurityException e) {
            return null; // kernels before 6.6 have no such sysctl
        }
    }
}
