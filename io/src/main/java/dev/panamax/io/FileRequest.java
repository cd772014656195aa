/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.io.uring.IoUring;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One asynchronous request of a {@link UringFile}, shared by both engines: what to do, its future, and the
 * cancellation flag. The ring engine's loop thread also keeps the per-CQE state here (plain fields, loop thread
 * only); the blocking engine records the worker running it.
 */
final class FileRequest implements IoUring.Completion {

    enum Kind { READ, WRITE, WRITE_SYNC, FSYNC, CANCEL }

    /**
     * The future handed to callers; knows its request so {@link UringFile#cancel} can find it. Only the engine
     * completes it, once the I/O no longer uses the buffer (the promise of {@link UringFile}). A caller's
     * {@code complete}, {@code completeExceptionally} or {@code cancel} (and so {@code orTimeout} and
     * {@code completeOnTimeout}) asks the engine to stop the request and returns false; when that stop ends the
     * I/O the future completes with the caller's outcome (the first one asked for), otherwise with the I/O's.
     * {@code obtrude*} would end it at once and are refused.
     */
    static final class OpFuture<T> extends CompletableFuture<T> {
        private static final VarHandle STOP;

        static {
            try {
                STOP = MethodHandles.lookup().findVarHandle(OpFuture.class, "stop", Stop.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** What a caller asked the future to complete with; applied when the stop it requested ends the I/O. */
        private record Stop<V>(V value, Throwable failure) { }

        final FileRequest request;
        @SuppressWarnings("unused") // through STOP
        private volatile Stop<T> stop; // CAS from null once, by the first caller outcome; read by the engine

        OpFuture(FileRequest request) {
            this.request = request;
        }

        /** Engine: the I/O is over and succeeded. */
        void finish(T value) {
            super.complete(value);
        }

        /** Engine: the I/O is over and failed; a failure caused by a caller's stop becomes that caller's outcome. */
        void finishExceptionally(Throwable t) {
            // volatile: set before the cancel flag that made the engine report a CancellationException
            Stop<T> s = t instanceof CancellationException ? stop : null;
            if (s == null) {
                super.completeExceptionally(t);
            } else if (s.failure() != null) {
                super.completeExceptionally(s.failure());
            } else {
                super.complete(s.value());
            }
        }

        private boolean requestStop(T value, Throwable failure) {
            if (!isDone() && STOP.compareAndSet(this, null, new Stop<>(value, failure))) {
                request.file.cancel(this);
            }
            return false; // not completed by this call: the I/O still owns the buffer
        }

        /**
         * Asks the engine to stop the request; the future completes with {@code value} once the I/O has stopped,
         * unless it completed first.
         *
         * @return false: this call does not complete the future
         */
        @Override
        public boolean complete(T value) {
            return requestStop(value, null);
        }

        /**
         * Asks the engine to stop the request; the future completes with {@code ex} once the I/O has stopped,
         * unless it completed first.
         *
         * @return false: this call does not complete the future
         */
        @Override
        public boolean completeExceptionally(Throwable ex) {
            return requestStop(null, Objects.requireNonNull(ex, "ex"));
        }

        /**
         * Asks the engine to stop the request, as {@link UringFile#cancel} does; the future completes with a
         * {@link CancellationException} once the I/O has stopped, unless it completed first.
         *
         * @return false: this call does not complete the future
         */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return requestStop(null, new CancellationException("cancelled by CompletableFuture.cancel"));
        }

        /** Refused: it would end the future while the I/O may still use the buffer. */
        @Override
        public void obtrudeValue(T value) {
            throw new UnsupportedOperationException("a UringFile future completes only when its I/O is over");
        }

        /** Refused: it would end the future while the I/O may still use the buffer. */
        @Override
        public void obtrudeException(Throwable ex) {
            throw new UnsupportedOperationException("a UringFile future completes only when its I/O is over");
        }

        /** Runs {@code supplier} on {@code executor} and hands its outcome to {@link #complete}. */
        @Override
        public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
            Objects.requireNonNull(supplier, "supplier");
            executor.execute(() -> {
                try {
                    complete(supplier.get());
                } catch (RuntimeException | Error e) {
                    completeExceptionally(e);
                }
            });
            return this;
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
            counted.finish(value);
        } else if (done != null) {
            done.finish(null);
        }
    }

    void fail(Throwable t) {
        if (counted != null) {
            counted.finishExceptionally(t);
        } else if (done != null) {
            done.finishExceptionally(t);
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
