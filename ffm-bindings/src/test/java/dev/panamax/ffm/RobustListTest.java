/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The calling thread's robust list (RobustMutex's entries live on it): what it refuses before an address reaches
 * the list the kernel walks when the thread exits. Linking and unlinking live entries is RobustMutexTest's.
 */
class RobustListTest {

    /** A lock word at the region's start, its list entry after it (at word - futex_offset), as RobustMutex has. */
    private static final long WORD = 0;

    @BeforeEach
    void requireRobustLists() {
        assumeTrue(RobustList.isAvailable(), RobustList.unavailabilityCause());
    }

    @Test
    void shouldRefuseAClosedSegmentBeforeTheKernelSeesItsAddress() {
        Arena arena = Arena.ofShared();
        MemorySegment region = arena.allocate(64, 64);
        arena.close();
        assertThrows(IllegalStateException.class, () -> RobustList.setPending(region, WORD));
        assertThrows(IllegalStateException.class, () -> RobustList.link(region, WORD));
        assertThrows(IllegalStateException.class, () -> RobustList.unlink(region, WORD));
        assertEquals(0, RobustList.unlinkClosed(), "nothing of the closed region was linked");
    }

    @Test
    void shouldRefuseASegmentConfinedToAnotherThread() throws Exception {
        try (Arena confined = Arena.ofConfined()) {
            MemorySegment region = confined.allocate(64, 64);
            ExecutionException e = assertThrows(ExecutionException.class, () -> CompletableFuture.runAsync(
                    () -> RobustList.setPending(region, WORD), r -> new Thread(r).start()).get(30, TimeUnit.SECONDS));
            assertInstanceOf(WrongThreadException.class, e.getCause());
        }
    }
}
