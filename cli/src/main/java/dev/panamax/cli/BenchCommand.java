/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli;

import dev.panamax.cli.bench.BenchRun;
import dev.panamax.cli.bench.Comparison;
import dev.panamax.cli.bench.IoReport;
import dev.panamax.cli.bench.JavaRuntime;
import dev.panamax.cli.bench.JmhResults;
import dev.panamax.cli.bench.JmhRunner;
import dev.panamax.cli.bench.Progress;
import dev.panamax.cli.bench.ReportWriter;
import dev.panamax.cli.bench.Reports;
import dev.panamax.cli.bench.Result;
import dev.panamax.cli.bench.Suite;
import dev.panamax.cli.doctor.Json;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code panamax bench}: runs the JMH suites of {@code benchmarks.jar} in a child JVM, panamax and its peers in the
 * same run, prints a compact table and writes a report (raw JSON, Markdown, SVG charts, one HTML page).
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = Panamax.Version.class,
        description = {"Runs the JMH suites (panamax and its peers in the same run), prints a table of scores with "
                + "each panamax variant's ratio to the best peer, and writes a report: jmh-result.json, summary.md, "
                + "charts/*.svg and index.html.",
                "Suites: locks, alloc, io, ladder, bindings, or all (the default). A suite whose classes are not in "
                        + "benchmarks.jar yet is reported as not built, not as an error.",
                "io also runs fio (benchmarks/fio-anchor.sh, when fio is installed) on the same file and prints "
                        + "IOPS and latency per engine and queue depth next to fio's, with the issue targets.",
                "A full run takes long and wants idle CPUs; --quick is a smoke run of a few minutes."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:benchmarks ran and the report was written (or nothing requested is built yet)",
                "1:a benchmark failed, or the benchmarks could not be run (no jar, JDK too old)",
                "2:bad arguments (unknown suite, unusable --out directory or --file)"})
final class BenchCommand implements Callable<Integer> {

    /** The system property of IoBenchmark naming its file or directory. */
    static final String IO_FILE_PROPERTY = "panamax.bench.io.file";
    /** The system property of IoBenchmark giving the size of a file it creates. */
    static final String IO_SIZE_PROPERTY = "panamax.bench.io.size";

    /** The smallest file the io benchmarks read: they pick random 4 KiB blocks. */
    static final long MIN_IO_FILE_BYTES = 1L << 20;

