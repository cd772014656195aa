/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.Epoll;
import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.EventFd;
import dev.panamax.ffm.Fd;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The blocking engine of a {@link UringFile}: {@code pread}/{@code pwrite}/{@code fsync}/{@code fdatasync} on a
 * small shared pool of daemon threads (stream and timed requests, which may wait, on a separate cached pool),
 * with the same results, errors, cancellation and timeouts as the ring engine. A request on a stream (position
 * -1: pipes, sockets) or with a timeout first waits for readiness on the worker's own epoll, together with the
 * worker's eventfd, so {@link #cancel} and the timeout can end the wait as {@code IORING_OP_ASYNC_CANCEL} and
 * {@code IORING_OP_LINK_TIMEOUT} do on a ring. A regular file is
 * always ready (epoll refuses it with EPERM), so, as on a ring, a running regular-file request completes.
 */
final class BlockingEngine implements FileEngine {

    private static final int POOL_THREADS = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newFixedThreadPool(POOL_THREADS, r -> {
        Thread t = new Thread(r, "panamax-blocking-io-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    // Stream and timed requests may wait indefinitely for readiness: they get their own threads, so they can
    // never starve the bounded pool that positional file I/O runs on.
    private static final ExecutorService WAITING_POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "panamax-blocking-wait-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private static final ThreadLocal<Worker> WORKER = ThreadLocal.withInitial(Worker::create);
    private static final long WAKE = 0;
    private static final long TARGET = 1;

    private final Fd fd;
    private final Set<FileRequest> inFlight = ConcurrentHashMap.newKeySet();
    private final Object idle = new Object();
    // Written once by close() before it reads each request's runner; run() publishes the runner before it reads
    // this again: a Dekker pair of volatiles, so close() wakes the worker or the worker sees the flag.
    private volatile boolean closing;

    BlockingEngine(Fd fd) {
        this.fd = fd;
    }

    /** A pool thread's epoll and wake-up eventfd, created on first use and kept for the thread's life. */
    static final class Worker {
        final Epoll epoll;
        final EventFd wake;
        final Epoll.Events events;

        private Worker(Epoll epoll, EventFd wake, Epoll.Events events) {
            this.epoll = epoll;
            this.wake = wake;
            this.events = events;
        }

        static Worker create() {
            try {
                Epoll epoll = Epoll.create();
                EventFd wake = EventFd.create(0, EventFd.NONBLOCK);
                epoll.add(wake.fd(), Epoll.IN, WAKE);
                return new Worker(epoll, wake, Epoll.Events.allocate(Arena.ofAuto(), 4));
            } catch (IOException e) {
                throw new IllegalStateException("cannot create the blocking engine's epoll: " + e.getMessage(), e);
            }
        }

        void wakeUp() {
            try {
                wake.write(1);
            } catch (IOException e) {
                // the worker's eventfd lives as long as its thread; nothing to wake otherwise
            }
        }
    }

    @Override
    public void submit(FileRequest request) {
        if (closing) {
            request.fail(new AsynchronousCloseException());
            return;
        }
        inFlight.add(request);
        try {
            ExecutorService pool = request.position < 0 || request.timeoutNs > 0 ? WAITING_POOL : POOL;
            pool.execute(() -> run(request));
        } catch (RejectedExecutionException e) {
            done(request);
            request.fail(new IOException("blocking I/O pool rejected the request", e));
        }
    }

    @Override
    public void cancel(FileRequest request) {
        Worker w = request.runner; // volatile: pairs with run() publishing itself before re-checking the flag
        if (w != null) {
            w.wakeUp();
        }
    }

    private void run(FileRequest r) {
        try {
            if (r.cancelRequested) {
                r.cancelled();
                return;
            }
            if (closing) {
                r.fail(new AsynchronousCloseException());
                return;
            }
            Worker w = WORKER.get();
            w.wake.read(); // clear a wake-up left over from an earlier request
            r.runner = w;
            if (r.cancelRequested) { // re-check after publishing runner: cancel() may have missed it
                r.cancelled();
                return;
            }
            if (closing) { // the same for close(): it may have read runner before the store above
                r.fail(new AsynchronousCloseException());
                return;
            }
            if (r.position < 0 || r.timeoutNs > 0) {
                int events = r.kind == FileRequest.Kind.READ ? Epoll.IN : Epoll.OUT;
                if (!awaitReady(w, r, events)) {
                    return;
                }
            }
            execute(r);
        } catch (IOException | RuntimeException e) {
            r.fail(e);
        } finally {
            r.runner = null;
            done(r);
        }
    }

    /** Waits until the fd is ready, or the request is cancelled or times out (then fails it and returns false). */
    private boolean awaitReady(Worker w, FileRequest r, int events) throws IOException {
        try {
            w.epoll.add(fd, events, TARGET);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EPERM) {
                return true; // a regular file: always ready, as io_uring treats it
            }
            throw e;
        }
        try {
            long deadline = r.timeoutNs > 0 ? System.nanoTime() + r.timeoutNs : 0;
            while (true) {
                long waitNs = r.timeoutNs > 0 ? Math.max(0, deadline - System.nanoTime()) : -1;
                int n = w.epoll.awaitNanos(w.events, waitNs);
                if (r.cancelRequested) {
                    r.fail(new java.util.concurrent.CancellationException(r.kind + " cancelled by UringFile.cancel"));
                    return false;
                }
                if (closing) {
                    r.fail(new AsynchronousCloseException());
                    return false;
                }
                for (int i = 0; i < n; i++) {
                    if (w.events.data(i) == TARGET) {
                        return true;
                    }
                }
                if (n >= 0) {
                    w.wake.read();
                }
                if (r.timeoutNs > 0 && deadline - System.nanoTime() <= 0) {
                    r.fail(new InterruptedByTimeoutException());
                    return false;
                }
            }
        } finally {
            w.epoll.delete(fd);
        }
    }

    private void execute(FileRequest r) throws IOException {
        long size = r.buffer == null ? 0 : r.buffer.byteSize();
        switch (r.kind) {
            case READ -> r.succeed((int) again(r.position < 0 ? fd.read(r.buffer, 0, size)
                    : fd.pread(r.buffer, 0, size, r.position), "read"));
            case WRITE -> r.succeed((int) again(r.position < 0 ? fd.write(r.buffer, 0, size)
                    : fd.pwrite(r.buffer, 0, size, r.position), "write"));
            case WRITE_SYNC -> {
                long n = again(r.position < 0 ? fd.write(r.buffer, 0, size) : fd.pwrite(r.buffer, 0, size,
                        r.position), "write");
                if (n < size) {
                    throw new ShortWriteException("short write of " + n + " of " + size + " bytes at "
                            + r.position + "; the " + r.syncName() + " was not run", n);
                }
                sync(r.dataSync);
                r.succeed((int) n);
            }
            case FSYNC -> {
                sync(r.dataSync);
                r.succeed(0);
            }
            default -> throw new AssertionError(r.kind);
        }
    }

    private static long again(long result, String what) throws IOException {
        if (result == Fd.INTERRUPTED) {
            throw new InterruptedIOException(what + " interrupted by a signal (EINTR)");
        }
        if (result == Fd.AGAIN) {
            throw new ErrnoException(what, Errno.EAGAIN.value()); // a non-blocking fd with nothing ready
        }
        return result;
    }

    private void sync(boolean dataSync) throws IOException {
        if (dataSync) {
            fd.fdatasync();
        } else {
            fd.fsync();
        }
    }

    private void done(FileRequest r) {
        inFlight.remove(r);
        if (closing) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    @Override
    public void close() throws IOException {
        closing = true;
        for (FileRequest r : inFlight) {
            cancel(r); // wakes streams waiting for readiness; they fail with AsynchronousCloseException
        }
        synchronized (idle) {
            while (!inFlight.isEmpty()) {
                try {
                    idle.wait(100); // bounded: a request that finished between isEmpty and wait is re-checked
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for blocking I/O to finish");
                }
            }
        }
    }
}
