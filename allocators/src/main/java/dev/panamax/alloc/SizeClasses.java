/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

/**
 * The small-object size classes of {@link OffHeapAllocator}: 48 classes from 8 B to 32 KiB.
 *
 * <p>The table is: every multiple of 8 up to 128 B (16 classes), then four classes per doubling, spaced a quarter
 * of the lower power of two apart, up to 32 KiB (32 classes):
 * <pre>
 *      8    16    24    32    40    48    56    64    72    80    88    96   104   112   120   128
 *    160   192   224   256   320   384   448   512   640   768   896  1024  1280  1536  1792  2048
 *   2560  3072  3584  4096  5120  6144  7168  8192 10240 12288 14336 16384 20480 24576 28672 32768
 * </pre>
 *
 * <p>Worst-case internal fragmentation (bytes wasted by rounding a request up to its class):
 * <ul>
 *   <li>up to 128 B: at most 7 bytes per object (a request of {@code 8k + 1} bytes gets {@code 8k + 8}); as a
 *       fraction of the class that is at most 43.75% (9 B in a 16 B slot), falling to 5.5% at 128 B;</li>
 *   <li>above 128 B: at most {@code (spacing - 1) / class}, which peaks just above each power of two at
 *       {@code 31/160 = 19.4%}, {@link #worstCaseWaste()} computes it from the table.</li>
 * </ul>
 * Every class is a multiple of 8, so every object is 8-byte aligned; power-of-two classes up to 4 KiB give
 * naturally aligned objects (slabs start on page boundaries), which {@link OffHeapAllocator#allocate(long, long)}
 * uses for alignments above 8.
 *
 * <p>Each class has a slab size (a power of two between 4 KiB and 256 KiB, at least 16 objects where that fits),
 * and a thread-cache batch size (objects moved between a thread cache and the central list at once:
 * {@code clamp(32 KiB / size, 2, 32)}); a thread cache holds at most two batches per class.
 */
public final class SizeClasses {

    /** The largest request served from a slab; larger ones take buddy blocks or a dedicated mapping. */
    public static final int MAX_SMALL_SIZE = 32 * 1024;

    private static final int[] SIZES = buildSizes();
    private static final byte[] CLASS_OF_GRANULE = buildLookup();
    private static final int[] SLAB_BYTES = new int[SIZES.length];
    private static final int[] BATCH = new int[SIZES.length];
    // Division by the object size as a multiply and shift: exact for offsets below 2^18 (the largest slab).
    private static final long[] RECIPROCAL = new long[SIZES.length];
    private static final int RECIPROCAL_SHIFT = 40;
    private static final long FRACTION_MASK = (1L << RECIPROCAL_SHIFT) - 1;

    static {
        for (int i = 0; i < SIZES.length; i++) {
            int size = SIZES[i];
            int slab = Integer.highestOneBit(Math.max(4096, size * 16) - 1) << 1;
            SLAB_BYTES[i] = Math.min(256 * 1024, slab);
            BATCH[i] = Math.max(2, Math.min(32, (32 * 1024) / size));
            RECIPROCAL[i] = ((1L << RECIPROCAL_SHIFT) + size - 1) / size;
        }
    }

    private SizeClasses() {
    }

    private static int[] buildSizes() {
        int[] sizes = new int[48];
        int n = 0;
        for (int s = 8; s <= 128; s += 8) {
            sizes[n++] = s;
        }
        for (int base = 128; base < MAX_SMALL_SIZE; base <<= 1) {
            int step = base / 4;
            for (int k = 1; k <= 4; k++) {
                sizes[n++] = base + k * step;
            }
        }
        return sizes;
    }

    private static byte[] buildLookup() {
        byte[] lookup = new byte[MAX_SMALL_SIZE / 8 + 1];
        int cls = 0;
        for (int g = 0; g < lookup.length; g++) {
            while (SIZES[cls] < g * 8) {
                cls++;
            }
            lookup[g] = (byte) cls;
        }
        return lookup;
    }

    /**
     * Returns the number of size classes.
     *
     * @return the class count (48)
     */
    public static int count() {
        return SIZES.length;
    }

    /**
     * Returns the object size of a class.
     *
     * @param sizeClass a class index in {@code [0, count())}
     * @return the object size in bytes
     */
    public static int size(int sizeClass) {
        return SIZES[sizeClass];
    }

    /**
     * Returns the smallest class whose objects hold {@code bytes}.
     *
     * @param bytes a request size in {@code [1, MAX_SMALL_SIZE]}
     * @return the class index
     * @throws IllegalArgumentException if {@code bytes} is out of range
     */
    public static int classOf(long bytes) {
        if (bytes <= 0 || bytes > MAX_SMALL_SIZE) {
            throw new IllegalArgumentException("not a small size: " + bytes);
        }
        return CLASS_OF_GRANULE[(int) ((bytes + 7) >>> 3)];
    }

    /**
     * Returns the worst-case internal fragmentation of the table above 128 B: the largest
     * {@code (class - previousClass - 1) / class}.
     *
     * @return the fraction of a slot that rounding may waste, in {@code [0, 1)}
     */
    public static double worstCaseWaste() {
        double worst = 0;
        for (int i = 1; i < SIZES.length; i++) {
            if (SIZES[i - 1] >= 128) {
                worst = Math.max(worst, (SIZES[i] - SIZES[i - 1] - 1) / (double) SIZES[i]);
            }
        }
        return worst;
    }

    /** Unchecked class lookup for the hot path; {@code bytes} is known to be in {@code [1, MAX_SMALL_SIZE]}. */
    static int classOfUnchecked(long bytes) {
        return CLASS_OF_GRANULE[(int) ((bytes + 7) >>> 3)];
    }

    static int slabBytes(int sizeClass) {
        return SLAB_BYTES[sizeClass];
    }

    static int batch(int sizeClass) {
        return BATCH[sizeClass];
    }

    /** {@code offset / size(sizeClass)} for {@code 0 <= offset < 2^18}, without a division. */
    static int divide(long offset, int sizeClass) {
        return divideByReciprocal(offset, RECIPROCAL[sizeClass]);
    }

    /** The multiplier that {@link #divideByReciprocal} takes for a class. */
    static long reciprocal(int sizeClass) {
        return RECIPROCAL[sizeClass];
    }

    /** {@code offset / size} for {@code 0 <= offset < 2^18}, given {@code reciprocal(class of size)}. */
    static int divideByReciprocal(long offset, long reciprocal) {
        return (int) ((offset * reciprocal) >>> RECIPROCAL_SHIFT);
    }

    /**
     * {@code offset / size} if {@code size} divides {@code offset}, else -1, for {@code 0 <= offset < 2^18}, given
     * {@code reciprocal(class of size)}: one multiplication. With {@code offset = q * size + r} and
     * {@code e = size * reciprocal - 2^40} in {@code [0, size)}, {@code offset * reciprocal = q * 2^40 + q * e +
     * r * reciprocal}; {@code q * e < 2^18} while {@code reciprocal >= 2^40 / 2^15 = 2^25}, so the low 40 bits are
     * below the reciprocal exactly when {@code r == 0} (checked for every class and offset in the tests).
     */
    static int exactQuotient(long offset, long reciprocal) {
        long product = offset * reciprocal;
        return (product & FRACTION_MASK) < reciprocal ? (int) (product >>> RECIPROCAL_SHIFT) : -1;
    }
}
