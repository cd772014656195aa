/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.doctor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The doctor's findings, renderable as text for people and as one JSON object for machines. */
public final class Report {

    /** Labels longer than this push their value to the right instead of widening every line. */
    private static final int MAX_LABEL_WIDTH = 24;
    /** Long values, reasons and fixes wrap here, like the 120-column sources. */
    private static final int LINE_WIDTH = 120;

    private final String version;
    private final List<Section> sections;

    /**
     * Creates a report.
     *
     * @param version the panamax version that wrote it
     * @param sections the sections in display order; keys must be unique
     */
    public Report(String version, List<Section> sections) {
        this.version = Objects.requireNonNull(version, "version");
        this.sections = List.copyOf(sections);
        if (this.sections.stream().map(Section::key).distinct().count() != this.sections.size()) {
            throw new IllegalArgumentException("duplicate section keys");
        }
    }

    /**
     * Returns the sections.
     *
     * @return the sections in display order
     */
    public List<Section> sections() {
        return sections;
    }

    /**
     * Counts the items with a status.
     *
     * @param status the status
     * @return how many items have it
     */
    public int count(Status status) {
        return (int) sections.stream().flatMap(s -> s.items().stream()).filter(i -> i.status() == status).count();
    }

    /**
     * Renders the report for a terminal: one heading per section, one line per item with its marker, and for
     * each NO or unknown item indented {@code why:} and {@code fix:} lines.
     *
     * @return the text, ending with a newline
     */
    public String toText() {
        int width = 0;
        for (Section s : sections) {
            for (Item i : s.items()) {
                width = Math.max(width, Math.min(MAX_LABEL_WIDTH, i.label().length()));
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("panamax doctor ").append(version).append(": what this machine offers panamax\n");
        String pad = " ".repeat(2 + 2 + 2 + width + 2);
        for (Section s : sections) {
            sb.append('\n').append(s.title()).append('\n');
            for (Item i : s.items()) {
                sb.append("  ").append(i.status().marker()).append("  ");
                sb.append(i.label());
                sb.append(" ".repeat(Math.max(2, width - i.label().length() + 2)));
                wrap(sb, i.text(), pad);
                boolean explain = i.status() == Status.NO
                        || i.status() == Status.UNKNOWN && !i.text().contains(String.valueOf(i.reason()));
                if (explain && i.reason() != null) {
                    sb.append(pad);
                    wrap(sb, "why: " + i.reason(), pad + "     ");
                }
                if (i.fix() != null) {
                    String prefix = i.status() == Status.NO ? "fix: " : "hint: ";
                    sb.append(pad);
                    wrap(sb, prefix + i.fix(), pad + " ".repeat(prefix.length()));
                }
            }
        }
        sb.append('\n').append(count(Status.OK)).append(" OK, ").append(count(Status.NO)).append(" NO, ")
                .append(count(Status.UNKNOWN)).append(" unknown")
                .append("  (OK usable, NO missing: see fix, -- fact, ?? could not be determined)\n");
        return sb.toString();
    }

    /**
     * Appends text after what the current line already holds, breaking at spaces before {@link #LINE_WIDTH} and
     * indenting continuation lines; a word longer than a line stays whole.
     */
    private static void wrap(StringBuilder sb, String text, String indent) {
        int lineStart = sb.lastIndexOf("\n") + 1;
        int column = sb.length() - lineStart;
        boolean first = true;
        for (String word : text.split(" ")) {
            if (!first && column + 1 + word.length() > LINE_WIDTH) {
                sb.append('\n').append(indent);
                column = indent.length();
            } else if (!first) {
                sb.append(' ');
                column++;
            }
            sb.append(word);
            column += word.length();
            first = false;
        }
        sb.append('\n');
    }

    /**
     * Renders the report as one JSON object: {@code version}, {@code sections} (section key to item key to
     * {@code {"status", "value", "text"[, "reason"][, "fix"]}}) and {@code summary} (counts per status).
     *
     * @return the JSON text, ending with a newline
     */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("tool", "panamax doctor");
        root.put("version", version);
        Map<String, Object> secs = new LinkedHashMap<>();
        for (Section s : sections) {
            Map<String, Object> items = new LinkedHashMap<>();
            for (Item i : s.items()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("status", i.status().jsonName());
                item.put("value", i.value());
                item.put("text", i.text());
                if (i.reason() != null) {
                    item.put("reason", i.reason());
                }
                if (i.fix() != null) {
                    item.put("fix", i.fix());
                }
                items.put(i.key(), item);
            }
            secs.put(s.key(), items);
        }
        root.put("sections", secs);
        Map<String, Object> summary = new LinkedHashMap<>();
        for (Status st : Status.values()) {
            summary.put(st.jsonName(), count(st));
        }
        root.put("summary", summary);
        return Json.write(root) + "\n";
    }
}
