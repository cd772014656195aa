/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.EventFd;
import dev.panamax.ffm.Fd;
import dev.panamax.io.uring.IoUring;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The io_uring engine of a {@link UringFile}: one loop thread owns the ring (so {@code SINGLE_ISSUER} and
 * {@code DEFER_TASKRUN} apply), callers hand it requests through a lock-free queue and wake it with an eventfd
 * whose read is always armed on the ring. Everything queued between two wake-ups goes to the kernel in one
 * {@code io_uring_enter}: that is the batching.
 */
final class RingEngine implements FileEngine {

    /*
     * Overview.
     *
     * Wake-up protocol (a Dekker pair on wakePending and the queue, both sequentially consistent):
     *   submitter: queue.offer(r); if (wakePending.compareAndSet(false, true)) eventfd.write(1)
     *   loop:      drain queue; wakePending.set(false); if (!queue.isEmpty()) drain again; else sleep in enter
     * A request offered after the loop's emptiness check sees wakePending false and writes the eventfd, whose
     * read (always armed on the ring) completes and ends the sleep. A request offered before it is drained.
     *
     * Shutdown: close() sets closing and writes the eventfd; the loop fails what is still queued with
     * AsynchronousCloseException and closes the ring, which cancels every request in flight and waits for their
     * CQEs. Then terminated is set and the queue is drained once more, so a request that raced with close()
     * never waits forever.
     */

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Fd fd;
    private final IoUring.Options options;
    private final ConcurrentLinkedQueue<FileRequest> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean(); // CAS true by submitters, set false by the loop
    private final EventFd wake;
    private final Thread thread;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private volatile boolean closing; // written once by close(), read by the loop
    private volatile boolean terminated; // written once by the loop as it exits, read by submitters
    private volatile long overflowFlushes; // written by the loop after each reap, read by tests

    // Loop thread only.
    private IoUring ring;
    private FileRequest current; // the request start() works on, for run() to fail if the loop dies in it
    private MemorySegment wakeBuffer;
    private boolean wakeArmed;
    private final IoUring.Completion wakeDone = (result, flags) -> wakeArmed = false;
    private final IoUring.Completion ignore = (result, flags) -> { };

    RingEngine(Fd fd, IoUring.Options options) throws IOException {
        this.fd = fd;
        this.options = options;
        this.wake = EventFd.create(0, EventFd.NONBLOCK);
        this.thread = new Thread(this::run, "panamax-uring-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
        try {
            started.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new InterruptedIOException("interrupted while the io_uring loop started");
        } catch (ExecutionException e) {
            wake.close();
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("io_uring loop failed to start", cause);
        }
    }

    @Override
    public void submit(FileRequest request) {
        queue.offer(request);
        if (terminated) {
            failQueued();
            return;
        }
        wakeUp();
    }

    @Override
    public void cancel(FileRequest request) {
        submit(new FileRequest(request.file, FileRequest.Kind.CANCEL, null, 0, 0, false, request));
    }

    private void wakeUp() {
        if (wakePending.compareAndSet(false, true)) {
            try {
                wake.write(1);
            } catch (IOException e) {
                failQueued(); // the eventfd is closed: the loop has terminated
            }
        }
    }

    long overflowFlushes() {
        return overflowFlushes;
    }

    @Override
    public void close() throws IOException {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("UringFile.close() called from a completion callback on its io_uring "
                    + "thread; close it from another thread");
        }
        closing = true;
        wakePending.set(true); // force the write: the loop must see closing even if a wake-up is in flight
        try {
            wake.write(1);
        } catch (IOException e) {
            // already terminated
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while closing the io_uring loop");
        }
    }

