/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class ComparisonTest {

    private static final String ALLOC = "dev.panamax.bench.AllocatorBenchmark.allocate";

    @Test
    void shouldCompareBindingsWithTheFastestPeerWhenLowerIsBetter() {
        List<Comparison> c = Comparison.compare(Samples.results());
        Comparison panamax = c.get(0);
        assertTrue(panamax.panamax());
        assertEquals("rawCritical", panamax.bestPeerImpl(), "rawCritical (255.4 ns) beats raw (326.2 ns)");
        assertEquals(567.6648356192773 / 255.40937283883196, panamax.ratio(), 1e-12);
        assertEquals(255.40937283883196 / 567.6648356192773, panamax.speedup(), 1e-12);
        assertEquals("2.22x slower than rawCritical", panamax.verdict());
    }

    @Test
    void shouldLeavePanamaxVariantsOutOfThePeersWhenComparingLocks() {
        List<Comparison> c = Comparison.compare(Samples.results());
        Comparison futex = c.get(3);
        Comparison spin = c.get(4);
        assertEquals("futex", futex.impl());
        // spin (17.3 ns) is faster than every peer but is panamax's own: reentrant (33.1 ns) is the best peer.
        assertEquals("reentrant", futex.bestPeerImpl());
        assertEquals("1.38x slower than reentrant", futex.verdict());
        assertEquals("spin", spin.impl());
        assertEquals("reentrant", spin.bestPeerImpl());
        assertEquals(33.08061276924194 / 17.341797199304395, spin.speedup(), 1e-12);
        assertEquals("1.91x faster than reentrant", spin.verdict());
    }

    @Test
    void shouldGivePeersNoComparison() {
        List<Comparison> c = Comparison.compare(Samples.results());
        for (int i : new int[] {1, 2, 5, 6}) {
            assertFalse(c.get(i).panamax(), c.get(i).impl());
            assertFalse(c.get(i).hasPeer());
            assertNull(c.get(i).bestPeer());
            assertTrue(Double.isNaN(c.get(i).ratio()));
            assertEquals("", c.get(i).verdict());
        }
    }

    @Test
    void shouldPickTheHighestPeerWhenModeIsThroughput() {
        Result panamax = Samples.result("dev.panamax.bench.LockBenchmark.contended", "thrpt",
                Map.of("impl", "futex"), 300, 1);
        Result slow = Samples.result("dev.panamax.bench.LockBenchmark.contended", "thrpt",
                Map.of("impl", "synchronized"), 100, 1);
        Result fast = Samples.result("dev.panamax.bench.LockBenchmark.contended", "thrpt",
                Map.of("impl", "reentrant"), 200, 1);
        Comparison c = Comparison.compare(List.of(panamax, slow, fast)).getFirst();
        assertSame(fast, c.bestPeer());
        assertEquals(1.5, c.ratio(), 1e-12);
        assertEquals(1.5, c.speedup(), 1e-12);
        assertEquals("1.50x faster than reentrant", c.verdict());
    }

    @Test
    void shouldCompareOnlyWithinTheSameOtherParametersAndMode() {
        Result p64 = Samples.result(ALLOC, "avgt", Map.of("peer", "panamax", "size", "64"), 10, 1);
        Result p4k = Samples.result(ALLOC, "avgt", Map.of("peer", "panamax", "size", "4096"), 10, 1);
        Result arena64 = Samples.result(ALLOC, "avgt", Map.of("peer", "arena", "size", "64"), 20, 1);
        Result arena4k = Samples.result(ALLOC, "avgt", Map.of("peer", "arena", "size", "4096"), 5, 1);
        Result arena64Ss = Samples.result(ALLOC, "ss", Map.of("peer", "arena", "size", "64"), 1, 1);
        List<Comparison> c = Comparison.compare(List.of(p64, p4k, arena64, arena4k, arena64Ss));
        assertSame(arena64, c.get(0).bestPeer());
        assertEquals("2.00x faster than arena", c.get(0).verdict());
        assertSame(arena4k, c.get(1).bestPeer());
        assertEquals("2.00x slower than arena", c.get(1).verdict());
    }

    @Test
    void shouldUseTheSuitesImplementationParameterAndPanamaxPrefix() {
        Result stripes = Samples.result(ALLOC, "avgt", Map.of("peer", "panamaxStripes"), 10, 1);
        Result newVariant = Samples.result(ALLOC, "avgt", Map.of("peer", "panamaxSlab"), 12, 1);
        Result netty = Samples.result(ALLOC, "avgt", Map.of("peer", "netty"), 15, 1);
        List<Comparison> c = Comparison.compare(List.of(stripes, newVariant, netty));
        assertEquals("alloc", c.get(0).suite().name());
        assertTrue(c.get(0).panamax());
        assertTrue(c.get(1).panamax(), "a value starting with 'panamax' is panamax's");
        assertSame(netty, c.get(1).bestPeer(), "a panamax variant is never another one's peer");
        assertFalse(c.get(2).panamax());
    }

    @Test
    void shouldNotTakeTheBaselineAsBestPeerWhenItIsFastest() {
        String threads = "dev.panamax.bench.AllocatorWorkloadBenchmark.shortLivedThreads";
        Result panamax = Samples.result(threads, "avgt", Map.of("peer", "panamax"), 4.3, 1);
        Result malloc = Samples.result(threads, "avgt", Map.of("peer", "malloc"), 4.1, 1);
        Result none = Samples.result(threads, "avgt", Map.of("peer", "none"), 3.6, 1);
        List<Comparison> c = Comparison.compare(List.of(panamax, malloc, none));
        assertSame(malloc, c.get(0).bestPeer(), "none (3.6 ms) is faster but is the baseline");
        assertFalse(c.get(2).panamax());
        assertFalse(c.get(2).hasPeer());
        assertEquals("", c.get(2).verdict());
    }

    @Test
    void shouldKeepFactorsShortWhenTheyAreLarge() {
        assertEquals("1.23x", Comparison.times(1.234));
        assertEquals("12.3x", Comparison.times(12.34));
        assertEquals("1241047x", Comparison.times(1241046.63));
    }

    @Test
    void shouldHaveNoRatioWhenNoPeerWasMeasured() {
        Result alone = Samples.result("dev.panamax.bench.BindingsBenchmark.getppid", "avgt",
                Map.of("impl", "panamax"), 100, 1);
        Comparison c = Comparison.compare(List.of(alone)).getFirst();
        assertTrue(c.panamax());
        assertFalse(c.hasPeer());
        assertTrue(Double.isNaN(c.speedup()));
        assertEquals("", c.verdict());
    }

    @Test
    void shouldKeepResultsOfUnknownClassesWithoutSuite() {
        Result other = Samples.result("org.example.OtherBenchmark.run", "avgt", Map.of("impl", "panamax"), 1, 1);
        Comparison c = Comparison.compare(List.of(other)).getFirst();
        assertNull(c.suite());
        assertNull(c.impl());
        assertFalse(c.panamax());
    }

    @Test
    void shouldMapEveryRegisteredSuiteToItsClassAndIncludePattern() {
        assertEquals(List.of("locks", "alloc", "io", "ladder", "bindings"),
                Suite.all().stream().map(Suite::name).toList());
        Suite locks = Suite.named("locks").orElseThrow();
        assertEquals("dev.panamax.bench.LockBenchmark", locks.qualifiedClassName());
        assertTrue(Pattern.compile(locks.include()).matcher(
                "dev.panamax.bench.LockBenchmark.contended").find());
        assertFalse(Pattern.compile(locks.include()).matcher(
                "dev.panamax.bench.LockBenchmarkTwo.contended").find());
        assertEquals(locks, Suite.ofBenchmark("dev.panamax.bench.LockBenchmark.handoff").orElseThrow());
        assertTrue(Suite.named("nosuch").isEmpty());
    }

    @Test
    void shouldMapEveryClassOfAMultiClassSuiteWithItsOwnParameter() {
        Suite io = Suite.named("io").orElseThrow();
        assertEquals(List.of("IoBenchmark", "IoNetBenchmark"), io.benches().stream().map(Suite.Bench::className)
                .toList());
        assertEquals(io, Suite.ofBenchmark("dev.panamax.bench.IoNetBenchmark.echo").orElseThrow());
        assertEquals(io, Suite.ofBenchmark("dev.panamax.bench.IoBenchmark.qd32").orElseThrow());
        assertTrue(Suite.ofBenchmark("dev.panamax.bench.IoBenchmarkTwo.qd32").isEmpty());
        Pattern include = Pattern.compile(io.include());
        assertTrue(include.matcher("dev.panamax.bench.IoNetBenchmark.echo").find());
        assertTrue(include.matcher("dev.panamax.bench.IoBenchmark.qd1").find());
        assertFalse(include.matcher("dev.panamax.bench.LockBenchmark.contended").find());
        Suite alloc = Suite.named("alloc").orElseThrow();
        assertEquals(3, alloc.benches().size());
        assertEquals(alloc, Suite.ofBenchmark("dev.panamax.bench.AllocatorWorkloadBenchmark.run").orElseThrow());
        assertEquals("peer", alloc.implParam("dev.panamax.bench.AllocatorCrossThreadBenchmark.handoff"));
        assertEquals("AllocatorBenchmark", alloc.className());
    }

    @Test
    void shouldComparePeersOfASecondClassOfASuiteByThatClasssParameter() {
        String cross = "dev.panamax.bench.AllocatorCrossThreadBenchmark.handoff";
        Result panamax = Samples.result(cross, "thrpt", Map.of("peer", "panamax", "size", "64"), 30, 1);
        Result netty = Samples.result(cross, "thrpt", Map.of("peer", "netty", "size", "64"), 10, 1);
        List<Comparison> c = Comparison.compare(List.of(panamax, netty));
        assertEquals("alloc", c.get(0).suite().name());
        assertSame(netty, c.get(0).bestPeer());
        assertEquals("3.00x faster than netty", c.get(0).verdict());
    }
}
