/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NumaTest {

    private static final Set<Memory.Protection> RW = EnumSet.of(Memory.Protection.READ, Memory.Protection.WRITE);
    private static final long PAGE = Memory.pageSize();

    @BeforeEach
    void requireNuma() {
        assumeTrue(Feature.NUMA.isAvailable(), Feature.NUMA.unavailabilityCause());
    }

    @Test
    void shouldListNodeZeroWhenReadingOnlineNodes() {
        NodeSet online = Numa.onlineNodes();
        assertTrue(online.contains(0), online.toString());
        assertEquals(online.size(), Numa.nodeCount());
    }

    @Test
    void shouldPlacePagesOnNodeWhenBound() throws ErrnoException {
        try (MappedRegion region = Memory.mapAnonymous(4 * PAGE, RW, EnumSet.noneOf(Memory.MapFlag.class))) {
            MemorySegment s = region.segment();
            Numa.mbind(s, Numa.Policy.BIND, NodeSet.of(0), false);
            Numa.MemPolicy policy = Numa.policyOf(s);
            assertEquals(Numa.Policy.BIND, policy.policy());
            assertEquals(NodeSet.of(0), policy.nodes());
            int[] before = Numa.pageNodes(s);
            assertEquals(4, before.length);
            assertEquals(-Errno.ENOENT.value(), before[0], "an untouched page is not present");
            for (long off = 0; off < s.byteSize(); off += PAGE) {
                s.set(ValueLayout.JAVA_BYTE, off, (byte) 1);
            }
            assertArrayEquals(new int[] {0, 0, 0, 0}, Numa.pageNodes(s));
            assertEquals(0, Numa.nodeOf(s.asSlice(PAGE)));
            Numa.mbind(s, Numa.Policy.PREFERRED, NodeSet.of(0), true);
            Numa.mbind(s, Numa.Policy.DEFAULT, NodeSet.empty(), false);
            assertEquals(Numa.Policy.DEFAULT, Numa.policyOf(s).policy());
        }
    }

    @Test
    void shouldRejectNodeThatIsNotOnline() throws ErrnoException {
        try (MappedRegion region = Memory.mapAnonymous(PAGE, RW, EnumSet.noneOf(Memory.MapFlag.class))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Numa.mbind(region.segment(), Numa.Policy.BIND, NodeSet.of(63), false));
            assertTrue(e.getMessage().startsWith("NUMA nodes 63 are not online (online: "), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> Numa.setThreadPolicy(Numa.Policy.BIND, NodeSet.of(63)));
        }
    }

    @Test
    void shouldThrowEinvalWhenBindHasNoNodes() throws ErrnoException {
        try (MappedRegion region = Memory.mapAnonymous(PAGE, RW, EnumSet.noneOf(Memory.MapFlag.class))) {
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> Numa.mbind(region.segment(), Numa.Policy.BIND, NodeSet.empty(), false));
            assertSame(Errno.EINVAL, e.errno());
            assertEquals("EINVAL (mbind): Invalid argument", e.getMessage());
        }
    }

    @Test
    void shouldRoundTripThreadPolicyWhenSet() throws Exception {
        Numa.MemPolicy[] r = CompletableFuture.supplyAsync(() -> {
            try {
                Numa.MemPolicy before = Numa.threadPolicy();
                Numa.setThreadPolicy(Numa.Policy.INTERLEAVE, NodeSet.of(0));
                Numa.MemPolicy set = Numa.threadPolicy();
                Numa.setThreadPolicy(Numa.Policy.DEFAULT, NodeSet.empty());
                return new Numa.MemPolicy[] {before, set, Numa.threadPolicy()};
            } catch (ErrnoException e) {
                throw new RuntimeException(e);
            }
        }, x -> new Thread(x).start()).get(10, TimeUnit.SECONDS);
        assertEquals(Numa.Policy.DEFAULT, r[0].policy());
        assertEquals(new Numa.MemPolicy(Numa.Policy.INTERLEAVE, NodeSet.of(0)), r[1]);
        assertEquals(Numa.Policy.DEFAULT, r[2].policy());
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> Numa.setThreadPolicy(Numa.Policy.INTERLEAVE, NodeSet.empty()));
        assertEquals("EINVAL (set_mempolicy): Invalid argument", e.getMessage());
    }

    @Test
    void shouldThrowEfaultWhenAskingNodeOfUnmappedPage() {
        MemorySegment unmapped = dev.panamax.ffm.internal.Native.sized(MemorySegment.ofAddress(PAGE), PAGE);
        ErrnoException e = assertThrows(ErrnoException.class, () -> Numa.nodeOf(unmapped));
        assertSame(Errno.EFAULT, e.errno());
        assertEquals("EFAULT (get_mempolicy): Bad address", e.getMessage());
        int[] status = assertDoesNotThrowStatus(unmapped);
        assertEquals(-Errno.EFAULT.value(), status[0]);
    }

    private static int[] assertDoesNotThrowStatus(MemorySegment pages) {
        try {
            return Numa.pageNodes(pages);
        } catch (ErrnoException e) {
            throw new AssertionError("move_pages reports per-page errors in status, not as errno", e);
        }
    }
}
