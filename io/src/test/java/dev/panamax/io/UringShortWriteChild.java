/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.nio.file.Path;

/**
 * Child process of {@link DurableLogUringTest}, run under a small {@code RLIMIT_FSIZE}: appends 4000-byte records
 * at FDATASYNC through io_uring to a log without preallocation until an append fails, then prints how many were
 * acknowledged, the failure's cause and what it suppressed. Argument: directory.
 */
public final class UringShortWriteChild {

    private UringShortWriteChild() {
    }

    /**
     * Entry point.
     *
     * @param args the log directory
     * @throws Exception on any failure other than the expected failed append
     */
    public static void main(String[] args) throws Exception {
        LogOptions options = LogOptions.defaults().withIoUring(true).withPreallocation(false)
                .withMaxRecordBytes(4096).withSegmentBytes(1024 * 1024);
        try (DurableLog log = DurableLog.open(Path.of(args[0]), options)) {
            System.out.println("uses " + log.usesIoUring());
            long acked = 0;
            try {
                for (int i = 0; i < 200; i++) {
                    log.append(new byte[4000]);
                    acked++;
                }
                System.out.println("no failure");
            } catch (LogFailedException e) {
                System.out.println("acked " + acked + " last " + log.lastSequence());
                System.out.println("cause " + e.getCause().getMessage());
                for (Throwable t : e.getCause().getSuppressed()) {
                    System.out.println("suppressed " + t.getClass().getSimpleName() + ": " + t.getMessage());
                }
            }
        }
    }
}
