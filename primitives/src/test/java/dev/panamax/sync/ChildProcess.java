/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The other process of the cross-process tests: a second JVM started with the test class path, mapping the same
 * file {@code MAP_SHARED}. Modes: {@code count FILE N} increments the counter at offset 64 N times under the
 * FutexMutex at offset 0; {@code hold-robust FILE} takes the RobustMutex at offset 0, prints {@code LOCKED} and
 * blocks until killed; {@code close-while-held FILE|malloc} closes the segment of a held RobustMutex (see
 * {@link #closeWhileHeld}).
 */
final class ChildProcess {

    static final long MUTEX_OFFSET = 0;
    static final long COUNTER_OFFSET = 128;
    static final long FILE_BYTES = 4096;

    private ChildProcess() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("fence-disabled")) {
            fenceDisabled();
            return;
        }
        if (args[0].equals("close-while-held")) {
            closeWhileHeld(args[1]);
            return;
        }
        try (Arena arena = Arena.ofShared()) {
            MemorySegment region = map(Path.of(args[1]), arena);
            switch (args[0]) {
                case "count" -> count(FutexMutex.inShared(region, MUTEX_OFFSET), region, Integer.parseInt(args[2]));
                case "hold-robust" -> {
                    RobustMutex mutex = RobustMutex.inShared(region, MUTEX_OFFSET);
                    mutex.lock();
                    System.out.println("LOCKED");
                    System.out.flush();
                    new CountDownLatch(1).await(); // until killed
                }
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
    }

    /**
     * Disables the asymmetric fence before FutexMutex is initialised, then prints the default unlock mode, the
     * reason given, and the count two threads reach on a mutex made with the defaults.
     */
    private static void fenceDisabled() throws InterruptedException {
        System.setProperty("panamax.sync.asymmetricFence", "false");
        FutexMutex mutex = new FutexMutex(0);
        long[] counter = new long[1];
        Runnable body = () -> {
            for (int i = 0; i < 100_000; i++) {
                mutex.lock();
                try {
                    counter[0]++;
                } finally {
                    mutex.unlock();
                }
            }
        };
        Thread other = Thread.ofPlatform().start(body);
        body.run();
        other.join();
        System.out.println(FutexMutex.defaultUnlockMode() + " " + mutex.unlockMode() + " " + counter[0]);
        System.out.println(FutexMutex.releaseStoreUnavailableReason().orElse("none"));
    }

    /**
     * A thread holds three robust mutexes, the middle one in a segment ({@code where}: a file mapped
     * {@code MAP_SHARED}, or {@code malloc}) that it then closes; it unlocks the newest, tries to unlock the closed
     * one, locks and unlocks a fresh one, and exits still holding the oldest. The main thread then reports whether
     * the kernel marked the oldest owner-died, which it does only if the robust list stayed walkable. Writing
     * through the closed entry kills this JVM (a file mapping) or corrupts the C heap (malloc).
     */
    private static void closeWhileHeld(String where) throws Exception {
        RobustMutex oldest = RobustMutex.inShared(Arena.ofAuto().allocate(RobustMutex.BYTES, 64), 0);
        Thread holder = Thread.ofPlatform().start(() -> {
            RobustMutex newest = RobustMutex.inShared(Arena.ofAuto().allocate(RobustMutex.BYTES, 64), 0);
            Arena arena = Arena.ofShared();
            MemorySegment region;
            try {
                region = where.equals("malloc") ? arena.allocate(RobustMutex.BYTES, 64) : map(Path.of(where), arena);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            RobustMutex closed = RobustMutex.inShared(region, MUTEX_OFFSET);
            oldest.lock();
            closed.lock();
            newest.lock();
            arena.close();
            newest.unlock();
            say("NEWEST-UNLOCKED");
            try {
                closed.unlock();
                say("CLOSED-UNLOCKED");
            } catch (IllegalStateException e) {
                say("CLOSED-UNLOCK-THREW " + e.getMessage());
            }
            RobustMutex later = RobustMutex.inShared(Arena.ofAuto().allocate(RobustMutex.BYTES, 64), 0);
            later.lock();
            later.unlock();
            say("LATER-LOCKED");
        });
        holder.join();
        try {
            say(oldest.tryLock(30, TimeUnit.SECONDS) ? "OLDEST-FREE" : "OLDEST-STILL-HELD");
        } catch (OwnerDiedException e) {
            say("OLDEST-OWNER-DIED");
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    static MemorySegment map(Path file, Arena arena) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, FILE_BYTES, arena);
        }
    }

    static void count(FutexMutex mutex, MemorySegment region, int times) {
        for (int i = 0; i < times; i++) {
            mutex.lock();
            try {
                long c = region.get(ValueLayout.JAVA_LONG, COUNTER_OFFSET);
                region.set(ValueLayout.JAVA_LONG, COUNTER_OFFSET, c + 1);
            } finally {
                mutex.unlock();
            }
        }
    }

    /**
     * A builder for a child JVM running this class with the same java binary and class path. An emulated lane sets
     * {@code panamax.test.java} to its launcher: there the binary itself cannot be exec'd without binfmt_misc.
     */
    static ProcessBuilder builder(String... args) {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("panamax.test.java", ProcessHandle.current().info().command().orElseThrow()));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChildProcess.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    }
}
