/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.ErrnoState;
import dev.panamax.ffm.internal.Native;
import dev.panamax.ffm.internal.Scratch;
import dev.panamax.ffm.internal.uapi.Syscalls;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

/** The kernel probes behind {@link Feature}: each asks the running kernel, never a version number. */
final class Probes {

    static final Path THP_ENABLED = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    static final Path THP_PMD_SIZE = Path.of("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
    static final Path NR_HUGEPAGES = Path.of("/proc/sys/vm/nr_hugepages");
    static final Path NR_OVERCOMMIT_HUGEPAGES = Path.of("/proc/sys/vm/nr_overcommit_hugepages");
    static final Path MEMINFO = Path.of("/proc/meminfo");
    static final Path NODE_DIR = Path.of("/sys/devices/system/node");

    private Probes() {
    }

    static Feature.Status futex2() {
        MemorySegment word = Scratch.current().asSlice(0, Integer.BYTES);
        MemorySegment es = ErrnoState.current();
        // Waking nobody on a private word succeeds (returns 0) wherever the syscall exists.
        long raw = Syscalls.futex_wake(es, word, 0xFFFF_FFFFL, 0, Futex.flags2(false));
        return fromSyscall(raw, es, "futex_wake", Refusals.kernelAtLeast(6, 7),
                "futex_wait/futex_wake/futex_requeue", "Docker 20.10's default profile does not know futex_wake",
                "futex2 (futex_wait/futex_wake) needs Linux 6.7 or later", "upgrade to Linux 6.7 or later",
                "");
    }

    static Feature.Status futexWaitv() {
        MemorySegment es = ErrnoState.current();
        // Zero futexes is invalid: EINVAL proves the syscall exists, ENOSYS that it does not.
        long raw = Syscalls.futex_waitv(es, MemorySegment.NULL, 0, 0, MemorySegment.NULL, 0);
        if (raw == -1 && Native.errno(es) == Errno.EINVAL.value()) {
            return Feature.Status.available();
        }
        return fromSyscall(raw, es, "futex_waitv", Refusals.kernelAtLeast(5, 16), "futex_waitv",
                "profiles older than the syscall, such as Docker 20.10's default, do not know it",
                "futex_waitv needs Linux 5.16 or later", "upgrade to Linux 5.16 or later", "");
    }

    static Feature.Status numa() {
        MemorySegment es = ErrnoState.current();
        long raw = Syscalls.get_mempolicy(es, MemorySegment.NULL, MemorySegment.NULL, 0, MemorySegment.NULL, 0);
        // A kernel built with CONFIG_NUMA has /sys/devices/system/node, whatever the filter says.
        Feature.Status s = fromSyscall(raw, es, "get_mempolicy", Files.isDirectory(NODE_DIR),
                "mbind/get_mempolicy/set_mempolicy/move_pages", "",
                "NUMA syscalls are missing: the kernel lacks CONFIG_NUMA", "run on a kernel built with CONFIG_NUMA",
                ", or grant CAP_SYS_NICE (docker run --cap-add SYS_NICE), with which Docker's default profile "
                        + "allows them");
        if (s.enabled()) {
            try {
                int nodes = NodeSet.online().size();
                if (nodes < 1) {
                    return Feature.Status.disabled("no NUMA node is online in /sys/devices/system/node/online",
                            "bring a node online");
                }
            } catch (RuntimeException e) {
                return Feature.Status.disabled("cannot read /sys/devices/system/node/online (" + e.getMessage()
                        + ")", "mount sysfs");
            }
        }
        return s;
    }

    /**
     * Classifies a probe syscall's answer. ENOSYS goes to {@link Refusals#enosys}; EPERM is a seccomp filter, fixed
     * by allowing {@code allow} in the profile ({@code epermAlternative} adds a feature-specific way out).
     */
    private static Feature.Status fromSyscall(long raw, MemorySegment es, String syscall, boolean kernelHasIt,
                                              String allow, String profileNote, String kernelCause,
                                              String kernelFix, String epermAlternative) {
        if (raw != -1) {
            return Feature.Status.available();
        }
        int errno = Native.errno(es);
        String refusal = ErrnoException.message(syscall, errno);
        if (errno == Errno.ENOSYS.value()) {
            return Refusals.enosys(refusal, syscall, kernelHasIt, allow, profileNote, kernelCause, kernelFix);
        }
        if (errno == Errno.EPERM.value()) {
            return Feature.Status.disabled(syscall + " is blocked by a seccomp filter (" + refusal
                    + "), as under Docker's default profile", "allow " + allow + " in the seccomp profile"
                    + epermAlternative + ", or run with --security-opt seccomp=unconfined");
        }
        return Feature.Status.disabled("probe failed: " + refusal, "see " + syscall + "(2) for " + Errno.of(errno));
    }

    /** The transparent huge page mode, or null when the kernel has no THP. */
    static String thpMode() {
        try {
            String line = Files.readString(THP_ENABLED).strip(); // e.g. "always [madvise] never"
            int open = line.indexOf('[');
            int close = line.indexOf(']', open + 1);
            return open < 0 || close < 0 ? null : line.substring(open + 1, close);
        } catch (IOException e) {
            return null;
        }
    }

    /** The PMD-level huge page size: hpage_pmd_size where the kernel has it, else a page table's worth of pages. */
    static long thpPmdSize(long pageSize) {
        try {
            return Long.parseLong(Files.readString(THP_PMD_SIZE).strip());
        } catch (IOException | NumberFormatException e) {
            return pageSize * (pageSize / Long.BYTES); // a page table holds pageSize / 8 entries of 8 bytes
        }
    }

    static Feature.Status transparentHugePages() {
        String mode = thpMode();
        if (mode == null) {
            return Feature.Status.unsupported("the kernel has no transparent huge pages (no " + THP_ENABLED
                    + ")", "build it with CONFIG_TRANSPARENT_HUGEPAGE");
        }
        if (mode.equals("never")) {
            return Feature.Status.disabled("transparent huge pages are supported but disabled (mode never)",
                    "run 'echo madvise > " + THP_ENABLED + "' as root");
        }
        return Feature.Status.available();
    }

    static Feature.Status hugePages() {
        long pool;
        long overcommit;
        try {
            pool = Long.parseLong(Files.readString(NR_HUGEPAGES).strip());
            overcommit = Files.exists(NR_OVERCOMMIT_HUGEPAGES)
                    ? Long.parseLong(Files.readString(NR_OVERCOMMIT_HUGEPAGES).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            return Feature.Status.unsupported("the kernel has no hugetlbfs (no " + NR_HUGEPAGES + ")",
                    "build it with CONFIG_HUGETLBFS");
        }
        if (pool + overcommit <= 0) {
            return Feature.Status.disabled("hugetlbfs is supported but no huge pages are reserved (vm.nr_hugepages"
                    + " = 0)", "run 'sysctl -w vm.nr_hugepages=N' as root, or set vm.nr_overcommit_hugepages");
        }
        // A pool can be reserved and all in use: map one page to know. mmap reserves it, touching nothing.
        long size = hugePageSize();
        if (size > 0) {
            try {
                Memory.mapAnonymous(size, EnumSet.of(Memory.Protection.READ, Memory.Protection.WRITE),
                        EnumSet.of(Memory.MapFlag.HUGETLB)).close();
            } catch (ErrnoException e) {
                return Feature.Status.disabled("vm.nr_hugepages = " + pool + " and vm.nr_overcommit_hugepages = "
                        + overcommit + ", but mapping one " + size / 1024 + " KiB huge page failed (" + e.getMessage()
                        + "): the pool is in use", "raise vm.nr_hugepages or vm.nr_overcommit_hugepages");
            }
        }
        return Feature.Status.available();
    }

    /** The default huge page size in bytes from /proc/meminfo, or 0 if unknown. */
    static long hugePageSize() {
        try {
            List<String> lines = Files.readAllLines(MEMINFO);
            for (String line : lines) {
                if (line.startsWith("Hugepagesize:")) { // "Hugepagesize:    2048 kB"
                    String[] parts = line.substring("Hugepagesize:".length()).strip().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
