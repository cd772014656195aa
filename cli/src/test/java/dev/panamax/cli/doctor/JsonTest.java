/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void shouldRoundTripEveryControlCharacterWhenEscaping() throws Exception {
        StringBuilder all = new StringBuilder("quote \" backslash \\ slash / ");
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        all.append("\u007f \u2028 \u2029 é 日本 \uD83D\uDE80");
        String json = Json.write(Map.of("s", all.toString()));
        assertEquals(all.toString(), MAPPER.readTree(json).get("s").asText());
        assertTrue(json.chars().noneMatch(c -> c < 0x20 && c != '\n'), json);
    }

    @Test
    void shouldKeepTypesWhenWritingNestedValues() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("int", 42);
        m.put("long", Long.MAX_VALUE);
        m.put("neg", -1L);
        m.put("double", 0.5);
        m.put("whole_double", 2.0);
        m.put("bool", true);
        m.put("null", null);
        m.put("list", List.of(1, "two", List.of(), Map.of()));
        m.put("ints", new int[] {3, 4});
        m.put("empty", Map.of());
        JsonNode n = MAPPER.readTree(Json.write(m));
        assertTrue(n.get("int").isInt());
        assertEquals(Long.MAX_VALUE, n.get("long").asLong());
        assertTrue(n.get("double").isDouble());
        assertEquals(2.0, n.get("whole_double").asDouble());
        assertTrue(n.get("whole_double").isDouble());
        assertTrue(n.get("bool").isBoolean());
        assertTrue(n.get("null").isNull());
        assertEquals(4, n.get("list").size());
        assertEquals("two", n.get("list").get(1).asText());
        assertEquals(4, n.get("ints").get(1).asInt());
        assertTrue(n.get("empty").isObject());
        assertEquals(List.of("int", "long", "neg", "double", "whole_double", "bool", "null", "list", "ints", "empty"),
                iterableToList(n.fieldNames()));
    }

    @Test
    void shouldRejectNonFiniteDoubleWhenWriting() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(List.of(Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of("x", Double.POSITIVE_INFINITY)));
    }

    @Test
    void shouldRejectUnknownTypesWhenWriting() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        Map<Object, Object> nonStringKey = new LinkedHashMap<>();
        nonStringKey.put(1, "one");
        assertThrows(IllegalArgumentException.class, () -> Json.write(nonStringKey));
    }

    @Test
    void shouldWriteScalarsWhenTopLevel() {
        assertEquals("null", Json.write(null));
        assertEquals("\"a\\\"b\"", Json.write("a\"b"));
        assertEquals("[1, 2]", Json.write(Arrays.asList(1, 2)));
    }

    private static List<String> iterableToList(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
