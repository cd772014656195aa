/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.OpenFlag;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Reads the records of a {@link DurableLog} in sequence order, verifying each one again (magic, length,
 * sequence, CRC32C). Sees the records that were durable when it was created. Confined: the thread that
 * created it reads and closes it (its buffer lives in a confined arena).
 */
public final class LogReader implements AutoCloseable {

    /** A segment as the reader sees it: its file, first sequence and durable end when the reader started. */
    record Part(Path path, long firstSequence, long end) {
    }

    private final List<Part> parts;
    private final long fromSequence;
    private final long lastSequence;
    private final int maxRecordBytes;
    private final Arena arena;
    private final MemorySegment window;
    private int index;
    private Fd fd;
    private SegmentCursor cursor;
    private boolean closed;

    LogReader(List<Part> parts, long fromSequence, long lastSequence, int maxRecordBytes) {
        this.parts = List.copyOf(parts);
        this.fromSequence = fromSequence;
        this.lastSequence = lastSequence;
        this.maxRecordBytes = maxRecordBytes;
        this.arena = Arena.ofConfined();
        this.window = arena.allocate(RecordFormat.frameBytes(maxRecordBytes) + 256 * 1024);
        this.index = -1;
    }

    /**
     * Returns the next record, or null after the last one.
     *
     * @return the record, its payload copied to the heap
     * @throws CorruptLogException   if a record fails verification (the file changed after recovery)
     * @throws NoSuchFileException   if the next segment was removed by {@link DurableLog#truncateBefore(long)}
     *                               after this reader was opened
     * @throws IOException           if a file cannot be read
     * @throws IllegalStateException if the reader is closed
     */
    public LogRecord next() throws IOException {
        if (closed) {
            throw new IllegalStateException("LogReader is closed");
        }
        while (true) {
            if (cursor == null) {
                if (!openNext()) {
                    return null;
                }
            }
            SegmentCursor.Step step = cursor.next();
            switch (step) {
                case RECORD -> {
                    if (cursor.sequence() > lastSequence) {
                        finishSegment();
                        index = parts.size();
                        return null;
                    }
                    if (cursor.sequence() >= fromSequence) {
                        return new LogRecord(cursor.sequence(), cursor.payload().toArray(
                                java.lang.foreign.ValueLayout.JAVA_BYTE));
                    }
                }
                case END -> finishSegment();
                case ZEROS, BAD -> throw new CorruptLogException(parts.get(index).path() + ": "
                        + (step == SegmentCursor.Step.ZEROS ? "zeros" : cursor.problem()) + " at offset "
                        + cursor.position() + ", before the durable end " + parts.get(index).end(), null);
                default -> throw new AssertionError("should not reach here");
            }
        }
    }

    private boolean openNext() throws IOException {
        while (++index < parts.size()) {
            Part p = parts.get(index);
            // Skip whole segments before the wanted sequence: the next one starts at or below it.
            if (index + 1 < parts.size() && parts.get(index + 1).firstSequence() <= fromSequence) {
                continue;
            }
            try {
                fd = Fd.open(p.path(), Set.of(OpenFlag.READ), 0);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOENT) {
                    throw e;
                }
                NoSuchFileException gone = new NoSuchFileException(p.path().toString(), null, "segment from "
                        + "sequence " + p.firstSequence() + " was removed (DurableLog.truncateBefore) after this "
                        + "reader was opened; open a new reader from DurableLog.firstSequence()");
                gone.initCause(e);
                throw gone;
            }
            cursor = new SegmentCursor(new DurableLog.FdSource(fd), RecordFormat.SEGMENT_HEADER_BYTES, p.end(),
                    p.firstSequence(), maxRecordBytes, window);
            return true;
        }
        return false;
    }

    private void finishSegment() throws IOException {
        cursor = null;
        if (fd != null) {
            Fd f = fd;
            fd = null;
            f.close();
        }
    }

    /**
     * Closes the reader's file and buffer. Idempotent.
     *
     * @throws IOException if closing the file fails
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            finishSegment();
        } finally {
            arena.close();
        }
    }
}
