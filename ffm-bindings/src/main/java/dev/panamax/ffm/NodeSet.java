/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.Bitmask;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An immutable set of node numbers, the value passed to and returned by the kernel's {@code nodemask} bitmask.
 * Any number of nodes is supported: the mask is an array of C {@code unsigned long} words sized to the
 * highest member.
 */
public final class NodeSet {

    private static final Path ONLINE = Path.of("/sys/devices/system/node/online");
    private static final NodeSet EMPTY = new NodeSet(new long[0]);

    private final long[] words; // trimmed: no trailing zero word, so equals can compare arrays

    private NodeSet(long[] words) {
        this.words = words;
    }

    /**
     * Returns the set of the given node numbers.
     *
     * @param nodes node numbers, each {@code >= 0}; duplicates are ignored
     * @return the set
     * @throws IllegalArgumentException if a number is negative
     */
    public static NodeSet of(int... nodes) {
        return new NodeSet(Bitmask.of("node", nodes));
    }

    /**
     * Returns the empty set.
     *
     * @return the empty set
     */
    public static NodeSet empty() {
        return EMPTY;
    }

    /**
     * Returns the nodes the kernel reports online in {@code /sys/devices/system/node/online}.
     *
     * @return the online nodes
     * @throws UncheckedIOException if sysfs cannot be read (not Linux, or {@code /sys} not mounted)
     */
    public static NodeSet online() {
        try {
            return new NodeSet(Bitmask.readList(ONLINE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ONLINE + " (is /sys mounted?)", e);
        }
    }

    static NodeSet fromWords(long[] words) {
        return new NodeSet(Bitmask.trim(words));
    }

    long[] words() {
        return words;
    }

    /**
     * Parses the kernel's list format, as in sysfs ({@code 0-3,8}).
     *
     * @param list the list, e.g. {@code "0-3,8"}
     * @return the set
     * @throws NumberFormatException if {@code list} is malformed
     */
    public static NodeSet parse(String list) {
        return new NodeSet(Bitmask.parseList(list));
    }

    /**
     * Tells whether {@code node} is in the set.
     *
     * @param node a node number
     * @return true if present
     */
    public boolean contains(int node) {
        return Bitmask.contains(words, node);
    }

    /**
     * Returns the number of nodes in the set.
     *
     * @return the count
     */
    public int size() {
        return Bitmask.cardinality(words);
    }

    /**
     * Tells whether the set is empty.
     *
     * @return true if no node is present
     */
    public boolean isEmpty() {
        return words.length == 0;
    }

    /**
     * Returns the highest node number plus one, the number of bits a kernel mask needs to hold this set.
     *
     * @return the bit length, 0 for the empty set
     */
    public int bitLength() {
        return words.length == 0 ? 0 : (words.length - 1) * Bitmask.WORD_BITS
                + Bitmask.WORD_BITS - Long.numberOfLeadingZeros(words[words.length - 1]);
    }

    /**
     * Returns the members in ascending order.
     *
     * @return a new array
     */
    public int[] toArray() {
        return Bitmask.toArray(words);
    }

    /**
     * Returns the nodes of this set that are not in {@code other}.
     *
     * @param other the set to subtract
     * @return the difference
     */
    public NodeSet minus(NodeSet other) {
        return new NodeSet(Bitmask.andNot(words, other.words));
    }

    /**
     * Returns the kernel list format, e.g. {@code 0-3,8}.
     *
     * @return the list
     */
    @Override
    public String toString() {
        return Bitmask.toList(words);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeSet other && Arrays.equals(words, other.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }
}
