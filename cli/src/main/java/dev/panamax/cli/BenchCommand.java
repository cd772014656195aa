/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli;

import dev.panamax.cli.bench.BenchRun;
import dev.panamax.cli.bench.Comparison;
import dev.panamax.cli.bench.JavaRuntime;
import dev.panamax.cli.bench.JmhResults;
import dev.panamax.cli.bench.JmhRunner;
import dev.panamax.cli.bench.Progress;
import dev.panamax.cli.bench.ReportWriter;
import dev.panamax.cli.bench.Reports;
import dev.panamax.cli.bench.Result;
import dev.panamax.cli.bench.Suite;
import dev.panamax.cli.doctor.Json;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
                "Suites: locks, alloc, io, ladder, bindings, or all (the default). A suite whose class is not in "
                        + "benchmarks.jar yet is reported as not built, not as an error.",
                "A full run takes long and wants idle CPUs; --quick is a smoke run of a few minutes."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:benchmarks ran and the report was written (or nothing requested is built yet)",
                "1:a benchmark failed, or the benchmarks could not be run (no jar, JDK too old)",
                "2:bad arguments (unknown suite, unusable --out directory)"})
final class BenchCommand implements Callable<Integer> {

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
        List<String> notBuilt = new ArrayList<>();
        int total = 0;
        for (Suite s : suites) {
            int combos = listed.entrySet().stream().filter(e -> Suite.ofBenchmark(e.getKey()).orElse(null) == s)
                    .mapToInt(Map.Entry::getValue).sum();
            if (combos == 0) {
                notBuilt.add(s.name());
                err.println("bench: " + s.name() + ": not built yet (" + s.className() + " is not in " + jarFile
                        + ")");
            } else {
                built.add(s);
                total += combos;
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
        List<String> args = new ArrayList<>(built.stream().map(Suite::include).toList());
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
        return report(Files.readString(results), built, notBuilt, started, runtime.description(), host, dir);
    }

    /** Renders the results: writes the report files, prints the table or the JSON. */
    private int report(String results, List<Suite> suites, List<String> notBuilt, String started,
                       String jvmDescription, String host, Path dir) throws IOException {
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
        if (json) {
            stdout.println(Json.write(Reports.json(run, dir.toString())));
        } else {
            stdout.print(Reports.text(run));
            stdout.println("report: " + index);
        }
        stdout.flush();
        return Panamax.EXIT_OK;
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
                + host + ")", dir);
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
