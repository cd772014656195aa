/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One result with what it is compared against: for a panamax variant, the best peer measured with the same
 * benchmark, mode and other parameters in the same run (a baseline, {@link Suite#BASELINE}, is no peer); peers and
 * baselines carry no comparison.
 *
 * @param result the result
 * @param suite the suite it belongs to, null for a benchmark no suite names
 * @param impl the value of the suite's implementation parameter, null when the result has none
 * @param panamax true when {@code impl} is panamax's own
 * @param bestPeer for a panamax variant, the best peer result; null for peers and when no peer was measured
 */
public record Comparison(Result result, Suite suite, String impl, boolean panamax, Result bestPeer) {

    /**
     * Pairs every panamax variant with the best peer of its group (same benchmark, mode and non-implementation
     * parameters): the lowest score for the time modes, the highest for throughput.
     *
     * @param results JMH results, in any order
     * @return one comparison per result, in the order of {@code results}
     */
    public static List<Comparison> compare(List<Result> results) {
        Map<String, List<Result>> groups = new LinkedHashMap<>();
        for (Result r : results) {
            groups.computeIfAbsent(groupKey(r), k -> new ArrayList<>()).add(r);
        }
        List<Comparison> out = new ArrayList<>(results.size());
        for (Result r : results) {
            Optional<Suite> suite = Suite.ofBenchmark(r.benchmark());
            String impl = suite.map(s -> r.params().get(s.implParam(r.benchmark()))).orElse(null);
            if (impl == null) {
                out.add(new Comparison(r, suite.orElse(null), null, false, null));
                continue;
            }
            boolean panamax = suite.get().isPanamax(impl);
            Result best = null;
            if (panamax) {
                for (Result peer : groups.get(groupKey(r))) {
                    String peerImpl = peer.params().get(suite.get().implParam(peer.benchmark()));
                    if (peerImpl != null && !suite.get().isPanamax(peerImpl) && !suite.get().isBaseline(peerImpl)
                            && !Double.isNaN(peer.score())
                            && (best == null || better(peer, best))) {
                        best = peer;
                    }
                }
            }
            out.add(new Comparison(r, suite.get(), impl, panamax, best));
        }
        return out;
    }

    private static boolean better(Result a, Result b) {
        return a.higherIsBetter() ? a.score() > b.score() : a.score() < b.score();
    }

    private static String groupKey(Result r) {
        String implParam = Suite.ofBenchmark(r.benchmark()).map(s -> s.implParam(r.benchmark())).orElse("");
        return r.benchmark() + "\u0000" + r.mode() + "\u0000" + r.paramsTextExcept(implParam);
    }

    /**
     * Tells whether this is a panamax variant with a peer to compare against.
     *
     * @return true when {@link #ratio()} and {@link #speedup()} are numbers
     */
    public boolean hasPeer() {
        return bestPeer != null;
    }

    /**
     * Returns this score divided by the best peer's, in the benchmark's own unit.
     *
     * @return the ratio, NaN without a peer
     */
    public double ratio() {
        return bestPeer == null ? Double.NaN : result.score() / bestPeer.score();
    }

    /**
     * Returns how many times better panamax did than the best peer, whatever the mode: above 1 is better (less
     * time per operation, or more operations per time), below 1 worse.
     *
     * @return the speedup, NaN without a peer
     */
    public double speedup() {
        if (bestPeer == null) {
            return Double.NaN;
        }
        return result.higherIsBetter() ? result.score() / bestPeer.score() : bestPeer.score() / result.score();
    }

    /**
     * Returns the name of the best peer's implementation.
     *
     * @return such as {@code reentrant}, null without a peer
     */
    public String bestPeerImpl() {
        return bestPeer == null ? null : bestPeer.params().get(suite.implParam(bestPeer.benchmark()));
    }

    /**
     * Describes the comparison for a table cell.
     *
     * @return such as {@code 1.31x faster than reentrant}, {@code 2.40x slower than raw}, or the empty string for a
     *     peer or a variant without a peer
     */
    public String verdict() {
        double s = speedup();
        if (Double.isNaN(s) || s <= 0 || Double.isInfinite(s)) {
            return "";
        }
        return s >= 1 ? times(s) + " faster than " + bestPeerImpl() : times(1 / s) + " slower than " + bestPeerImpl();
    }

    /**
     * Formats a factor of 1 or more: two decimals below 10, one below 100, none above.
     *
     * @param factor such as 1.234 or 1241046.6
     * @return such as {@code 1.23x} or {@code 1241047x}
     */
    static String times(double factor) {
        String pattern = factor < 10 ? "%.2fx" : factor < 100 ? "%.1fx" : "%.0fx";
        return String.format(Locale.ROOT, pattern, factor);
    }
}
