/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class ProcessesTest {

    @Test
    void shouldMatchJdkWhenAskingIdentity() {
        assertEquals(ProcessHandle.current().pid(), Processes.getpid());
        assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), Processes.getppid());
        assertTrue(Processes.gettid() > 0);
        assertEquals(Processes.gettid(), Sched.gettid());
    }

    @Test
    void shouldGiveEachThreadItsOwnTid() throws Exception {
        int other = CompletableFuture.supplyAsync(Processes::gettid, r -> new Thread(r).start())
                .get(10, TimeUnit.SECONDS);
        assertNotEquals(Processes.gettid(), other);
    }

    @Test
    void shouldCheckExistenceWhenSendingNullSignal() throws Exception {
        Processes.kill(Processes.getpid(), Signal.NULL);
        Processes.tgkill(Processes.getpid(), Processes.gettid(), Signal.NULL);
        ErrnoException e = assertThrows(ErrnoException.class, () -> Processes.kill(Integer.MAX_VALUE, Signal.NULL));
        assertSame(Errno.ESRCH, e.errno());
        assertEquals("ESRCH (kill): No such process", e.getMessage());
        ErrnoException t = assertThrows(ErrnoException.class,
                () -> Processes.tgkill(Processes.getpid(), Integer.MAX_VALUE, Signal.NULL));
        assertEquals("ESRCH (tgkill): No such process", t.getMessage());
    }

    @Test
    void shouldRefuseAPidThatNamesAGroupOrEveryProcess() {
        for (int pid : new int[] {0, -1, -Processes.getpid()}) {
            assertThrows(IllegalArgumentException.class, () -> Processes.kill(pid, Signal.NULL), "pid " + pid);
        }
    }

    @Test
    void shouldSignalChildWhenUsingPidfd() throws Exception {
        Process child = new ProcessBuilder("sleep", "60").start();
        try (Fd pidfd = Processes.pidfdOpen((int) child.pid())) {
            Processes.pidfdSendSignal(pidfd, Signal.TERM);
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            assertEquals(128 + Signal.TERM.number(), child.exitValue(), "the JDK reports death by signal as 128 + n");
            // The process is gone, but the pidfd still names it: no PID-reuse hazard, just ESRCH.
            ErrnoException e = assertThrows(ErrnoException.class, () -> Processes.pidfdSendSignal(pidfd, Signal.NULL));
            assertSame(Errno.ESRCH, e.errno());
            assertEquals("pidfd_send_signal", e.syscall());
        } finally {
            child.destroyForcibly();
        }
        ErrnoException e = assertThrows(ErrnoException.class, () -> Processes.pidfdOpen(Integer.MAX_VALUE));
        assertEquals("ESRCH (pidfd_open): No such process", e.getMessage());
    }

    @Test
    void shouldRoundTripThreadNameAndDeathSignalWhenUsingPrctl() throws Exception {
        String[] r = CompletableFuture.supplyAsync(() -> {
            try {
                Processes.setThreadName("panamax-prctl-long-name");
                Processes.setParentDeathSignal(Signal.USR1);
                String sig = Integer.toString(Processes.parentDeathSignal());
                Processes.setParentDeathSignal(Signal.NULL);
                return new String[] {Processes.threadName(), sig, Integer.toString(Processes.parentDeathSignal())};
            } catch (ErrnoException e) {
                throw new RuntimeException(e);
            }
        }, x -> new Thread(x).start()).get(10, TimeUnit.SECONDS);
        assertEquals("panamax-prctl-l", r[0], "the kernel keeps 15 bytes");
        assertEquals(Integer.toString(Signal.USR1.number()), r[1]);
        assertEquals("0", r[2]);
        assumeFalse(QemuUser.isActive(), QemuUser.reason("prctl(PR_GET_SECCOMP) is refused with EINVAL"));
        int mode = Processes.seccompMode();
        assertTrue(mode >= 0 && mode <= 2, "seccomp mode " + mode);
    }

    @Test
    void shouldThrowEinvalWhenSoftLimitExceedsHard() {
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> Processes.setResourceLimit(0, Processes.Resource.NOFILE, new Processes.Limit(2, 1)));
        assertSame(Errno.EINVAL, e.errno());
        assertEquals("EINVAL (prlimit64): Invalid argument", e.getMessage());
    }

    @Test
    void shouldReportKernelReleaseWhenCallingUname() throws ErrnoException {
        Processes.Uname u = Processes.uname();
        assertEquals("Linux", u.sysname());
        assertEquals(System.getProperty("os.version"), u.release());
        assertFalse(u.machine().isEmpty());
    }

    @Test
    void shouldRoundTripLimitWhenSettingSoftNofile() throws ErrnoException {
        Processes.Limit nofile = Processes.resourceLimit(0, Processes.Resource.NOFILE);
        assertTrue(nofile.soft() > 0 && Long.compareUnsigned(nofile.soft(), nofile.hard()) <= 0, nofile.toString());
        Processes.Limit memlock = Processes.resourceLimit(0, Processes.Resource.MEMLOCK);
        assertTrue(memlock.soft() == Processes.UNLIMITED || memlock.soft() >= 0, memlock.toString());
        Processes.Limit old = Processes.setResourceLimit(0, Processes.Resource.NOFILE,
                new Processes.Limit(nofile.soft() - 1, nofile.hard()));
        assertEquals(nofile, old);
        assertEquals(nofile.soft() - 1, Processes.resourceLimit(0, Processes.Resource.NOFILE).soft());
        Processes.setResourceLimit(0, Processes.Resource.NOFILE, nofile);
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> Processes.resourceLimit(Integer.MAX_VALUE, Processes.Resource.NOFILE));
        assertEquals("ESRCH (prlimit64): No such process", e.getMessage());
    }

    @Test
    void shouldIssueBarrierWhenRegisteredForPrivateExpedited() throws ErrnoException {
        int mask = Processes.membarrierQuery();
        int needed = Processes.MembarrierCommand.PRIVATE_EXPEDITED.bit();
        org.junit.jupiter.api.Assumptions.assumeTrue((mask & needed) != 0,
                "kernel without MEMBARRIER_CMD_PRIVATE_EXPEDITED (Linux 4.14)");
        Processes.membarrier(Processes.MembarrierCommand.REGISTER_PRIVATE_EXPEDITED);
        Processes.membarrier(Processes.MembarrierCommand.PRIVATE_EXPEDITED);
    }

    @Test
    void shouldThrowEpermWhenExpeditedCommandIsNotRegistered() throws ErrnoException {
        int rseq = Processes.MembarrierCommand.PRIVATE_EXPEDITED_RSEQ.bit();
        org.junit.jupiter.api.Assumptions.assumeTrue((Processes.membarrierQuery() & rseq) != 0,
                "kernel without MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ (Linux 5.10, CONFIG_RSEQ)");
        // No test registers this process for the rseq command, so the kernel refuses it.
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> Processes.membarrier(Processes.MembarrierCommand.PRIVATE_EXPEDITED_RSEQ));
        assertSame(Errno.EPERM, e.errno());
        assertEquals("EPERM (membarrier): Operation not permitted", e.getMessage());
    }

    @Test
    void shouldAdvanceWhenReadingMonotonicClock() {
        long a = Processes.clockMonotonicNanos();
        long b = Processes.clockMonotonicNanos();
        assertTrue(a > 0 && b >= a, a + " then " + b);
    }
}
