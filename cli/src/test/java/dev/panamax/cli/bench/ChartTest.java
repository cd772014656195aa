/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ChartTest {

    private static final String SVG_NS = "http://www.w3.org/2000/svg";

    @TempDir
    Path tmp;

    /** Parses with the JDK's XML parser: throws on anything that is not well-formed XML. */
    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> texts(Document doc) {
        NodeList nodes = doc.getElementsByTagNameNS(SVG_NS, "text");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent());
        }
        return out;
    }

    private static Chart chart(String title) {
        return Chart.of(Samples.run().rows()).stream().filter(c -> c.title().equals(title)).findFirst()
                .orElseThrow();
    }

    @Test
    void shouldMakeOneChartPerBenchmarkWithItsImplementationsAsBars() {
        List<Chart> charts = Chart.of(Samples.run().rows());
        assertEquals(List.of("BindingsBenchmark.getppid", "LockBenchmark.uncontended"),
                charts.stream().map(Chart::title).toList());
        assertEquals(3, charts.get(0).rows().size());
        assertEquals(4, charts.get(1).rows().size());
        assertEquals("avgt, ns/op (lower is better), 1 thread", charts.get(0).subtitle());
        assertEquals("BindingsBenchmark.getppid-avgt.svg", charts.get(0).fileName());
    }

    @Test
    void shouldSplitChartsByTheParametersHeldEqual() {
        String alloc = "dev.panamax.bench.AllocatorBenchmark.allocate";
        List<Comparison> rows = Comparison.compare(List.of(
                Samples.result(alloc, "avgt", Map.of("peer", "panamax", "size", "64"), 10, 1),
                Samples.result(alloc, "avgt", Map.of("peer", "arena", "size", "64"), 12, 1),
                Samples.result(alloc, "avgt", Map.of("peer", "panamax", "size", "4096"), 30, 1)));
        List<Chart> charts = Chart.of(rows);
        assertEquals(2, charts.size());
        assertTrue(charts.get(0).subtitle().endsWith(", size=64"), charts.get(0).subtitle());
        assertEquals("AllocatorBenchmark.allocate-avgt-size=64.svg", charts.get(0).fileName());
    }

    @Test
    void shouldRenderWellFormedSvgWithBarsErrorBarsAxisAndLabels() throws Exception {
        Document doc = parse(chart("LockBenchmark.uncontended").svg());
        Element root = doc.getDocumentElement();
        assertEquals("svg", root.getLocalName());
        assertEquals(SVG_NS, root.getNamespaceURI());
        List<String> texts = texts(doc);
        assertTrue(texts.contains("LockBenchmark.uncontended"), texts.toString());
        assertTrue(texts.contains("ns/op (lower is better)"), "x axis label: " + texts);
        assertTrue(texts.containsAll(List.of("futex", "spin", "reentrant", "synchronized")), texts.toString());
        assertTrue(texts.contains("17.34  (1.91x faster)"), texts.toString());
        assertTrue(texts.containsAll(List.of("0", "20", "40", "60")), "ticks: " + texts);
        // 4 bars with a tooltip each, plus background and 3 legend swatches.
        NodeList rects = doc.getElementsByTagNameNS(SVG_NS, "rect");
        int bars = 0;
        for (int i = 0; i < rects.getLength(); i++) {
            if (rects.item(i).getFirstChild() != null) {
                bars++;
            }
        }
        assertEquals(4, bars);
        assertEquals(8, rects.getLength());
        // No confidence interval with 2 iterations: dashed min–max whiskers instead, one per bar.
        NodeList lines = doc.getElementsByTagNameNS(SVG_NS, "line");
        int dashed = 0;
        for (int i = 0; i < lines.getLength(); i++) {
            if (((Element) lines.item(i)).hasAttribute("stroke-dasharray")) {
                dashed++;
            }
        }
        assertEquals(4, dashed);
        assertTrue(texts.stream().anyMatch(t -> t.startsWith("error bars (dashed): min–max")), texts.toString());
    }

    @Test
    void shouldClipWhiskersFarBeyondTheBarsWithAnArrow() throws Exception {
        // panamax 567.7 ± 7765 and rawCritical 255.4 ± 1382 reach past 2.5x the longest bar; raw 326.2 ± 605.6 not.
        Document doc = parse(chart("BindingsBenchmark.getppid").svg());
        assertEquals(2, doc.getElementsByTagNameNS(SVG_NS, "polygon").getLength());
        List<String> texts = texts(doc);
        assertTrue(texts.contains("567.7 ± 7765  (2.22x slower)"), texts.toString());
        assertTrue(texts.contains("error bars: 99.9% confidence interval"), texts.toString());
    }

    @Test
    void shouldUseALogScaleWhenScoresSpanMoreThanTwoDecades() throws Exception {
        String contended = "dev.panamax.bench.LockBenchmark.contended";
        List<Comparison> rows = Comparison.compare(List.of(
                Samples.result(contended, "avgt", Map.of("impl", "spin"), 77408817.888, Double.NaN),
                Samples.result(contended, "avgt", Map.of("impl", "synchronized"), 62.374, Double.NaN)));
        Chart chart = Chart.of(rows).getFirst();
        Document doc = parse(chart.svg());
        List<String> texts = texts(doc);
        assertTrue(texts.contains("avgt, ns/op (lower is better), 1 thread, log scale"), texts.toString());
        assertTrue(texts.containsAll(List.of("10", "100", "1000", "10k", "100k", "1M", "10M", "100M")),
                "decade ticks: " + texts);
    }

    @Test
    void shouldEscapeMarkupInLabels() throws Exception {
        String b = "dev.panamax.bench.BindingsBenchmark.getppid";
        List<Comparison> rows = Comparison.compare(List.of(
                Samples.result(b, "avgt", Map.of("impl", "a<b>&\"c\""), 1, 0.1)));
        Document doc = parse(Chart.of(rows).getFirst().svg());
        assertTrue(texts(doc).contains("a<b>&\"c\""), texts(doc).toString());
    }

    @Test
    void shouldRenderHtmlThatIsWellFormedWithTablesAndInlineCharts() throws Exception {
        BenchRun run = Samples.run();
        Document doc = parse(HtmlReport.html(run, Chart.of(run.rows())));
        assertEquals("html", doc.getDocumentElement().getTagName());
        assertEquals(2, doc.getElementsByTagName("table").getLength());
        assertEquals(2 + 7, doc.getElementsByTagName("tr").getLength(), "a header and the rows of each suite");
        assertEquals(2, doc.getElementsByTagNameNS(SVG_NS, "svg").getLength());
        NodeList rows = doc.getElementsByTagName("tr");
        int panamaxRows = 0;
        for (int i = 0; i < rows.getLength(); i++) {
            if ("panamax".equals(((Element) rows.item(i)).getAttribute("class"))) {
                panamaxRows++;
            }
        }
        assertEquals(3, panamaxRows, "futex, spin and panamax");
        String html = HtmlReport.html(run, Chart.of(run.rows()));
        assertTrue(html.contains("<td class=\"slower\">2.22x slower than rawCritical</td>"), html);
        assertTrue(html.contains("Quick run"), html);
    }

    @Test
    void shouldWriteEveryReportFile() throws Exception {
        Path index = ReportWriter.write(tmp, Samples.run());
        assertEquals(tmp.resolve("index.html"), index);
        for (String f : List.of("summary.md", "figures.json", "charts/BindingsBenchmark.getppid-avgt.svg",
                "charts/LockBenchmark.uncontended-avgt.svg")) {
            assertTrue(Files.size(tmp.resolve(f)) > 0, f);
        }
        parse(Files.readString(tmp.resolve("charts/LockBenchmark.uncontended-avgt.svg")));
    }
}
