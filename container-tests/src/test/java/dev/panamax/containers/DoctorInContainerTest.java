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
import static dev.panamax.containers.InContainer.doctor;
import static dev.panamax.containers.InContainer.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;

/**
 * {@code panamax doctor --json} inside containers restricted the way production containers are: seccomp profiles
 * that refuse io_uring or the NUMA memory-policy syscalls, a one-CPU cpuset, a memory limit, ramfs and read-only
 * mounts, and an empty /sys. Each test asserts on what the report says, including its reasons.
 */
class DoctorInContainerTest {


    @TempDir
    Path tmp;

    @BeforeAll
    static void requireDocker() {
        InContainer.requireDockerAndBaseImage();
    }

    /** One item of the report, failing with the whole JSON when the section or the item is missing. */
    private static JsonNode item(JsonNode report, String section, String key) {
        JsonNode item = report.path("sections").path(section).path(key);
        assertTrue(item.isObject(), "no item " + section + "." + key + " in " + report.toPrettyString());
        return item;
    }

    private static JsonNode doctorIn(InContainer.Result r) {
        assertEquals(0, r.exitCode(), r.describe());
        return r.doctorJson();
    }

    @Test
    void shouldReportIoUringAndNumaPolicyAvailableWhenProfileAllowsEverything() {
        // The control for the denial tests below: the same image and JDK, nothing refused.
        JsonNode report = doctorIn(run(container(ALLOW_ALL, doctor())));
        JsonNode uring = item(report, "io_uring", "available");
        assertEquals("ok", uring.path("status").asText(), uring.toPrettyString());
        assertTrue(item(report, "io_uring", "ops").path("value").path("names").toString().contains("\"NOP\""),
                report.toPrettyString());
        assertEquals("ok", item(report, "numa", "memory_policy").path("status").asText(), report.toPrettyString());
        assertEquals("filter", item(report, "seccomp", "mode").path("value").asText(), report.toPrettyString());
    }

    @Test
    void shouldNameSeccompWhenProfileRefusesIoUringWithEperm() {
        JsonNode report = doctorIn(run(container(denying(null, IO_URING), doctor())));
        JsonNode uring = item(report, "io_uring", "available");
        assertEquals("no", uring.path("status").asText(), uring.toPrettyString());
        assertFalse(uring.path("value").asBoolean(), uring.toPrettyString());
        String reason = uring.path("reason").asText();
        assertTrue(reason.startsWith("EPERM (io_uring_setup)"), reason);
        assertTrue(reason.contains("seccomp"), reason);
        assertTrue(uring.path("fix").asText().contains("seccomp profile"), uring.toPrettyString());
        assertEquals("none (io_uring unavailable)", item(report, "io_uring", "ops").path("text").asText());
        // io_uring is refused by the filter, not switched off by the sysctl: the report must keep the two apart.
        assertEquals(0, item(report, "io_uring", "io_uring_disabled").path("value").asInt(), report.toPrettyString());
    }

    @Test
    void shouldNameEnosysWhenProfileRefusesIoUringWithEnosys() {
        JsonNode report = doctorIn(run(container(denying(ENOSYS, IO_URING), doctor())));
        JsonNode uring = item(report, "io_uring", "available");
        assertEquals("no", uring.path("status").asText(), uring.toPrettyString());
        String reason = uring.path("reason").asText();
        assertTrue(reason.startsWith("ENOSYS (io_uring_setup)"), reason);
        assertEquals("supported but not usable", uring.path("text").asText(), uring.toPrettyString());
        // A filter answering ENOSYS looks like a kernel without io_uring: the host kernel has it (the control test
        // above), so the cause names the filter, not the kernel version, and the fix names the profile.
        assertTrue(reason.contains("has io_uring_setup, so a seccomp filter probably returns ENOSYS for it"), reason);
        assertFalse(reason.contains("needs Linux 5.6"), reason);
        assertTrue(uring.path("fix").asText().startsWith("allow io_uring_setup/io_uring_enter/io_uring_register in "
                + "the seccomp profile"), uring.toPrettyString());
        assertEquals("filter", item(report, "seccomp", "mode").path("value").asText(), report.toPrettyString());
    }