    private void run() {
        try (Arena arena = Arena.ofConfined()) {
            try {
                ring = IoUring.open(options);
            } catch (IOException | RuntimeException | Error e) {
                terminated = true;
                started.completeExceptionally(e);
                return;
            }
            wakeBuffer = arena.allocate(Long.BYTES, Long.BYTES);
            started.complete(null);
            Throwable failure = null;
            try {
                loop();
            } catch (IOException | RuntimeException | Error e) {
                failure = e;
                System.getLogger("dev.panamax.io").log(System.Logger.Level.ERROR, "io_uring loop failed", e);
            }
            try {
                ring.close(); // cancels what is in flight and runs its completions
            } catch (IOException | RuntimeException e) {
                System.getLogger("dev.panamax.io").log(System.Logger.Level.ERROR, "closing io_uring failed", e);
            }
            terminated = true;
            if (failure != null) {
                // Requests still in flight on a broken ring cannot be trusted to complete.
                IOException broken = new IOException("io_uring loop failed: " + failure, failure);
                if (current != null) {
                    current.fail(broken); // taken off the queue, so failing the queue would miss it
                }
                FileRequest r;
                while ((r = queue.poll()) != null) {
                    r.fail(broken);
                }
            }
            failQueued();
        } finally {
            terminated = true;
            try {
                wake.close();
            } catch (IOException e) {
                // nothing to do: the fd number is released anyway
            }
        }
    }

    private void loop() throws IOException {
        while (!closing) {
            if (!wakeArmed) {
                ring.read(wake.fd(), wakeBuffer, -1, wakeDone);
                wakeArmed = true;
            }
            FileRequest r;
            while ((r = queue.poll()) != null) {
                current = r;
                start(r);
            }
            current = null;
            wakePending.set(false);
            if (!queue.isEmpty() || closing) {
                continue;
            }
            ring.submitAndWait(1);
            ring.reap();
            overflowFlushes = ring.overflowFlushes();
        }
        ring.submit(); // hand over what was prepared, so close() can cancel it
        FileRequest r;
        while ((r = queue.poll()) != null) {
            if (r.kind != FileRequest.Kind.CANCEL) {
                r.fail(new AsynchronousCloseException());
            }
        }
    }

    private void start(FileRequest r) {
        if (r.kind == FileRequest.Kind.CANCEL) {
            FileRequest target = r.target;
            if (target.started && !target.isDone()) {
                ring.cancel(target.opId, ignore);
            }
            return;
        }
        if (r.cancelRequested) {
            r.cancelled();
            return;
        }
        r.started = true;
        boolean mainQueued = false; // the kernel has r's first SQE and will use its buffer until that CQE
        try {
            switch (r.kind) {
                case READ -> {
                    r.cqesLeft = r.timeoutNs > 0 ? 2 : 1;
                    ring.reserve(r.cqesLeft); // the request and its link timeout reach the kernel together
                    r.opId = ring.read(fd, r.buffer, r.position, r);
                    mainQueued = true;
                    if (r.timeoutNs > 0) {
                        ring.linkTimeout(r.timeoutNs, r.aux);
                    }
                }
                case WRITE -> {
                    r.cqesLeft = r.timeoutNs > 0 ? 2 : 1;
                    ring.reserve(r.cqesLeft); // the request and its link timeout reach the kernel together
                    r.opId = ring.write(fd, r.buffer, r.position, r);
                    mainQueued = true;
                    if (r.timeoutNs > 0) {
                        ring.linkTimeout(r.timeoutNs, r.aux);
                    }
                }
                case WRITE_SYNC -> {
                    r.cqesLeft = 2;
                    ring.reserve(2); // the write and its linked fsync reach the kernel together
                    r.opId = ring.write(fd, r.buffer, r.position, r);
                    mainQueued = true;
                    ring.link();
                    ring.fsync(fd, r.dataSync, r.aux);
                }
                case FSYNC -> {
                    r.cqesLeft = 1;
                    r.opId = ring.fsync(fd, r.dataSync, r);
                }
                default -> throw new AssertionError(r.kind);
            }
        } catch (IOException | RuntimeException e) {
            // This request only (a closed fd, a buffer whose arena the caller closed after submitting, ...):
            // IoUring queues an SQE whole or not at all, so the ring and the other requests are intact; a refused
            // linked fsync leaves no link either, so the write runs alone and no later request joins its chain.
            if (mainQueued) {
                r.failWhenDone(e); // its second SQE was refused; its buffer is the kernel's until the first's CQE
            } else {
                r.fail(e);
            }
        }
    }

    private void failQueued() {
        FileRequest r;
        while ((r = queue.poll()) != null) {
            if (r.kind != FileRequest.Kind.CANCEL) {
                r.fail(new AsynchronousCloseException());
            }
        }
    }
}
