/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JmhResultsTest {

    @Test
    void shouldReadEveryResultOfTheRealSampleInOrder() {
        List<Result> results = Samples.results();
        assertEquals(7, results.size());
        assertEquals(List.of("panamax", "raw", "rawCritical", "futex", "spin", "reentrant", "synchronized"),
                results.stream().map(r -> r.params().get("impl")).toList());
    }

    @Test
    void shouldReadScoreErrorPercentilesAndUnitWhenJmhHadThreeIterations() {
        Result r = Samples.results().getFirst();
        assertEquals("dev.panamax.bench.BindingsBenchmark.getppid", r.benchmark());
        assertEquals("BindingsBenchmark.getppid", r.shortName());
        assertEquals("avgt", r.mode());
        assertEquals(1, r.threads());
        assertEquals(Map.of("impl", "panamax"), r.params());
        assertEquals(567.6648356192773, r.score());
        assertEquals(7765.435323938112, r.error());
        assertEquals(382.95080103829866, r.median());
        assertEquals(265.5751231944738, r.min());
        assertEquals(1054.4685826250595, r.max());
        assertEquals("ns/op", r.unit());
    }

    @Test
    void shouldReadNanErrorWhenJmhHadTwoIterations() {
        Result futex = Samples.results().get(3);
        assertEquals("dev.panamax.bench.LockBenchmark.uncontended", futex.benchmark());
        assertEquals(45.522460838278306, futex.score());
        assertTrue(Double.isNaN(futex.error()), "JMH writes \"NaN\" as a string");
        assertEquals(35.296014582738145, futex.min());
        assertEquals(55.74890709381846, futex.max());
    }

    @Test
    void shouldRecordJvmAndOptionsOfTheRunFromTheFirstResult() {
        JmhResults.RunInfo info = JmhResults.info(Samples.jmhJson()).orElseThrow();
        assertEquals("JDK 25.0.3, OpenJDK 64-Bit Server VM 25.0.3+9-LTS, /usr/lib/jvm/temurin-25-jdk-amd64/bin/java",
                info.jvm());
        assertEquals("-f 1 -wi 1 -i 3 -w 200ms -r 200ms", info.options());
        assertTrue(JmhResults.info("[]").isEmpty());
    }

    @Test
    void shouldNameTheMissingFieldWhenAResultLacksItsPrimaryMetric() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JmhResults.parse(
                "[{\"benchmark\": \"a.B.c\", \"mode\": \"avgt\", \"threads\": 1}]"));
        assertEquals("JMH results: a.B.c: primaryMetric is not an object", e.getMessage());
    }

    @Test
    void shouldRejectTextThatIsNotAnArray() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JmhResults.parse("{}"));
        assertEquals("JMH results: expected a JSON array", e.getMessage());
    }

    @Test
    void shouldReportTheOffsetWhenJsonIsTruncated() {
        String json = Samples.jmhJson();
        String truncated = json.substring(0, json.length() / 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JmhResults.parse(truncated));
        assertTrue(e.getMessage().startsWith("malformed JSON at offset "), e.getMessage());
    }

    @Test
    void shouldReadEmptyResultsWhenJmhRanNothing() {
        assertEquals(List.of(), JmhResults.parse("[ ]"));
    }

    @Test
    void shouldDecodeEscapesLiteralsAndNumbersWhenParsingJson() {
        Object v = JsonReader.parse("{\"a\\u00e9\\n\": [true, false, null, -1.5E3, \"x\\\"y\\\\\"], \"b\": {}}");
        assertEquals(List.of("a\u00e9\n", "b"), List.copyOf(((Map<?, ?>) v).keySet()));
        List<?> list = (List<?>) ((Map<?, ?>) v).get("a\u00e9\n");
        assertEquals(Boolean.TRUE, list.get(0));
        assertEquals(Boolean.FALSE, list.get(1));
        assertEquals(null, list.get(2));
        assertEquals(-1500.0, list.get(3));
        assertEquals("x\"y\\", list.get(4));
    }

    @Test
    void shouldRejectTrailingGarbageAndBadTokens() {
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("[1] x"));
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("[1,]"));
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("{\"a\" 1}"));
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("[tru]"));
        assertThrows(IllegalArgumentException.class, () -> JsonReader.parse("\"a\nb\""));
    }
}