    private static final DateTimeFormatter DIR_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "SUITE",
            description = "locks, alloc, io, ladder, bindings or all (default: all).")
    List<String> suiteNames = new ArrayList<>();

    @Option(names = "--quick", description = "Smoke run: JMH -f 1 -wi 1 -i 2 -w 200ms -r 200ms. Its figures "
            + "are not for comparing with targets.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where to write the report (default: bench-report/<UTC timestamp>).")
    Path out;

    @Option(names = "--json", description = "Print the figures as one JSON object instead of the table.")
    boolean json;

    @Option(names = "--jar", paramLabel = "FILE",
            description = "The JMH jar (default: benchmarks/target/benchmarks.jar of the checkout).")
    Path jar;

    @Option(names = "--jvm", paramLabel = "JAVA",
            description = "The java executable that runs the benchmarks (default: the one running panamax).")
    Path jvm;

    @Option(names = "--from", paramLabel = "FILE", description = "Render the report from the JSON results of an "
            + "earlier run (JMH's -rf json file) instead of running the benchmarks.")
    Path from;

    @Option(names = "--file", paramLabel = "PATH", description = "io: the file the file-I/O benchmarks and fio read "
            + "(an existing file is only read), or the directory to create it in as panamax-io-bench-<bytes>.bin "
            + "(1 GiB, 64 MiB with --quick; kept and reused). Default: the directory panamax-io-bench under the "
            + "temporary directory. Put it on the disk to measure.")
    Path file;

    @Option(names = "--no-fio", description = "io: do not run fio for the reference figures.")
    boolean noFio;

    @Option(names = "--ignore-lock", description = "Run even while another JMH run holds its lock (the figures "
            + "of concurrent runs disturb each other).")
    boolean ignoreLock;

    @Override
    public Integer call() throws InterruptedException {
        try {
            return bench();
        } catch (IOException e) {
            throw new IllegalStateException(describe(e), e);
        }
    }

    /** One line for an I/O failure: the JDK's messages for these exceptions are only the path. */
    static String describe(IOException e) {
        return switch (e) {
            case AccessDeniedException a -> "permission denied: " + a.getFile();
            case NoSuchFileException n -> "no such file or directory: " + n.getFile();
            case FileAlreadyExistsException f -> "exists already: " + f.getFile();
            case FileSystemException f -> f.getMessage();
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }

    private int bench() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        List<Suite> suites = suites();
        Path dir = out != null ? out : Path.of("bench-report", DIR_STAMP.format(Instant.now()));
        checkOutDir(dir);
        Path ioFile = ioFile(suites);
        String host = System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                + System.getProperty("os.arch") + "), " + Runtime.getRuntime().availableProcessors() + " CPUs";
        if (from != null) {
            return rerender(suites, dir, host);
        }
        Path jarFile = jarFile();
        JavaRuntime runtime = jvm == null ? JavaRuntime.current() : JavaRuntime.probe(jvm);
        if (!runtime.supported()) {
            throw new IllegalStateException((runtime.feature() == 0 ? "the JDK" : "JDK " + runtime.feature())
                    + " at " + runtime.java() + " is too old: the benchmarks need JDK " + JavaRuntime.MINIMUM_FEATURE
                    + " or newer (pass --jvm <jdk>/bin/java)");
        }
        JmhRunner runner = new JmhRunner(runtime.java(), jarFile,
                ignoreLock ? List.of("-Djmh.ignoreLock=true") : List.of());

        boolean all = suites.size() == Suite.all().size();
        // For 'all', list the whole package, so that a benchmark class no suite names yet is pointed out.
        Map<String, Integer> listed = runner.list(all ? List.of("^" + Pattern.quote(Suite.PACKAGE + "."))
                : suites.stream().map(Suite::include).toList());
        listed.keySet().stream().filter(b -> Suite.ofBenchmark(b).isEmpty())
                .map(b -> b.substring(0, b.lastIndexOf('.'))).distinct()
                .forEach(c -> err.println("bench: note: " + c + " is in the jar but no suite names it (add it to "
                        + Suite.class.getName() + ")"));
        List<Suite> built = new ArrayList<>();
        List<Suite.Bench> builtBenches = new ArrayList<>();
        List<String> notBuilt = new ArrayList<>();
        int total = 0;
        for (Suite s : suites) {
            List<String> missing = new ArrayList<>();
            int suiteCombos = 0;
            for (Suite.Bench b : s.benches()) {
                int combos = listed.entrySet().stream().filter(e -> b.owns(e.getKey())).mapToInt(Map.Entry::getValue)
                        .sum();
                if (combos == 0) {
                    missing.add(b.className());
                } else {
                    builtBenches.add(b);
                    suiteCombos += combos;
                }
            }
            if (suiteCombos == 0) {
                notBuilt.add(s.name());
                err.println("bench: " + s.name() + ": not built yet (" + names(missing) + (missing.size() == 1
                        ? " is" : " are") + " not in " + jarFile + ")");
            } else {
                built.add(s);
                total += suiteCombos;
                if (!missing.isEmpty()) {
                    err.println("bench: " + s.name() + ": " + names(missing) + (missing.size() == 1 ? " is" : " are")
                            + " not built yet (not in " + jarFile + "); running the rest of the suite");
                }
            }
        }
        err.flush();
        String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String jmhOptions = quick ? String.join(" ", JmhRunner.QUICK_OPTIONS) : "";
        if (built.isEmpty()) {
            BenchRun run = new BenchRun(List.of(), List.of(), notBuilt, started, runtime.description(), host, quick,
                    jmhOptions);
            if (json) {
                stdout.println(Json.write(Reports.json(run, null)));
            } else {
                stdout.println("nothing to run: " + String.join(", ", notBuilt) + " not built yet");
            }
            return Panamax.EXIT_OK;
        }

        Files.createDirectories(dir);
        Path results = dir.resolve(ReportWriter.RESULTS).toAbsolutePath();
        Files.deleteIfExists(results);
        List<String> args = new ArrayList<>(builtBenches.stream().map(Suite.Bench::include).toList());
        boolean ioRuns = builtBenches.stream().anyMatch(b -> b.qualifiedClassName().equals(
                IoReport.BENCHMARK_CLASS));
        if (ioRuns) {
            if (file == null && !Files.exists(ioFile)) {
                Files.createDirectories(ioFile); // a directory: the benchmark and fio create the file inside
            }
            // JMH splits these at spaces: ioFile() refuses paths with white space.
            args.addAll(List.of("-jvmArgsAppend", "-D" + IO_FILE_PROPERTY + "=" + ioFile + " -D" + IO_SIZE_PROPERTY
                    + "=" + ioFileSize()));
        }
        args.addAll(List.of("-rf", "json", "-rff", results.toString(), "-foe", "true"));
        if (quick) {
            args.addAll(JmhRunner.QUICK_OPTIONS);
        }
        err.println("bench: running " + built.stream().map(Suite::name).collect(Collectors.joining(", ")) + " ("
                + total + " benchmarks" + (quick ? ", quick" : "") + "); JMH's output goes to "
                + dir.resolve(ReportWriter.LOG));
        err.flush();
        Progress progress = new Progress(total);
        JmhRunner.Outcome outcome = runner.run(args, dir.toAbsolutePath(), dir.resolve(ReportWriter.LOG), line ->
                progress.accept(line).ifPresent(p -> {
                    err.println("bench: " + p);
                    err.flush();
                }));
        if (outcome.exitCode() != 0) {
            return failure("benchmark failed (JMH exited " + outcome.exitCode() + ")"
                    + outcome.error().map(e -> ": " + e).orElse("") + "; JMH's output: " + dir.resolve(
                    ReportWriter.LOG));
        }
        if (!Files.isRegularFile(results)) {
            return failure("JMH wrote no results file " + results + "; JMH's output: " + dir.resolve(
                    ReportWriter.LOG));
        }
        String fioNote = ioRuns ? runFio(ioFile, dir) : null;
        return report(Files.readString(results), built, notBuilt, started, runtime.description(), host, dir,
                ioRuns ? ioFile.toString() : null, fioNote);
    }

    private static String names(List<String> classes) {
        if (classes.size() <= 1) {
            return String.join("", classes);
        }
        return String.join(", ", classes.subList(0, classes.size() - 1)) + " and " + classes.getLast();
    }

    private String ioFileSize() {
        return quick ? "64m" : "1g";
    }

    /**
     * The file (or directory) of the io suite: --file, checked, or the default directory. A --file that cannot
     * work is a usage error, reported before anything runs.
     */
    Path ioFile(List<Suite> suites) {
        if (file == null) {
            return Path.of(System.getProperty("java.io.tmpdir"), "panamax-io-bench").toAbsolutePath();
        }
        if (suites.stream().noneMatch(s -> s.name().equals("io"))) {
            throw usage("--file " + file + ": only the io suite reads a file (add 'io' to the suites)");
        }
        if (file.toString().chars().anyMatch(Character::isWhitespace)) {
            throw usage("--file " + file + ": a path with white space cannot be passed to the benchmark JVM");
        }
        Path p = file.toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
            if (!Files.isWritable(p)) {
                throw usage("--file " + file + ": permission denied (cannot create the benchmark file in " + p + ")");
            }
            return p;
        }
        if (Files.exists(p)) {
            if (!Files.isRegularFile(p)) {
                throw usage("--file " + file + ": not a regular file or a directory");
            }
            if (!Files.isReadable(p)) {
                throw usage("--file " + file + ": permission denied (cannot read it)");
            }
            long size;
            try {
                size = Files.size(p);
            } catch (IOException e) {
                throw usage("--file " + file + ": " + describe(e));
            }
            if (size < MIN_IO_FILE_BYTES) {
                throw usage("--file " + file + ": " + size + " bytes; the benchmarks read random 4 KiB blocks of a "
                        + "file of at least 1 MiB (give a directory to have one created)");
            }
            return p;
        }
        Path parent = p.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw usage("--file " + file + ": no such directory: " + parent);
        }
        if (!Files.isWritable(parent)) {
            throw usage("--file " + file + ": permission denied (cannot create it in " + parent + ")");
        }
        return p;
    }

    /**
     * Runs benchmarks/fio-anchor.sh on the io file, writing {@code fio.json} and {@code fio.log} into the report
     * directory.
     *
     * @return null when fio's figures are in {@code fio.json}, else why there are none
     */
    private String runFio(Path ioFile, Path dir) throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (noFio) {
            return "not run (--no-fio)";
        }
        String home = System.getProperty("panamax.home");
        Path script = Path.of(home == null ? "." : home, "benchmarks", "fio-anchor.sh").toAbsolutePath();
        if (!Files.isRegularFile(script)) {
            return "not run: " + script + " is missing";
        }
        if (!onPath("fio")) {
            return "not run: fio is not installed (apt-get install fio, or run " + script + " as root once)";
        }
        Path fioJson = dir.resolve("fio.json").toAbsolutePath();
        Path log = dir.resolve("fio.log").toAbsolutePath();
        Files.deleteIfExists(fioJson);
        err.println("bench: io: running fio (io_uring, randread 4k O_DIRECT, iodepth 32 and 1) on " + ioFile
                + "; its output goes to " + log);
        err.flush();
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "--no-install", "--out", fioJson.toString(),
                ioFile.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SECONDS_PER_TEST", quick ? "2" : "10");
        pb.environment().put("RAMP_SECONDS", quick ? "1" : "2");
        pb.environment().put("SIZE", ioFileSize());
        Process p = pb.start();
        p.getOutputStream().close();
        int rc = p.waitFor();
        if (rc != 0 || !Files.isRegularFile(fioJson)) {
            List<String> lines = Files.readAllLines(log);
            return "fio-anchor.sh failed (exit " + rc + ")" + (lines.isEmpty() ? "" : ": " + lines.getLast())
                    + "; its output: " + log;
        }
        return null;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    /** Renders the results: writes the report files, prints the table or the JSON. */
    private int report(String results, List<Suite> suites, List<String> notBuilt, String started,
                       String jvmDescription, String host, Path dir, String ioFile, String fioNote) throws IOException {
        Set<Suite> requested = Set.copyOf(suites);
        boolean all = suites.size() == Suite.all().size();
        List<Result> parsed = JmhResults.parse(results).stream().filter(r -> Suite.ofBenchmark(r.benchmark())
                .map(requested::contains).orElse(all)).toList();
        if (parsed.isEmpty()) {
            return failure("no results of " + suites.stream().map(Suite::name).collect(Collectors.joining(", "))
                    + " in " + dir.resolve(ReportWriter.RESULTS) + " (JMH's output: " + dir.resolve(ReportWriter.LOG)
                    + ")");
        }
        List<String> present = suites.stream().filter(s -> parsed.stream().anyMatch(r -> Suite.ofBenchmark(
                r.benchmark()).orElse(null) == s)).map(Suite::name).toList();
        JmhResults.RunInfo info = JmhResults.info(results).orElse(new JmhResults.RunInfo(jvmDescription,
                quick ? String.join(" ", JmhRunner.QUICK_OPTIONS) : ""));
        PrintWriter stdout = spec.commandLine().getOut();
        BenchRun run = new BenchRun(Comparison.compare(parsed), present, notBuilt, started, info.jvm(), host, quick,
                info.options());
        Path index = ReportWriter.write(dir, run);
        Optional<IoReport> io = ioReport(results, dir, ioFile, fioNote);
        if (io.isPresent()) {
            Files.writeString(dir.resolve("io.json"), Json.write(io.get().json()) + "\n");
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>(Reports.json(run, dir.toString()));
            io.ifPresent(r -> doc.put("io", r.json()));
            stdout.println(Json.write(doc));
        } else {
            stdout.print(Reports.text(run));
            io.ifPresent(r -> stdout.print(r.text()));
            stdout.println("report: " + index);
        }
        stdout.flush();
        return Panamax.EXIT_OK;
    }

    /** The io figures of the results, with fio's from {@code fio.json} in the report directory when it is there. */
    private Optional<IoReport> ioReport(String results, Path dir, String ioFile, String fioNote) throws IOException {
        Path fioJson = dir.resolve("fio.json");
        if (from != null && !Files.isRegularFile(fioJson) && from.toAbsolutePath().getParent() != null) {
            fioJson = from.toAbsolutePath().getParent().resolve("fio.json");
        }
        boolean haveFio = (from != null || fioNote == null) && Files.isRegularFile(fioJson);
        try {
            return IoReport.of(results, haveFio ? Files.readString(fioJson) : null,
                    haveFio ? null : fioNote == null ? "not run" : fioNote, ioFile);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("bench: io: " + fioJson + ": " + e.getMessage());
            return IoReport.of(results, null, "unreadable " + fioJson, ioFile);
        }
    }

    /** --from: renders a report from a results file of an earlier run, without running anything. */
    private int rerender(List<Suite> suites, Path dir, String host) throws IOException {
        if (!Files.isRegularFile(from)) {
            throw usage("--from " + from + ": no such file");
        }
        String results = Files.readString(from);
        try {
            JmhResults.parse(results);
        } catch (IllegalArgumentException e) {
            return failure("--from " + from + ": " + e.getMessage());
        }
        Files.createDirectories(dir);
        Path copy = dir.resolve(ReportWriter.RESULTS);
        if (!Files.exists(copy) || !Files.isSameFile(copy, from)) {
            Files.copy(from, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        Path log = dir.resolve(ReportWriter.LOG);
        if (!Files.exists(log)) {
            Files.writeString(log, "Rendered from " + from.toAbsolutePath() + "; JMH's console output of that run "
                    + "was not kept.\n");
        }
        String started = Files.getLastModifiedTime(from).toInstant().truncatedTo(ChronoUnit.SECONDS).toString();
        return report(results, suites, List.of(), started, "unknown", "not recorded in " + from + " (rendered on "
                + host + ")", dir, null, "no fio.json beside " + from);
    }

    private int failure(String message) {
        spec.commandLine().getErr().println(spec.qualifiedName() + ": " + message);
        return Panamax.EXIT_FAILURE;
    }

    /** The requested suites, in registry order, each once; a name that is no suite is a usage error. */
    List<Suite> suites() {
        Set<Suite> chosen = new LinkedHashSet<>();
        List<String> names = suiteNames.isEmpty() ? List.of("all") : suiteNames;
        for (String name : names) {
            if (name.equals("all")) {
                chosen.addAll(Suite.all());
                continue;
            }
            chosen.add(Suite.named(name).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                    "unknown suite '" + name + "' (expected one of " + Suite.all().stream().map(Suite::name)
                            .collect(Collectors.joining(", ")) + " or all)")));
        }
        return Suite.all().stream().filter(chosen::contains).toList();
    }

    /** Refuses an --out that exists as a file, or whose nearest existing directory cannot be written. */
    void checkOutDir(Path dir) {
        Path p = dir.toAbsolutePath().normalize();
        if (Files.exists(p) && !Files.isDirectory(p)) {
            throw usage("--out " + dir + ": exists and is not a directory");
        }
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw usage("--out " + dir + ": " + existing + " is not a directory");
        }
        if (!Files.isWritable(existing)) {
            throw usage("--out " + dir + ": permission denied (cannot write to " + existing + ")");
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** The --jar, or benchmarks.jar of the checkout the launcher runs from, or of the current directory. */
    private Path jarFile() {
        Path file = jar;
        if (file == null) {
            String home = System.getProperty("panamax.home");
            file = Path.of(home == null ? "." : home, "benchmarks", "target", "benchmarks.jar");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no benchmarks jar at " + file + " (build it with './build -pl "
                    + "benchmarks -am package -DskipTests'; ./panamax bench builds it when missing)");
        }
        return file;
    }
}
