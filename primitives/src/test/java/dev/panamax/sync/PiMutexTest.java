/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.ffm.Processes;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lock contract for the priority-inheritance mutex (2 to 4 platform threads contend in the suite). */
class PiMutexTest extends LockContractTest {

    @Override
    Lock newLock() {
        return new PiMutex();
    }

    @Test
    void shouldRecordOwnerTidWhenHeld() {
        PiMutex mutex = new PiMutex();
        mutex.lock();
        try {
            assertEquals(Processes.gettid(), mutex.ownerTid());
        } finally {
            mutex.unlock();
        }
        assertEquals(0, mutex.ownerTid());
    }

    @Test
    void shouldRejectVirtualThreads() throws Exception {
        PiMutex mutex = new PiMutex();
        Throwable[] thrown = new Throwable[1];
        Thread.ofVirtual().start(() -> {
            try {
                mutex.lock();
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }).join();
        assertTrue(thrown[0] instanceof UnsupportedOperationException, "thrown: " + thrown[0]);
        assertThrows(UnsupportedOperationException.class, mutex::newCondition);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldThrowWhenHolderLocksAgainThroughSecondView() throws Exception {
        MemorySegment word = Arena.ofAuto().allocate(PiMutex.BYTES, PiMutex.BYTES);
        PiMutex first = PiMutex.inShared(word, 0);
        PiMutex second = PiMutex.inShared(word, 0); // e.g. another component mapping the same region
        first.lock();
        try {
            assertThrows(IllegalMonitorStateException.class, second::lock);
            assertThrows(IllegalMonitorStateException.class, second::lockInterruptibly);
            assertFalse(second.tryLock());
            assertThrows(IllegalMonitorStateException.class, () -> second.tryLock(1, TimeUnit.HOURS));
            assertEquals(Processes.gettid(), first.ownerTid());
        } finally {
            first.unlock();
        }
        assertTrue(second.tryLock());
        second.unlock();
    }
}
