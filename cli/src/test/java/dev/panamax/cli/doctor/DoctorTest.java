/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.panamax.cli.host.FakeTree;
import dev.panamax.ffm.IoUringSyscalls;
import dev.panamax.sync.FutexMutex;
import dev.panamax.thread.HostFs;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorTest {

    private static final List<String> SECTIONS = List.of("kernel", "jdk", "cpus", "topology", "numa",
            "transparent_huge_pages", "huge_pages", "io_uring", "futex", "seccomp", "cgroup", "limits", "o_direct");
    private static final List<String> TITLES = List.of("Kernel", "JDK", "CPUs", "CPU topology", "NUMA",
            "Transparent huge pages", "Huge pages (hugetlbfs)", "io_uring", "futex", "Seccomp", "cgroup",
            "Resource limits", "O_DIRECT");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Report realReport(Path... dirs) {
        return new Doctor(HostFs.real(), List.of(dirs), "test").examine();
    }

    @Test
    void shouldContainEverySectionWhenRenderingText() {
        String text = realReport(Path.of("/tmp")).toText();
        for (String title : TITLES) {
            assertTrue(text.contains("\n" + title + "\n"), "missing section " + title + " in\n" + text);
        }
        assertTrue(text.startsWith("panamax doctor test: "), text);
        assertTrue(text.contains("  OK  architecture"), text);
        Set<String> titles = Set.copyOf(TITLES);
        for (String line : text.lines().skip(1).toList()) {
            boolean itemLine = line.matches("  (OK|NO|--|\\?\\?)  \\S.*");
            boolean continuation = line.startsWith("        ");
            boolean summary = line.matches("\\d+ OK, \\d+ NO, \\d+ unknown .*");
            assertTrue(line.isEmpty() || titles.contains(line) || itemLine || continuation || summary,
                    "unexpected line '" + line + "'");
        }
    }

    @Test
    void shouldHaveExpectedKeysAndTypesWhenRenderingJson() throws Exception {
        JsonNode root = MAPPER.readTree(realReport(Path.of("/tmp")).toJson());
        assertEquals("panamax doctor", root.get("tool").asText());
        assertEquals("test", root.get("version").asText());
        assertEquals(SECTIONS, iterable(root.get("sections").fieldNames()));
        Set<String> statuses = Set.of("ok", "no", "info", "unknown");
        root.get("sections").forEach(section -> section.forEach(item -> {
            assertTrue(statuses.contains(item.get("status").asText()), item.toString());
            assertTrue(item.get("text").isTextual(), item.toString());
            assertTrue(item.has("value"), item.toString());
            if (item.get("status").asText().equals("no")) {
                assertTrue(item.get("reason").isTextual() && item.get("fix").isTextual(), item.toString());
            }
        }));
        JsonNode s = root.get("sections");
        assertTrue(s.at("/kernel/release/value").isTextual());
        assertEquals(System.getProperty("os.version"), s.at("/kernel/release/value").asText());
        assertTrue(s.at("/cpus/online/value/count").isInt());
        assertTrue(s.at("/cpus/online/value/list").isTextual());
        assertEquals(Runtime.getRuntime().availableProcessors(), s.at("/cpus/jvm_available_processors/value").asInt());
        assertTrue(s.at("/cpus/affinity/value/count").asInt() >= 1);
        assertTrue(s.at("/topology/cores/value").isInt());
        assertTrue(s.at("/jdk/native_access/value").isBoolean());
        assertTrue(s.at("/io_uring/available/value").isBoolean());
        assertTrue(s.at("/futex/futex_waitv/value").isBoolean());
        assertEquals(FutexMutex.defaultUnlockMode() == FutexMutex.UnlockMode.RELEASE_STORE ? "release_store"
                : "exchange", s.at("/futex/mutex_unlock/value").asText());
        assertTrue(s.at("/limits/memlock/value/soft_bytes").isIntegralNumber());
        assertTrue(s.at("/o_direct/path_tmp/value/supported").isBoolean());
        JsonNode summary = root.get("summary");
        int total = 0;
        for (String st : statuses) {
            assertTrue(summary.get(st).isInt());
            total += summary.get(st).asInt();
        }
        int items = 0;
        for (JsonNode section : s) {
            items += section.size();
        }
        assertEquals(items, total);
    }

    @Test
    void shouldAgreeWithTheKernelWhenIoUringIsProbed() throws Exception {
        JsonNode io = MAPPER.readTree(realReport().toJson()).at("/sections/io_uring");
        boolean available = IoUringSyscalls.FEATURE.isAvailable();
        assertEquals(available, io.at("/available/value").asBoolean());
        if (available) {
            assertEquals("ok", io.at("/available/status").asText());
            assertEquals(IoUringSyscalls.probe().size(), io.at("/ops/value/count").asInt());
            assertTrue(iterable(io.at("/ops/value/names").elements()).stream().anyMatch(n -> n.asText()
                    .equals("NOP")));
        } else {
            assertEquals("no", io.at("/available/status").asText());
            assertEquals(IoUringSyscalls.FEATURE.unavailabilityCause(), io.at("/available/reason").asText());
        }
    }

    @Test
    void shouldSayUnknownAndStillReportWhenProcAndSysAreMissing() throws Exception {
        Report report = new Doctor(new HostFs(tmp), List.of(tmp), "test").examine();
        String text = report.toText();
        for (String title : TITLES) {
            assertTrue(text.contains("\n" + title + "\n"), title);
        }
        assertTrue(text.contains("unknown (cannot read /sys/devices/system/cpu/online: no such file)"), text);
        assertTrue(text.contains("unknown (cannot read /proc/self/cgroup: no such file)"), text);
        assertFalse(text.contains(tmp.toString() + "/sys"), "fake root leaked into messages:\n" + text);
        assertTrue(report.count(Status.UNKNOWN) >= 8, text);
        JsonNode root = MAPPER.readTree(report.toJson());
        JsonNode online = root.at("/sections/cpus/online");
        assertEquals("unknown", online.get("status").asText());
        assertTrue(online.get("value").isNull());
        assertTrue(online.get("reason").asText().startsWith("cannot read /sys/"));
    }

    @Test
    void shouldReportHalfCpuQuotaWhenFakeCgroupV2HasCpuMax() throws Exception {
        new FakeTree(tmp).machine(2, 32, 2)
                .file("/proc/self/cgroup", "0::/app")
                .file("/proc/self/mountinfo", "30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw")
                .file("/sys/fs/cgroup/cgroup.controllers", "cpuset cpu memory")
                .file("/sys/fs/cgroup/app/cpu.max", "50000 100000")
                .file("/sys/fs/cgroup/app/memory.max", "max");
        JsonNode s = MAPPER.readTree(new Doctor(new HostFs(tmp), List.of(), "test").examine().toJson())
                .get("sections");
        assertEquals(50000, s.at("/cgroup/cpu_quota/value/quota_us").asLong());
        assertTrue(s.at("/cgroup/cpu_quota/value/limited").asBoolean());
        assertTrue(s.at("/cgroup/cpu_quota/text").asText().startsWith("0.50 CPUs"));
        assertFalse(s.at("/cgroup/memory_limit/value/limited").asBoolean());
        assertEquals("v2", s.at("/cgroup/version/value").asText());
        assertEquals(64, s.at("/topology/cores/value").asInt());
        assertEquals(2, s.at("/topology/threads_per_core/value").asInt());
        assertEquals(128, s.at("/cpus/online/value/count").asInt());
        assertEquals(2, s.at("/numa/nodes/value").size());
    }

    @Test
    void shouldSayNotSupportedWhenThpIsNever() throws Exception {
        new FakeTree(tmp).file("/sys/kernel/mm/transparent_hugepage/enabled", "always madvise [never]");
        Item enabled = new Doctor(new HostFs(tmp), List.of(), "t").transparentHugePages().items().getFirst();
        // The selected mode comes from the (fake) tree; usability from the bindings' probe of this machine.
        assertEquals("never", enabled.value());
        assertTrue(enabled.text().startsWith("never (choices: always madvise never)"), enabled.text());
    }

    @Test
    void shouldReportAlignmentOrNotSupportedWhenProbingODirect() throws Exception {
        Item item = new Doctor(HostFs.real(), List.of(tmp), "t").directIo().items().getFirst();
        assertTrue(item.status() == Status.OK || item.status() == Status.NO, item.toString());
        if (item.status() == Status.OK) {
            assertTrue(item.text().startsWith("memory alignment "), item.text());
        } else {
            assertTrue(item.text().startsWith("O_DIRECT not supported"), item.text());
            assertNotNull(item.fix());
        }
    }

    @Test
    void shouldGiveDistinctKeysWhenPathsCollide() {
        List<Item> items = new Doctor(HostFs.real(), List.of(tmp, tmp), "t").directIo().items();
        assertEquals(2, items.size());
        assertEquals(items.get(0).key() + "_2", items.get(1).key());
    }

    @Test
    void shouldRequireReasonAndFixWhenItemIsNo() {
        assertThrows(IllegalArgumentException.class, () -> Item.no("k", "l", null, "t", null, "fix"));
        assertThrows(IllegalArgumentException.class, () -> Item.info("Bad-Key", "l", 1));
        assertThrows(IllegalArgumentException.class, () -> new Section("s", "S").add(Item.info("a", "a", 1))
                .add(Item.info("a", "a", 2)));
    }

    @Test
    void shouldMatchGeneratedOpcodesWhenNamingIoUringOps() throws Exception {
        // On the class path the generated (non-exported) table is visible: the names must not drift from it.
        Class<?> generated = Class.forName("dev.panamax.ffm.internal.uapi.io_uring_h");
        for (int op = 0; op < IoUringOps.NAMES.size(); op++) {
            Method m = generated.getMethod("IORING_OP_" + IoUringOps.NAMES.get(op));
            assertEquals(op, ((Number) m.invoke(null)).intValue(), IoUringOps.NAMES.get(op));
        }
        assertEquals("OP_200", IoUringOps.name(200));
    }

    @Test
    void shouldFormatBinaryUnitsWhenSizing() {
        assertEquals("512 B", Units.bytes(512));
        assertEquals("48 KiB", Units.bytes(48 * 1024));
        assertEquals("1.50 GiB", Units.bytes(3L << 29));
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
