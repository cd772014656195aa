/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.util.Locale;

/** Number and text formatting shared by the table, Markdown, SVG and HTML output. */
final class Fmt {

    private Fmt() {
    }

    /** Four significant digits or so, no exponent, "n/a" for NaN. */
    static String num(double d) {
        if (Double.isNaN(d)) {
            return "n/a";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(d);
        String pattern;
        if (a >= 1000) {
            pattern = "%.0f";
        } else if (a >= 100) {
            pattern = "%.1f";
        } else if (a >= 10) {
            pattern = "%.2f";
        } else if (a >= 0.1 || a == 0) {
            pattern = "%.3f";
        } else {
            pattern = "%.3g";
        }
        return String.format(Locale.ROOT, pattern, d);
    }

    /** The error column: "± x", or "n/a" when JMH had too few iterations for a confidence interval. */
    static String error(double e) {
        return Double.isNaN(e) ? "n/a" : "± " + num(e);
    }

    /** The iteration range, "min – max", or "n/a". */
    static String range(Result r) {
        return Double.isNaN(r.min()) || Double.isNaN(r.max()) ? "n/a" : num(r.min()) + " – " + num(r.max());
    }

    /** Escapes text for XML and HTML content and attribute values. */
    static String xml(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        sb.append(' ');   // not allowed in XML 1.0
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** Escapes a Markdown table cell. */
    static String md(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
    }
}
