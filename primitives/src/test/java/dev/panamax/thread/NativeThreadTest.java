/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.ffm.CpuSet;
import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.NodeSet;
import dev.panamax.ffm.Numa;
import dev.panamax.ffm.Sched;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** NativeThread against the real kernel: attributes read back from inside the thread and from /proc. */
class NativeThreadTest {

    /** What a task saw of itself, recorded on the native thread. */
    private record Seen(int tid, int cpu, CpuSet cpus, String comm, String javaName, Numa.MemPolicy mem,
                        Sched.Policy sched) {
    }

    private static Seen look() throws Exception {
        int tid = Sched.gettid();
        return new Seen(tid, Affinity.currentCpu(), Affinity.cpus(),
                Files.readString(Path.of("/proc/self/task/" + tid + "/comm")).strip(),
                Thread.currentThread().getName(), null, Sched.getScheduler(0));
    }

    private static Seen run(NativeThread.Builder builder, boolean withMemPolicy) throws Exception {
        AtomicReference<Seen> seen = new AtomicReference<>();
        NativeThread t = builder.start(() -> {
            try {
                Seen s = look();
                if (withMemPolicy) {
                    s = new Seen(s.tid(), s.cpu(), s.cpus(), s.comm(), s.javaName(), Numa.threadPolicy(),
                            s.sched());
                }
                seen.set(s);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        int tid = t.tid();
        t.join();
        assertEquals(tid, seen.get().tid(), "tid() is the thread's gettid");
        return seen.get();
    }

    @Test
    void shouldRunOnCpuOneWithItsNameWhenStartedWithNameStackAndAffinity() throws Exception {
        assumeTrue(Affinity.cpus().contains(1), "CPU 1 must be online and allowed: " + Affinity.cpus());
        Seen s = run(NativeThread.builder().name("pmx-affine").stackSizeBytes(1L << 20).cpus(CpuSet.of(1)), false);
        assertEquals(1, s.cpu());
        assertEquals(CpuSet.of(1), s.cpus());
        assertEquals("pmx-affine", s.comm());
        assertEquals("pmx-affine", s.javaName());
        assertNotEquals(Sched.gettid(), s.tid());
    }

    @Test
    void shouldExposeNameWhenStarted() throws Exception {
        NativeThread t = NativeThread.builder().name("pmx-named").start(() -> { });
        assertEquals("pmx-named", t.name());
        assertTrue(t.tid() > 0);
        t.join();
    }

    private static NativeThread.Builder withPolicyOrSkip(Numa.Policy policy) {
        try {
            Numa.threadPolicy();
        } catch (ErrnoException e) {
            assumeTrue(e.errno() != Errno.ENOSYS && e.errno() != Errno.EPERM,
                    "get_mempolicy refused (kernel without CONFIG_NUMA or seccomp): " + e.getMessage());
        }
        return NativeThread.builder().memoryPolicy(policy, NodeSet.of(0));
    }

    @Test
    void shouldApplyPreferredPolicyOnNodeZeroBeforeTheTask() throws Exception {
        Seen s = run(withPolicyOrSkip(Numa.Policy.PREFERRED), true);
        assertEquals(new Numa.MemPolicy(Numa.Policy.PREFERRED, NodeSet.of(0)), s.mem());
        assertEquals(Numa.Policy.DEFAULT, Numa.threadPolicy().policy(), "the creator's policy is untouched");
    }

    @Test
    void shouldApplyBindPolicyOnNodeZeroBeforeTheTask() throws Exception {
        Seen s = run(withPolicyOrSkip(Numa.Policy.BIND), true);
        assertEquals(new Numa.MemPolicy(Numa.Policy.BIND, NodeSet.of(0)), s.mem());
    }

    @Test
    void shouldRunFifoOrSayWhyNotWhenAskedForRealTime() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        AtomicReference<Sched.Policy> policy = new AtomicReference<>();
        NativeThread t;
        try {
            t = NativeThread.builder().scheduler(Sched.Policy.FIFO, 10).start(() -> {
                ran.set(true);
                try {
                    policy.set(Sched.getScheduler(0));
                } catch (ErrnoException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (ErrnoException e) {
            assertEquals(Errno.EPERM, e.errno(), e.getMessage());
            assertTrue(e.getMessage().contains("CAP_SYS_NICE"), e.getMessage());
            assertTrue(e.getMessage().contains("RLIMIT_RTPRIO"), e.getMessage());
            assertFalse(ran.get(), "the task must not run when its policy is refused");
            return;
        }
        t.join();
        assertTrue(ran.get());
        assertEquals(Sched.Policy.FIFO, policy.get());
    }

    @Test
    void shouldNameCapSysNiceAndNotRunTaskWhenFifoIsRefused() throws Exception {
        // RLIMIT_RTPRIO 0 and no CAP_SYS_NICE: what an unprivileged service sees.
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/prlimit")),
                "needs setpriv and prlimit (util-linux) to drop CAP_SYS_NICE in a child JVM");
        Process p = SchedChild.builder(List.of("/usr/bin/prlimit", "--rtprio=0:0", "/usr/bin/setpriv",
                "--inh-caps=-sys_nice", "--bounding-set=-sys_nice")).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        assumeTrue(rc == 0 || !out.contains("setpriv"), "setpriv could not drop CAP_SYS_NICE here: " + out);
        assertEquals(0, rc, out);
        assertTrue(out.contains("REFUSED EPERM"), out);
        assertTrue(out.contains("CAP_SYS_NICE") && out.contains("RLIMIT_RTPRIO"), out);
        assertTrue(out.contains("TASK-NOT-RUN"), out);
    }

    @Test
    void shouldApplyBatchPolicyBeforeTheTask() throws Exception {
        Seen s = run(NativeThread.builder().scheduler(Sched.Policy.BATCH, 0), false);
        assertEquals(Sched.Policy.BATCH, s.sched());
        assertEquals(Sched.Policy.OTHER, Sched.getScheduler(0), "the creator's policy is untouched");
    }

    @Test
    void shouldRethrowTaskExceptionWhenJoined() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        NativeThread t = NativeThread.builder().start(() -> {
            throw boom;
        });
        ExecutionException e = assertThrows(ExecutionException.class, t::join);
        assertSame(boom, e.getCause());
    }

    @Test
    void shouldRefuseSecondJoin() throws Exception {
        NativeThread t = NativeThread.builder().start(() -> { });
        t.join();
        assertThrows(IllegalStateException.class, t::join);
    }

    @Test
    void shouldRejectBadAttributesBeforeStarting() {
        NativeThread.Builder b = NativeThread.builder();
        assertThrows(IllegalArgumentException.class, () -> b.scheduler(Sched.Policy.FIFO, 0));
        assertThrows(IllegalArgumentException.class, () -> b.scheduler(Sched.Policy.RR, 100));
        assertThrows(IllegalArgumentException.class, () -> b.scheduler(Sched.Policy.OTHER, 5));
        assertThrows(IllegalArgumentException.class, () -> b.scheduler(Sched.Policy.DEADLINE, 0));
        assertThrows(IllegalArgumentException.class, () -> b.memoryPolicy(Numa.Policy.BIND, NodeSet.empty()));
        assertThrows(IllegalArgumentException.class, () -> b.memoryPolicy(Numa.Policy.LOCAL, NodeSet.of(0)));
        IllegalArgumentException offline = assertThrows(IllegalArgumentException.class,
                () -> b.memoryPolicy(Numa.Policy.BIND, NodeSet.of(1000)));
        assertTrue(offline.getMessage().contains("not online"), offline.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.name("a-name-longer-than-15"));
        assertThrows(IllegalArgumentException.class, () -> b.stackSizeBytes(4096));
        assertThrows(IllegalArgumentException.class, () -> b.cpus(CpuSet.empty()));
        assertThrows(NullPointerException.class, () -> b.start(null));
    }

    @Test
    void shouldNotRunTaskWhenCpuIsNotOnline() {
        AtomicBoolean ran = new AtomicBoolean();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeThread.builder().cpus(CpuSet.of(4095)).start(() -> ran.set(true)));
        assertTrue(e.getMessage().contains("4095"), e.getMessage());
        assertFalse(ran.get());
        assertInstanceOf(IllegalArgumentException.class, e);
    }
}
