/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.nio.file.Path;

/**
 * Child process of {@link DurableLogUringFallbackTest}: opens a log with io_uring flushing asked for, appends
 * three records at FDATASYNC and prints what the log says about its flush path, one fact a line.
 * Argument: directory.
 */
public final class UringFallbackChild {

    private UringFallbackChild() {
    }

    /**
     * Entry point.
     *
     * @param args the log directory
     * @throws Exception on any failure (the parent sees the exit status and stderr)
     */
    public static void main(String[] args) throws Exception {
        LogOptions options = LogOptions.defaults().withIoUring(true).withMaxRecordBytes(4096)
                .withSegmentBytes(256 * 1024);
        try (DurableLog log = DurableLog.open(Path.of(args[0]), options)) {
            for (int i = 0; i < 3; i++) {
                log.append(new byte[] {1, 2, 3});
            }
            LogStats st = log.stats();
            System.out.println("uses " + log.usesIoUring());
            System.out.println("flushes " + st.flushCalls());
            System.out.println("uring " + st.uringSubmissions());
            System.out.println("reason " + log.fallbackReason().orElse("none"));
        }
    }
}
