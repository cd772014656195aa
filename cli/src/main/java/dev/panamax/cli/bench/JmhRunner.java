/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code benchmarks.jar} as a child JVM: once with {@code -lp} to learn which benchmarks exist and how many
 * parameter combinations each has, then for the measurement itself, with JMH's output kept in a log and turned into
 * progress lines as it arrives.
 */
public final class JmhRunner {

    /** JMH's options for {@code --quick}: one fork, one short warmup, two short iterations. */
    public static final List<String> QUICK_OPTIONS = List.of("-f", "1", "-wi", "1", "-i", "2", "-w", "200ms", "-r",
            "200ms");

    private static final Pattern BENCHMARK_NAME = Pattern.compile("^[A-Za-z_$][\\w$]*(\\.[\\w$]+)+$");
    private static final Pattern PARAM = Pattern.compile("^\\s+param \"[^\"]*\" = \\{(.*)\\}\\s*$");

    private final Path java;
    private final Path jar;
    private final List<String> jvmOptions;

    /**
     * Creates a runner.
     *
     * @param java the {@code java} executable for the JMH host JVM (forks use the same one)
     * @param jar {@code benchmarks.jar}
     * @param jvmOptions options for the host JVM, such as {@code -Djmh.ignoreLock=true}
     */
    public JmhRunner(Path java, Path jar, List<String> jvmOptions) {
        this.java = java;
        this.jar = jar.toAbsolutePath();
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Parses the output of {@code benchmarks.jar -lp}.
     *
     * @param output JMH's output: a {@code Benchmarks:} line, then each benchmark's full name followed by one
     *     indented {@code param "name" = {v1, v2}} line per parameter
     * @return each benchmark's full name and its number of parameter combinations, in JMH's order
     */
    public static Map<String, Integer> parseList(String output) {
        Map<String, Integer> combos = new LinkedHashMap<>();
        String current = null;
        for (String line : output.split("\\R")) {
            Matcher param = PARAM.matcher(line);
            if (param.matches() && current != null) {
                int values = param.group(1).isBlank() ? 1 : param.group(1).split(",").length;
                combos.merge(current, values, (a, b) -> a * b);
            } else if (BENCHMARK_NAME.matcher(line.strip()).matches() && !line.startsWith(" ")) {
                current = line.strip();
                combos.put(current, 1);
            }
        }
        return combos;
    }

    /**
     * Lists the benchmarks that the include patterns select.
     *
     * @param includes JMH include patterns (regular expressions)
     * @return each benchmark's full name and its number of parameter combinations
     * @throws IOException when the JVM cannot be started or JMH fails, with JMH's first error line
     * @throws InterruptedException when interrupted while waiting
     */
    public Map<String, Integer> list(List<String> includes) throws IOException, InterruptedException {
        List<String> cmd = command();
        cmd.add("-lp");
        cmd.addAll(includes);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException("listing the benchmarks in " + jar + " failed (exit " + rc + "): "
                    + firstError(out.lines().toList()).orElse("no error message"));
        }
        return parseList(out);
    }

    /**
     * Runs JMH. The forked JVMs record the latency benchmarks' histograms under {@code workDir/latency}
     * ({@link LatencyChart#DIR}, created by the first fork that records one): this method empties that directory of
     * earlier histograms, then passes its path to the forks as {@code -jvmArgsAppend -Dpanamax.bench.latency.dir=...}.
     *
     * @param jmhArgs JMH's arguments: include patterns and options, without {@code -jvmArgsAppend}
     * @param workDir the child's working directory, the report directory
     * @param log where JMH's output (stdout and stderr) is copied
     * @param onLine called with every line of output as it arrives
     * @return JMH's exit code and its first error line
     * @throws IOException when the JVM cannot be started or the log or latency directory cannot be written
     * @throws InterruptedException when interrupted; the child is destroyed then
     */
    public Outcome run(List<String> jmhArgs, Path workDir, Path log, Consumer<String> onLine)
            throws IOException, InterruptedException {
        List<String> cmd = command();
        cmd.addAll(latencyArgs(prepareLatencyDir(workDir.toAbsolutePath().resolve(LatencyChart.DIR))));
        cmd.addAll(jmhArgs);
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        // Ctrl-C on the cli must not leave a JMH run (and its forks) burning the CPUs.
        Thread reaper = new Thread(() -> {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        });
        Runtime.getRuntime().addShutdownHook(reaper);
        List<String> tail = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8)); BufferedWriter w = Files.newBufferedWriter(log)) {
            String line;
            while ((line = in.readLine()) != null) {
                w.write(line);
                w.newLine();
                onLine.accept(line);
                tail.add(line);
                if (tail.size() > 200) {
                    tail.removeFirst();
                }
            }
            int rc = p.waitFor();
            return new Outcome(rc, firstError(tail));
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running already; it destroys the child.
            }
        }
    }

    /**
     * Returns JMH's arguments that make the forks record latency histograms in a directory.
     *
     * @param latencyDir an absolute directory
     * @return {@code -jvmArgsAppend} and the system property, the path in double quotes (JMH splits the value at
     *     spaces outside quotes); empty when the path holds a double quote, which JMH cannot pass
     */
    static List<String> latencyArgs(Path latencyDir) {
        String dir = latencyDir.toAbsolutePath().toString();
        if (dir.indexOf('"') >= 0) {
            return List.of();
        }
        return List.of("-jvmArgsAppend", "-D" + LatencyChart.DIR_PROPERTY + "=\"" + dir + "\"");
    }

    /** Empties the latency directory of an earlier run's histograms (forks add to what they find); they create it. */
    private static Path prepareLatencyDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return dir;
        }
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "*.{hgrm,hlog,tmp}")) {
            for (Path f : old) {
                Files.deleteIfExists(f);
            }
        }
        return dir;
    }

    /**
     * How a JMH run ended.
     *
     * @param exitCode JMH's exit code, 0 when every benchmark ran
     * @param error JMH's first error line, when it printed one
     */
    public record Outcome(int exitCode, Optional<String> error) {
    }

    /** JMH's first line that says what went wrong: an ERROR, an exception, or its lock message. */
    static Optional<String> firstError(List<String> lines) {
        for (String l : lines) {
            String s = l.strip();
            if (s.contains("Unable to acquire the JMH lock")) {
                return Optional.of("another JMH run holds its lock (" + lockFile()
                        + "); wait for it to end, or pass --ignore-lock when figures from concurrent runs will do");
            }
        }
        for (String l : lines) {
            String s = l.strip();
            if (s.startsWith("ERROR") || s.startsWith("Exception") || s.contains("Exception:")
                    || s.startsWith("Error:") || s.startsWith("Caused by:")) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private static String lockFile() {
        return Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock").toString();
    }

    private List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toString());
        return cmd;
    }
}
