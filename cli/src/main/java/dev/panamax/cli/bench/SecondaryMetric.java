/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

/**
 * One of JMH's secondary metrics of a result: an {@code @AuxCounters} counter of the benchmark, or a profiler's
 * figure such as {@code ·gc.alloc.rate.norm}.
 *
 * @param name the name JMH gives it, such as {@code peakRssMiB}
 * @param score JMH's score
 * @param error the half-width of JMH's 99.9% confidence interval, NaN when JMH could not compute one
 * @param unit such as {@code #} or {@code ops/us}
 */
public record SecondaryMetric(String name, double score, double error, String unit) {

    /** The unit JMH gives {@code @AuxCounters(Type.EVENTS)} counters. */
    public static final String EVENTS_UNIT = "#";

    /**
     * Tells whether JMH summed this metric over the measured iterations of all forks rather than averaging it:
     * true for an {@code EVENTS} counter (JMH marks its score {@code [Sum]} in its output).
     *
     * @return true when the unit is {@value #EVENTS_UNIT}
     */
    public boolean summed() {
        return unit.equals(EVENTS_UNIT);
    }
}
