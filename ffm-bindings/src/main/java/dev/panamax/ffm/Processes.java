/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.Check;
import dev.panamax.ffm.internal.ErrnoState;
import dev.panamax.ffm.internal.Native;
import dev.panamax.ffm.internal.Scratch;
import dev.panamax.ffm.internal.Words;
import dev.panamax.ffm.internal.uapi.Syscalls;
import dev.panamax.ffm.internal.uapi.membarrier_h;
import dev.panamax.ffm.internal.uapi.prctl_h;
import dev.panamax.ffm.internal.uapi.resource_h;
import dev.panamax.ffm.internal.uapi.rlimit;
import dev.panamax.ffm.internal.uapi.time_h;
import dev.panamax.ffm.internal.uapi.utsname;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Process and thread identity, signals, {@code prctl}, resource limits, {@code uname}, {@code membarrier} and the
 * monotonic clock.
 */
public final class Processes {

    /** {@code RLIM_INFINITY} as a Java long: no limit. */
    public static final long UNLIMITED = resource_h.RLIM_INFINITY();

    private static final int CLOCK_MONOTONIC = time_h.CLOCK_MONOTONIC();
    private static final int TASK_COMM_LEN = 16; // include/linux/sched.h: comm is 16 bytes, NUL included

    private Processes() {
    }

    /**
     * Returns the process ID.
     *
     * @return the PID
     * @see <a href="https://man7.org/linux/man-pages/man2/getpid.2.html">getpid(2)</a>
     */
    public static int getpid() {
        return (int) Syscalls.getpid(ErrnoState.current());
    }

    /**
     * Returns the parent's process ID.
     *
     * @return the parent PID
     * @see <a href="https://man7.org/linux/man-pages/man2/getppid.2.html">getppid(2)</a>
     */
    public static int getppid() {
        return (int) Syscalls.getppid(ErrnoState.current());
    }

    /**
     * Returns the calling thread's kernel thread ID (what futex PI words and {@code tgkill} use).
     *
     * @return the TID
     * @see <a href="https://man7.org/linux/man-pages/man2/gettid.2.html">gettid(2)</a>
     */
    public static int gettid() {
        return (int) Syscalls.gettid(ErrnoState.current());
    }