    @Test
    void shouldNameSeccompWhenProfileRefusesMemoryPolicySyscalls() {
        JsonNode report = doctorIn(run(container(denying(null, "mbind", "set_mempolicy", "get_mempolicy"),
                doctor())));
        JsonNode policy = item(report, "numa", "memory_policy");
        assertEquals("no", policy.path("status").asText(), policy.toPrettyString());
        assertEquals("supported but not usable", policy.path("text").asText(), policy.toPrettyString());
        String reason = policy.path("reason").asText();
        assertTrue(reason.contains("blocked by a seccomp filter"), reason);
        assertTrue(reason.contains("EPERM (get_mempolicy)"), reason);
        // The fix matches the cause: the profile (or CAP_SYS_NICE for Docker's default one), not the kernel.
        String fix = policy.path("fix").asText();
        assertTrue(fix.startsWith("allow mbind/get_mempolicy/set_mempolicy/move_pages in the seccomp profile"), fix);
        assertTrue(fix.contains("CAP_SYS_NICE"), fix);
        assertFalse(fix.contains("CONFIG_NUMA"), fix);
        // The node list comes from /sys, not from the refused syscalls.
        assertEquals("info", item(report, "numa", "nodes").path("status").asText(), report.toPrettyString());
        // io_uring is untouched by this profile.
        assertEquals("ok", item(report, "io_uring", "available").path("status").asText(), report.toPrettyString());
    }

    @Test
    void shouldReportOnlyCpuOneWhenCpusetIsCpuOne() {
        JsonNode report = doctorIn(run(container(ALLOW_ALL, doctor())
                .withCreateContainerCmdModifier(c -> c.getHostConfig().withCpusetCpus("1"))));
        JsonNode affinity = item(report, "cpus", "affinity");
        assertEquals(1, affinity.path("value").path("count").asInt(), affinity.toPrettyString());
        assertEquals("1", affinity.path("value").path("list").asText(), affinity.toPrettyString());
        assertEquals("1 CPU: 1 (sched_getaffinity)", affinity.path("text").asText());
        JsonNode cpuset = item(report, "cpus", "cgroup_cpuset");
        assertEquals("1", cpuset.path("value").path("list").asText(), cpuset.toPrettyString());
        assertEquals(1, item(report, "cpus", "jvm_available_processors").path("value").asInt(),
                report.toPrettyString());
    }

    @Test
    void shouldReportMemoryLimitWhenContainerHasOne() {
        long limit = 256L << 20;
        JsonNode report = doctorIn(run(container(ALLOW_ALL, doctor())
                .withCreateContainerCmdModifier(c -> c.getHostConfig().withMemory(limit).withMemorySwap(limit))));
        JsonNode memory = item(report, "cgroup", "memory_limit");
        assertTrue(memory.path("value").path("limited").asBoolean(), memory.toPrettyString());
        assertEquals(limit, memory.path("value").path("bytes").asLong(), memory.toPrettyString());
        assertTrue(memory.path("text").asText().startsWith("256 MiB ("), memory.toPrettyString());
    }

    @Test
    void shouldReportODirectUnsupportedOnRamfsAndReadOnlyMountAsSuch() throws Exception {
        Path ramfs = Files.createDirectory(tmp.resolve("ramfs"));
        Path readOnly = Files.createDirectory(tmp.resolve("ro"));
        // ramfs, unlike tmpfs on Linux >= 6.6, refuses O_DIRECT with EINVAL (mounted on the host as root).
        HostMount mount = HostMount.ramfs(ramfs);
        try (mount) {
            JsonNode report = doctorIn(run(container(ALLOW_ALL, doctor("--path", "/data", "--path", "/ro"))
                    .withFileSystemBind(ramfs.toString(), "/data", BindMode.READ_WRITE)
                    .withFileSystemBind(readOnly.toString(), "/ro", BindMode.READ_ONLY)));
            JsonNode data = item(report, "o_direct", "path_data");
            assertEquals("no", data.path("status").asText(), data.toPrettyString());
            assertFalse(data.path("value").path("supported").asBoolean(), data.toPrettyString());
            assertEquals("ramfs", data.path("value").path("file_system").asText().split(" ")[0],
                    data.toPrettyString());
            assertEquals("O_DIRECT not supported (ramfs on /data)", data.path("text").asText());
            String reason = data.path("reason").asText();
            assertTrue(reason.contains("the file system refuses O_DIRECT (EINVAL (openat)"), reason);

            JsonNode ro = item(report, "o_direct", "path_ro");
            assertEquals("unknown", ro.path("status").asText(), ro.toPrettyString());
            String roReason = ro.path("reason").asText();
            assertTrue(roReason.startsWith("the probe needs to create a scratch file in /ro and the directory is "
                    + "read-only"), ro.toPrettyString());
            assertTrue(roReason.endsWith("EROFS (openat): Read-only file system"), ro.toPrettyString());
            assertEquals("unknown (" + roReason + ")", ro.path("text").asText(), ro.toPrettyString());
            assertTrue(ro.path("fix").asText().contains("writable directory"), ro.toPrettyString());
            assertFalse(roReason.contains("ErrnoException"), ro.toPrettyString());
        }
        assertTrue(mount.wasUnmounted(), "ramfs still mounted at " + ramfs);
    }

