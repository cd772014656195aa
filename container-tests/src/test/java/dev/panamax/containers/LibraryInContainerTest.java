/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.containers;

import static dev.panamax.containers.InContainer.ALLOW_ALL;
import static dev.panamax.containers.InContainer.ENOSYS;
import static dev.panamax.containers.InContainer.IO_URING;
import static dev.panamax.containers.InContainer.container;
import static dev.panamax.containers.InContainer.denying;
import static dev.panamax.containers.InContainer.main;
import static dev.panamax.containers.InContainer.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;

import dev.panamax.containers.probe.AllocProbe;
import dev.panamax.containers.probe.LogProbe;
import dev.panamax.containers.probe.UringFallbackProbe;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.IsRunningStartupCheckStrategy;

/**
 * The allocators and io modules inside containers: the off-heap allocator under a cgroup memory limit and under a
 * seccomp profile that refuses the NUMA memory-policy syscalls; a DurableLog whose container is SIGKILLed; a
 * UringFile in {@code auto} mode falling back to the blocking engine where the profile refuses io_uring.
 */
class LibraryInContainerTest {

    private static final long MIB = 1L << 20;

    @BeforeAll
    static void requireDocker() {
        InContainer.requireDockerAndBaseImage();
    }


    @Test
    void shouldThrowOffHeapMemoryExhaustedAtCgroupLimitWhenAllocatorUsesDefaultLimit() {
        long limit = 256 * MIB;
        // Blocks are reserved but not written, so the kernel charges nothing: only the allocator's own limit,
        // taken by default from the container's cgroup, can stop the loop, and it must do so with an exception.
        InContainer.Result r = run(container(ALLOW_ALL, main(AllocProbe.class, "fill", "512", "16", "reserve"))
                .withCreateContainerCmdModifier(c -> c.getHostConfig().withMemory(limit).withMemorySwap(limit)));
        assertEquals(0, r.exitCode(), r.describe());
        Map<String, String> f = r.facts();
        assertFalse(f.containsKey("allocated.all"), "the allocator ignored the cgroup limit:\n" + r.describe());
        assertEquals("256", f.get("allocated.mib"), r.describe());
        String exhausted = f.getOrDefault("exhausted", "");
        assertTrue(exhausted.startsWith("OffHeapMemoryExhaustedError: off-heap limit reached"), r.describe());
        assertTrue(exhausted.contains("of " + limit + " in use"), r.describe());
    }

    @Test
    void shouldRefuseNumaBindingWithSeccompReasonAndStillAllocateWhenProfileRefusesMemoryPolicy() {
        InContainer.Result r = run(container(denying(null, "mbind", "set_mempolicy", "get_mempolicy"),
                main(AllocProbe.class, "numa", "0")));
        assertEquals(0, r.exitCode(), r.describe());
        Map<String, String> f = r.facts();
        String build = f.getOrDefault("numa.build", "");
        assertTrue(build.startsWith("UnsupportedOperationException: "), r.describe());
        assertTrue(build.contains("blocked by a seccomp filter"), r.describe());
        assertTrue(build.contains("EPERM (get_mempolicy)"), r.describe());
        assertEquals("16", f.get("default.allocated.mib"), r.describe());
    }

    @Test
    void shouldKeepEveryAcknowledgedRecordWhenContainerIsKilledWhileAppending(@TempDir Path dir) throws Exception {
        // Enough acknowledgements to have rolled over 128 KiB segments (a few hundred records each) several times.
        CountDownLatch acks = new CountDownLatch(1500);
        long lastAcked;
        try (GenericContainer<?> writer = container(ALLOW_ALL, main(LogProbe.class, "append", "/log", "100000000"))
                .withFileSystemBind(dir.toString(), "/log", BindMode.READ_WRITE)
                .withStartupCheckStrategy(new IsRunningStartupCheckStrategy())
                .withLogConsumer(frame -> {
                    String text = frame.getUtf8String();
                    for (int i = text.indexOf("acked="); i >= 0; i = text.indexOf("acked=", i + 1)) {
                        acks.countDown();
                    }
                })) {
            writer.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!acks.await(100, TimeUnit.MILLISECONDS)) {
                assertTrue(writer.isRunning(), "the writer stopped early:\n" + writer.getLogs());
                assertTrue(System.nanoTime() < deadline, "too few appends acknowledged in 60 s:\n"
                        + writer.getLogs());
            }
            DockerClient client = DockerClientFactory.instance().client();
            client.killContainerCmd(writer.getContainerId()).withSignal("KILL").exec();
            client.waitContainerCmd(writer.getContainerId()).start().awaitStatusCode(30, TimeUnit.SECONDS);
            InspectContainerResponse.ContainerState state = client.inspectContainerCmd(writer.getContainerId())
                    .exec().getState();
            String out = writer.getLogs(OutputFrame.OutputType.STDOUT);
            assertEquals(137L, state.getExitCodeLong(), "not killed by SIGKILL:\n" + out);
            assertFalse(out.contains("appended.all"), out);
            lastAcked = out.lines().filter(l -> l.startsWith("acked="))
                    .mapToLong(l -> Long.parseLong(l.substring("acked=".length()))).max().orElse(0);
            assertTrue(lastAcked >= 1500, "last acknowledged " + lastAcked);
        }

