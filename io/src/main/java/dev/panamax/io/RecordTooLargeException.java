/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import java.io.IOException;

/**
 * A {@link DurableLog} holds a record longer than the {@link LogOptions#maxRecordBytes()} it is opened with, and
 * the record verified (sequence, CRC32C): it was written under a larger limit and is not corrupt, so nothing is cut.
 * Open the log again with a limit of at least {@link #recordBytes()}.
 */
public class RecordTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    private final long sequence;
    private final int recordBytes;
    private final int limitBytes;

    /**
     * Creates the exception.
     *
     * @param message     what happened, naming the file and the record
     * @param sequence    the record's sequence number
     * @param recordBytes the record's payload length
     * @param limitBytes  the record limit the log was opened with
     */
    public RecordTooLargeException(String message, long sequence, int recordBytes, int limitBytes) {
        super(message);
        this.sequence = sequence;
        this.recordBytes = recordBytes;
        this.limitBytes = limitBytes;
    }

    /**
     * Returns the sequence number of the record found longer than the limit.
     *
     * @return the sequence
     */
    public long sequence() {
        return sequence;
    }

    /**
     * Returns the record's payload length: the smallest {@link LogOptions#withMaxRecordBytes(int)} that reads it.
     *
     * @return bytes
     */
    public int recordBytes() {
        return recordBytes;
    }

    /**
     * Returns the record limit the log was opened with.
     *
     * @return bytes
     */
    public int limitBytes() {
        return limitBytes;
    }
}
