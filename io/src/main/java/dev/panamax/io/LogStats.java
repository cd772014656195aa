/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

/**
 * Counters of a {@link DurableLog} since it was opened: how well group commit shares the kernel's work.
 *
 * @param appends      records acknowledged
 * @param batches      write groups: one leader wrote and flushed the records of many appenders
 * @param writeCalls   writes that carried records: {@code pwrite} syscalls, or io_uring write requests
 * @param flushCalls   flushes: {@code fdatasync}/{@code fsync} syscalls, or io_uring fsync requests
 * @param syncedWrites writes made durable by the open flags ({@code O_DSYNC}, {@code O_SYNC},
 *                     {@code O_DIRECT|O_DSYNC}) rather than by a flush call
 * @param maxBatch     the most records one write group carried
 * @param uringSubmissions batches written and flushed by one io_uring submission of a linked write and fsync
 *                     (see {@link LogOptions#withIoUring(boolean)}); each also counts in {@code writeCalls} and
 *                     {@code flushCalls}, so {@code flushCalls - uringSubmissions} flushes were syscalls
 */
public record LogStats(long appends, long batches, long writeCalls, long flushCalls, long syncedWrites,
                       long maxBatch, long uringSubmissions) {

    /**
     * Returns the kernel calls that each made data durable: flush calls plus synchronous writes.
     *
     * @return the count; below {@link #appends()} when group commit shared flushes
     */
    public long durabilityPoints() {
        return flushCalls + syncedWrites;
    }
}
