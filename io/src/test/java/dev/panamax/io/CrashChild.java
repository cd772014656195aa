/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Child process of {@link CrashRecoveryTest}: appends from several threads until killed, printing
 * {@code ack <sequence> <thread> <counter>} after each append returns (and so after the record is durable at
 * the rung). Arguments: directory, rung, threads, first counter, and optionally {@code uring} to flush through
 * io_uring ({@link LogOptions#withIoUring(boolean)}); it then prints {@code uring true|false} after opening. With
 * a sixth argument {@code truncate}, one more thread keeps removing segments ({@link DurableLog#truncateBefore})
 * about 500 records behind, printing {@code truncate <sequence>} before each call and {@code first <sequence>}
 * (what it returned) after.
 */
public final class CrashChild {

    private CrashChild() {
    }

    /** Payload of a record: names its writer and counter, then bytes derived from both, so it checks itself. */
    static byte[] payload(int thread, long counter) {
        int length = 16 + (int) ((counter * 131 + thread * 17) % 700);
        byte[] b = new byte[length];
        String head = thread + ":" + counter + ":";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(h, 0, b, 0, h.length);
        for (int i = h.length; i < length; i++) {
            b[i] = (byte) (i * 31 + counter * 7 + thread);
        }
        return b;
    }

    /** Parses {@code [thread, counter]} from a payload and checks the rest; null if it does not check. */
    static long[] check(byte[] payload) {
        String s = new String(payload, 0, Math.min(payload.length, 40), StandardCharsets.US_ASCII);
        String[] parts = s.split(":", 3);
        if (parts.length < 3) {
            return null;
        }
        try {
            int thread = Integer.parseInt(parts[0]);
            long counter = Long.parseLong(parts[1]);
            return java.util.Arrays.equals(payload, payload(thread, counter)) ? new long[] {thread, counter} : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Entry point.
     *
     * @param args directory, rung, threads, first counter, optionally {@code uring}
     * @throws Exception on any failure (the parent sees the exit status and stderr)
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Durability rung = Durability.valueOf(args[1]);
        int threads = Integer.parseInt(args[2]);
        long base = Long.parseLong(args[3]);
        boolean uring = args.length > 4 && args[4].equals("uring");
        boolean truncate = args.length > 5 && args[5].equals("truncate");
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.US_ASCII);
        DurableLog log = DurableLog.open(dir, LogOptions.defaults().withDurability(rung).withMaxRecordBytes(4096)
                .withSegmentBytes(256 * 1024).withIoUring(uring));
        out.println("open " + log.lastSequence());
        if (uring) {
            out.println("uring " + log.usesIoUring());
        }
        if (truncate) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        long before = Math.max(1, log.lastSequence() - 500);
                        out.println("truncate " + before);
                        out.println("first " + log.truncateBefore(before));
                        log.awaitDurable(before + 550, 1, TimeUnit.SECONDS); // the next call, 50 records on
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(4);
                }
            });
        }
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts[t] = new Thread(() -> {
                try {
                    for (long c = base; ; c++) {
                        long seq = log.append(payload(id, c));
                        out.println("ack " + seq + " " + id + " " + c);
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(3);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
    }
}
