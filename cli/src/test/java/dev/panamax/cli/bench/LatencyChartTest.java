/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The latency charts. The {@code .hgrm} resources are real {@code LatencyLog} output (HdrHistogram 2.2.2) of
 * {@code LockBenchmark.handoff} with {@code -f 1 -wi 1 -i 2 -w 300ms -r 500ms} on the loaded 2-core build machine.
 */
class LatencyChartTest {

    private static final String SVG_NS = "http://www.w3.org/2000/svg";
    private static final String HANDOFF = "dev.panamax.bench.LockBenchmark.handoff";
    private static final String FUTEX = "LockBenchmark.handoff-impl=futex.hgrm";
    private static final String REENTRANT = "LockBenchmark.handoff-impl=reentrant.hgrm";

    @TempDir
    Path tmp;

    static String resource(String name) {
        try (InputStream in = LatencyChartTest.class.getResourceAsStream("latency/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A run with handoff results for futex, reentrant and spin, and one benchmark that records no latency. */
    static List<Comparison> rows() {
        return Comparison.compare(List.of(
                Samples.result(HANDOFF, "avgt", Map.of("impl", "futex"), 64553, Double.NaN),
                Samples.result(HANDOFF, "avgt", Map.of("impl", "reentrant"), 1407065, Double.NaN),
                Samples.result(HANDOFF, "avgt", Map.of("impl", "spin"), 10711442, Double.NaN),
                Samples.result("dev.panamax.bench.BindingsBenchmark.getppid", "avgt", Map.of("impl", "panamax"), 80,
                        1)));
    }

    /** The report's latency directory as the run leaves it: futex and reentrant recorded, spin's file missing. */
    static Path latencyDir(Path reportDir) throws IOException {
        Path dir = Files.createDirectories(reportDir.resolve(LatencyChart.DIR));
        Files.writeString(dir.resolve(FUTEX), resource(FUTEX));
        Files.writeString(dir.resolve(REENTRANT), resource(REENTRANT));
        return dir;
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldParseHdrHistogramPercentileDistribution() {
        LatencyCurve c = LatencyCurve.parse("futex", true, FUTEX, resource(FUTEX));
        assertEquals(40901, c.count());
        assertEquals(31997951, c.maxNs());
        assertEquals(48603.210, c.meanNs(), 1e-9);
        assertEquals(0.0, c.points().getFirst().percentile());
        assertEquals(1.0, c.points().getLast().percentile());
        assertEquals(31997951, c.points().getLast().valueNs());
        double median = c.points().stream().filter(p -> p.percentile() == 0.5).findFirst().orElseThrow().valueNs();
        assertEquals(median, c.valueAt(0.5));
        assertTrue(c.valueAt(0.99) >= c.valueAt(0.9) && c.valueAt(0.9) >= median, "percentiles must not decrease");
        assertEquals(c.maxNs(), c.valueAt(1));
    }

    @Test
    void shouldRejectTextWhenItIsNoPercentileDistribution() {
        assertThrows(IllegalArgumentException.class, () -> LatencyCurve.parse("x", false, "x.hgrm", "{\"a\": 1}"));
        assertThrows(IllegalArgumentException.class, () -> LatencyCurve.parse("x", false, "x.hgrm",
                "       Value     Percentile TotalCount 1/(1-Percentile)\n\n     100.000 0.0 1 1.00\n"));
        assertThrows(IllegalArgumentException.class, () -> LatencyCurve.parse("x", false, "x.hgrm",
                "200.0 0.9 1 10.0\n100.0 0.5 1 2.0\n#[Max     = 200.000, Total count    =           2]\n"));
    }

    @Test
    void shouldNameHistogramFilesLikeTheBenchmarksLatencyLog() {
        // Same examples as LatencyLogTest in the benchmarks module: the two sides must agree on the name.
        Map<String, String> params = new LinkedHashMap<>();
        params.put("impl", "futex");
        params.put("depth", "1");
        assertEquals("LockBenchmark.handoff-depth=1-impl=futex",
                LatencyChart.histogramName(Samples.result(HANDOFF, "avgt", params, 1, 1)));
        assertEquals("IoBenchmark.read-file=_tmp_a_b", LatencyChart.histogramName(Samples.result(
                "dev.panamax.bench.IoBenchmark.read", "avgt", Map.of("file", "/tmp/a b"), 1, 1)));
    }

    @Test
    void shouldMakeOneChartPerBenchmarkFromTheHistogramsTheRunLeft() throws Exception {
        List<LatencyChart> charts = LatencyChart.of(rows(), latencyDir(tmp));
        assertEquals(1, charts.size());
        LatencyChart chart = charts.getFirst();
        assertEquals("LockBenchmark.handoff", chart.title());
        assertEquals("LockBenchmark.handoff-latency.svg", chart.fileName());
        assertEquals(List.of("futex", "reentrant"), chart.curves().stream().map(LatencyCurve::label).toList());
        assertEquals(List.of(true, false), chart.curves().stream().map(LatencyCurve::panamax).toList());
        assertEquals(FUTEX, chart.curves().getFirst().file());
    }

    @Test
    void shouldMakeNoChartWhenTheRunLeftNoHistograms() throws Exception {
        assertTrue(LatencyChart.of(rows(), tmp.resolve("missing")).isEmpty());
        assertTrue(LatencyChart.of(rows(), Files.createDirectories(tmp.resolve("empty"))).isEmpty());
    }

    @Test
    void shouldFailNamingTheFileWhenAHistogramIsCorrupt() throws Exception {
        Path dir = latencyDir(tmp);
        Files.writeString(dir.resolve(FUTEX), "not a histogram\n");
        IOException e = assertThrows(IOException.class, () -> LatencyChart.of(rows(), dir));
        assertTrue(e.getMessage().contains(FUTEX), e.getMessage());
    }

    @Test
    void shouldRenderOneLinePerImplementationOnAPercentileAxis() throws Exception {
        String svg = LatencyChart.of(rows(), latencyDir(tmp)).getFirst().svg();
        Document doc = parse(svg);
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        NodeList lines = doc.getElementsByTagNameNS(SVG_NS, "polyline");
        assertEquals(2, lines.getLength());
        Element futex = (Element) lines.item(1);      // panamax is drawn last, on top
        Element reentrant = (Element) lines.item(0);
        assertTrue(futex.getTextContent().startsWith("futex: p50 "), futex.getTextContent());
        assertTrue(futex.getTextContent().endsWith("max 32 ms, 40901 ops"), futex.getTextContent());
        assertFalse(futex.hasAttribute("stroke-dasharray"), "panamax's line is solid");
        assertTrue(reentrant.hasAttribute("stroke-dasharray"), "a peer's line is dashed");
        assertEquals("#2563eb", futex.getAttribute("stroke"));
        // One point per line of the file plus the maximum at the right edge, all inside the plot.
        String[] points = futex.getAttribute("points").split(" ");
        assertEquals(LatencyCurve.parse("futex", true, FUTEX, resource(FUTEX)).points().size() + 1, points.length);
        double lastX = 0;
        for (String p : points) {
            double x = Double.parseDouble(p.split(",")[0]);
            assertTrue(x >= lastX && x >= 90 && x <= 940, "x out of order or outside the plot: " + p);
            lastX = x;
        }
        assertEquals(940.0, lastX);
        List<String> texts = new ArrayList<>();
        NodeList t = doc.getElementsByTagNameNS(SVG_NS, "text");
        for (int i = 0; i < t.getLength(); i++) {
            texts.add(t.item(i).getTextContent());
        }
        assertTrue(texts.containsAll(List.of("0%", "90%", "99%", "99.9%", "99.99%", "99.999%")), texts.toString());
        // 1 µs .. 32 ms spans decades: a log latency axis with duration labels.
        assertTrue(texts.containsAll(List.of("1 µs", "1 ms", "100 ms")), texts.toString());
        assertTrue(texts.contains("LockBenchmark.handoff latency percentiles"), texts.toString());
    }

    @Test
    void shouldUseALinearLatencyAxisWhenValuesAreClose() throws Exception {
        String hgrm = """
                       Value     Percentile TotalCount 1/(1-Percentile)

                     100.000 0.000000000000          1           1.00
                     150.000 0.500000000000          5           2.00
                     180.000 0.900000000000          9          10.00
                     200.000 1.000000000000         10
                #[Mean    =      150.000, StdDeviation   =       30.000]
                #[Max     =      200.000, Total count    =           10]
                #[Buckets =           26, SubBuckets     =         2048]
                """;
        LatencyChart chart = new LatencyChart("X.y", "sub", "", List.of(LatencyCurve.parse("a", false, "a.hgrm",
                hgrm)));
        String svg = chart.svg();
        assertTrue(svg.contains(">0 ns</text>") && svg.contains(">200 ns</text>"), svg);
        assertTrue(svg.contains(">99%</text>") && !svg.contains(">99.9%</text>"), "two decades at least, no more "
                + "than the data has");
    }

    @Test
    void shouldFormatDurationsAndPercentilesTheUsualWay() {
        assertEquals("840 ns", LatencyChart.duration(840));
        assertEquals("12.5 µs", LatencyChart.duration(12_500));
        assertEquals("3.2 ms", LatencyChart.duration(3_200_000));
        assertEquals("2 s", LatencyChart.duration(2e9));
        assertEquals("p50", LatencyChart.percentileName(0.5));
        assertEquals("p99.9", LatencyChart.percentileName(0.999));
        assertEquals("p99.99", LatencyChart.percentileName(0.9999));
        assertEquals("max", LatencyChart.percentileName(1));
    }

    @Test
    void shouldLinkLatencyChartsAndHistogramsFromSummaryAndPage() throws Exception {
        BenchRun run = new BenchRun(rows(), List.of("locks", "bindings"), List.of(), "2026-11-25T17:00:00Z", "JDK 25",
                "Linux", true, "-f 1");
        ReportWriter.write(tmp, run);
        assertFalse(Files.readString(tmp.resolve("summary.md")).contains("Latency"), "no histograms, no section");
        latencyDir(tmp);
        Path index = ReportWriter.write(tmp, run);
        String md = Files.readString(tmp.resolve("summary.md"));
        assertTrue(md.contains("## Latency percentiles"), md);
        assertTrue(md.contains("![LockBenchmark.handoff latency percentiles]"
                + "(charts/LockBenchmark.handoff-latency.svg)"), md);
        assertTrue(md.contains("| **futex** | 40901 |"), md);
        assertTrue(md.contains("[" + FUTEX + "](latency/" + FUTEX + ")"), md);
        assertTrue(Files.isRegularFile(tmp.resolve("charts/LockBenchmark.handoff-latency.svg")));
        String html = Files.readString(index);
        Document page = parse(html);
        NodeList figures = page.getElementsByTagName("figure");
        boolean found = false;
        for (int i = 0; i < figures.getLength(); i++) {
            Element f = (Element) figures.item(i);
            if (f.getAttribute("id").equals("LockBenchmark.handoff-latency.svg")) {
                found = f.getElementsByTagNameNS(SVG_NS, "polyline").getLength() == 2;
            }
        }
        assertTrue(found, "the page inlines the latency chart with its two curves");
        assertTrue(html.contains("<a href=\"latency/" + FUTEX + "\">"), html);
        JsonNode report = new ObjectMapper().readTree(tmp.resolve("figures.json").toFile());
        JsonNode futex = report.path("latency").path(0).path("curves").path(0);
        assertEquals("LockBenchmark.handoff", report.path("latency").path(0).path("benchmark").asText());
        assertEquals("futex", futex.path("impl").asText());
        assertEquals(40901, futex.path("count").asLong());
        assertTrue(futex.path("p99.9_ns").isNumber() && futex.path("max_ns").asDouble() == 31997951, futex.toString());
        assertEquals("latency/" + FUTEX, futex.path("histogram").asText());
    }
}
