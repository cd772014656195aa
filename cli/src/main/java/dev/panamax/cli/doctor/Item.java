/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.doctor;

import java.util.Objects;

/**
 * One line of the doctor's report.
 *
 * @param key the JSON key, {@code snake_case}, unique within its section
 * @param label the text report's label
 * @param status OK, NO, a plain fact, or unknown
 * @param value the machine-readable value: a {@link String}, {@link Number}, {@link Boolean}, {@link java.util.List}
 *        or {@link java.util.Map} as {@link Json} writes them, or null when unknown
 * @param text the human-readable value
 * @param reason for NO and unknown, why; else null
 * @param fix for NO, how to fix it; for other items an optional hint ("hint:" in the text report); else null
 */
public record Item(String key, String label, Status status, Object value, String text, String reason, String fix) {

    /**
     * Creates an item.
     *
     * @param key the JSON key
     * @param label the text label
     * @param status the status
     * @param value the machine-readable value
     * @param text the human-readable value
     * @param reason why (NO, unknown)
     * @param fix how to fix it (NO)
     */
    public Item {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(text, "text");
        if (!key.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("item key must be snake_case: " + key);
        }
        if (status == Status.NO && (reason == null || fix == null)) {
            throw new IllegalArgumentException("a NO item needs a reason and a fix: " + key);
        }
    }

    /**
     * Creates an OK item.
     *
     * @param key the JSON key
     * @param label the text label
     * @param value the machine-readable value
     * @param text the human-readable value
     * @return the item
     */
    public static Item ok(String key, String label, Object value, String text) {
        return new Item(key, label, Status.OK, value, text, null, null);
    }

    /**
     * Creates a plain fact.
     *
     * @param key the JSON key
     * @param label the text label
     * @param value the machine-readable value
     * @param text the human-readable value
     * @return the item
     */
    public static Item info(String key, String label, Object value, String text) {
        return new Item(key, label, Status.INFO, value, text, null, null);
    }

    /**
     * Creates a plain fact whose text is the value itself.
     *
     * @param key the JSON key
     * @param label the text label
     * @param value the value
     * @return the item
     */
    public static Item info(String key, String label, Object value) {
        return info(key, label, value, String.valueOf(value));
    }

    /**
     * Creates a NO item.
     *
     * @param key the JSON key
     * @param label the text label
     * @param value the machine-readable value
     * @param text the human-readable value
     * @param reason why the library cannot use it
     * @param fix how to fix it
     * @return the item
     */
    public static Item no(String key, String label, Object value, String text, String reason, String fix) {
        return new Item(key, label, Status.NO, value, text, reason, fix);
    }

    /**
     * Creates an unknown item: the doctor could not find out.
     *
     * @param key the JSON key
     * @param label the text label
     * @param reason why, such as {@code cannot read /sys/devices/system/cpu/online: no such file}
     * @return the item, whose text reads {@code unknown (reason)}
     */
    public static Item unknown(String key, String label, String reason) {
        return new Item(key, label, Status.UNKNOWN, null, "unknown (" + reason + ")", reason, null);
    }
}
