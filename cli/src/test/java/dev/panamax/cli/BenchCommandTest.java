/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.panamax.cli.bench.Suite;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * Arguments, errors and exit codes of {@code panamax bench}. The child JVM is replaced by small shell scripts
 * standing in for {@code java -jar benchmarks.jar} (a JDK {@code release} file and {@code bin/java}), so that these
 * tests check the command's handling of the child's output, files and exit code without running JMH; the real run
 * is checked by {@code cli/src/test/sh/bench-report-smoke.sh}.
 */
class BenchCommandTest {

    private static final String LISTING = """
            Benchmarks:\s
            dev.panamax.bench.BindingsBenchmark.getppid
              param "impl" = {panamax, raw, rawCritical}
            dev.panamax.bench.LockBenchmark.uncontended
              param "impl" = {futex, futexAdaptive, spin, reentrant, synchronized, stamped}
            """;

    @TempDir
    Path tmp;

    private Path jar;
    private Path sample;

    /** Exit code, stdout and stderr of one in-process run. */
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Panamax.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeEach
    void setUp() throws IOException {
        jar = Files.writeString(tmp.resolve("benchmarks.jar"), "not read: the stand-in java ignores it");
        sample = tmp.resolve("jmh-sample.json");
        try (InputStream in = Suite.class.getResourceAsStream("jmh-sample.json")) {
            Files.write(sample, in.readAllBytes());
        }
    }

    /** A JDK home with a release file naming {@code version} and a bin/java running {@code script}. */
    private Path fakeJava(String version, String script) throws IOException {
        Path home = Files.createDirectories(tmp.resolve("jdk-" + version));
        if (!version.isEmpty()) {
            Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        }
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return java;
    }

    /** A stand-in for 'java -jar benchmarks.jar': -lp prints LISTING, a run copies the sample to -rff. */
    private Path workingJava(String runBody) throws IOException {
        return workingJava(LISTING, runBody);
    }

    private Path workingJava(String listing, String runBody) throws IOException {
        return fakeJava("25.0.1", "case \" $* \" in *' -lp '*) cat <<'EOF'\n" + listing + "EOF\nexit 0 ;; esac\n"
                + "rff=; prev=; for a in \"$@\"; do [ \"$prev\" = -rff ] && rff=$a; prev=$a; done\n" + runBody);
    }

    @Test
    void shouldExitTwoWithOneLineWhenSuiteIsUnknown() {
        Run r = run("bench", "lockz");
        assertEquals(2, r.code());
        assertEquals("panamax bench: unknown suite 'lockz' (expected one of locks, alloc, io, ladder, bindings or "
                + "all) (see 'panamax bench --help')\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void shouldExitTwoWhenOptionIsUnknown() {
        Run r = run("bench", "--quik");
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void shouldExitTwoWhenOutIsAFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Run r = run("bench", "bindings", "--out", file.toString(), "--jar", jar.toString());
        assertEquals(2, r.code());
        assertEquals("panamax bench: --out " + file + ": exists and is not a directory (see 'panamax bench --help')\n",
                r.err());
    }

    @Test
    void shouldExitTwoWhenOutIsBelowAFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        Run r = run("bench", "--out", file.resolve("sub").toString(), "--jar", jar.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("panamax bench: --out " + file.resolve("sub") + ": " + file
                + " is not a directory"), r.err());
    }

    @Test
    void shouldExitOneWithOneLineWhenTheJarIsMissing() {
        Path missing = tmp.resolve("nope.jar");
        Run r = run("bench", "--out", tmp.resolve("r").toString(), "--jar", missing.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("panamax bench: no benchmarks jar at " + missing), r.err());
        assertFalse(Files.exists(tmp.resolve("r")), "nothing written before the run can start");
    }

    @Test
    void shouldExitOneWhenTheReleaseFileNamesAnOldJdk() throws IOException {
        Path java = fakeJava("17.0.2", "exit 0\n");
        Run r = run("bench", "--out", tmp.resolve("r").toString(), "--jar", jar.toString(), "--jvm",
                java.toString());
        assertEquals(1, r.code());
        assertEquals("panamax bench: JDK 17 at " + java + " is too old: the benchmarks need JDK 22 or newer (pass "
                + "--jvm <jdk>/bin/java)\n", r.err());
    }

