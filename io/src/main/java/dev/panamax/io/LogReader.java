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
import java.lang.foreign.ValueLayout;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the records of a {@link DurableLog} in sequence order, verifying each one again (magic, length,
 * sequence, CRC32C). A reader from {@link DurableLog#reader(long)} sees the records that were durable when it was
 * created; one from {@link DurableLog#follow(long)} also sees those made durable later: its {@link #next()}
 * returns null when it has caught up, and a later call returns what has been appended since (wait for it with
 * {@link DurableLog#awaitDurable(long, long, java.util.concurrent.TimeUnit)}). Once the log is closed, a follower
 * reads on to the last record that was durable at close, then its {@code next()} throws
 * {@link IllegalStateException}. Confined: the thread that created it reads and closes it (its buffer lives in a
 * confined arena).
 */
public final class LogReader implements AutoCloseable {

    /** A segment as the reader sees it: its file, first sequence and durable end when the reader last looked. */
    record Part(Path path, long firstSequence, long end) {
    }

    /**
     * What a following reader learns from its log: the segments and the last durable sequence, together; closed
     * when the log is closed and this view is its last.
     */
    record View(List<Part> parts, long lastSequence, boolean closed) {
    }

    private final DurableLog follows; // null for a snapshot reader
    private List<Part> parts; // confined, like every field: replaced when a following reader refreshes
    private final long fromSequence;
    private long lastSequence;
    private final int maxRecordBytes;
    private final Arena arena;
    private final MemorySegment window;
    private int index;
    private Fd fd;
    private SegmentCursor cursor;
    private boolean closed;

    LogReader(View view, long fromSequence, int maxRecordBytes, DurableLog follows) {
        this.follows = follows;
        this.parts = List.copyOf(view.parts());
        this.fromSequence = fromSequence;
        this.lastSequence = view.lastSequence();
        this.maxRecordBytes = maxRecordBytes;
        this.arena = Arena.ofConfined();
        this.window = arena.allocate(RecordFormat.frameBytes(maxRecordBytes) + 256 * 1024);
        this.index = -1;
    }

    /** Receives a record without a copy to the heap: see {@link #next(RecordHandler)}. */
    @FunctionalInterface
    public interface RecordHandler {
        /**
         * Takes one record.
         *
         * @param sequence its sequence number
         * @param payload  its bytes, read-only, valid only during this call and only on the reader's thread (a
         *                 view of the reader's buffer, which the next record overwrites)
         * @throws IOException as the handler sees fit; {@link #next(RecordHandler)} passes it on
         */
        void accept(long sequence, MemorySegment payload) throws IOException;
    }

    /**
     * Returns the next record, or null after the last one (for a follower: when it has caught up with a log that
     * is open; once the log is closed, a follower returns every record that was durable at close, then throws).
     *
     * @return the record, its payload copied to the heap
     * @throws CorruptLogException   if a record fails verification (the file changed after recovery)
     * @throws RecordTooLargeException if a record verifies but is longer than the log's record limit (the file
     *                               changed after recovery)
     * @throws NoSuchFileException   if the next segment was removed by {@link DurableLog#truncateBefore(long)}
     *                               after this reader was opened
     * @throws IOException           if a file cannot be read
     * @throws IllegalStateException if the reader is closed; for a follower, also once it has read every record
     *                               durable when its log closed (nothing more will come: no reason to wait)
     */
    public LogRecord next() throws IOException {
        return advance() ? new LogRecord(cursor.sequence(), cursor.payload().toArray(ValueLayout.JAVA_BYTE)) : null;
    }

    /**
     * Hands the next record to {@code handler} without copying its payload to the heap, or returns false after
     * the last one (for a follower: when it has caught up with a log that is open). For replaying a large log
     * without garbage: the payload is a read-only view of the reader's buffer, valid during the call only. The
     * record counts as read even if the handler throws: the next call hands over the one after it.
     *
     * @param handler receives the record
     * @return true if a record was handed over
     * @throws CorruptLogException   if a record fails verification (the file changed after recovery)
     * @throws RecordTooLargeException if a record verifies but is longer than the log's record limit (the file
     *                               changed after recovery)
     * @throws NoSuchFileException   if the next segment was removed by {@link DurableLog#truncateBefore(long)}
     *                               after this reader was opened
     * @throws IOException           if a file cannot be read, or from the handler
     * @throws IllegalStateException if the reader is closed; for a follower, also once it has read every record
     *                               durable when its log closed (nothing more will come: no reason to wait)
     */
    public boolean next(RecordHandler handler) throws IOException {
        Objects.requireNonNull(handler, "handler");
        if (!advance()) {
            return false;
        }
        handler.accept(cursor.sequence(), cursor.payload().asReadOnly());
        return true;
    }

    /** Moves the cursor onto the next wanted record; false after the last one. */
    private boolean advance() throws IOException {
        if (closed) {
            throw new IllegalStateException("LogReader is closed");
        }
        while (true) {
            if (cursor == null) {
                if (!openNext()) {
                    return false;
                }
            }
            SegmentCursor.Step step = cursor.next();
            switch (step) {
                case RECORD -> {
                    if (cursor.sequence() > lastSequence) {
                        finishSegment();
                        index = parts.size();
                        return false;
                    }
                    if (cursor.sequence() >= fromSequence) {
                        return true;
                    }
                }
                case END -> {
                    // A follower keeps the last segment open at its end: the log may write more into it.
                    if (follows == null || index < parts.size() - 1) {
                        finishSegment();
                    } else if (!refresh()) {
                        return false;
                    }
                }
                case TOO_LARGE -> throw new RecordTooLargeException(parts.get(index).path() + ": record "
                        + cursor.sequence() + " at offset " + cursor.position() + " holds " + cursor.recordBytes()
                        + " bytes, more than the record limit of " + maxRecordBytes + " bytes the log is open with; "
                        + "it verified (sequence, CRC32C), so it is not corrupt: it was written under a larger "
                        + "limit. Reopen the log with LogOptions.withMaxRecordBytes(" + cursor.recordBytes()
                        + ") or more", cursor.sequence(), cursor.recordBytes(), maxRecordBytes);
                case ZEROS, BAD -> throw new CorruptLogException(parts.get(index).path() + ": "
                        + (step == SegmentCursor.Step.ZEROS ? "zeros" : cursor.problem()) + " at offset "
                        + cursor.position() + ", before the durable end " + parts.get(index).end(), null);
                default -> throw new AssertionError("should not reach here");
            }
        }
    }

    /**
     * A follower at the end of its last segment: takes the log's view now, extends the current segment to its new
     * durable end and adds the segments after it. Returns false when nothing became durable since.
     *
     * @throws IllegalStateException when the log is closed and this reader has read up to its final view
     */
    private boolean refresh() throws IOException {
        View view = follows.view();
        if (view.lastSequence() <= lastSequence) {
            if (view.closed()) {
                throw new IllegalStateException("DurableLog " + follows.directory() + " is closed: this follower "
                        + "has read every record durable at close (through sequence " + view.lastSequence() + ")");
            }
            return false;
        }
        Part current = parts.get(index);
        List<Part> next = new ArrayList<>(parts.subList(0, index));
        Part grown = null;
        for (Part p : view.parts()) {
            if (p.firstSequence() == current.firstSequence()) {
                grown = p;
            }
        }
        if (grown == null) {
            // Removed by truncateBefore: its end in this view is final only if the next segment follows it.
            long first = view.parts().get(0).firstSequence();
            if (first != cursor.expectedSequence()) {
                throw new NoSuchFileException(current.path().toString(), null, "records " + cursor.expectedSequence()
                        + ".." + (first - 1) + " were removed (DurableLog.truncateBefore) before this reader read "
                        + "them; follow again from DurableLog.firstSequence()");
            }
            grown = current;
        }
        next.add(grown);
        for (Part p : view.parts()) {
            if (p.firstSequence() > current.firstSequence()) {
                next.add(p);
            }
        }
        parts = List.copyOf(next);
        lastSequence = view.lastSequence();
        if (grown.end() > current.end()) {
            cursor = new SegmentCursor(new DurableLog.FdSource(fd), cursor.position(), grown.end(),
                    cursor.expectedSequence(), maxRecordBytes, window);
        }
        return true;
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
