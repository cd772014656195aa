/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file-I/O figures of {@code panamax bench io}: IOPS and latency per engine and queue depth from
 * {@code IoBenchmark}'s JMH results, fio's figures on the same file (from {@code benchmarks/fio-anchor.sh}) when
 * there are any, and the issue targets: {@code qd32 panamaxUring} IOPS ≥ 0.9× fio at iodepth 32 and ≥ 2× FileChannel
 * with 4 threads ({@code threads4}); {@code qd1 panamaxUring} mean latency ≤ 1.1× fio's total latency at iodepth 1.
 *
 * @param file the file (or directory) the benchmarks read, null when not known (a report rendered from a file)
 * @param engines one entry per IoBenchmark result, in the results' order
 * @param fio fio's figures as the script wrote them (a JSON tree), null when fio did not run
 * @param fioNote why there are no fio figures, null when there are
 */
public record IoReport(String file, List<Engine> engines, Map<String, Object> fio, String fioNote) {

    /** The JMH class this report reads. */
    public static final String BENCHMARK_CLASS = Suite.PACKAGE + ".IoBenchmark";

    private static final Pattern DEPTH = Pattern.compile("(qd|threads)(\\d+)");

    /**
     * One engine at one queue depth.
     *
     * @param impl the implementation, such as {@code panamaxUring}
     * @param panamax true for panamax's own engines
     * @param benchmark the method, such as {@code qd32}
     * @param queueDepth reads in flight: {@code qdN} has N, {@code threadsN} N (one per thread)
     * @param threads the threads JMH ran the method with
     * @param iops reads per second (for a latency result: 1 / mean latency per thread)
     * @param iopsError JMH's error on the IOPS, NaN for a latency result
     * @param latencyUs the mean and percentiles in microseconds ({@code mean}, {@code p50}, {@code p90},
     *     {@code p99}, {@code p99.9}, {@code max}), empty for a throughput result
     */
    public record Engine(String impl, boolean panamax, String benchmark, int queueDepth, int threads, double iops,
                         double iopsError, Map<String, Double> latencyUs) {

        /**
         * Copies the latencies.
         *
         * @param impl the implementation
         * @param panamax panamax's own
         * @param benchmark the method
         * @param queueDepth the queue depth
         * @param threads the threads
         * @param iops the IOPS
         * @param iopsError the error
         * @param latencyUs the latencies
         */
        public Engine {
            latencyUs = Collections.unmodifiableMap(new LinkedHashMap<>(latencyUs));
        }
    }

    /**
     * Copies the engines.
     *
     * @param file the file
     * @param engines the engines
     * @param fio fio's figures
     * @param fioNote why there are none
     */
    public IoReport {
        engines = List.copyOf(engines);
    }

