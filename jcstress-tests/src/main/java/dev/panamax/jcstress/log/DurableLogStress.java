/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.log;

import dev.panamax.io.Durability;
import dev.panamax.io.DurableLog;
import dev.panamax.io.LogOptions;
import dev.panamax.io.LogReader;
import dev.panamax.io.LogRecord;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Group commit of {@link DurableLog}: an {@code append} at {@link Durability#FDATASYNC} never returns before a
 * flush covering its record completed, whichever appender led the group.
 */
@Description("DurableLog: group commit never acknowledges an FDATASYNC append before the flush that covers it.")
public class DurableLogStress {

    /*
     * Property: when append(payload, FDATASYNC) returns sequence s, lastSequence() (the durable sequence, set by
     * the leader only after its fdatasync returned) is at least s, and the log's flush counter (LogStats
     * flushCalls, counted under the log's lock after each fdatasync returns) moved during the call; afterwards
     * both records read back with their own payloads. r1, r2 = 1 when actor 1's, actor 2's acknowledgement was
     * covered; r3 = 1 when the arbiter read both records back.
     *
     * How to run: java --enable-native-access=ALL-UNNAMED -jar jcstress-tests/target/jcstress.jar \
     *                 -jvmArgsPrepend --enable-native-access=ALL-UNNAMED -t log.DurableLogStress
     *
     * One log per test VM, not one per state: a log per state is a directory, a preallocated segment file and
     * its header flush, and jcstress makes states by the thousand. The two actors append to the shared log (one
     * of them usually leads the group, the other joins it or leads the next); every state writes two records
     * with payloads unique to that state, so the arbiter's read-back is per state. The log lives in /dev/shm
     * when that is writable (fdatasync is then cheap, which buys samples; the group-commit logic under test is
     * the same on any file system), else in java.io.tmpdir; a shutdown hook closes and deletes it. Reopening the
     * log per sample is impossible while it is open (it is locked), so "the records are there" is checked
     * through a reader over the durable records instead.
     *
     * Observed results:
     * x86_64 (2 cores, kernel 6.18, Temurin 25, run.sh quick: one fork each for -Xint, C1 and C2,
     * 2 x 100 ms; 2026-11-25, machine shared with other builds). [outcome] samples, all forks merged:
     *   TwoAppenders: OK; [1, 1, 1] 5,458, nothing else (each sample is one or two fdatasync calls on tmpfs)
     * aarch64: not yet run.
     */

    /** The log of this test VM. */
    static final DurableLog LOG = openLog();

    /** Source of per-state payload ids. */
    static final AtomicLong IDS = new AtomicLong();

    private static DurableLog openLog() {
        try {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "panamax-jcstress-log")
                    : Files.createTempDirectory("panamax-jcstress-log");
            DurableLog log = DurableLog.open(dir, LogOptions.defaults().withDurability(Durability.FDATASYNC)
                    .withMaxRecordBytes(64));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAndDelete(log, dir)));
            return log;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeAndDelete(DurableLog log, Path dir) {
        try {
            log.close();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            System.err.println("could not remove the jcstress log " + dir + ": " + e);
        }
    }

    /** Two actors append concurrently at FDATASYNC; the arbiter reads both records back. */
    @JCStressTest
    @Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "Both acknowledgements covered by a flush; both records read.")
    @Outcome(expect = FORBIDDEN, desc = "An append returned before a covering flush, or a record is missing.")
    @State
    public static class TwoAppenders {
        private final byte[] payload1 = payload(IDS.getAndIncrement());
        private final byte[] payload2 = payload(IDS.getAndIncrement());
        private long sequence1; // plain: written by actor1, read by the arbiter after the actors
        private long sequence2; // plain: written by actor2, read by the arbiter after the actors

        @Actor
        public void actor1(III_Result r) {
            long flushesBefore = LOG.stats().flushCalls();
            sequence1 = append(payload1);
            r.r1 = covered(sequence1, flushesBefore);
        }

        @Actor
        public void actor2(III_Result r) {
            long flushesBefore = LOG.stats().flushCalls();
            sequence2 = append(payload2);
            r.r2 = covered(sequence2, flushesBefore);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            long first = Math.min(sequence1, sequence2);
            long last = Math.max(sequence1, sequence2);
            boolean found1 = false;
            boolean found2 = false;
            try (LogReader reader = LOG.reader(first)) {
                for (LogRecord rec = reader.next(); rec != null && rec.sequence() <= last; rec = reader.next()) {
                    found1 |= rec.sequence() == sequence1 && Arrays.equals(rec.payload(), payload1);
                    found2 |= rec.sequence() == sequence2 && Arrays.equals(rec.payload(), payload2);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            r.r3 = found1 && found2 ? 1 : 0;
        }

        private static byte[] payload(long id) {
            return ByteBuffer.allocate(Long.BYTES).putLong(id).array();
        }

        private static long append(byte[] payload) {
            try {
                return LOG.append(payload, Durability.FDATASYNC);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static int covered(long sequence, long flushesBefore) {
            return LOG.lastSequence() >= sequence && LOG.stats().flushCalls() > flushesBefore ? 1 : 0;
        }
    }
}