    @Test
    void shouldReportDirectRungNotRunAndSyncedRungMeasuredWhenLadderRunsOnRamfs() throws IOException {
        Path ramfs = Files.createDirectory(tmp.resolve("ladder-ramfs"));
        HostMount mount = HostMount.ramfs(ramfs);
        try (mount) {
            InContainer.Result r = run(container(ALLOW_ALL, InContainer.ladder("/data", "--seconds", "0.3",
                    "--threads", "0", "--rungs", "FDATASYNC,DIRECT"))
                    .withFileSystemBind(ramfs.toString(), "/data", BindMode.READ_WRITE));
            assertEquals(0, r.exitCode(), r.describe());
            Map<String, JsonNode> rows = new LinkedHashMap<>();
            r.json().path("rungs").forEach(row -> rows.put(row.path("label").asText(), row));
            // FDATASYNC, then "FDATASYNC (io_uring)" where the container allows io_uring, then DIRECT.
            JsonNode synced = rows.get("FDATASYNC");
            assertTrue(synced != null && synced.path("ran").asBoolean() && synced.path("operations").asLong() > 0,
                    r.describe());
            JsonNode direct = rows.get("DIRECT");
            assertTrue(direct != null && !direct.path("ran").asBoolean(), r.describe());
            String note = direct.path("note").asText();
            assertTrue(note.contains("O_DIRECT") && note.contains("EINVAL (openat)"), note);
        }
        assertTrue(mount.wasUnmounted(), "ramfs still mounted at " + ramfs);
    }

    @Test
    void shouldSayUnknownWithReasonWhenSysIsEmpty() {
        InContainer.Result r = run(container(ALLOW_ALL, doctor()).withTmpFs(Map.of("/sys", "rw,size=1m")));
        JsonNode report = doctorIn(r);
        for (String[] key : List.of(new String[] {"cpus", "online"}, new String[] {"topology", "cores"},
                new String[] {"numa", "nodes"}, new String[] {"transparent_huge_pages", "enabled"},
                new String[] {"huge_pages", "pools"})) {
            JsonNode item = item(report, key[0], key[1]);
            assertEquals("unknown", item.path("status").asText(), item.toPrettyString());
            assertTrue(item.path("reason").asText().matches("cannot read /sys/\\S+: no such file"),
                    item.toPrettyString());
        }
        // What does not come from /sys is still reported: syscalls and /proc.
        assertEquals("ok", item(report, "io_uring", "available").path("status").asText(), report.toPrettyString());
        assertEquals("ok", item(report, "kernel", "arch").path("status").asText(), report.toPrettyString());
        assertTrue(item(report, "cpus", "affinity").path("text").asText().endsWith("(sched_getaffinity)"),
                report.toPrettyString());
        assertTrue(report.path("summary").path("unknown").asInt() >= 5, report.path("summary").toString());
        assertTrue(r.stderr().isEmpty(), r.describe());
    }

    /** A file system mounted on the host for one test, unmounted by {@link #close()}. */
    static final class HostMount implements AutoCloseable {

        private final Path dir;
        private boolean unmounted;

        private HostMount(Path dir) {
            this.dir = dir;
        }

        static HostMount ramfs(Path dir) throws IOException {
            exec("mount", "-t", "ramfs", "ramfs", dir.toString());
            return new HostMount(dir);
        }

        boolean wasUnmounted() {
            return unmounted;
        }

        @Override
        public void close() throws IOException {
            exec("umount", dir.toString());
            unmounted = true;
        }

        private static void exec(String... cmd) throws IOException {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            int code;
            try {
                code = p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for " + String.join(" ", cmd), e);
            }
            assertEquals(0, code, String.join(" ", cmd) + " failed (the container tests run as root on CI): "
                    + out);
        }
    }
}
