/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs on one {@code MAP_SHARED} file: exclusion, and owner death of a robust lock. */
class CrossProcessTest {

    @TempDir
    Path dir;

    private Path newRegionFile() throws Exception {
        Path file = dir.resolve("region");
        try (FileChannel channel = FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.allocate((int) ChildProcess.FILE_BYTES));
        }
        return file;
    }

    @Test
    void shouldCountExactlyWhenTwoProcessesIncrementUnderSharedMutex() throws Exception {
        Path file = newRegionFile();
        int times = 20_000;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment region = ChildProcess.map(file, arena);
            FutexMutex mutex = FutexMutex.inShared(region, ChildProcess.MUTEX_OFFSET);
            Process child = ChildProcess.builder("count", file.toString(), Integer.toString(times))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                Thread local = Thread.ofPlatform().start(() -> ChildProcess.count(mutex, region, times));
                ChildProcess.count(mutex, region, times);
                local.join();
                assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
                assertEquals(0, child.exitValue());
            } finally {
                child.destroyForcibly();
            }
            assertEquals(3L * times, region.get(ValueLayout.JAVA_LONG, ChildProcess.COUNTER_OFFSET));
            assertFalse(mutex.isLocked());
        }
    }

    @Test
    void shouldSignalOwnerDeathWhenHolderProcessIsKilled() throws Exception {
        assumeTrue(RobustMutex.isAvailable(), "robust futex list unavailable: " + dev.panamax.ffm.RobustList
                .unavailabilityCause());
        Path file = newRegionFile();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment region = ChildProcess.map(file, arena);
            RobustMutex mutex = RobustMutex.inShared(region, ChildProcess.MUTEX_OFFSET);
            Process child = ChildProcess.builder("hold-robust", file.toString()).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8));
                assertEquals("LOCKED", out.readLine());
                assertTrue(mutex.ownerTid() != 0);
                assertFalse(mutex.tryLock());
                // A waiter already asleep on the word must be woken by the kernel, not by a later poll.
                CompletableFuture<Throwable> waiter = new CompletableFuture<>();
                Thread t = Thread.ofPlatform().start(() -> {
                    try {
                        mutex.lock();
                        waiter.complete(null);
                    } catch (Throwable e) {
                        waiter.complete(e);
                    }
                });
                child.destroyForcibly();
                assertTrue(child.waitFor(60, TimeUnit.SECONDS));
                Throwable outcome = waiter.get(60, TimeUnit.SECONDS);
                t.join();
                assertTrue(outcome instanceof OwnerDiedException, "outcome: " + outcome);
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    @Timeout(180)
    void shouldKeepRobustListIntactWhenSegmentClosedWhileHeld() throws Exception {
        assumeTrue(RobustMutex.isAvailable(), "robust futex list unavailable: " + dev.panamax.ffm.RobustList
                .unavailabilityCause());
        for (String where : List.of(newRegionFile().toString(), "malloc")) {
            Process child = ChildProcess.builder("close-while-held", where).redirectErrorStream(true).start();
            try {
                assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
                String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, child.exitValue(), where + ": child JVM failed:\n" + out);
                assertEquals(List.of("NEWEST-UNLOCKED",
                        "CLOSED-UNLOCK-THREW RobustMutex's segment is already closed: its lock word and robust list "
                                + "entry are gone (close the segment only after every holder has unlocked)",
                        "LATER-LOCKED", "OLDEST-OWNER-DIED"), out.lines().toList(), where);
            } finally {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void shouldRecoverWhenMarkedConsistentAndBecomeUnusableWhenNot() throws Exception {
        assumeTrue(RobustMutex.isAvailable(), "robust futex list unavailable: " + dev.panamax.ffm.RobustList
                .unavailabilityCause());
        Path file = newRegionFile();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment region = ChildProcess.map(file, arena);
            RobustMutex mutex = RobustMutex.inShared(region, ChildProcess.MUTEX_OFFSET);
            for (int round = 0; round < 2; round++) {
                killHolder(file);
                // lock() acquires and reports the death; the lock is held.
                assertThrows(OwnerDiedException.class, mutex::lock);
                assertTrue(mutex.isHeldByCurrentThread());
                if (round == 0) {
                    mutex.markConsistent();
                    mutex.unlock();
                    assertTrue(mutex.tryLock());
                    assertThrows(IllegalStateException.class, mutex::markConsistent);
                    mutex.unlock();
                } else {
                    mutex.unlock(); // without markConsistent(): unrecoverable
                    assertThrows(LockNotRecoverableException.class, mutex::lock);
                    assertFalse(mutex.isHeldByCurrentThread());
                    assertThrows(LockNotRecoverableException.class, mutex::tryLock);
                }
            }
        }
    }

    private static void killHolder(Path file) throws Exception {
        Process child = ChildProcess.builder("hold-robust", file.toString()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("LOCKED", out.readLine());
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void shouldRejectVirtualThreadsOnRobustMutex() throws Exception {
        assumeTrue(RobustMutex.isAvailable(), "robust futex list unavailable");
        RobustMutex mutex = RobustMutex.inShared(Arena.ofAuto().allocate(RobustMutex.BYTES, 64), 0);
        Throwable[] thrown = new Throwable[1];
        Thread.ofVirtual().start(() -> {
            try {
                mutex.lock();
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }).join();
        assertTrue(thrown[0] instanceof UnsupportedOperationException, "thrown: " + thrown[0]);
    }

    @Test
    void shouldKeepGlibcListIntactWhenRobustLocksNest() throws Exception {
        assumeTrue(RobustMutex.isAvailable(), "robust futex list unavailable");
        MemorySegment region = Arena.ofAuto().allocate(RobustMutex.BYTES * 3, 64);
        RobustMutex a = RobustMutex.inShared(region, 0);
        RobustMutex b = RobustMutex.inShared(region, RobustMutex.BYTES);
        RobustMutex c = RobustMutex.inShared(region, 2 * RobustMutex.BYTES);
        for (int i = 0; i < 1000; i++) {
            a.lock();
            b.lock();
            c.lock();
            b.unlock(); // unlink from the middle of the list
            a.unlock();
            c.unlock();
        }
        assertThrows(IllegalArgumentException.class, () -> RobustMutex.inShared(region, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> RobustMutex.inShared(region, 2 * RobustMutex.BYTES + 8));
        assertTrue(Files.exists(Path.of("/proc/self")));
    }
}
