/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.doctor;

import java.util.Locale;

/** Human-readable sizes for the text report. */
final class Units {

    private Units() {
    }

    /** Formats bytes with binary prefixes: {@code 512 B}, {@code 48 KiB}, {@code 3.96 GiB}. */
    static String bytes(long bytes) {
        if (bytes < 0) {
            return bytes + " B";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        int unit = 0;
        double v = bytes;
        while (v >= 1024 && unit < units.length - 1) {
            v /= 1024;
            unit++;
        }
        if (unit == 0 || v == Math.rint(v)) {
            return (long) v + " " + units[unit];
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[unit]);
    }
}
