/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.containers;

import static dev.panamax.containers.InContainer.ALLOW_ALL;
import static dev.panamax.containers.InContainer.container;
import static dev.panamax.containers.InContainer.main;
import static dev.panamax.containers.InContainer.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.containers.probe.AffinityProbe;
import dev.panamax.containers.probe.MemoryProbe;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bindings under the limits a container runtime applies: a cgroup cpuset (docker {@code --cpuset-cpus}) and a
 * cgroup memory limit ({@code --memory}). The probes are test mains of this module printing {@code key=value}
 * lines; the tests assert on those lines and on the container's exit state.
 */
class ResourceLimitsInContainerTest {

    @BeforeAll
    static void requireDocker() {
        InContainer.requireDockerAndBaseImage();
    }


    @Test
    void shouldRefusePinningOutsideCpusetAndRunNativeThreadOnAllowedCpuWhenCpusetIsCpuOne() {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2,
                "a cpuset of CPU 1 needs a machine with at least two CPUs");
        InContainer.Result r = run(container(ALLOW_ALL, main(AffinityProbe.class, "0", "1"))
                .withCreateContainerCmdModifier(c -> c.getHostConfig().withCpusetCpus("1")));
        assertEquals(0, r.exitCode(), r.describe());
        Map<String, String> f = r.facts();
        // CPU 0 stays online (the cpuset does not hide it), which is why the kernel, not the argument check, refuses.
        assertTrue(f.getOrDefault("online", "").startsWith("0-"), r.describe());
        assertEquals("1", f.get("affinity.before"), r.describe());
        // The kernel's answer for a mask outside the cpuset is a bare EINVAL; the exception keeps the errno and the
        // call, and names the refused CPU and the allowed set.
        String refused = f.getOrDefault("setAffinity", "");
        assertTrue(refused.startsWith("ErrnoException: EINVAL (sched_setaffinity): Invalid argument: CPU 0 is "
                + "outside this process's allowed CPUs [1] (cgroup cpuset or taskset); allowed: 1 ("), r.describe());
        assertTrue(refused.endsWith("[errno EINVAL]"), r.describe());
        assertEquals("1", f.get("affinity.after"), r.describe());
        assertEquals("1 affinity 1", f.get("thread.allowed"), r.describe());
        assertTrue(f.getOrDefault("thread.forbidden", "").startsWith("ErrnoException: EINVAL (sched_setaffinity): "
                + "Invalid argument: CPU 0 is outside this process's allowed CPUs [1]"), r.describe());
        assertFalse(f.containsKey("thread.forbidden.ran"), "the task of a thread that could not be pinned ran:\n"
                + r.describe());
    }

    @Test
    void shouldTouchEveryPageWhenContainerHasNoMemoryLimit() {
        // The control for the OOM test below: the same probe and mapping complete without the limit.
        InContainer.Result r = run(container(ALLOW_ALL, main(MemoryProbe.class, "512", "128")));
        assertEquals(0, r.exitCode(), r.describe());
        assertFalse(r.oomKilled(), r.describe());
        Map<String, String> f = r.facts();
        assertEquals("512", f.get("touched.mib"), r.describe());
        assertEquals("true", f.get("touched.all"), r.describe());
    }

    @Test
    void shouldBeOomKilledPartWayWhenTouchingMoreAnonymousMemoryThanTheLimit() {
        long limit = 256L << 20;
        InContainer.Result r = run(container(ALLOW_ALL, main(MemoryProbe.class, "512", "8"))
                .withCreateContainerCmdModifier(c -> c.getHostConfig().withMemory(limit).withMemorySwap(limit)));
        // Documented behaviour: the 512 MiB mmap succeeds (charged lazily), touching pages is what hits the limit,
        // and the OOM killer answers with SIGKILL (exit 128 + 9), never an exception the JVM could catch.
        assertTrue(r.oomKilled(), "not OOM-killed:\n" + r.describe());
        assertEquals(137, r.exitCode(), r.describe());
        Map<String, String> f = r.facts();
        assertEquals("512", f.get("mapped.mib"), r.describe());
        assertFalse(f.containsKey("touched.all"), r.describe());
        List<Long> touched = r.stdout().lines().filter(l -> l.startsWith("touched.mib="))
                .map(l -> Long.parseLong(l.substring("touched.mib=".length()))).toList();
        long last = touched.isEmpty() ? 0 : touched.get(touched.size() - 1);
        // The JVM itself needs some of the 256 MiB, so the kill comes before 256 MiB but well after the start.
        assertTrue(last >= 64 && last < 256, "last progress " + last + " MiB:\n" + r.describe());
    }
}
