/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.panamax.cli.doctor.Json;

import java.util.List;

import org.junit.jupiter.api.Test;

class ReportsTest {

    @Test
    void shouldAlignOneTableRowPerResultWithRatioToBestPeer() {
        String text = Reports.text(Samples.run());
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).startsWith("Benchmark"), lines.get(0));
        assertEquals(7, lines.stream().filter(l -> l.startsWith("BindingsBenchmark.") || l.startsWith("LockBenchmark."))
                .count(), text);
        // Every row has its unit in the column where the header has "Unit".
        int unitColumn = lines.get(0).indexOf("Unit");
        for (String row : lines.subList(1, 8)) {
            assertEquals("ns/op", row.substring(unitColumn, unitColumn + 5), row);
        }
        // Suite by suite in run order (locks, then bindings), whatever the order of JMH's results.
        assertTrue(lines.get(1).startsWith("LockBenchmark.uncontended  impl=futex "), lines.get(1));
        assertTrue(lines.get(1).contains("n/a"), "NaN error prints as n/a: " + lines.get(1));
        assertTrue(lines.get(2).contains("impl=spin") && lines.get(2).endsWith("1.91x faster than reentrant"),
                lines.get(2));
        assertTrue(lines.get(5).startsWith("BindingsBenchmark.getppid  impl=panamax "), lines.get(5));
        assertTrue(lines.get(5).endsWith("2.22x slower than rawCritical"), lines.get(5));
        assertTrue(text.contains("not built yet (no class in benchmarks.jar): alloc, io"), text);
        assertTrue(text.contains("quick run (-f 1 -wi 1 -i 2 -w 200ms -r 200ms)"), text);
    }

    @Test
    void shouldWriteOneMarkdownTablePerSuiteWithPanamaxRowsInBold() {
        BenchRun run = Samples.run();
        String md = Reports.markdown(run, Chart.of(run.rows()));
        assertTrue(md.startsWith("# panamax bench, 2026-11-25T17:00:00Z\n"), md);
        assertTrue(md.contains("\n## locks\n"), md);
        assertTrue(md.contains("\n## bindings\n"), md);
        assertTrue(md.indexOf("## locks") < md.indexOf("## bindings"), "suites in run order");
        assertEquals(2, md.lines().filter(l -> l.startsWith("| Benchmark |")).count());
        assertEquals(7, md.lines().filter(l -> l.startsWith("| BindingsBenchmark.") || l.startsWith("| LockBenchmark."))
                .count());
        assertTrue(md.contains("| LockBenchmark.uncontended | **impl=spin** | avgt | 17.34 | n/a | 17.34 | "
                + "16.27 – 18.42 | ns/op | 1.91x faster than reentrant |"), md);
        assertTrue(md.contains("| BindingsBenchmark.getppid | impl=raw | avgt | 326.2 | ± 605.6 | 312.2 | "
                + "302.3 – 364.1 | ns/op |  |"), md);
        assertTrue(md.contains("![LockBenchmark.uncontended](charts/LockBenchmark.uncontended-avgt.svg)"), md);
        assertTrue(md.contains("Not built yet (no class in benchmarks.jar): alloc, io"), md);
    }

    @Test
    void shouldEscapePipesInMarkdownCells() {
        assertEquals("a\\|b", Fmt.md("a|b"));
    }

    @Test
    void shouldEmitValidJsonWithNullForMissingFigures() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(Json.write(Reports.json(Samples.run(), "/tmp/r")));
        assertEquals("panamax bench", doc.get("tool").asText());
        assertTrue(doc.get("quick").asBoolean());
        assertEquals("/tmp/r", doc.get("report").asText());
        assertEquals("alloc", doc.get("not_built").get(0).asText());
        JsonNode results = doc.get("results");
        assertEquals(7, results.size());
        JsonNode panamax = results.get(0);
        assertEquals("bindings", panamax.get("suite").asText());
        assertEquals("panamax", panamax.get("params").get("impl").asText());
        assertTrue(panamax.get("panamax").asBoolean());
        assertEquals(567.6648356192773, panamax.get("score").asDouble());
        assertEquals("rawCritical", panamax.get("best_peer").asText());
        assertEquals(567.6648356192773 / 255.40937283883196, panamax.get("ratio").asDouble(), 1e-12);
        JsonNode futex = results.get(3);
        assertTrue(futex.get("error").isNull(), "NaN error is null in JSON");
        assertTrue(futex.get("min").isNumber());
        JsonNode peer = results.get(1);
        assertTrue(peer.get("best_peer").isNull());
        assertTrue(peer.get("speedup").isNull());
    }

    @Test
    void shouldFormatNumbersWithFourSignificantDigitsOrSo() {
        assertEquals("16114605", Fmt.num(1.6114605059965987E7));
        assertEquals("452.6", Fmt.num(452.606));
        assertEquals("17.34", Fmt.num(17.341797199304395));
        assertEquals("1.234", Fmt.num(1.23449));
        assertEquals("0.0123", Fmt.num(0.012345));
        assertEquals("n/a", Fmt.num(Double.NaN));
        assertEquals("± 7765", Fmt.error(7765.435323938112));
    }
}
