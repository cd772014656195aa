/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Kernel bitmasks ({@code cpu_set_t}, {@code nodemask}): arrays of C {@code unsigned long}, bit {@code i} in
 * word {@code i / 64}. Shared by the public {@code CpuSet} and {@code NodeSet} value types.
 */
public final class Bitmask {

    /** Bits in one C {@code unsigned long} of a kernel mask. */
    public static final int WORD_BITS = (int) Native.C_LONG.byteSize() * Byte.SIZE;

    private Bitmask() {
    }

    /** Returns a word array with the given bits set; rejects negative bit numbers. */
    public static long[] of(String what, int... bits) {
        int max = -1;
        for (int bit : bits) {
            if (bit < 0) {
                throw new IllegalArgumentException(what + " must be >= 0, got " + bit);
            }
            max = Math.max(max, bit);
        }
        long[] words = new long[max / WORD_BITS + 1];
        for (int bit : bits) {
            words[bit / WORD_BITS] |= 1L << (bit % WORD_BITS);
        }
        return trim(words);
    }

    /** Drops trailing zero words, so equal sets have equal arrays. */
    public static long[] trim(long[] words) {
        int n = words.length;
        while (n > 0 && words[n - 1] == 0) {
            n--;
        }
        return n == words.length ? words : Arrays.copyOf(words, n);
    }

    /** Whether bit {@code bit} is set. */
    public static boolean contains(long[] words, int bit) {
        return bit >= 0 && bit / WORD_BITS < words.length && (words[bit / WORD_BITS] & (1L << (bit % WORD_BITS))) != 0;
    }

    /** Number of set bits. */
    public static int cardinality(long[] words) {
        int n = 0;
        for (long w : words) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /** The set bits in ascending order. */
    public static int[] toArray(long[] words) {
        int[] out = new int[cardinality(words)];
        int i = 0;
        for (int w = 0; w < words.length; w++) {
            long word = words[w];
            while (word != 0) {
                out[i++] = w * WORD_BITS + Long.numberOfTrailingZeros(word);
                word &= word - 1;
            }
        }
        return out;
    }

    /** Bits set in {@code a} but not in {@code b}. */
    public static long[] andNot(long[] a, long[] b) {
        long[] out = a.clone();
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            out[i] &= ~b[i];
        }
        return trim(out);
    }

    /** Writes the words into {@code mask} (which may be longer; the rest is zeroed). */
    public static void write(long[] words, MemorySegment mask) {
        mask.fill((byte) 0);
        for (int i = 0; i < words.length; i++) {
            mask.setAtIndex(Native.C_LONG, i, words[i]);
        }
    }

    /** Reads {@code byteCount} bytes of a kernel mask. */
    public static long[] read(MemorySegment mask, long byteCount) {
        long[] words = new long[(int) ((byteCount + Native.C_LONG.byteSize() - 1) / Native.C_LONG.byteSize())];
        for (int i = 0; i < words.length; i++) {
            long offset = i * Native.C_LONG.byteSize();
            words[i] = offset + Native.C_LONG.byteSize() <= byteCount
                    ? mask.getAtIndex(Native.C_LONG, i)
                    : Byte.toUnsignedLong(mask.get(ValueLayout.JAVA_BYTE, offset));
        }
        return trim(words);
    }

    /**
     * Parses the kernel's list format ({@code 0-3,8,10-11}) used by {@code /sys/devices/system/{cpu,node}/online}.
     */
    public static long[] parseList(String list) {
        String s = list.strip();
        if (s.isEmpty()) {
            return new long[0];
        }
        int max = -1;
        for (String part : s.split(",")) {
            int dash = part.indexOf('-');
            max = Math.max(max, Integer.parseInt(dash < 0 ? part : part.substring(dash + 1)));
        }
        long[] words = new long[max / WORD_BITS + 1];
        for (String part : s.split(",")) {
            int dash = part.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
            for (int bit = from; bit <= to; bit++) {
                words[bit / WORD_BITS] |= 1L << (bit % WORD_BITS);
            }
        }
        return trim(words);
    }

    /** Formats in the kernel's list format, e.g. {@code 0-3,8}. */
    public static String toList(long[] words) {
        StringBuilder sb = new StringBuilder();
        int[] bits = toArray(words);
        for (int i = 0; i < bits.length; i++) {
            int start = bits[i];
            while (i + 1 < bits.length && bits[i + 1] == bits[i] + 1) {
                i++;
            }
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(start);
            if (bits[i] != start) {
                sb.append('-').append(bits[i]);
            }
        }
        return sb.toString();
    }

    /** Reads and parses a sysfs list file. */
    public static long[] readList(Path file) throws IOException {
        return parseList(Files.readString(file));
    }
}