    /**
     * Reads IoBenchmark's results out of JMH's JSON results.
     *
     * @param jmhJson the text of a {@code -rf json} file (other benchmarks in it are skipped)
     * @param fioJson the text fio-anchor.sh wrote, or null
     * @param fioNote why {@code fioJson} is null, or null
     * @param file the file the benchmarks read, or null
     * @return the report, or empty when the results hold no IoBenchmark result
     * @throws IllegalArgumentException when a text is not the JSON expected, naming what is wrong
     */
    public static Optional<IoReport> of(String jmhJson, String fioJson, String fioNote, String file) {
        if (!(JsonReader.parse(jmhJson) instanceof List<?> list)) {
            throw new IllegalArgumentException("JMH results: expected a JSON array");
        }
        Suite io = Suite.ofBenchmark(BENCHMARK_CLASS + ".x").orElseThrow();
        List<Engine> engines = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> run) || !(run.get("benchmark") instanceof String benchmark)
                    || !benchmark.startsWith(BENCHMARK_CLASS + ".")) {
                continue;
            }
            String method = benchmark.substring(BENCHMARK_CLASS.length() + 1);
            Matcher m = DEPTH.matcher(method);
            Map<?, ?> params = run.get("params") instanceof Map<?, ?> p ? p : Map.of();
            if (!m.matches() || !(params.get("impl") instanceof String impl)
                    || !(run.get("primaryMetric") instanceof Map<?, ?> metric)) {
                continue;
            }
            int threads = run.get("threads") instanceof Double d ? d.intValue() : 1;
            int depth = Integer.parseInt(m.group(2));
            String unit = String.valueOf(metric.get("scoreUnit"));
            double score = number(metric.get("score"));
            if ("thrpt".equals(run.get("mode"))) {
                double perSecond = perSecond(unit);
                engines.add(new Engine(impl, io.isPanamax(impl), method, depth, threads, score * perSecond,
                        number(metric.get("scoreError")) * perSecond, Map.of()));
            } else if ("sample".equals(run.get("mode")) || "avgt".equals(run.get("mode"))) {
                double toUs = microseconds(unit);
                Map<String, Double> lat = new LinkedHashMap<>();
                lat.put("mean", score * toUs);
                Map<?, ?> pct = metric.get("scorePercentiles") instanceof Map<?, ?> p ? p : Map.of();
                for (String[] k : new String[][] {{"50.0", "p50"}, {"90.0", "p90"}, {"99.0", "p99"},
                    {"99.9", "p99.9"}, {"100.0", "max"}}) {
                    if (pct.get(k[0]) != null) {
                        lat.put(k[1], number(pct.get(k[0])) * toUs);
                    }
                }
                engines.add(new Engine(impl, io.isPanamax(impl), method, depth, threads, threads * 1e6 / lat.get(
                        "mean"), Double.NaN, lat));
            }
        }
        if (engines.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> fio = null;
        if (fioJson != null) {
            if (!(JsonReader.parse(fioJson) instanceof Map<?, ?> doc) || !(doc.get("jobs") instanceof List<?>)) {
                throw new IllegalArgumentException("fio figures: expected fio-anchor.sh's JSON object with jobs");
            }
            fio = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : doc.entrySet()) {
                fio.put(String.valueOf(e.getKey()), e.getValue());
            }
        }
        return Optional.of(new IoReport(file, engines, fio, fio == null ? fioNote : null));
    }

    /**
     * One comparison with an issue target.
     *
     * @param what what is compared, such as {@code qd32 IOPS: panamaxUring / fio io_uring iodepth=32}
     * @param panamax panamax's figure
     * @param reference the other figure
     * @param unit the figures' unit
     * @param target the bound on the ratio
     * @param atLeast true when the ratio must be at least {@code target}, false when at most
     */
    public record Target(String what, double panamax, double reference, String unit, double target,
                         boolean atLeast) {

        /**
         * Returns panamax's figure divided by the reference.
         *
         * @return the ratio, NaN when a figure is missing
         */
        public double ratio() {
            return reference > 0 && panamax > 0 ? panamax / reference : Double.NaN;
        }

        /**
         * Tells whether the target is met.
         *
         * @return true or false, empty when a figure is missing
         */
        public Optional<Boolean> met() {
            double r = ratio();
            return Double.isNaN(r) ? Optional.empty() : Optional.of(atLeast ? r >= target : r <= target);
        }
    }

    /**
     * Returns the issue targets that the figures at hand can be checked against.
     *
     * @return the comparisons: at most three
     */
    public List<Target> targets() {
        List<Target> t = new ArrayList<>();
        Optional<Engine> qd32 = engine("qd32", "panamaxUring");
        Optional<Engine> qd1 = engine("qd1", "panamaxUring");
        if (qd32.isPresent()) {
            fioJob(32).map(j -> number(j.get("iops"))).ifPresent(f -> t.add(new Target(
                    "qd32 IOPS: panamaxUring / fio io_uring iodepth=32", qd32.get().iops(), f, "IOPS", 0.9, true)));
            engine("threads4", "fileChannel").ifPresent(c -> t.add(new Target(
                    "qd32 IOPS: panamaxUring / FileChannel, 4 threads", qd32.get().iops(), c.iops(), "IOPS", 2.0,
                    true)));
        }
        if (qd1.isPresent()) {
            fioJob(1).map(j -> j.get("lat_us") instanceof Map<?, ?> lat ? number(lat.get("mean")) : Double.NaN)
                    .ifPresent(f -> t.add(new Target("qd1 mean latency: panamaxUring / fio io_uring iodepth=1 (lat)",
                            qd1.get().latencyUs().get("mean"), f, "us", 1.1, false)));
        }
        return t;
    }

    private Optional<Engine> engine(String benchmark, String impl) {
        return engines.stream().filter(e -> e.benchmark().equals(benchmark) && e.impl().equals(impl)).findFirst();
    }

    private Optional<Map<?, ?>> fioJob(int depth) {
        if (fio == null || !(fio.get("jobs") instanceof List<?> jobs)) {
            return Optional.empty();
        }
        for (Object j : jobs) {
            if (j instanceof Map<?, ?> m && m.get("queue_depth") instanceof Double d && d == depth) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * Renders the figures for the console: one line per engine and depth, fio's figures, the targets.
     *
     * @return the lines, each ending with a newline
     */
    public String text() {
        StringBuilder sb = new StringBuilder("\nio: 4 KiB random reads, O_DIRECT" + (file == null ? "" : ", " + file)
                + "\n");
        for (Engine e : engines) {
            sb.append(String.format(Locale.ROOT, "  %-9s %-17s %9s IOPS", e.benchmark(), e.impl(), Fmt.num(e.iops())));
            if (!e.latencyUs().isEmpty()) {
                sb.append("  latency us: mean ").append(Fmt.num(e.latencyUs().get("mean")));
                for (String k : List.of("p50", "p99", "p99.9")) {
                    if (e.latencyUs().containsKey(k)) {
                        sb.append(' ').append(k).append(' ').append(Fmt.num(e.latencyUs().get(k)));
                    }
                }
            }
            sb.append('\n');
        }
        if (fio == null) {
            sb.append("  fio: ").append(fioNote == null ? "not run" : fioNote).append('\n');
        } else {
            for (int depth : new int[] {32, 1}) {
                fioJob(depth).ifPresent(j -> {
                    Map<?, ?> lat = j.get("lat_us") instanceof Map<?, ?> m ? m : Map.of();
                    sb.append(String.format(Locale.ROOT, "  %-9s %-17s %9s IOPS  latency us: mean %s p50 %s p99 %s%n",
                            "fio qd" + depth, "io_uring", Fmt.num(number(j.get("iops"))), Fmt.num(number(
                                    lat.get("mean"))), Fmt.num(number(lat.get("p50"))), Fmt.num(number(
                                    lat.get("p99")))));
                });
            }
        }
        for (Target t : targets()) {
            sb.append(String.format(Locale.ROOT, "  target %s: %s / %s %s = %s (%s %.2f: %s)%n", t.what(),
                    Fmt.num(t.panamax()), Fmt.num(t.reference()), t.unit(), Fmt.num(t.ratio()),
                    t.atLeast() ? ">=" : "<=", t.target(), t.met().map(b -> b ? "met" : "MISSED").orElse("-")));
        }
        return sb.toString();
    }

    /**
     * Returns the figures as a JSON-ready tree for {@code panamax bench --json}.
     *
     * @return maps, lists, strings, numbers, booleans and nulls
     */
    public Map<String, Object> json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("file", file);
        List<Object> list = new ArrayList<>();
        for (Engine e : engines) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("impl", e.impl());
            m.put("panamax", e.panamax());
            m.put("benchmark", e.benchmark());
            m.put("queue_depth", e.queueDepth());
            m.put("threads", e.threads());
            m.put("iops", finite(e.iops()));
            m.put("iops_error", finite(e.iopsError()));
            Map<String, Object> lat = new LinkedHashMap<>();
            e.latencyUs().forEach((k, v) -> lat.put(k, finite(v)));
            m.put("latency_us", lat.isEmpty() ? null : lat);
            list.add(m);
        }
        doc.put("engines", list);
        doc.put("fio", fio);
        doc.put("fio_note", fioNote);
        List<Object> targets = new ArrayList<>();
        for (Target t : targets()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("what", t.what());
            m.put("panamax", finite(t.panamax()));
            m.put("reference", finite(t.reference()));
            m.put("unit", t.unit());
            m.put("ratio", finite(t.ratio()));
            m.put("target", (t.atLeast() ? ">= " : "<= ") + t.target());
            m.put("met", t.met().orElse(null));
            targets.add(m);
        }
        doc.put("targets", targets);
        return doc;
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }

    private static double number(Object o) {
        if (o instanceof Double d) {
            return d;
        }
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    private static double perSecond(String unit) {
        return switch (unit) {
            case "ops/ms" -> 1e3;
            case "ops/us" -> 1e6;
            case "ops/ns" -> 1e9;
            case "ops/min" -> 1.0 / 60;
            default -> 1;
        };
    }

    private static double microseconds(String unit) {
        return switch (unit) {
            case "ns/op" -> 1e-3;
            case "ms/op" -> 1e3;
            case "s/op" -> 1e6;
            default -> 1;
        };
    }
}