    @Test
    void shouldExitOneWhenJavaVersionNamesAnOldJdk() throws IOException {
        Path java = fakeJava("", "echo 'openjdk version \"11.0.2\" 2019-01-15' >&2\n");
        Run r = run("bench", "--out", tmp.resolve("r").toString(), "--jar", jar.toString(), "--jvm",
                java.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("panamax bench: JDK 11 at " + java + " is too old"), r.err());
    }

    @Test
    void shouldExitOneWhenJvmIsNotExecutable() throws IOException {
        Path notJava = Files.writeString(tmp.resolve("java"), "");
        Run r = run("bench", "--out", tmp.resolve("r").toString(), "--jar", jar.toString(), "--jvm",
                notJava.toString());
        assertEquals(1, r.code());
        assertEquals("panamax bench: --jvm " + notJava + ": not an executable file\n", r.err());
    }

    @Test
    void shouldExitZeroAndSayNotBuiltWhenNoRequestedSuiteIsInTheJar() throws IOException {
        Path java = workingJava("exit 3\n");
        Path out = tmp.resolve("r");
        Run r = run("bench", "alloc", "io", "--out", out.toString(), "--jar", jar.toString(), "--jvm",
                java.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("bench: alloc: not built yet (AllocatorBenchmark, AllocatorCrossThreadBenchmark and "
                + "AllocatorWorkloadBenchmark are not in " + jar + ")\n"
                + "bench: io: not built yet (IoBenchmark and IoNetBenchmark are not in " + jar + ")\n", r.err());
        assertEquals("nothing to run: alloc, io not built yet\n", r.out());
        assertFalse(Files.exists(out));
    }

    @Test
    void shouldExitOneWithJmhsErrorWhenABenchmarkFails() throws IOException {
        Path java = workingJava("echo '# Benchmark: dev.panamax.bench.BindingsBenchmark.getppid'\n"
                + "echo '# Run progress: 0.00% complete, ETA 00:00:09'\necho '<failure>'\n"
                + "echo 'java.lang.IllegalStateException: raw returned 1, expected ppid 2'\nexit 1\n");
        Path out = tmp.resolve("r");
        Run r = run("bench", "bindings", "--quick", "--out", out.toString(), "--jar", jar.toString(), "--jvm",
                java.toString());
        assertEquals(1, r.code());
        List<String> err = r.err().lines().toList();
        assertEquals("bench: benchmark 1 of 3 (BindingsBenchmark.getppid), 0% done, ETA 00:00:09", err.get(1));
        assertEquals("panamax bench: benchmark failed (JMH exited 1): java.lang.IllegalStateException: raw returned "
                + "1, expected ppid 2; JMH's output: " + out.resolve("jmh.log"), err.getLast());
        assertTrue(Files.readString(out.resolve("jmh.log")).contains("<failure>"));
    }

    @Test
    void shouldPassQuickOptionsAndWriteTheReportWhenJmhSucceeds() throws IOException {
        Path args = tmp.resolve("args");
        Path java = workingJava("echo \"$@\" > '" + args + "'\ncp '" + sample + "' \"$rff\"\n");
        Path out = tmp.resolve("r");
        Run r = run("bench", "bindings", "locks", "--quick", "--out", out.toString(), "--jar", jar.toString(),
                "--jvm", java.toString());
        assertEquals(0, r.code(), r.err());
        String childArgs = Files.readString(args).strip();
        assertTrue(childArgs.startsWith("--enable-native-access=ALL-UNNAMED -jar " + jar.toAbsolutePath() + " "),
                childArgs);
        assertTrue(childArgs.endsWith(" -rf json -rff " + out.toAbsolutePath().resolve("jmh-result.json")
                + " -foe true -f 1 -wi 1 -i 2 -w 200ms -r 200ms"), childArgs);
        assertTrue(childArgs.contains("LockBenchmark") && childArgs.contains("BindingsBenchmark"), childArgs);
        assertTrue(r.err().contains("bench: running locks, bindings (9 benchmarks, quick)"), r.err());
        assertTrue(r.out().contains("2.22x slower than rawCritical"), r.out());
        assertTrue(r.out().endsWith("report: " + out.resolve("index.html") + "\n"), r.out());
        for (String f : List.of("index.html", "summary.md", "figures.json", "jmh.log", "jmh-result.json",
                "charts/LockBenchmark.uncontended-avgt.svg")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
    }

    @Test
    void shouldPrintOnlyJsonOnStdoutWhenAskedForJson() throws IOException {
        Path java = workingJava("cp '" + sample + "' \"$rff\"\n");
        Path out = tmp.resolve("r");
        Run r = run("bench", "all", "--json", "--out", out.toString(), "--jar", jar.toString(), "--jvm",
                java.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals(7, doc.get("results").size());
        assertEquals(List.of("locks", "bindings"), List.of(doc.get("suites").get(0).asText(),
                doc.get("suites").get(1).asText()));
        assertEquals(3, doc.get("not_built").size());
        assertFalse(doc.get("quick").asBoolean());
        assertEquals(out.toString(), doc.get("report").asText());
    }

    @Test
    void shouldPointOutABenchmarkClassThatNoSuiteNamesWhenRunningAll() throws IOException {
        Path java = workingJava(LISTING + "dev.panamax.bench.FooBenchmark.run\n", "cp '" + sample + "' \"$rff\"\n");
        Run r = run("bench", "--out", tmp.resolve("r").toString(), "--jar", jar.toString(), "--jvm",
                java.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("bench: note: dev.panamax.bench.FooBenchmark is in the jar but no suite names it "
                + "(add it to dev.panamax.cli.bench.Suite)\n"), r.err());
    }

    @Test
    void shouldRenderAReportFromAnEarlierResultsFileWithoutRunningAnything() throws IOException {
        Path out = tmp.resolve("r");
        Run r = run("bench", "--from", sample.toString(), "--out", out.toString(), "--jar", tmp.resolve("none.jar")
                .toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2.22x slower than rawCritical"), r.out());
        assertEquals(Files.readString(sample), Files.readString(out.resolve("jmh-result.json")));
        String md = Files.readString(out.resolve("summary.md"));
        assertTrue(md.contains("- JVM: JDK 25.0.3, OpenJDK 64-Bit Server VM 25.0.3+9-LTS, "
                + "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java\n"), md);
        assertTrue(md.contains("- JMH options: `-f 1 -wi 1 -i 3 -w 200ms -r 200ms`"), md);
        assertTrue(Files.readString(out.resolve("jmh.log")).startsWith("Rendered from "));
    }

    @Test
    void shouldRenderSecondaryMetricsWhenRenderingFromAFileThatHasThem() throws IOException {
        Path alloc = tmp.resolve("alloc-sample.json");
        try (InputStream in = Suite.class.getResourceAsStream("alloc-sample.json")) {
            Files.write(alloc, in.readAllBytes());
        }
        Path out = tmp.resolve("r");
        Run r = run("bench", "--from", alloc.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\nsecondary metrics of AllocatorWorkloadBenchmark.falseSharing (avgt): "
                + "peakGrowthMiB, peakRssMiB, rssMiB, sharedLines (in summary.md and index.html)\n"), r.out());
        String row = "| **peer=panamax** | 19.16 | 660.1 | 660.1 "
                + "| 0.000 |";
        assertTrue(Files.readString(out.resolve("summary.md")).contains(row));
        assertTrue(Files.readString(out.resolve("index.html")).contains("<td class=\"num\">660.1"
                + "</td>"));
        JsonNode figures = new ObjectMapper().readTree(out.resolve("figures.json").toFile());
        assertEquals(7.142089431262799, figures.get("results").get(2).get("secondary").get("consume").get("score")
                .asDouble());
    }

    @Test
    void shouldKeepOnlyTheRequestedSuitesWhenRenderingFromAFile() throws IOException {
        Run r = run("bench", "locks", "--from", sample.toString(), "--out", tmp.resolve("r").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals(4, doc.get("results").size());
        assertEquals(1, doc.get("suites").size());
        Run none = run("bench", "alloc", "--from", sample.toString(), "--out", tmp.resolve("r2").toString());
        assertEquals(1, none.code());
        assertTrue(none.err().startsWith("panamax bench: no results of alloc in "), none.err());
    }

    @Test
    void shouldExitTwoWhenFromIsMissingAndOneWhenItIsNotJmhJson() throws IOException {
        Run missing = run("bench", "--from", tmp.resolve("nope.json").toString(), "--out", tmp.resolve("r")
                .toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("panamax bench: --from " + tmp.resolve("nope.json") + ": no such file"),
                missing.err());
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"not\": \"jmh\"}");
        Run malformed = run("bench", "--from", bad.toString(), "--out", tmp.resolve("r").toString());
        assertEquals(1, malformed.code());
        assertEquals("panamax bench: --from " + bad + ": JMH results: expected a JSON array\n", malformed.err());
    }

    @Test
    void shouldDescribeIoFailuresInOneLineWithTheirCause() {
        assertEquals("permission denied: /x/y", BenchCommand.describe(new AccessDeniedException("/x/y")));
        assertEquals("no such file or directory: /x", BenchCommand.describe(new NoSuchFileException("/x")));
        assertEquals("/x: Read-only file system", BenchCommand.describe(new FileSystemException("/x", null,
                "Read-only file system")));
        assertEquals("disk full", BenchCommand.describe(new IOException("disk full")));
    }

    @Test
    void shouldParseOptionsAndResolveSuitesInRegistryOrder() {
        BenchCommand cmd = new BenchCommand();
        CommandLine cl = new CommandLine(cmd);
        cl.parseArgs("bindings", "locks", "bindings", "--quick", "--json", "--out", "x", "--ignore-lock");
        assertTrue(cmd.quick);
        assertTrue(cmd.json);
        assertTrue(cmd.ignoreLock);
        assertEquals(Path.of("x"), cmd.out);
        assertEquals(List.of("locks", "bindings"), cmd.suites().stream().map(Suite::name).toList());

        BenchCommand none = new BenchCommand();
        new CommandLine(none).parseArgs();
        assertEquals(List.of("locks", "alloc", "io", "ladder", "bindings"),
                none.suites().stream().map(Suite::name).toList());
        assertFalse(none.quick);
    }

    @Test
    void shouldListSuitesAndExitCodesInHelp() {
        Run r = run("bench", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("locks, alloc, io, ladder, bindings"), r.out());
        assertTrue(r.out().contains("--quick") && r.out().contains("--out=DIR") && r.out().contains("--json"),
                r.out());
        assertTrue(r.out().contains("Exit codes:"), r.out());
        assertTrue(run("--help").out().contains("bench"));
    }

    @Test
    void shouldExitTwoWithOneLineWhenFileIsInAMissingDirectory() {
        Path bad = tmp.resolve("no-such-dir").resolve("data.bin");
        Run r = run("bench", "io", "--file", bad.toString(), "--out", tmp.resolve("r").toString(), "--jar",
                jar.toString());
        assertEquals(2, r.code());
        assertEquals("panamax bench: --file " + bad + ": no such directory: " + bad.getParent() + " (see 'panamax "
                + "bench --help')\n", r.err());
        assertEquals("", r.out());
        assertFalse(Files.exists(tmp.resolve("r")));
    }

    @Test
    void shouldExitTwoWhenFileIsTooSmallOrNotAFile() throws IOException {
        Path small = Files.writeString(tmp.resolve("small.bin"), "x".repeat(4096));
        Run r = run("bench", "io", "--file", small.toString(), "--jar", jar.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("panamax bench: --file " + small + ": 4096 bytes; the benchmarks read random "
                + "4 KiB blocks of a file of at least 1 MiB"), r.err());
        Run fifo = run("bench", "io", "--file", "/dev/null", "--jar", jar.toString());
        assertEquals(2, fifo.code());
        assertEquals("panamax bench: --file /dev/null: not a regular file or a directory (see 'panamax bench "
                + "--help')\n", fifo.err());
    }

    @Test
    void shouldExitTwoWhenFileIsGivenWithoutTheIoSuiteOrHasWhiteSpace() throws IOException {
        Run r = run("bench", "locks", "--file", tmp.toString(), "--jar", jar.toString());
        assertEquals(2, r.code());
        assertEquals("panamax bench: --file " + tmp + ": only the io suite reads a file (add 'io' to the suites) "
                + "(see 'panamax bench --help')\n", r.err());
        Path spaced = Files.createDirectories(tmp.resolve("a b"));
        Run s = run("bench", "io", "--file", spaced.toString(), "--jar", jar.toString());
        assertEquals(2, s.code());
        assertTrue(s.err().startsWith("panamax bench: --file " + spaced + ": a path with white space"), s.err());
    }

    @Test
    void shouldRunTheBuiltClassOfAPartlyBuiltSuiteOnTheFileAndPrintIoFiguresAsJson() throws IOException {
        Path ioSample = tmp.resolve("io-sample.json");
        try (InputStream in = Suite.class.getResourceAsStream("io-sample.json")) {
            Files.write(ioSample, in.readAllBytes());
        }
        Path args = tmp.resolve("args");
        Path java = workingJava("""
                Benchmarks:\s
                dev.panamax.bench.IoBenchmark.qd32
                  param "impl" = {panamaxUring, asyncFileChannel}
                dev.panamax.bench.IoBenchmark.threads4
                  param "impl" = {fileChannel}
                """, "echo \"$@\" > '" + args + "'\ncp '" + ioSample + "' \"$rff\"\n");
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path out = tmp.resolve("r");
        Run r = run("bench", "io", "--quick", "--json", "--no-fio", "--file", data.toString(), "--out",
                out.toString(), "--jar", jar.toString(), "--jvm", java.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("bench: io: IoNetBenchmark is not built yet (not in " + jar + "); running the "
                + "rest of the suite\n"), r.err());
        assertTrue(r.err().contains("bench: running io (3 benchmarks, quick)"), r.err());
        String childArgs = Files.readString(args).strip();
        assertTrue(childArgs.contains(" -jvmArgsAppend -Dpanamax.bench.io.file=" + data
                + " -Dpanamax.bench.io.size=64m -rf json "), childArgs);
        assertTrue(childArgs.contains("IoBenchmark") && !childArgs.contains("IoNetBenchmark"), childArgs);
        JsonNode doc = new ObjectMapper().readTree(r.out());
        JsonNode io = doc.get("io");
        assertEquals(data.toString(), io.get("file").asText());
        assertEquals(5, io.get("engines").size());
        assertEquals("panamaxUring", io.get("engines").get(0).get("impl").asText());
        assertEquals(32, io.get("engines").get(0).get("queue_depth").asInt());
        assertEquals(81000, io.get("engines").get(0).get("iops").asDouble(), 1e-9);
        assertEquals(300, io.get("engines").get(3).get("latency_us").get("p99").asDouble(), 1e-9);
        assertTrue(io.get("fio").isNull());
        assertEquals("not run (--no-fio)", io.get("fio_note").asText());
        assertEquals(1, io.get("targets").size());
        assertTrue(io.get("targets").get(0).get("met").asBoolean());
        assertTrue(Files.isRegularFile(out.resolve("io.json")));
    }

    @Test
    void shouldPutFioFiguresBesideTheResultsWhenRenderingFromAFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("earlier"));
        for (String name : List.of("io-sample.json", "fio-sample.json")) {
            try (InputStream in = Suite.class.getResourceAsStream(name)) {
                Files.write(dir.resolve(name.equals("fio-sample.json") ? "fio.json" : name), in.readAllBytes());
            }
        }
        Run r = run("bench", "io", "--from", dir.resolve("io-sample.json").toString(), "--out",
                tmp.resolve("r").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("fio qd32  io_uring"), r.out());
        assertTrue(r.out().contains("(>= 0.90: met)"), r.out());
        assertTrue(r.out().contains("(<= 1.10: MISSED)"), r.out());
    }

    @Test
    void shouldParseTheIoOptions() {
        BenchCommand cmd = new BenchCommand();
        new CommandLine(cmd).parseArgs("io", "--file", "/data/x", "--no-fio");
        assertEquals(Path.of("/data/x"), cmd.file);
        assertTrue(cmd.noFio);
        BenchCommand none = new BenchCommand();
        new CommandLine(none).parseArgs("io");
        assertEquals(null, none.file);
        assertFalse(none.noFio);
    }
}
