/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.panamax.ffm.IoUringSyscalls;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code panamax ladder} end to end on real directories, with rungs a few milliseconds long: the report's shape,
 * its JSON, and its errors (the figures themselves are JMH's business: LadderBenchmark).
 */
class LadderCommandTest {

    private static final String TINY = "0.01";

    @TempDir
    Path tmp;

    /** Exit code, stdout and stderr of one in-process run. */
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Panamax.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    private void assertNothingLeftIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count(), "ladder left files behind in " + dir);
        }
    }

    @Test
    void shouldReportEveryRungAndGroupCommitWhenRunOnATempDir() throws IOException {
        Run r = run("ladder", tmp.toString(), "--seconds", TINY, "--threads", "2", "--size", "512");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("panamax ladder: " + tmp + " ("), r.out());
        for (String rung : new String[] {"WRITE", "FDATASYNC", "FSYNC", "DSYNC", "DIRECT", "SYNC"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(rung + " ")), rung + " row missing:\n" + r.out());
        }
        assertTrue(r.out().contains("group commit: 2 threads at FDATASYNC"), r.out());
        // Where io_uring is available, FDATASYNC is measured a second time with linked write + fsync submissions.
        boolean uring = IoUringSyscalls.FEATURE.isAvailable();
        assertEquals(uring, r.out().lines().anyMatch(l -> l.startsWith("FDATASYNC (io_uring) ")), r.out());
        int steps = uring ? 8 : 7;
        assertTrue(r.err().contains("rung 1 of " + steps + ": WRITE")
                && r.err().contains("rung " + steps + " of " + steps + ": group commit"), r.err());
        if (uring) {
            assertTrue(r.err().contains("rung 3 of 8: FDATASYNC (io_uring)"), r.err());
        }
        assertNothingLeftIn(tmp);
    }

    @Test
    void shouldPrintOneJsonObjectWithTypedFiguresWhenJsonIsAsked() throws IOException {
        Run r = run("ladder", tmp.toString(), "--json", "--seconds", TINY, "--threads", "3", "--size", "100",
                "--rungs", "write,FDATASYNC");
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(r.out().strip().length(), r.out().length() - 1, "exactly one trailing newline");
        assertEquals("panamax ladder", root.get("tool").asText());
        assertEquals(tmp.toString(), root.get("directory").asText());
        assertTrue(root.get("file_system").isTextual(), r.out());
        assertEquals(100, root.get("record_bytes").intValue());
        assertTrue(root.get("seconds_per_rung").isDouble(), r.out());
        assertTrue(root.get("zero_fill").isBoolean() && root.get("zero_fill").booleanValue(), r.out());
        JsonNode rungs = root.get("rungs");
        boolean uring = IoUringSyscalls.FEATURE.isAvailable();
        assertEquals(uring ? "available" : IoUringSyscalls.FEATURE.unavailabilityCause(),
                root.get("io_uring").asText(), r.out());
        assertEquals(uring ? 3 : 2, rungs.size(), r.out());
        assertEquals("WRITE", rungs.get(0).get("rung").asText());
        assertEquals("FDATASYNC", rungs.get(1).get("rung").asText());
        assertEquals("FDATASYNC", rungs.get(1).get("label").asText());
        assertTrue(!rungs.get(1).get("io_uring").booleanValue(), r.out());
        assertEquals(0, rungs.get(1).get("uring_submissions").longValue(), r.out());
        if (uring) {
            JsonNode ring = rungs.get(2);
            assertEquals("FDATASYNC", ring.get("rung").asText());
            assertEquals("FDATASYNC (io_uring)", ring.get("label").asText());
            assertTrue(ring.get("io_uring").booleanValue(), ring.toString());
            // Every flush of that row went to the kernel as one linked write + fsync submission.
            assertEquals(ring.get("flush_calls").longValue(), ring.get("uring_submissions").longValue(),
                    ring.toString());
            assertEquals(1.0, ring.get("flushes_per_record").doubleValue(), r.out());
        }
        for (JsonNode row : rungs) {
            assertTrue(row.get("ran").booleanValue(), row.toString());
            assertEquals(1, row.get("threads").intValue(), row.toString());
            assertTrue(row.get("operations").isIntegralNumber() && row.get("operations").longValue() > 0,
                    row.toString());
            assertTrue(row.get("ops_per_second").isDouble() && row.get("ops_per_second").doubleValue() > 0,
                    row.toString());
            for (String p : new String[] {"p50_ns", "p99_ns", "p999_ns", "flush_calls", "synced_writes",
                "uring_submissions"}) {
                assertTrue(row.get(p).isIntegralNumber(), p + " in " + row);
            }
            assertTrue(row.get("p50_ns").longValue() <= row.get("p99_ns").longValue()
                    && row.get("p99_ns").longValue() <= row.get("p999_ns").longValue(), row.toString());
            assertTrue(row.get("note").isNull(), row.toString());
        }
        assertEquals(0, rungs.get(0).get("flushes_per_record").doubleValue(), r.out());
        assertEquals(1.0, rungs.get(1).get("flushes_per_record").doubleValue(), r.out());
        JsonNode group = root.get("group_commit");
        assertEquals("FDATASYNC", group.get("rung").asText());
        assertEquals(3, group.get("threads").intValue());
        assertTrue(group.get("records_per_second").doubleValue() > 0, group.toString());
        double flushes = group.get("flushes_per_record").doubleValue();
        assertTrue(flushes > 0 && flushes <= 1, group.toString());
        assertTrue(group.get("speedup_vs_single_writer").isDouble(), group.toString());
        assertNothingLeftIn(tmp);
    }

    @Test
    void shouldOmitGroupCommitWhenThreadsIsZero() throws IOException {
        Run r = run("ladder", tmp.toString(), "--json", "--seconds", TINY, "--threads", "0", "--rungs", "dsync");
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertTrue(root.get("group_commit").isNull(), r.out());
        assertTrue(root.at("/rungs/0/synced_writes").longValue() > 0, r.out());
    }

    @Test
    void shouldMeasureDurableRungsOnZeroFilledSegmentsWhenZeroFillIsAsked() throws IOException {
        Run r = run("ladder", tmp.toString(), "--json", "--zero-fill", "--seconds", TINY, "--threads", "0",
                "--rungs", "write,fdatasync");
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertTrue(root.get("zero_fill").booleanValue(), r.out());
        assertTrue(root.at("/rungs/0/ran").booleanValue() && root.at("/rungs/1/ran").booleanValue(), r.out());
        assertTrue(root.at("/rungs/1/flush_calls").longValue() > 0, r.out());
        assertNothingLeftIn(tmp);
    }

    @Test
    void shouldMeasureDurableRungsOnUnwrittenExtentsWhenNoZeroFillIsAsked() throws IOException {
        Run r = run("ladder", tmp.toString(), "--json", "--no-zero-fill", "--seconds", TINY, "--threads", "0",
                "--rungs", "fdatasync");
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertTrue(root.get("zero_fill").isBoolean() && !root.get("zero_fill").booleanValue(), r.out());
        assertTrue(root.at("/rungs/0/ran").booleanValue(), r.out());
        assertTrue(root.at("/rungs/0/flush_calls").longValue() > 0, r.out());
        assertNothingLeftIn(tmp);
    }

    @Test
    void shouldExitTwoWithOneLineWhenDirIsMissingOrNotADirectory() throws IOException {
        Path missing = tmp.resolve("nope");
        Run r = run("ladder", missing.toString());
        assertEquals(2, r.code());
        assertEquals("panamax ladder: DIR " + missing + ": no such directory (see 'panamax ladder --help')\n",
                r.err());
        assertEquals("", r.out());

        Path file = Files.createFile(tmp.resolve("file"));
        Run f = run("ladder", file.toString());
        assertEquals(2, f.code());
        assertEquals("panamax ladder: DIR " + file + ": not a directory (see 'panamax ladder --help')\n", f.err());

        Run none = run("ladder");
        assertEquals(2, none.code());
        assertEquals(1, none.err().lines().count(), none.err());
        assertTrue(none.err().contains("DIR"), none.err());
    }

    @Test
    void shouldExitTwoWhenAnOptionIsOutOfRange() {
        Run bogus = run("ladder", tmp.toString(), "--rungs", "write,bogus");
        assertEquals(2, bogus.code());
        assertEquals(1, bogus.err().lines().count(), bogus.err());
        assertTrue(bogus.err().contains("unknown rung 'bogus'") && bogus.err().contains("DIRECT"), bogus.err());
        assertEquals(2, run("ladder", tmp.toString(), "--seconds", "0").code());
        assertEquals(2, run("ladder", tmp.toString(), "--size", "0").code());
        assertEquals(2, run("ladder", tmp.toString(), "--size", "1048577").code());
        assertEquals(2, run("ladder", tmp.toString(), "--threads", "257").code());
    }

    @Test
    void shouldExitOneWithOneLineWhenDirIsNotWritable() throws Exception {
        Path ro = Files.createDirectory(tmp.resolve("ro"));
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            // Root ignores permission bits: only a read-only mount refuses it.
            boolean mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", ro.toString())
                    .redirectErrorStream(true).start().waitFor() == 0;
            assumeTrue(mounted, "root ignores file modes and mounting a read-only tmpfs (CAP_SYS_ADMIN) failed");
        } else {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        try {
            Run r = run("ladder", ro.toString(), "--seconds", TINY);
            assertEquals(1, r.code(), r.err());
            String reason = root ? "read-only file system" : "permission denied";
            assertEquals("panamax ladder: DIR " + ro + ": not writable (" + reason + ")\n", r.err());
            assertEquals("", r.out());
        } finally {
            if (root) {
                new ProcessBuilder("umount", ro.toString()).redirectErrorStream(true).start().waitFor();
            } else {
                Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    @Test
    void shouldFitItsSegmentsOnASmallFileSystemOrSayHowMuchItNeeds() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a small tmpfs needs root");
        Path small = Files.createDirectory(tmp.resolve("small"));
        Path tiny = Files.createDirectory(tmp.resolve("tiny"));
        boolean mounted = mount("size=16m", small) && mount("size=256k", tiny);
        try {
            assumeTrue(mounted, "mounting a tmpfs (CAP_SYS_ADMIN) failed");
            // 16 MiB free: the default 64 MiB segments would not fit; a quarter of the space does.
            Run r = run("ladder", small.toString(), "--seconds", TINY, "--threads", "2", "--rungs", "write,fdatasync");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("FDATASYNC"), r.out());
            assertNothingLeftIn(small);
            Run refused = run("ladder", tiny.toString(), "--seconds", TINY, "--rungs", "write");
            assertEquals(1, refused.code(), refused.err());
            assertTrue(refused.err().startsWith("panamax ladder: DIR " + tiny + ": "), refused.err());
            assertTrue(refused.err().contains("bytes free; the ladder needs at least"), refused.err());
        } finally {
            new ProcessBuilder("umount", small.toString()).redirectErrorStream(true).start().waitFor();
            new ProcessBuilder("umount", tiny.toString()).redirectErrorStream(true).start().waitFor();
        }
    }

    private static boolean mount(String options, Path at) throws Exception {
        return new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString())
                .redirectErrorStream(true).start().waitFor() == 0;
    }

    @Test
    void shouldReportDirectRowWithReasonWhenFileSystemRefusesODirect() throws Exception {
        Path mnt = Files.createDirectory(tmp.resolve("ramfs"));
        boolean mounted = new ProcessBuilder("mount", "-t", "ramfs", "ramfs", mnt.toString())
                .redirectErrorStream(true).start().waitFor() == 0;
        assumeTrue(mounted, "needs a file system without O_DIRECT: mounting ramfs (root and CAP_SYS_ADMIN) failed");
        try {
            Run j = run("ladder", mnt.toString(), "--json", "--seconds", TINY, "--threads", "0", "--rungs",
                    "direct,dsync");
            assertEquals(0, j.code(), j.err());
            JsonNode root = new ObjectMapper().readTree(j.out());
            assertTrue(root.get("file_system").asText().startsWith("ramfs"), j.out());
            JsonNode direct = root.at("/rungs/0");
            assertEquals("DIRECT", direct.get("rung").asText());
            assertTrue(!direct.get("ran").booleanValue() && direct.get("operations").longValue() == 0, j.out());
            assertTrue(direct.get("note").asText().contains("O_DIRECT"), j.out());
            assertTrue(root.at("/rungs/1/ran").booleanValue(), "DSYNC still runs on ramfs: " + j.out());

            Run t = run("ladder", mnt.toString(), "--seconds", TINY, "--threads", "0", "--rungs", "direct");
            assertEquals(0, t.code(), t.err());
            assertTrue(t.out().lines().anyMatch(l -> l.startsWith("DIRECT") && l.contains("not run: ")
                    && l.contains("O_DIRECT")), t.out());
            assertNothingLeftIn(mnt);
        } finally {
            new ProcessBuilder("umount", mnt.toString()).redirectErrorStream(true).start().waitFor();
        }
    }

    @Test
    void shouldListLadderInTheHelp() {
        Run top = run("--help");
        assertEquals(0, top.code());
        assertTrue(top.out().contains("ladder"), top.out());
        Run help = run("ladder", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--seconds=S") && help.out().contains("--rungs=LIST")
                && help.out().contains("Exit codes:"), help.out());
    }
}
