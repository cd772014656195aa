/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.IoUringSyscalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kills a child JVM that appends from four threads at random moments, round after round, at each rung; after
 * every kill the log must recover with every acknowledged record present and intact, and nothing else but
 * whole, verified records. Two rounds flush through io_uring (linked write + fsync submissions), where available.
 * The last two remove segments while appending ({@link DurableLog#truncateBefore}): after the kill the log starts
 * no earlier than the last removal that returned and no later than the last one asked for, and holds every
 * acknowledged record from there on.
 */
class CrashRecoveryTest {

    private static final Durability[] RUNGS = {Durability.FDATASYNC, Durability.WRITE, Durability.DSYNC,
        Durability.DIRECT, Durability.FSYNC, Durability.SYNC, Durability.FDATASYNC, Durability.WRITE,
        Durability.FDATASYNC, Durability.FSYNC, Durability.WRITE, Durability.FDATASYNC};
    /** Rounds from this index into {@link #RUNGS} on flush through io_uring. */
    private static final int FIRST_URING_ROUND = 8;
    /** Rounds from this index on also truncate the log while appending. */
    private static final int FIRST_TRUNCATING_ROUND = 10;
    private static final long ROUND_TIMEOUT_S = 30;

    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryAcknowledgedRecordWhenChildIsKilledAtRandomMoments() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path logDir = dir.resolve("log");
        Map<Long, long[]> acked = new HashMap<>();
        long totalAcks = 0;
        long removedBefore = 1; // the log starts at or after this: the last truncation that returned
        long askedBefore = 1; // and at or before this: the furthest truncation asked for
        for (int round = 0; round < RUNGS.length; round++) {
            Durability rung = RUNGS[round];
            boolean uring = round >= FIRST_URING_ROUND && round < FIRST_TRUNCATING_ROUND
                    && IoUringSyscalls.FEATURE.isAvailable();
            boolean truncating = round >= FIRST_TRUNCATING_ROUND;
            // Kill at once (during start-up or recovery), right after recovery, or after a random count of acks.
            int dice = random.nextInt(8);
            int killAfter = dice == 0 ? -1 : dice == 1 ? 0 : 1 + random.nextInt(400);
            String context = "seed " + seed + ", round " + round + " at " + rung + (uring ? " via io_uring" : "")
                    + (truncating ? " truncating" : "") + ", kill after " + killAfter;
            Path stderr = dir.resolve("child-" + round + ".err");
            Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                    "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                    logDir.toString(), rung.name(), "4", Long.toString((round + 1) * 1_000_000L),
                    uring ? "uring" : "syscalls", truncating ? "truncate" : "keep")
                    .redirectError(stderr.toFile())
                    .start();
            child.getOutputStream().close();
            if (killAfter < 0) {
                child.toHandle().destroyForcibly(); // during JVM start-up or recovery
            }
            boolean killed = killAfter < 0;
            int seen = 0;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROUND_TIMEOUT_S);
                Thread killer = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        if (!child.waitFor(ROUND_TIMEOUT_S, TimeUnit.SECONDS)) {
                            child.destroyForcibly();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("uring ") && !line.equals("uring true")) {
                        fail("child asked for io_uring but flushes by syscall (" + context + ")");
                    }
                    if (line.startsWith("truncate ")) {
                        askedBefore = Math.max(askedBefore, Long.parseLong(line.substring(9)));
                    } else if (line.startsWith("first ")) {
                        removedBefore = Math.max(removedBefore, Long.parseLong(line.substring(6)));
                    }
                    if (line.startsWith("ack ")) {
                        String[] f = line.split(" ");
                        if (f.length == 4) {
                            long[] prev = acked.put(Long.parseLong(f[1]),
                                    new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
                            if (prev != null) {
                                fail("sequence " + f[1] + " acknowledged twice (" + context + ")");
                            }
                            seen++;
                        }
                    }
                    if (!killed && killAfter >= 0 && seen >= killAfter
                            && (killAfter > 0 || line.startsWith("open"))) {
                        // SIGKILL through the handle: Process.destroyForcibly would also close our end of the
                        // pipe, losing acknowledgements printed just before the kill.
                        child.toHandle().destroyForcibly();
                        killed = true;
                    }
                }
                if (System.nanoTime() > deadline) {
                    fail("round took over " + ROUND_TIMEOUT_S + " s (" + context + ")");
                }
                killer.interrupt();
            }
            child.waitFor();
            if (!killed) {
                fail("child ended before the kill (" + context + ", exit " + child.exitValue() + "): "
                        + Files.readString(stderr));
            }
            assertEquals(137, child.exitValue(), "child did not die of SIGKILL (" + context + "): "
                    + Files.readString(stderr));
            totalAcks += seen;
            System.out.println("crash round " + context + ": " + seen + " acks read"
                    + (truncating ? ", removals returned to " + removedBefore + ", asked to " + askedBefore : ""));
            verify(logDir, acked, removedBefore, askedBefore, context + ", stderr: " + Files.readString(stderr));
        }
        assertTrue(totalAcks > 0, "no acknowledgement in any round, seed " + seed);
    }

    @Test
    void shouldRefuseOpenerWhenAnotherProcessHoldsTheLog() throws Exception {
        Path logDir = dir.resolve("locked");
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), CrashChild.class.getName(), logDir.toString(), "WRITE", "1",
                "0").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.US_ASCII))) {
            String line = out.readLine();
            assertNotNull(line, "child died before opening the log");
            assertTrue(line.startsWith("open"), line);
            LogLockedException e = assertThrows(LogLockedException.class, () -> DurableLog.open(logDir));
            assertTrue(e.getMessage().contains("locked by another process"), e.getMessage());
        } finally {
            child.toHandle().destroyForcibly();
            child.waitFor();
        }
        // The kernel drops the lock with the killed process.
        try (DurableLog log = DurableLog.open(logDir, LogOptions.defaults().withMaxRecordBytes(4096)
                .withSegmentBytes(256 * 1024))) {
            assertTrue(log.lastSequence() >= 0);
        }
    }

    /**
     * A refused second open here must not cost the first opener its fcntl lock (closing any descriptor of LOCK
     * drops every lock this process holds on it): a child JVM must still be refused, and append nothing.
     */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldStillRefuseAnotherProcessAfterASecondOpenInThisProcessWasRefused() throws Exception {
        Path logDir = dir.resolve("locked-here");
        Path stderr = dir.resolve("child.err");
        LogOptions options = LogOptions.defaults().withMaxRecordBytes(4096).withSegmentBytes(256 * 1024);
        try (DurableLog log = DurableLog.open(logDir, options)) {
            assertEquals(1, log.append(new byte[10]));
            LogLockedException here = assertThrows(LogLockedException.class, () -> DurableLog.open(logDir, options));
            assertTrue(here.getMessage().contains("already open in this process"), here.getMessage());
            Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), CrashChild.class.getName(), logDir.toString(), "FDATASYNC",
                    "1", "0").redirectError(stderr.toFile()).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                // Killed after the deadline, if neither open nor refused by then: readLine cannot block past it.
                child.onExit().completeOnTimeout(child, ROUND_TIMEOUT_S, TimeUnit.SECONDS)
                        .thenRun(child::destroyForcibly);
                String line = out.readLine();
                assertEquals(null, line, "a second process opened the log this one holds");
                child.waitFor();
                assertTrue(Files.readString(stderr).contains("locked by another process"), Files.readString(stderr));
            } finally {
                child.toHandle().destroyForcibly();
                child.waitFor();
            }
            assertEquals(1, log.lastSequence());
        }
        try (DurableLog log = DurableLog.open(logDir, options)) {
            assertEquals(1, log.readAll().size(), "only this process's record");
        }
    }

    private static void verify(Path logDir, Map<Long, long[]> acked, long removedBefore, long askedBefore,
                               String context) throws IOException {
        try (DurableLog log = DurableLog.open(logDir, LogOptions.defaults().withMaxRecordBytes(4096)
                .withSegmentBytes(256 * 1024))) {
            List<LogRecord> all = log.readAll();
            long first = log.firstSequence();
            assertTrue(first >= removedBefore, "the log starts at " + first + ", before " + removedBefore
                    + ", where a removal had returned (" + context + ")");
            assertTrue(first <= askedBefore, "the log starts at " + first + ", past " + askedBefore
                    + ", the furthest removal asked for (" + context + ")");
            long expected = first;
            Map<Long, long[]> found = new HashMap<>();
            for (LogRecord r : all) {
                assertEquals(expected++, r.sequence(), "gap in sequences (" + context + ")");
                long[] who = CrashChild.check(r.payload());
                assertNotNull(who, "record " + r.sequence() + " does not check (" + context + ")");
                found.put(r.sequence(), who);
            }
            for (Map.Entry<Long, long[]> e : acked.entrySet()) {
                if (e.getKey() < first) {
                    continue; // removed by truncateBefore, as asked
                }
                long[] who = found.get(e.getKey());
                assertNotNull(who, "acknowledged record " + e.getKey() + " lost; recovery: "
                        + log.recoveryReport() + " (" + context + ")");
                assertArrayEquals(e.getValue(), who, "record " + e.getKey() + " holds another payload ("
                        + context + ")");
            }
        }
    }
}
