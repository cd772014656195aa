/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.doctor;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON writer (RFC 8259) for the doctor's report: objects from {@link Map}s with {@link String} keys (in
 * the map's iteration order), arrays from {@link List}s and {@code int[]}, strings, integral numbers, finite
 * doubles, booleans and null. Anything else is rejected rather than guessed at, so the output always parses.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8259">RFC 8259</a>
 */
public final class Json {

    private Json() {
    }

    /**
     * Writes a value as indented JSON.
     *
     * @param value the value
     * @return the JSON text, two spaces per level, without a trailing newline
     * @throws IllegalArgumentException for a value of another type, a non-string key or a non-finite double
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object value, int depth) {
        switch (value) {
            case null -> sb.append("null");
            case String s -> quote(sb, s);
            case Boolean b -> sb.append(b.booleanValue());
            case Integer i -> sb.append(i.intValue());
            case Long l -> sb.append(l.longValue());
            case Short s -> sb.append(s.shortValue());
            case Byte b -> sb.append(b.byteValue());
            case Double d -> number(sb, d);
            case Float f -> number(sb, f.doubleValue());
            case int[] a -> {
                sb.append('[');
                for (int i = 0; i < a.length; i++) {
                    sb.append(i == 0 ? "" : ", ").append(a[i]);
                }
                sb.append(']');
            }
            case List<?> list -> array(sb, list, depth);
            case Map<?, ?> map -> object(sb, map, depth);
            default -> throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

    private static void number(StringBuilder sb, double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("JSON has no " + d);
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            sb.append((long) d).append(".0");
        } else {
            sb.append(d);
        }
    }

    private static void array(StringBuilder sb, List<?> list, int depth) {
        if (list.isEmpty()) {
            sb.append("[]");
            return;
        }
        boolean scalars = list.stream().noneMatch(v -> v instanceof Map || v instanceof List);
        sb.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (scalars) {
                sb.append(i == 0 ? "" : ", ");
            } else {
                sb.append(i == 0 ? "" : ",");
                newline(sb, depth + 1);
            }
            write(sb, list.get(i), depth + 1);
        }
        if (!scalars) {
            newline(sb, depth);
        }
        sb.append(']');
    }

    private static void object(StringBuilder sb, Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append('{');
        Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<?, ?> e = it.next();
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON object keys must be strings, found " + e.getKey());
            }
            newline(sb, depth + 1);
            quote(sb, key);
            sb.append(": ");
            write(sb, e.getValue(), depth + 1);
            if (it.hasNext()) {
                sb.append(',');
            }
        }
        newline(sb, depth);
        sb.append('}');
    }

    private static void newline(StringBuilder sb, int depth) {
        sb.append('\n');
        sb.append("  ".repeat(depth));
    }

    /**
     * Appends a string literal: quotes, backslash and control characters escaped; U+2028 and U+2029 escaped too,
     * so the output is also valid JavaScript.
     *
     * @param sb the target
     * @param s the string
     */
    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
