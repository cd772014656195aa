/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.thread;

import dev.panamax.ffm.CpuSet;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Sched;

import java.util.Objects;

/**
 * Pins threads to CPUs ({@code sched_setaffinity}) and reads where they may and do run. A {@code tid} is a kernel
 * thread id ({@link NativeThread#tid()}, {@code /proc/self/task/<tid>}); 0 means the calling thread. Pinning a
 * Java platform thread pins its carrier OS thread; pinning from a virtual thread pins whichever carrier runs it at
 * that moment, which is rarely what is meant.
 *
 * <p>Pinning to a CPU that is not online throws {@link IllegalArgumentException}; pinning only to CPUs outside
 * the process's cgroup cpuset (or taskset) fails with EINVAL whose message names those CPUs and the allowed set.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/sched_setaffinity.2.html">sched_setaffinity(2)</a>
 */
public final class Affinity {

    private Affinity() {
    }

    /**
     * Pins the calling thread to one CPU.
     *
     * @param cpu the CPU number, online
     * @throws IllegalArgumentException when {@code cpu} is negative or not online
     * @throws ErrnoException EINVAL when the CPU is outside the allowed set (message names it and the set)
     */
    public static void pin(int cpu) throws ErrnoException {
        pin(0, cpuSetOf(cpu));
    }

    /**
     * Restricts the calling thread to a set of CPUs.
     *
     * @param cpus the CPUs, not empty, all online
     * @throws IllegalArgumentException when {@code cpus} is empty or names CPUs that are not online
     * @throws ErrnoException EINVAL when no CPU of the set is allowed (message names them and the allowed set)
     */
    public static void pin(CpuSet cpus) throws ErrnoException {
        pin(0, cpus);
    }

    /**
     * Restricts a thread to a set of CPUs.
     *
     * @param tid the thread, 0 for the caller
     * @param cpus the CPUs, not empty, all online
     * @throws IllegalArgumentException when {@code tid} is negative, {@code cpus} is empty or names CPUs that are
     *         not online
     * @throws ErrnoException ESRCH for no such thread, EINVAL when no CPU of the set is allowed, EPERM
     */
    public static void pin(int tid, CpuSet cpus) throws ErrnoException {
        checkTid(tid);
        Sched.setAffinity(tid, Objects.requireNonNull(cpus, "cpus"));
    }

    /**
     * Lets the calling thread run on every CPU the process may use.
     *
     * @throws ErrnoException when {@code sched_setaffinity} fails
     */
    public static void unpin() throws ErrnoException {
        unpin(0);
    }

    /**
     * Lets a thread run on every CPU the process may use: the online CPUs, which the kernel intersects with the
     * cgroup cpuset.
     *
     * @param tid the thread, 0 for the caller
     * @throws IllegalArgumentException when {@code tid} is negative
     * @throws ErrnoException ESRCH for no such thread, EPERM
     */
    public static void unpin(int tid) throws ErrnoException {
        checkTid(tid);
        Sched.setAffinity(tid, CpuSet.online());
    }

    /**
     * Returns the CPUs the calling thread may run on.
     *
     * @return its CPU set
     * @throws ErrnoException when {@code sched_getaffinity} fails
     */
    public static CpuSet cpus() throws ErrnoException {
        return cpus(0);
    }

    /**
     * Returns the CPUs a thread may run on.
     *
     * @param tid the thread, 0 for the caller
     * @return its CPU set
     * @throws IllegalArgumentException when {@code tid} is negative
     * @throws ErrnoException ESRCH for no such thread
     */
    public static CpuSet cpus(int tid) throws ErrnoException {
        checkTid(tid);
        return Sched.getAffinity(tid);
    }

    /**
     * Returns the CPU the calling thread runs on now ({@code getcpu}); it may have moved by the time the caller
     * looks, unless the thread is pinned to one CPU.
     *
     * @return the CPU number
     * @see <a href="https://man7.org/linux/man-pages/man2/getcpu.2.html">getcpu(2)</a>
     */
    public static int currentCpu() {
        return Sched.currentCpu();
    }

    /**
     * Returns the NUMA node of the CPU the calling thread runs on now ({@code getcpu}).
     *
     * @return the node number (0 without NUMA)
     */
    public static int currentNode() {
        return Sched.currentNode();
    }

    private static CpuSet cpuSetOf(int cpu) {
        if (cpu < 0) {
            throw new IllegalArgumentException("CPU number must be >= 0: " + cpu);
        }
        return CpuSet.of(cpu);
    }

    private static void checkTid(int tid) {
        if (tid < 0) {
            throw new IllegalArgumentException("tid must be >= 0 (0: the calling thread): " + tid);
        }
    }
}
