/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.Lock;

import org.junit.jupiter.api.Test;

class SpinLockTest extends LockContractTest {

    @Override
    Lock newLock() {
        return new SpinLock();
    }

    @Test
    void shouldRejectHeapSegment() {
        assertThrows(IllegalArgumentException.class, () -> SpinLock.inShared(MemorySegment.ofArray(new int[4]), 0));
    }

    @Test
    void shouldRejectMisalignedOffset() {
        MemorySegment seg = Arena.ofAuto().allocate(16, 8);
        assertThrows(IllegalArgumentException.class, () -> SpinLock.inShared(seg, 2));
    }

    @Test
    void shouldRejectTooSmallSegment() {
        MemorySegment seg = Arena.ofAuto().allocate(16, 8);
        assertThrows(IndexOutOfBoundsException.class, () -> SpinLock.inShared(seg, 16));
        assertThrows(IndexOutOfBoundsException.class, () -> SpinLock.inShared(seg, -4));
    }

    @Test
    void shouldRejectClosedSegment() {
        Arena arena = Arena.ofConfined();
        MemorySegment seg = arena.allocate(16, 8);
        arena.close();
        assertThrows(IllegalStateException.class, () -> SpinLock.inShared(seg, 0));
    }
}
