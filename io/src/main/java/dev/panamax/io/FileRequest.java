/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.io.uring.IoUring;

import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * One asynchronous request of a {@link UringFile}, shared by both engines: what to do, its future, and the
 * cancellation flag. The ring engine's loop thread also keeps the per-CQE state here (plain fields, loop thread
 * only); the blocking engine records the worker running it.
 */
final class FileRequest implements IoUring.Completion {

    enum Kind { READ, WRITE, WRITE_SYNC, FSYNC, CANCEL }

    /** The future handed to callers; knows its request so {@link UringFile#cancel} can find it. */
    static final class OpFuture<T> extends CompletableFuture<T> {
        final FileRequest request;

        OpFuture(FileRequest request) {
            this.request = request;
        }
    }

    private static final int ETIME = Errno.ETIME.value();
    private static final int ECANCELED = Errno.ECANCELED.value();

    final UringFile file;
    final Kind kind;
    final MemorySegment buffer;
    final long position;
    final long timeoutNs;
    final boolean dataSync;
    final FileRequest target; // CANCEL only
    final OpFuture<Integer> counted; // READ, WRITE, WRITE_SYNC
    final OpFuture<Void> done; // FSYNC
    volatile boolean cancelRequested; // set by UringFile.cancel (any thread), read by the engines
    volatile BlockingEngine.Worker runner; // blocking engine: the worker running it, for cancel wake-ups

    // Ring engine, loop thread only.
    long opId;
    boolean started;
    int cqesLeft;
    int mainResult;
    int auxResult;
    Throwable startFailure; // set when start() queued the main SQE but not its partner
    final IoUring.Completion aux = (result, flags) -> {
        auxResult = result;
        cqeDone();
    };

    FileRequest(UringFile file, Kind kind, MemorySegment buffer, long position, long timeoutNs, boolean dataSync,
            FileRequest target) {
        this.file = file;
        this.kind = kind;
        this.buffer = buffer;
        this.position = position;
        this.timeoutNs = timeoutNs;
        this.dataSync = dataSync;
        this.target = target;
        this.counted = kind == Kind.FSYNC || kind == Kind.CANCEL ? null : new OpFuture<>(this);
        this.done = kind == Kind.FSYNC ? new OpFuture<>(this) : null;
    }

    boolean isDone() {
        return counted != null ? counted.isDone() : done == null || done.isDone();
    }

    @Override
    public void complete(int result, int flags) {
        mainResult = result;
        cqeDone();
    }

    private void cqeDone() {
        if (--cqesLeft == 0) {
            finishRing();
        }
    }

    /** Maps the ring engine's CQE results (main request, and link timeout or linked fsync) to the future. */
    private void finishRing() {
        if (startFailure != null) {
            fail(startFailure);
            return;
        }
        int main = mainResult;
        if (timeoutNs > 0 && auxResult == -ETIME && main < 0) {
            fail(new InterruptedByTimeoutException());
            return;
        }
        if (main < 0) {
            fail(errorOf(-main, opName()));
            return;
        }
        if (kind == Kind.WRITE_SYNC) {
            if (main < buffer.byteSize()) {
                fail(new ShortWriteException("short write of " + main + " of " + buffer.byteSize() + " bytes at "
                        + position + "; the linked " + syncName() + " was cancelled (ECANCELED)", main));
                return;
            }
            if (auxResult < 0) {
                fail(errorOf(-auxResult, "IORING_OP_FSYNC"));
                return;
            }
        }
        succeed(main);
    }

    private Throwable errorOf(int errno, String syscall) {
        if (errno == ECANCELED) {
            if (cancelRequested) {
                return new CancellationException(kind + " cancelled by UringFile.cancel");
            }
            if (file.isClosing()) {
                AsynchronousCloseException e = new AsynchronousCloseException();
                e.initCause(new ErrnoException(syscall, errno));
                return e;
            }
        }
        return new ErrnoException(syscall, errno);
    }

    private String opName() {
        return switch (kind) {
            case READ -> "IORING_OP_READ";
            case WRITE, WRITE_SYNC -> "IORING_OP_WRITE";
            case FSYNC -> "IORING_OP_FSYNC";
            case CANCEL -> "IORING_OP_ASYNC_CANCEL";
        };
    }

    String syncName() {
        return dataSync ? "fdatasync" : "fsync";
    }

    void succeed(int value) {
        if (counted != null) {
            counted.complete(value);
        } else if (done != null) {
            done.complete(null);
        }
    }

    void fail(Throwable t) {
        if (counted != null) {
            counted.completeExceptionally(t);
        } else if (done != null) {
            done.completeExceptionally(t);
        }
    }

    /** Ring engine: only the main SQE was queued; fail with {@code t} once its CQE, the only one coming, arrives. */
    void failWhenDone(Throwable t) {
        startFailure = t;
        cqesLeft = 1;
    }

    void cancelled() {
        fail(new CancellationException(kind + " cancelled by UringFile.cancel before it started"));
    }
}
