/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A titled group of report lines, such as "CPUs" or "io_uring". */
public final class Section {

    private final String key;
    private final String title;
    private final List<Item> items = new ArrayList<>();

    /**
     * Creates an empty section.
     *
     * @param key the JSON key, {@code snake_case}
     * @param title the text report's heading
     */
    public Section(String key, String title) {
        this.key = Objects.requireNonNull(key, "key");
        this.title = Objects.requireNonNull(title, "title");
        if (!key.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("section key must be snake_case: " + key);
        }
    }

    /**
     * Appends an item.
     *
     * @param item the item; its key must be new to this section
     * @return this section
     */
    public Section add(Item item) {
        if (items.stream().anyMatch(i -> i.key().equals(item.key()))) {
            throw new IllegalArgumentException("duplicate item " + item.key() + " in section " + key);
        }
        items.add(item);
        return this;
    }

    /**
     * Returns the JSON key.
     *
     * @return the key
     */
    public String key() {
        return key;
    }

    /**
     * Returns the heading.
     *
     * @return the title
     */
    public String title() {
        return title;
    }

    /**
     * Returns the items in insertion order.
     *
     * @return an unmodifiable view
     */
    public List<Item> items() {
        return List.copyOf(items);
    }
}