        InContainer.Result r = run(container(ALLOW_ALL, main(LogProbe.class, "verify", "/log"))
                .withFileSystemBind(dir.toString(), "/log", BindMode.READ_WRITE));
        assertEquals(0, r.exitCode(), r.describe());
        Map<String, String> f = r.facts();
        long last = Long.parseLong(f.get("last"));
        // Every acknowledged record is there, in order and intact; records appended but not yet acknowledged
        // when the kill came may be there too, or cut by recovery.
        assertTrue(last >= lastAcked, "recovered up to " + last + ", acknowledged up to " + lastAcked + "\n"
                + r.describe());
        assertEquals(String.valueOf(last), f.get("records"), r.describe());
        assertEquals("0", f.get("gaps"), r.describe());
        assertEquals("0", f.get("corrupt"), r.describe());
    }

    @Test
    void shouldUseIoUringEngineWhenProfileAllowsIoUring() {
        // The control for the two fallback tests: same image, same probe, io_uring allowed.
        Map<String, String> f = uringProbe(ALLOW_ALL);
        assertEquals("URING", f.get("engine"), f.toString());
        assertEquals("0", f.get("warnings"), f.toString());
        assertEquals("null", f.get("feature.cause"), f.toString());
    }

    @Test
    void shouldFallBackToBlockingEngineNamingSeccompWhenProfileRefusesIoUringWithEperm() {
        Map<String, String> f = uringProbe(denying(null, IO_URING));
        assertEquals("BLOCKING", f.get("engine"), f.toString());
        String warning = f.getOrDefault("warning", "");
        assertTrue(warning.startsWith("WARNING io_uring not used, UringFile falls back to blocking pread/pwrite on "
                + "a thread pool: EPERM (io_uring_setup): Operation not permitted: "), warning);
        assertTrue(warning.contains("seccomp filter"), warning);
        assertTrue(f.get("feature.fix").startsWith("allow io_uring_setup/io_uring_enter/io_uring_register in the "
                + "seccomp profile"), f.toString());
    }

    @Test
    void shouldFallBackToBlockingEngineNamingEnosysFilterWhenProfileRefusesIoUringWithEnosys() {
        Map<String, String> f = uringProbe(denying(ENOSYS, IO_URING));
        assertEquals("BLOCKING", f.get("engine"), f.toString());
        String warning = f.getOrDefault("warning", "");
        assertTrue(warning.startsWith("WARNING io_uring not used, UringFile falls back to blocking pread/pwrite on "
                + "a thread pool: ENOSYS (io_uring_setup): "), warning);
        // The kernel has io_uring (the control test): the filter, not the kernel version, is named.
        assertTrue(warning.contains("so a seccomp filter probably returns ENOSYS for it"), warning);
        assertFalse(warning.contains("needs Linux 5.6"), warning);
        assertTrue(f.get("feature.fix").startsWith("allow io_uring_setup/io_uring_enter/io_uring_register in the "
                + "seccomp profile"), f.toString());
    }

    /** Runs {@link UringFallbackProbe} under {@code profile}; asserts exit 0, exact data, one warning at most. */
    private static Map<String, String> uringProbe(String profile) {
        InContainer.Result r = run(container(profile, main(UringFallbackProbe.class, "/tmp")));
        assertEquals(0, r.exitCode(), r.describe());
        Map<String, String> f = r.facts();
        assertEquals("exact bytes=36864", f.get("roundtrip"), r.describe());
        assertTrue(Integer.parseInt(f.getOrDefault("warnings", "-1")) <= 1, r.describe());
        return f;
    }
}
