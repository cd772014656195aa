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
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedTest {

    @Test
    void shouldNameEveryPolicyTheKernelReports() {
        // What getScheduler may read back: SCHED_EXT (7) since Linux 6.12, for threads under a BPF scheduler.
        Sched.Policy[] expected = {Sched.Policy.OTHER, Sched.Policy.FIFO, Sched.Policy.RR, Sched.Policy.BATCH, null,
            Sched.Policy.IDLE, Sched.Policy.DEADLINE, Sched.Policy.EXT};
        for (int value = 0; value < expected.length; value++) {
            if (expected[value] != null) {
                assertEquals(expected[value], Sched.Policy.of(value), "policy " + value);
            }
        }
        assertThrows(IllegalStateException.class, () -> Sched.Policy.of(4)); // SCHED_ISO: reserved, never used
    }

    @Test
    void shouldReportOnlineCpuWhenAskingGetcpu() {
        CpuSet online = CpuSet.online();
        Sched.CpuNode where = Sched.getcpu();
        assertTrue(online.contains(where.cpu()), where + " not in " + online);
        assertTrue(NodeSet.online().contains(where.node()), where.toString());
        assertTrue(online.contains(Sched.currentCpu()));
        assertTrue(NodeSet.online().contains(Sched.currentNode()));
    }

    @Test
    void shouldPinThreadWhenSettingAffinity() throws Exception {
        CpuSet allowed = Sched.getAffinity(0);
        assertFalse(allowed.isEmpty());
        int cpu = allowed.toArray()[allowed.size() - 1];
        // In a fresh thread, so the test runner's threads keep their affinity.
        CompletableFuture<int[]> pinned = CompletableFuture.supplyAsync(() -> {
            try {
                Sched.setAffinity(0, CpuSet.of(cpu));
                CpuSet now = Sched.getAffinity(Sched.gettid());
                return new int[] {now.size(), now.toArray()[0], Sched.currentCpu()};
            } catch (ErrnoException e) {
                throw new RuntimeException(e);
            }
        }, r -> new Thread(r).start());
        int[] r = pinned.get(10, TimeUnit.SECONDS);
        assertEquals(1, r[0]);
        assertEquals(cpu, r[1]);
        assertEquals(cpu, r[2], "a thread pinned to one CPU runs there");
    }

    @Test
    void shouldRetryWithLargerMaskWhenKernelRefusesSize() throws ErrnoException {
        CpuSet expected = Sched.getAffinity(0);
        // 4 bytes is not a multiple of sizeof(long): the kernel answers EINVAL, and the mask doubles until accepted.
        Sched.startMaskBytes(4);
        assertEquals(expected, Sched.getAffinity(0));
    }

    @Test
    void shouldRejectOfflineCpusBeforeCalling() {
        int beyond = CpuSet.online().bitLength() + 100;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Sched.setAffinity(0, CpuSet.of(0, beyond)));
        assertTrue(e.getMessage().startsWith("CPUs " + beyond + " are not online (online: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sched.setAffinity(0, CpuSet.empty()));
        assertThrows(IllegalArgumentException.class, () -> CpuSet.of(-1));
    }

    @Test
    void shouldNameAllowedCpusWhenRequestedCpusAreOutsideThem() throws ErrnoException {
        // A CPU number past every online CPU is outside any cpuset; the process's own affinity is inside it.
        int beyond = CpuSet.online().bitLength() + 100;
        String detail = Sched.outsideAllowed(CpuSet.of(beyond));
        assertTrue(detail != null && detail.startsWith("CPU " + beyond + " is outside this process's allowed CPUs ["),
                detail);
        assertTrue(detail.contains("(cgroup cpuset or taskset); allowed: "), detail);
        assertEquals(null, Sched.outsideAllowed(Sched.getAffinity(0)));
        ErrnoException e = new ErrnoException("sched_setaffinity", Errno.EINVAL.value(), detail);
        assertEquals("EINVAL (sched_setaffinity): Invalid argument: " + detail, e.getMessage());
        assertSame(Errno.EINVAL, e.errno());
    }

    @Test
    void shouldThrowEsrchWhenThreadDoesNotExist() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Sched.getAffinity(Integer.MAX_VALUE));
        assertSame(Errno.ESRCH, e.errno());
        assertEquals("ESRCH (sched_getaffinity): No such process", e.getMessage());
        ErrnoException set = assertThrows(ErrnoException.class,
                () -> Sched.setAffinity(Integer.MAX_VALUE, CpuSet.of(0)));
        assertEquals("sched_setaffinity", set.syscall());
        ErrnoException get = assertThrows(ErrnoException.class, () -> Sched.getScheduler(Integer.MAX_VALUE));
        assertEquals("ESRCH (sched_getscheduler): No such process", get.getMessage());
    }

    @Test
    void shouldSwitchPolicyWhenSettingScheduler() throws Exception {
        CompletableFuture<Sched.Policy[]> run = CompletableFuture.supplyAsync(() -> {
            try {
                Sched.Policy before = Sched.getScheduler(0);
                Sched.setScheduler(0, Sched.Policy.BATCH, 0);
                Sched.Policy batch = Sched.getScheduler(Sched.gettid());
                Sched.setScheduler(0, Sched.Policy.OTHER, 0);
                return new Sched.Policy[] {before, batch, Sched.getScheduler(0)};
            } catch (ErrnoException e) {
                throw new RuntimeException(e);
            }
        }, r -> new Thread(r).start());
        Sched.Policy[] r = run.get(10, TimeUnit.SECONDS);
        assertEquals(Sched.Policy.OTHER, r[0]);
        assertEquals(Sched.Policy.BATCH, r[1]);
        assertEquals(Sched.Policy.OTHER, r[2]);
    }

    @Test
    void shouldThrowEinvalWhenPriorityIsOutOfRange() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Sched.setScheduler(0, Sched.Policy.FIFO, 100));
        assertSame(Errno.EINVAL, e.errno());
        assertEquals("EINVAL (sched_setscheduler): Invalid argument", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sched.setScheduler(0, Sched.Policy.DEADLINE, 0));
    }

    @Test
    void shouldRoundTripCpuSetsBeyond64Cpus() {
        CpuSet set = CpuSet.of(0, 63, 64, 200, 201, 202);
        assertEquals("0,63-64,200-202", set.toString());
        assertEquals(set, CpuSet.parse(set.toString()));
        assertEquals(203, set.bitLength());
        assertEquals(6, set.size());
        assertTrue(set.contains(200));
        assertFalse(set.contains(65));
        assertEquals(CpuSet.of(200, 201, 202), set.minus(CpuSet.parse("0-127")));
    }
}
