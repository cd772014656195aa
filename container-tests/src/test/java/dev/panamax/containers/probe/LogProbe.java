/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.containers.probe;

import dev.panamax.io.Durability;
import dev.panamax.io.DurableLog;
import dev.panamax.io.LogOptions;
import dev.panamax.io.LogReader;
import dev.panamax.io.LogRecord;
import dev.panamax.io.RecoveryReport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Runs in a container on a bind-mounted directory.
 * <ul>
 *   <li>{@code append DIR MAX}: appends records at {@link Durability#FDATASYNC} and prints {@code acked=SEQ}
 *   after each {@code append} has returned, i.e. once the record is durable; meant to be SIGKILLed part-way.</li>
 *   <li>{@code verify DIR}: reopens the log (recovery) and checks every record against {@link #payload}:
 *   prints the recovery report, {@code records=}, {@code last=}, {@code gaps=} (sequences out of order) and
 *   {@code corrupt=} (payloads that differ).</li>
 * </ul>
 */
public final class LogProbe {

    private static final LogOptions OPTIONS = LogOptions.defaults().withDurability(Durability.FDATASYNC)
            .withMaxRecordBytes(1024).withSegmentBytes(128 * 1024);

    private LogProbe() {
    }

    /**
     * Entry point.
     *
     * @param args the mode and its arguments
     * @throws Exception on an I/O failure (stack trace on stderr, exit 1)
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "append" -> append(dir, Long.parseLong(args[2]));
            case "verify" -> verify(dir);
            default -> throw new IllegalArgumentException("mode: append or verify, not " + args[0]);
        }
    }

    /** The payload of record {@code seq}: its number, then a pattern whose length and bytes depend on it. */
    static byte[] payload(long seq) {
        byte[] head = ("record-" + seq + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] p = Arrays.copyOf(head, head.length + (int) (seq % 200));
        for (int i = head.length; i < p.length; i++) {
            p[i] = (byte) (seq * 31 + i);
        }
        return p;
    }

    private static void append(Path dir, long max) throws Exception {
        try (DurableLog log = DurableLog.open(dir, OPTIONS)) {
            System.out.println("opened.last=" + log.lastSequence());
            for (long i = log.lastSequence() + 1; i <= max; i++) {
                long seq = log.append(payload(i));
                if (seq != i) {
                    throw new IllegalStateException("append returned sequence " + seq + ", expected " + i);
                }
                System.out.println("acked=" + seq);
            }
            System.out.println("appended.all=true");
        }
    }

    private static void verify(Path dir) throws Exception {
        try (DurableLog log = DurableLog.open(dir, OPTIONS)) {
            RecoveryReport r = log.recoveryReport();
            System.out.println("recovery.records=" + r.records());
            System.out.println("recovery.truncatedBytes=" + r.truncatedBytes());
            System.out.println("recovery.droppedRecords=" + r.droppedRecords());
            System.out.println("recovery.problems=" + r.problems());
            long records = 0;
            long expected = 1;
            long gaps = 0;
            long corrupt = 0;
            try (LogReader reader = log.reader(1)) {
                for (LogRecord rec = reader.next(); rec != null; rec = reader.next()) {
                    records++;
                    if (rec.sequence() != expected) {
                        gaps++;
                    }
                    expected = rec.sequence() + 1;
                    if (!Arrays.equals(rec.payload(), payload(rec.sequence()))) {
                        corrupt++;
                    }
                }
            }
            System.out.println("records=" + records);
            System.out.println("last=" + log.lastSequence());
            System.out.println("gaps=" + gaps);
            System.out.println("corrupt=" + corrupt);
        }
    }
}
