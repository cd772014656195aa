/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.doctor;

import java.util.Locale;

/** What one line of the doctor's report says about the machine. */
public enum Status {
    /** The library can use this. */
    OK("OK"),
    /** The library cannot use this; the item says why and how to fix it. */
    NO("NO"),
    /** A plain fact, neither good nor bad (kernel release, CPU count). */
    INFO("--"),
    /** The doctor could not find out (a file of /proc or /sys missing or unreadable). */
    UNKNOWN("??");

    private final String marker;

    Status(String marker) {
        this.marker = marker;
    }

    /**
     * Returns the two-character marker of the text report.
     *
     * @return {@code OK}, {@code NO}, {@code --} or {@code ??}
     */
    public String marker() {
        return marker;
    }

    /**
     * Returns the lower-case name used in the JSON report.
     *
     * @return {@code ok}, {@code no}, {@code info} or {@code unknown}
     */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
