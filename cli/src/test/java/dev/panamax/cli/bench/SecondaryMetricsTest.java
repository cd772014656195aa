/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.panamax.cli.doctor.Json;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SecondaryMetricsTest {

    private static final String FALSE_SHARING = "dev.panamax.bench.AllocatorWorkloadBenchmark.falseSharing";

    private static Result result(String benchmark, String peer) {
        return JmhResults.parse(Samples.allocJson()).stream().filter(r -> r.benchmark().equals(benchmark)
                && r.params().get("peer").equals(peer)).findFirst().orElseThrow();
    }

    @Test
    void shouldReadAuxCountersInJmhsOrderWhenJmhGaveSecondaryMetrics() {
        Result r = result(FALSE_SHARING, "panamax");
        assertEquals(2, r.forks());
        assertEquals(List.of("peakGrowthMiB", "peakRssMiB", "rssMiB", "sharedLines"),
                r.secondary().stream().map(SecondaryMetric::name).toList());
        SecondaryMetric peak = r.secondary().get(1);
        assertEquals(660.1375000000002, peak.score());
        assertTrue(Double.isNaN(peak.error()), "JMH writes \"NaN\" for a summed counter");
        assertEquals("#", peak.unit());
        assertTrue(peak.summed());
        SecondaryMetric consume = result("dev.panamax.bench.AllocatorCrossThreadBenchmark.handoff", "malloc")
                .secondary().getFirst();
        assertEquals(new SecondaryMetric("consume", 3.472408676667243, 0.11492495819637506, "ops/us"), consume);
        assertFalse(consume.summed());
    }

    @Test
    void shouldReadNoSecondaryMetricWhenJmhGaveNoneOrTheFieldIsMissing() {
        assertEquals(List.of(), result("dev.panamax.bench.AllocatorBenchmark.allocateFree", "panamax").secondary());
        Result old = JmhResults.parse("[{\"benchmark\": \"a.B.c\", \"mode\": \"avgt\", \"threads\": 1, "
                + "\"primaryMetric\": {\"score\": 1.5, \"scoreUnit\": \"ns/op\"}}]").getFirst();
        assertEquals(List.of(), old.secondary());
        assertEquals(1, old.forks(), "a file without forks counts as one fork");
    }

    @Test
    void shouldWriteACounterTableAfterTheSuiteTableWhenResultsHaveSecondaryMetrics() {
        BenchRun run = Samples.allocRun();
        String md = Reports.markdown(run, Chart.of(run.rows()));
        assertTrue(md.contains("""
                ### Secondary metrics: AllocatorWorkloadBenchmark.falseSharing (avgt)

                | Params | peakGrowthMiB (#) | peakRssMiB (#) | rssMiB (#) | sharedLines (#) |
                |---|--:|--:|--:|--:|
                | **peer=panamax** | 19.16 | 660.1 | 660.1 \
                | 0.000 |
                | peer=malloc | 15.41 | 656.2 | 656.2 \
                | 0.000 |
                """), md);
        assertTrue(md.contains("""
                ### Secondary metrics: AllocatorCrossThreadBenchmark.handoff (thrpt)

                | Params | consume (ops/us) | produce (ops/us) |
                |---|--:|--:|
                | **peer=panamax size=64** | 7.142 ± 1.227 | 7.142 ± 1.220 |
                | peer=malloc size=64 | 3.472 ± 0.115 | 3.478 ± 0.102 |
                """), md);
        int suiteTable = md.indexOf("| Benchmark |");
        assertTrue(suiteTable > 0 && suiteTable < md.indexOf("### Secondary metrics"), "after the suite's table");
        assertTrue(md.contains("\n" + SecondaryTable.LEGEND + "\n"), md);
    }

    @Test
    void shouldLeaveResultsWithoutSecondaryMetricsAsTheyWere() {
        BenchRun run = Samples.allocRun();
        String md = Reports.markdown(run, Chart.of(run.rows()));
        assertFalse(md.contains("Secondary metrics: AllocatorBenchmark.allocateFree"), md);
        assertTrue(md.contains("| AllocatorBenchmark.allocateFree | peer=malloc size=64 | avgt | 8.834 | ± 0.0884 |"),
                md);
        BenchRun plain = Samples.run();
        String plainMd = Reports.markdown(plain, Chart.of(plain.rows()));
        assertFalse(plainMd.contains("Secondary metrics"), plainMd);
        assertFalse(HtmlReport.html(plain, Chart.of(plain.rows())).contains("Secondary metrics"));
        assertFalse(Reports.text(plain).contains("secondary metrics"));
    }

    @Test
    void shouldShowTheSameCountersInTheHtmlPage() throws Exception {
        BenchRun run = Samples.allocRun();
        Document doc = parse(HtmlReport.html(run, Chart.of(run.rows())));
        NodeList headings = doc.getElementsByTagName("h3");
        List<String> titles = new ArrayList<>();
        for (int i = 0; i < headings.getLength(); i++) {
            titles.add(headings.item(i).getTextContent());
        }
        assertEquals(List.of("Secondary metrics: AllocatorCrossThreadBenchmark.handoff (thrpt)",
                "Secondary metrics: AllocatorWorkloadBenchmark.falseSharing (avgt)"), titles);
        Element table = (Element) doc.getElementsByTagName("table").item(2);
        assertEquals("secondary", table.getAttribute("class"));
        NodeList rows = table.getElementsByTagName("tr");
        assertEquals(List.of("Params", "peakGrowthMiB (#)", "peakRssMiB (#)", "rssMiB (#)", "sharedLines (#)"),
                cells((Element) rows.item(0)));
        assertEquals(List.of("peer=panamax", "19.16", "660.1",
                "660.1", "0.000"), cells((Element) rows.item(1)));
        assertEquals("panamax", ((Element) rows.item(1)).getAttribute("class"));
        assertTrue(doc.getDocumentElement().getTextContent().contains(SecondaryTable.LEGEND));
    }

    @Test
    void shouldPutSecondaryMetricsInFiguresJson() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(Json.write(Reports.json(Samples.allocRun(), "/tmp/r")));
        JsonNode results = doc.get("results");
        JsonNode plain = results.get(0);
        assertEquals("dev.panamax.bench.AllocatorBenchmark.allocateFree", plain.get("benchmark").asText());
        assertEquals(0, plain.get("secondary").size());
        JsonNode falseSharing = results.get(4);
        assertEquals(FALSE_SHARING, falseSharing.get("benchmark").asText());
        assertEquals(2, falseSharing.get("forks").asInt());
        JsonNode peak = falseSharing.get("secondary").get("peakRssMiB");
        assertEquals(660.1375000000002, peak.get("score").asDouble());
        assertTrue(peak.get("error").isNull());
        assertEquals("#", peak.get("unit").asText());
        assertTrue(peak.get("summed").asBoolean());
        JsonNode produce = results.get(2).get("secondary").get("produce");
        assertEquals(1.2201339493322803, produce.get("error").asDouble());
        assertFalse(produce.get("summed").asBoolean());
    }

    @Test
    void shouldNameTheCountersInOneConsoleLinePerBenchmark() {
        String text = Reports.text(Samples.allocRun());
        assertTrue(text.contains("\nsecondary metrics of AllocatorCrossThreadBenchmark.handoff (thrpt): consume, "
                + "produce (in summary.md and index.html)\nsecondary metrics of "
                + "AllocatorWorkloadBenchmark.falseSharing (avgt): peakGrowthMiB, peakRssMiB, rssMiB, sharedLines "
                + "(in summary.md and index.html)\n"), text);
        assertEquals(1 + 6 + 2, text.lines().count(), "header, one row per result, one line per benchmark: " + text);
    }

    private static List<String> cells(Element row) {
        NodeList cells = row.getChildNodes();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < cells.getLength(); i++) {
            out.add(cells.item(i).getTextContent());
        }
        return out;
    }

    /** Parses with the JDK's XML parser: throws on anything that is not well-formed XML. */
    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