    /**
     * Sends a signal to a process. Only one process: {@code kill(2)} reads a pid of 0 as the caller's process group,
     * -1 as every process it may signal and other negatives as a group, which a pid left unset would reach.
     *
     * @param pid    the target PID, {@code > 0}
     * @param signal the signal, {@link Signal#NULL} to check only that the process exists and may be signalled
     * @throws ErrnoException           ESRCH if there is no such process, EPERM if not allowed
     * @throws IllegalArgumentException if {@code pid <= 0}
     * @see <a href="https://man7.org/linux/man-pages/man2/kill.2.html">kill(2)</a>
     */
    public static void kill(int pid, Signal signal) throws ErrnoException {
        Objects.requireNonNull(signal, "signal");
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be > 0 (one process), got " + pid + ": kill(2) reads "
                    + (pid == 0 ? "0 as the caller's process group" : pid == -1 ? "-1 as every process it may signal"
                    : "a negative pid as a process group"));
        }
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.kill(es, pid, signal.number()), es, "kill");
    }

    /**
     * Sends a signal to one thread of a process.
     *
     * @param tgid   the thread group (process) ID
     * @param tid    the thread ID
     * @param signal the signal
     * @throws ErrnoException ESRCH if the thread does not exist in that group
     * @see <a href="https://man7.org/linux/man-pages/man2/tgkill.2.html">tgkill(2)</a>
     */
    public static void tgkill(int tgid, int tid, Signal signal) throws ErrnoException {
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.tgkill(es, tgid, tid, signal.number()), es, "tgkill");
    }

    /**
     * Opens a file descriptor referring to a process, immune to PID reuse.
     *
     * @param pid the process
     * @return the pidfd, owned by the caller
     * @throws ErrnoException ESRCH if there is no such process
     * @see <a href="https://man7.org/linux/man-pages/man2/pidfd_open.2.html">pidfd_open(2)</a>
     */
    public static Fd pidfdOpen(int pid) throws ErrnoException {
        MemorySegment es = ErrnoState.current();
        return Fd.adopt(Check.intResult(Syscalls.pidfd_open(es, pid, 0), es, "pidfd_open"));
    }

    /**
     * Sends a signal to the process a pidfd refers to.
     *
     * @param pidfd  a descriptor from {@link #pidfdOpen}
     * @param signal the signal
     * @throws ErrnoException                           ESRCH if the process has exited
     * @throws java.nio.channels.ClosedChannelException if {@code pidfd} is closed
     * @throws java.io.IOException                      as the two above
     * @see <a href="https://man7.org/linux/man-pages/man2/pidfd_send_signal.2.html">pidfd_send_signal(2)</a>
     */
    public static void pidfdSendSignal(Fd pidfd, Signal signal) throws java.io.IOException {
        int fd = pidfd.fd();
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.pidfd_send_signal(es, fd, signal.number(), MemorySegment.NULL, 0), es,
                "pidfd_send_signal");
    }

    /**
     * Sets the calling thread's name ({@code PR_SET_NAME}); the kernel keeps at most 15 bytes.
     *
     * @param name the name; longer names are truncated by the kernel
     * @throws ErrnoException if the kernel refuses
     * @see <a href="https://man7.org/linux/man-pages/man2/pr_set_name.2const.html">PR_SET_NAME(2const)</a>
     */
    public static void setThreadName(String name) throws ErrnoException {
        Objects.requireNonNull(name, "name");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment str = arena.allocateFrom(name);
            MemorySegment es = ErrnoState.current();
            Check.result(Syscalls.prctl(es, prctl_h.PR_SET_NAME(), str.address(), 0, 0, 0), es, "prctl");
        }
    }

    /**
     * Returns the calling thread's name ({@code PR_GET_NAME}).
     *
     * @return the name, at most 15 bytes
     * @throws ErrnoException if the kernel refuses
     * @see <a href="https://man7.org/linux/man-pages/man2/pr_get_name.2const.html">PR_GET_NAME(2const)</a>
     */
    public static String threadName() throws ErrnoException {
        MemorySegment buf = Scratch.current().asSlice(0, TASK_COMM_LEN);
        buf.fill((byte) 0);
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.prctl(es, prctl_h.PR_GET_NAME(), buf.address(), 0, 0, 0), es, "prctl");
        return buf.getString(0, StandardCharsets.UTF_8);
    }

    /**
     * Sets the signal the calling thread gets when its parent thread dies ({@code PR_SET_PDEATHSIG}).
     *
     * @param signal the signal, {@link Signal#NULL} to clear
     * @throws ErrnoException EINVAL for an invalid signal
     * @see <a href="https://man7.org/linux/man-pages/man2/pr_set_pdeathsig.2const.html">PR_SET_PDEATHSIG(2const)</a>
     */
    public static void setParentDeathSignal(Signal signal) throws ErrnoException {
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.prctl(es, prctl_h.PR_SET_PDEATHSIG(), signal.number(), 0, 0, 0), es, "prctl");
    }

    /**
     * Returns the parent death signal number ({@code PR_GET_PDEATHSIG}).
     *
     * @return the signal number, 0 if none is set
     * @throws ErrnoException if the kernel refuses
     * @see <a href="https://man7.org/linux/man-pages/man2/pr_get_pdeathsig.2const.html">PR_GET_PDEATHSIG(2const)</a>
     */
    public static int parentDeathSignal() throws ErrnoException {
        MemorySegment out = Scratch.current();
        out.set(Native.C_INT, 0, 0);
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.prctl(es, prctl_h.PR_GET_PDEATHSIG(), out.address(), 0, 0, 0), es, "prctl");
        return out.get(Native.C_INT, 0);
    }

    /**
     * Returns the calling thread's seccomp mode ({@code PR_GET_SECCOMP}): 0 disabled, 1 strict, 2 filter.
     *
     * @return the mode
     * @throws ErrnoException EINVAL on a kernel built without seccomp
     * @see <a href="https://man7.org/linux/man-pages/man2/pr_get_seccomp.2const.html">PR_GET_SECCOMP(2const)</a>
     */
    public static int seccompMode() throws ErrnoException {
        MemorySegment es = ErrnoState.current();
        return Check.intResult(Syscalls.prctl(es, prctl_h.PR_GET_SECCOMP(), 0, 0, 0, 0), es, "prctl");
    }

    /**
     * The kernel's identification, from {@code uname(2)}.
     *
     * @param sysname  the kernel name, {@code Linux}
     * @param nodename the host name
     * @param release  the kernel release, e.g. {@code 6.8.0-45-generic}
     * @param version  the build version string
     * @param machine  the hardware name, e.g. {@code x86_64}
     */
    public record Uname(String sysname, String nodename, String release, String version, String machine) {
    }

    /**
     * Returns the kernel's identification.
     *
     * @return the fields of {@code struct new_utsname}
     * @throws ErrnoException if the kernel refuses (EFAULT only)
     * @see <a href="https://man7.org/linux/man-pages/man2/uname.2.html">uname(2)</a>
     */
    public static Uname uname() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment u = utsname.allocate(arena);
            MemorySegment es = ErrnoState.current();
            Check.result(Syscalls.uname(es, u), es, "uname");
            return new Uname(utsname.sysname(u).getString(0), utsname.nodename(u).getString(0),
                    utsname.release(u).getString(0), utsname.version(u).getString(0),
                    utsname.machine(u).getString(0));
        }
    }

    /** Resources for {@link #resourceLimit} and {@link #setResourceLimit}. */
    public enum Resource {
        /** RLIMIT_MEMLOCK: bytes of memory that may be locked ({@code mlock}, io_uring rings on old kernels). */
        MEMLOCK(resource_h.RLIMIT_MEMLOCK()),
        /** RLIMIT_NOFILE: one more than the highest file descriptor number. */
        NOFILE(resource_h.RLIMIT_NOFILE()),
        /** RLIMIT_AS: bytes of virtual address space. */
        AS(resource_h.RLIMIT_AS()),
        /** RLIMIT_STACK: bytes of the main thread's stack. */
        STACK(resource_h.RLIMIT_STACK()),
        /** RLIMIT_RTPRIO: the highest real-time priority settable without privilege. */
        RTPRIO(resource_h.RLIMIT_RTPRIO());

        private final int number;

        Resource(long number) {
            this.number = (int) number;
        }
    }

    /**
     * A soft and hard resource limit; {@link #UNLIMITED} means no limit.
     *
     * @param soft the limit the kernel enforces
     * @param hard the ceiling for the soft limit
     */
    public record Limit(long soft, long hard) {
    }

    /**
     * Returns a resource limit of a process ({@code prlimit64} with no new limit).
     *
     * @param pid      the process, 0 for the caller
     * @param resource the resource
     * @return the limit
     * @throws ErrnoException ESRCH if there is no such process
     * @see <a href="https://man7.org/linux/man-pages/man2/prlimit.2.html">prlimit(2)</a>
     */
    public static Limit resourceLimit(int pid, Resource resource) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = rlimit.allocate(arena);
            MemorySegment es = ErrnoState.current();
            Check.result(Syscalls.prlimit64(es, pid, resource.number, MemorySegment.NULL, old), es, "prlimit64");
            return new Limit(rlimit.rlim_cur(old), rlimit.rlim_max(old));
        }
    }

    /**
     * Sets a resource limit of a process ({@code prlimit64}) and returns the previous one.
     *
     * @param pid      the process, 0 for the caller
     * @param resource the resource
     * @param limit    the new limit; {@code soft} must not exceed {@code hard}
     * @return the previous limit
     * @throws ErrnoException EPERM when raising the hard limit without CAP_SYS_RESOURCE, EINVAL if soft > hard
     * @see <a href="https://man7.org/linux/man-pages/man2/prlimit.2.html">prlimit(2)</a>
     */
    public static Limit setResourceLimit(int pid, Resource resource, Limit limit) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment next = rlimit.allocate(arena);
            rlimit.rlim_cur(next, limit.soft());
            rlimit.rlim_max(next, limit.hard());
            MemorySegment old = rlimit.allocate(arena);
            MemorySegment es = ErrnoState.current();
            Check.result(Syscalls.prlimit64(es, pid, resource.number, next, old), es, "prlimit64");
            return new Limit(rlimit.rlim_cur(old), rlimit.rlim_max(old));
        }
    }

    /** {@code membarrier(2)} commands. */
    public enum MembarrierCommand {
        /** Every running thread of every process passes a full barrier (slow: waits for an RCU grace period). */
        GLOBAL(membarrier_h.MEMBARRIER_CMD_GLOBAL()),
        /** Every running thread of processes registered for it passes a full barrier. */
        GLOBAL_EXPEDITED(membarrier_h.MEMBARRIER_CMD_GLOBAL_EXPEDITED()),
        /** Registers this process for {@link #GLOBAL_EXPEDITED}. */
        REGISTER_GLOBAL_EXPEDITED(membarrier_h.MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED()),
        /** Every running thread of this process passes a full barrier (IPIs; needs registration). */
        PRIVATE_EXPEDITED(membarrier_h.MEMBARRIER_CMD_PRIVATE_EXPEDITED()),
        /** Registers this process for {@link #PRIVATE_EXPEDITED}. */
        REGISTER_PRIVATE_EXPEDITED(membarrier_h.MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED()),
        /** Restarts the rseq critical sections of this process's running threads (needs registration). */
        PRIVATE_EXPEDITED_RSEQ(membarrier_h.MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ()),
        /** Registers this process for {@link #PRIVATE_EXPEDITED_RSEQ}. */
        REGISTER_PRIVATE_EXPEDITED_RSEQ(membarrier_h.MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ());

        private final int command;

        MembarrierCommand(long command) {
            this.command = (int) command;
        }

        /**
         * Returns the command's bit in the mask {@link #membarrierQuery()} returns.
         *
         * @return the {@code MEMBARRIER_CMD_*} value
         */
        public int bit() {
            return command;
        }
    }

    /**
     * Returns the mask of supported {@code membarrier} commands ({@code MEMBARRIER_CMD_QUERY}).
     *
     * @return a bit mask of {@link MembarrierCommand#bit()} values
     * @throws ErrnoException ENOSYS on kernels without membarrier
     * @see <a href="https://man7.org/linux/man-pages/man2/membarrier.2.html">membarrier(2)</a>
     */
    public static int membarrierQuery() throws ErrnoException {
        MemorySegment es = ErrnoState.current();
        return Check.intResult(Syscalls.membarrier(es, membarrier_h.MEMBARRIER_CMD_QUERY(), 0, 0), es,
                "membarrier");
    }

    /**
     * Issues a {@code membarrier} command.
     *
     * @param command the command
     * @throws ErrnoException EPERM if an expedited command is used before its registration, EINVAL if unsupported
     * @see <a href="https://man7.org/linux/man-pages/man2/membarrier.2.html">membarrier(2)</a>
     */
    public static void membarrier(MembarrierCommand command) throws ErrnoException {
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.membarrier(es, command.command, 0, 0), es, "membarrier");
    }

    /**
     * Returns CLOCK_MONOTONIC in nanoseconds, the clock of futex deadlines.
     *
     * @return nanoseconds since an unspecified start (boot)
     * @see <a href="https://man7.org/linux/man-pages/man2/clock_gettime.2.html">clock_gettime(2)</a>
     */
    public static long clockMonotonicNanos() {
        MemorySegment ts = Scratch.current();
        MemorySegment es = ErrnoState.current();
        // CLOCK_MONOTONIC with a valid pointer cannot fail (EINVAL/EFAULT are impossible here).
        Syscalls.clock_gettime(es, CLOCK_MONOTONIC, ts);
        return Words.nanos(ts);
    }
}
