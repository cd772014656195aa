/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.Fd;
import dev.panamax.ffm.IoUringSyscalls;
import dev.panamax.ffm.OpenFlag;
import dev.panamax.io.uring.IoUring;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asynchronous positional file I/O on io_uring, with a blocking engine ({@code pread}/{@code pwrite}/
 * {@code fdatasync} on a small thread pool) of identical semantics used when io_uring is unavailable (ENOSYS,
 * EPERM from seccomp or {@code kernel.io_uring_disabled}, ENOMEM from {@code RLIMIT_MEMLOCK}, or
 * {@code -Dpanamax.iouring.disable=true}). The first fallback logs one {@link System.Logger.Level#WARNING}
 * saying why. {@code -Dpanamax.io.engine=uring|blocking|auto} (default {@code auto}) forces an engine.
 *
 * <p>Every request returns a future that completes on an engine thread (the io_uring loop thread, or a pool
 * thread): keep callbacks short. Results and errors are the same on both engines:
 * <ul>
 *   <li>read: the bytes read, 0 at or past end of file; may be short (end of file, or a pipe);</li>
 *   <li>kernel errors: {@link dev.panamax.ffm.ErrnoException} (the errno is the same on both engines; the
 *       syscall name differs, e.g. {@code IORING_OP_READ} vs {@code pread64});</li>
 *   <li>after {@link #close()}: {@link ClosedChannelException}; requests cancelled by close:
 *       {@link java.nio.channels.AsynchronousCloseException};</li>
 *   <li>{@link #cancel}: {@link java.util.concurrent.CancellationException}, unless the request completed
 *       first (a running regular-file request usually does);</li>
 *   <li>a timeout: {@link java.nio.channels.InterruptedByTimeoutException}.</li>
 * </ul>
 *
 * <p>Buffers must be native memory and stay valid (their arena open) until the request's future completes. Only
 * the engine completes that future, once the I/O no longer uses the buffer: its {@code complete},
 * {@code completeExceptionally} and {@code cancel} (and so {@code orTimeout} and {@code completeOnTimeout}) ask
 * to stop the request as {@link #cancel} does and return false, and the future then completes with that outcome
 * unless the I/O finished first; {@code obtrudeValue} and {@code obtrudeException} throw
 * {@link UnsupportedOperationException}. Futures derived from it ({@code thenApply}, ...) are ordinary ones.
 */
public final class UringFile implements AutoCloseable {

    /** Which engine runs the requests. */
    public enum Engine {
        /** io_uring: one ring and loop thread per file. */
        URING,
        /** Blocking syscalls on a shared pool of daemon threads. */
        BLOCKING,
        /** io_uring when available, else blocking (with one warning); only as a request. */
        AUTO
    }

    /** Position meaning "the fd's own position": the only choice for pipes and sockets. */
    public static final long STREAM = -1;
    /** The system property that forces an engine: {@code uring}, {@code blocking} or {@code auto}. */
    public static final String ENGINE_PROPERTY = "panamax.io.engine";

    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final int RING_ENTRIES = 64;

    private final Fd fd;
    private final boolean ownsFd;
    private final Engine engine;
    private final FileEngine impl;
    private volatile boolean closed; // written once by close(), read by every request

    private UringFile(Fd fd, boolean ownsFd, Engine engine, FileEngine impl) {
        this.fd = fd;
        this.ownsFd = ownsFd;
        this.engine = engine;
        this.impl = impl;
    }

    /**
     * Opens a file with the engine chosen by {@value #ENGINE_PROPERTY} (default {@code auto}).
     *
     * @param path  the file
     * @param flags open flags ({@link OpenFlag#DIRECT} for O_DIRECT)
     * @param mode  permission bits for {@link OpenFlag#CREATE}
     * @return the open file
     * @throws IOException ErrnoException from {@code openat}, or when a forced io_uring engine cannot start
     */
    public static UringFile open(Path path, Set<OpenFlag> flags, int mode) throws IOException {
        return open(path, flags, mode, Engine.AUTO);
    }

    /**
     * Opens a file with a given engine.
     *
     * @param path   the file
     * @param flags  open flags
     * @param mode   permission bits for {@link OpenFlag#CREATE}
     * @param engine {@link Engine#URING} (fails when io_uring is unavailable), {@link Engine#BLOCKING}, or
     *               {@link Engine#AUTO} (then {@value #ENGINE_PROPERTY} decides)
     * @return the open file
     * @throws IOException ErrnoException from {@code openat} or io_uring setup
     * @throws UnsupportedOperationException when {@link Engine#URING} is forced and io_uring is unavailable
     */
    public static UringFile open(Path path, Set<OpenFlag> flags, int mode, Engine engine) throws IOException {
        Objects.requireNonNull(engine, "engine");
        Fd fd = Fd.open(path, flags, mode);
        try {
            return wrap(fd, engine);
        } catch (IOException | RuntimeException | Error e) {
            try {
                fd.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Takes ownership of an open fd (a file, or a pipe or socket with {@link #STREAM} positions).
     *
     * @param fd     the descriptor; {@link #close()} closes it
     * @param engine the engine, as for {@link #open(Path, Set, int, Engine)}
     * @return the file
     * @throws IOException when a forced io_uring engine cannot start
     */
    public static UringFile wrap(Fd fd, Engine engine) throws IOException {
        return wrap(fd, engine, true);
    }

    /**
     * Runs requests on an fd the caller keeps owning: {@link #close()} stops the engine but leaves the fd open
     * (for example a log segment whose writer is also used with plain {@code pwrite}).
     *
     * @param fd     the descriptor; the caller closes it, after closing this file
     * @param engine the engine, as for {@link #open(Path, Set, int, Engine)}
     * @return the file
     * @throws IOException when a forced io_uring engine cannot start
     */
    public static UringFile wrapBorrowed(Fd fd, Engine engine) throws IOException {
        return wrap(fd, engine, false);
    }

    private static UringFile wrap(Fd fd, Engine engine, boolean owned) throws IOException {
        Objects.requireNonNull(fd, "fd");
        Objects.requireNonNull(engine, "engine");
        if (fd.isClosed()) {
            throw new ClosedChannelException();
        }
        Engine wanted = engine == Engine.AUTO ? engineFromProperty() : engine;
        if (wanted == Engine.BLOCKING) {
            return new UringFile(fd, owned, Engine.BLOCKING, new BlockingEngine(fd));
        }
        if (wanted == Engine.URING) {
            IoUringSyscalls.FEATURE.ensureAvailable();
            return new UringFile(fd, owned, Engine.URING, new RingEngine(fd, IoUring.Options.of(RING_ENTRIES)));
        }
        if (!IoUringSyscalls.FEATURE.isAvailable()) {
            warnFallback(IoUringSyscalls.FEATURE.unavailabilityCause());
            return new UringFile(fd, owned, Engine.BLOCKING, new BlockingEngine(fd));
        }
        try {
            return new UringFile(fd, owned, Engine.URING, new RingEngine(fd, IoUring.Options.of(RING_ENTRIES)));
        } catch (IOException | UnsupportedOperationException e) {
            warnFallback("creating the ring failed: " + e.getMessage());
            return new UringFile(fd, owned, Engine.BLOCKING, new BlockingEngine(fd));
        }
    }

    // Tests: a ring engine with chosen sizes (a tiny CQ to force overflow, a tiny SQ to force submit-and-retry).
    static UringFile wrapWithRing(Fd fd, IoUring.Options options) throws IOException {
        IoUringSyscalls.FEATURE.ensureAvailable();
        return new UringFile(fd, true, Engine.URING, new RingEngine(fd, options));
    }

    private static Engine engineFromProperty() {
        String value = System.getProperty(ENGINE_PROPERTY, "auto").strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "uring" -> Engine.URING;
            case "blocking" -> Engine.BLOCKING;
            case "auto", "" -> Engine.AUTO;
            default -> throw new IllegalArgumentException("-D" + ENGINE_PROPERTY + " must be uring, blocking or "
                    + "auto: " + value);
        };
    }

    private static void warnFallback(String cause) {
        if (WARNED.compareAndSet(false, true)) {
            System.getLogger("dev.panamax.io").log(System.Logger.Level.WARNING, "io_uring not used, UringFile "
                    + "falls back to blocking pread/pwrite on a thread pool: " + cause + " (force an engine with -D"
                    + ENGINE_PROPERTY + "=uring|blocking)");
        }
    }

    /**
     * The engine this file runs on.
     *
     * @return {@link Engine#URING} or {@link Engine#BLOCKING}
     */
    public Engine engine() {
        return engine;
    }

    /**
     * The file's descriptor, owned by this file.
     *
     * @return the fd
     */
    public Fd fd() {
        return fd;
    }

    /**
     * Reads into all of {@code buffer} at {@code position}.
     *
     * @param buffer   native memory, valid until the future completes
     * @param position the file offset, or {@link #STREAM}
     * @return the bytes read (0 at or past end of file)
     */
    public CompletableFuture<Integer> read(MemorySegment buffer, long position) {
        return read(buffer, position, 0);
    }

    /**
     * Reads into all of {@code buffer} at {@code position}, giving up after {@code timeoutNs}
     * ({@code IORING_OP_LINK_TIMEOUT} on the ring).
     *
     * @param buffer    native memory, valid until the future completes
     * @param position  the file offset, or {@link #STREAM}
     * @param timeoutNs the bound, > 0, or 0 for none
     * @return the bytes read, or {@link java.nio.channels.InterruptedByTimeoutException} on timeout
     */
    public CompletableFuture<Integer> read(MemorySegment buffer, long position, long timeoutNs) {
        return counted(FileRequest.Kind.READ, buffer, position, timeoutNs, false);
    }

    /**
     * Writes all of {@code buffer} at {@code position} (one request: the count may be short).
     *
     * @param buffer   native memory, valid until the future completes
     * @param position the file offset, or {@link #STREAM}
     * @return the bytes written
     */
    public CompletableFuture<Integer> write(MemorySegment buffer, long position) {
        return counted(FileRequest.Kind.WRITE, buffer, position, 0, false);
    }

    /**
     * Writes {@code buffer} at {@code position}, then makes it durable: on the ring, a write SQE linked
     * ({@code IOSQE_IO_LINK}) to an fsync SQE, one submission. A failed or short write cancels the sync.
     *
     * @param buffer   native memory, valid until the future completes
     * @param position the file offset
     * @param dataOnly true for {@code fdatasync}, false for {@code fsync}
     * @return the bytes written (all of them), or an IOException naming a short write
     */
    public CompletableFuture<Integer> writeAndSync(MemorySegment buffer, long position, boolean dataOnly) {
        return counted(FileRequest.Kind.WRITE_SYNC, buffer, position, 0, dataOnly);
    }

    /**
     * Flushes data and metadata ({@code fsync}).
     *
     * @return completes when durable
     */
    public CompletableFuture<Void> fsync() {
        return sync(false);
    }

    /**
     * Flushes data and the metadata needed to read it ({@code fdatasync}).
     *
     * @return completes when durable
     */
    public CompletableFuture<Void> fdatasync() {
        return sync(true);
    }

    private CompletableFuture<Void> sync(boolean dataOnly) {
        FileRequest r = new FileRequest(this, FileRequest.Kind.FSYNC, null, 0, 0, dataOnly, null);
        if (closed) {
            r.fail(new ClosedChannelException());
            return r.done;
        }
        impl.submit(r);
        return r.done;
    }

    private CompletableFuture<Integer> counted(FileRequest.Kind kind, MemorySegment buffer, long position,
            long timeoutNs, boolean dataSync) {
        Objects.requireNonNull(buffer, "buffer");
        if (!buffer.isNative()) {
            throw new IllegalArgumentException("buffer must be native memory (allocate it from an Arena)");
        }
        if (!buffer.scope().isAlive()) {
            throw new IllegalStateException("buffer's arena is already closed");
        }
        if (buffer.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("one request moves at most 2^31 - 1 bytes: " + buffer.byteSize());
        }
        if (kind == FileRequest.Kind.READ && buffer.isReadOnly()) {
            throw new IllegalArgumentException("read buffer is a read-only segment, and the kernel would write "
                    + "into it");
        }
        if (position < STREAM) {
            throw new IllegalArgumentException("position must be >= 0 or STREAM (-1): " + position);
        }
        if (timeoutNs < 0) {
            throw new IllegalArgumentException("timeoutNs must be >= 0: " + timeoutNs);
        }
        FileRequest r = new FileRequest(this, kind, buffer, position, timeoutNs, dataSync, null);
        if (closed) {
            r.fail(new ClosedChannelException());
            return r.counted;
        }
        impl.submit(r);
        return r.counted;
    }

    /**
     * Asks to stop a request of this file: on the ring {@code IORING_OP_ASYNC_CANCEL}; on the blocking engine,
     * a request not yet started is dropped and one waiting for a stream to become ready is woken. The request's
     * future then completes with {@link java.util.concurrent.CancellationException}, or normally when the I/O
     * had already completed. Either way the buffer is released when the future completes.
     *
     * @param request a future returned by this file
     * @return false when the future was already complete
     * @throws IllegalArgumentException when {@code request} does not come from this file
     */
    public boolean cancel(CompletableFuture<?> request) {
        Objects.requireNonNull(request, "request");
        if (!(request instanceof FileRequest.OpFuture<?> op) || op.request.file != this) {
            throw new IllegalArgumentException("not a request of this UringFile: " + request);
        }
        if (request.isDone()) {
            return false;
        }
        op.request.cancelRequested = true;
        impl.cancel(op.request);
        return true;
    }

    // Tests: how often the ring engine flushed the kernel's CQ overflow backlog (0 for the blocking engine).
    long overflowFlushes() {
        return impl instanceof RingEngine ring ? ring.overflowFlushes() : 0;
    }

    boolean isClosing() {
        return closed;
    }

    /**
     * Refuses new requests, cancels those in flight (they complete with
     * {@link java.nio.channels.AsynchronousCloseException} unless they finish first), waits for them, and closes
     * the fd unless it was {@linkplain #wrapBorrowed borrowed}. Idempotent. Must not be called from a completion
     * callback.
     *
     * @throws IOException when closing the fd fails
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            impl.close();
        } finally {
            if (ownsFd) {
                fd.close();
            }
        }
    }
}
