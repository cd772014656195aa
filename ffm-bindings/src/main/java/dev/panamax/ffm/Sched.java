/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.Bitmask;
import dev.panamax.ffm.internal.Check;
import dev.panamax.ffm.internal.ErrnoState;
import dev.panamax.ffm.internal.Native;
import dev.panamax.ffm.internal.Scratch;
import dev.panamax.ffm.internal.uapi.Syscalls;
import dev.panamax.ffm.internal.uapi.sched_h;
import dev.panamax.ffm.internal.uapi.sched_param;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * CPU placement and scheduling: the current CPU and NUMA node, CPU affinity and scheduling policy of a thread.
 * Thread arguments are kernel TIDs ({@link Processes#gettid()}); 0 means the calling thread.
 */
public final class Sched {

    private static final int LONG_BYTES = (int) Native.C_LONG.byteSize();
    private static final int MAX_MASK_BYTES = 1 << 20; // far beyond NR_CPUS (8192 on distribution kernels)

    // Grows to the kernel's cpumask size on the first EINVAL; racing writers store equal values.
    private static volatile int maskBytes = LONG_BYTES; // written by getAffinity, read by both affinity calls

    private Sched() {
    }

    /** Sets the first mask size getAffinity tries, so tests can make the kernel refuse it and see the retry. */
    static void startMaskBytes(int bytes) {
        maskBytes = bytes;
    }

    /**
     * Returns the calling thread's kernel thread ID.
     *
     * @return the TID
     * @see <a href="https://man7.org/linux/man-pages/man2/gettid.2.html">gettid(2)</a>
     */
    public static int gettid() {
        return Processes.gettid();
    }

    /**
     * The CPU and NUMA node a thread ran on when it asked.
     *
     * @param cpu  the CPU number
     * @param node the NUMA node number
     */
    public record CpuNode(int cpu, int node) {
    }

    /**
     * Returns the CPU and node the calling thread is running on; stale as soon as it is returned.
     *
     * @return the CPU and node
     * @see <a href="https://man7.org/linux/man-pages/man2/getcpu.2.html">getcpu(2)</a>
     */
    public static CpuNode getcpu() {
        MemorySegment out = getcpuRaw();
        return new CpuNode(out.get(Native.C_INT, 0), out.get(Native.C_INT, Native.C_INT.byteSize()));
    }

    /**
     * Returns the CPU the calling thread is running on, without allocating.
     *
     * @return the CPU number
     * @see <a href="https://man7.org/linux/man-pages/man2/getcpu.2.html">getcpu(2)</a>
     */
    public static int currentCpu() {
        return getcpuRaw().get(Native.C_INT, 0);
    }

    /**
     * Returns the NUMA node the calling thread is running on, without allocating.
     *
     * @return the node number
     * @see <a href="https://man7.org/linux/man-pages/man2/getcpu.2.html">getcpu(2)</a>
     */
    public static int currentNode() {
        return getcpuRaw().get(Native.C_INT, Native.C_INT.byteSize());
    }

    private static MemorySegment getcpuRaw() {
        MemorySegment out = Scratch.current();
        MemorySegment node = out.asSlice(Native.C_INT.byteSize());
        // getcpu only fails with EFAULT, impossible with scratch memory; the cache argument is unused since 2.6.24.
        Syscalls.getcpu(ErrnoState.current(), out, node, MemorySegment.NULL);
        return out;
    }

    /**
     * Returns the CPUs a thread may run on. The mask is sized from the kernel: a too small buffer gives EINVAL,
     * and the call is retried with twice the size.
     *
     * @param tid the thread, 0 for the caller
     * @return the allowed CPUs
     * @throws ErrnoException ESRCH if there is no such thread
     * @see <a href="https://man7.org/linux/man-pages/man2/sched_getaffinity.2.html">sched_getaffinity(2)</a>
     */
    public static CpuSet getAffinity(int tid) throws ErrnoException {
        int bytes = maskBytes;
        MemorySegment es = ErrnoState.current();
        while (true) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment mask = arena.allocate(bytes, LONG_BYTES);
                long raw = Syscalls.sched_getaffinity(es, tid, bytes, mask);
                // EINVAL means the buffer is smaller than the kernel's cpumask (nr_cpu_ids bits).
                if (raw == -1 && Check.lastErrno(es) == Errno.EINVAL.value() && bytes < MAX_MASK_BYTES) {
                    bytes *= 2;
                    maskBytes = bytes;
                    continue;
                }
                long copied = Check.result(raw, es, "sched_getaffinity"); // bytes the kernel wrote
                return CpuSet.fromWords(Bitmask.read(mask, copied));
            }
        }
    }

    /**
     * Restricts a thread to a set of CPUs. CPUs that are not online are reported before the call, since the
     * kernel would silently drop them (or fail with a bare EINVAL when none is left).
     *
     * @param tid  the thread, 0 for the caller
     * @param cpus the CPUs, not empty, all online
     * @throws IllegalArgumentException if {@code cpus} is empty or names CPUs that are not online
     * @throws ErrnoException           EINVAL if none of the CPUs is in the thread's cpuset (cgroup); its message
     *                                  then names the CPUs outside the allowed set and that set; EPERM
     * @see <a href="https://man7.org/linux/man-pages/man2/sched_setaffinity.2.html">sched_setaffinity(2)</a>
     */
    public static void setAffinity(int tid, CpuSet cpus) throws ErrnoException {
        if (cpus.isEmpty()) {
            throw new IllegalArgumentException("CPU set must not be empty");
        }
        CpuSet online = CpuSet.online();
        CpuSet offline = cpus.minus(online);
        if (!offline.isEmpty()) {
            throw new IllegalArgumentException("CPUs " + offline + " are not online (online: " + online
                    + "); sched_setaffinity would ignore them");
        }
        int needed = (cpus.bitLength() + Bitmask.WORD_BITS - 1) / Bitmask.WORD_BITS * LONG_BYTES;
        int bytes = Math.max(needed, maskBytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(bytes, LONG_BYTES);
            Bitmask.write(cpus.words(), mask);
            MemorySegment es = ErrnoState.current();
            long raw = Syscalls.sched_setaffinity(es, tid, bytes, mask);
            if (raw == -1 && Check.lastErrno(es) == Errno.EINVAL.value()) {
                // The kernel's only word for "no CPU of the mask is in the cpuset" is a bare EINVAL.
                String detail = outsideAllowed(cpus);
                if (detail != null) {
                    throw new ErrnoException("sched_setaffinity", Errno.EINVAL.value(), detail);
                }
            }
            Check.result(raw, es, "sched_setaffinity");
        }
    }

    /**
     * Names the requested CPUs outside the set this process may run on (its cgroup cpuset, else the
     * {@code Cpus_allowed_list} that taskset or the parent left), or returns null when none is, or that set is
     * unknown.
     */
    static String outsideAllowed(CpuSet requested) {
        String[] allowed = allowedCpus();
        if (allowed == null) {
            return null;
        }
        CpuSet set = CpuSet.parse(allowed[0]);
        CpuSet outside = requested.minus(set);
        if (outside.isEmpty()) {
            return null;
        }
        return (outside.size() == 1 ? "CPU " + outside + " is" : "CPUs " + outside + " are")
                + " outside this process's allowed CPUs [" + set + "] (cgroup cpuset or taskset); allowed: " + set
                + " (" + allowed[1] + ")";
    }

    /** The allowed CPU list and where it was read, or null. */
    private static String[] allowedCpus() {
        for (Path p : cpusetFiles()) {
            String list = read(p);
            if (list != null && !list.isEmpty()) {
                return new String[] {list, p.toString()};
            }
        }
        String status = read(Path.of("/proc/self/status"));
        if (status != null) {
            for (String line : status.split("\n")) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return new String[] {line.substring("Cpus_allowed_list:".length()).strip(),
                        "/proc/self/status Cpus_allowed_list"};
                }
            }
        }
        return null;
    }

    private static List<Path> cpusetFiles() {
        List<Path> files = new ArrayList<>();
        String cgroup = read(Path.of("/proc/self/cgroup"));
        if (cgroup != null) {
            for (String line : cgroup.split("\n")) {
                if (line.startsWith("0::/")) { // cgroup v2: the process's own group
                    files.add(Path.of("/sys/fs/cgroup" + line.substring(3), "cpuset.cpus.effective"));
                }
            }
        }
        files.add(Path.of("/sys/fs/cgroup/cpuset.cpus.effective")); // v2 with a private cgroup namespace
        files.add(Path.of("/sys/fs/cgroup/cpuset/cpuset.effective_cpus")); // v1
        return files;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path).strip();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** Scheduling policies. */
    public enum Policy {
        /** SCHED_OTHER (SCHED_NORMAL): the default time-sharing policy, priority 0. */
        OTHER(sched_h.SCHED_NORMAL()),
        /** SCHED_FIFO: real-time, first in first out, priority 1-99. */
        FIFO(sched_h.SCHED_FIFO()),
        /** SCHED_RR: real-time round robin, priority 1-99. */
        RR(sched_h.SCHED_RR()),
        /** SCHED_BATCH: CPU-bound batch work, priority 0. */
        BATCH(sched_h.SCHED_BATCH()),
        /** SCHED_IDLE: runs only when nothing else would, priority 0. */
        IDLE(sched_h.SCHED_IDLE()),
        /** SCHED_DEADLINE: reported by {@link #getScheduler}; set only through sched_setattr. */
        DEADLINE(sched_h.SCHED_DEADLINE()),
        /** SCHED_EXT (Linux 6.12): scheduled by a BPF scheduler when one is loaded, else as OTHER; priority 0. */
        EXT(sched_h.SCHED_EXT());

        private final int value;

        Policy(long value) {
            this.value = (int) value;
        }

        static Policy of(int value) {
            for (Policy p : values()) {
                if (p.value == value) {
                    return p;
                }
            }
            throw new IllegalStateException("unknown scheduling policy " + value + " from the kernel");
        }
    }

    /**
     * Sets a thread's scheduling policy and priority.
     *
     * @param tid      the thread, 0 for the caller
     * @param policy   the policy, not {@link Policy#DEADLINE}
     * @param priority 1-99 for FIFO and RR, 0 otherwise
     * @throws ErrnoException EINVAL for a priority outside the policy's range, EPERM without CAP_SYS_NICE
     * @see <a href="https://man7.org/linux/man-pages/man2/sched_setscheduler.2.html">sched_setscheduler(2)</a>
     */
    public static void setScheduler(int tid, Policy policy, int priority) throws ErrnoException {
        Objects.requireNonNull(policy, "policy");
        if (policy == Policy.DEADLINE) {
            throw new IllegalArgumentException("SCHED_DEADLINE needs sched_setattr(2) (runtime, deadline, period)");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment param = sched_param.allocate(arena);
            sched_param.sched_priority(param, priority);
            MemorySegment es = ErrnoState.current();
            Check.result(Syscalls.sched_setscheduler(es, tid, policy.value, param), es, "sched_setscheduler");
        }
    }

    /**
     * Returns a thread's scheduling policy.
     *
     * @param tid the thread, 0 for the caller
     * @return the policy
     * @throws ErrnoException ESRCH if there is no such thread
     * @see <a href="https://man7.org/linux/man-pages/man2/sched_getscheduler.2.html">sched_getscheduler(2)</a>
     */
    public static Policy getScheduler(int tid) throws ErrnoException {
        MemorySegment es = ErrnoState.current();
        int raw = Check.intResult(Syscalls.sched_getscheduler(es, tid), es, "sched_getscheduler");
        return Policy.of(raw & ~sched_h.SCHED_RESET_ON_FORK());
    }
}
