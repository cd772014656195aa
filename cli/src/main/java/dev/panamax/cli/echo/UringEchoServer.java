/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.echo;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.Sockets;
import dev.panamax.io.net.Tcp;
import dev.panamax.io.net.UringLoop;
import dev.panamax.io.uring.IoUring;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The echo server on io_uring's {@link UringLoop}: each connection has one request in flight, a RECV into its
 * buffer or a SEND of what that RECV got; a short SEND is submitted again for the rest before the next RECV.
 */
final class UringEchoServer implements EchoServer {

    /*
     * Lifetime: a connection's buffer and fd are released only in a completion, when its one request has
     * finished, so the kernel never uses a freed buffer or a reused fd number. close() closes the ring, which
     * cancels the requests in flight and runs their completions with -ECANCELED: each connection then closes
     * itself, and the accept's completion closes the listener.
     */

    private static final int BUFFER_BYTES = 32 * 1024;
    private static final long ACCEPT_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final System.Logger LOG = System.getLogger("dev.panamax.cli.echo");

    private final UringLoop loop;
    private final Fd listener;
    private final InetSocketAddress address;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final AtomicBoolean stopped = new AtomicBoolean();

    private UringEchoServer(UringLoop loop, Fd listener, InetSocketAddress address) {
        this.loop = loop;
        this.listener = listener;
        this.address = address;
    }

    static UringEchoServer start(InetSocketAddress at) throws IOException {
        Fd listener = Tcp.listen(at, 1024, false);
        UringLoop loop = null;
        try {
            InetSocketAddress bound = new InetSocketAddress(
                    ((InetSocketAddress) Sockets.localAddress(listener)).getAddress(), Tcp.localPort(listener));
            loop = UringLoop.start("panamax-echo-uring", IoUring.Options.of(256));
            UringEchoServer server = new UringEchoServer(loop, listener, bound);
            CompletableFuture<Void> armed = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    server.accept();
                    armed.complete(null);
                } catch (IOException | RuntimeException e) {
                    armed.completeExceptionally(e);
                }
            });
            armed.join();
            return server;
        } catch (CompletionException e) {
            closeOnFailure(loop, listener);
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            closeOnFailure(loop, listener);
            throw e;
        }
    }

    private static void closeOnFailure(UringLoop loop, Fd listener) throws IOException {
        if (loop != null) {
            loop.close();
        }
        listener.close();
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public long openConnections() {
        return accepted.sum() - closed.sum();
    }

    /** Loop thread: one single-shot ACCEPT (multishot needs Linux 5.19), queued again by its completion. */
    private void accept() throws IOException {
        loop.ring().accept(listener, false, this::accepted);
    }

    private void accepted(int result, int flags) {
        try {
            if (result >= 0) {
                accepted.increment();
                new Conn(Fd.adopt(result)).start();
                accept();
            } else if (result == -Errno.ECANCELED.value() || stopped.get()) {
                listener.close(); // the ring is closing
            } else if (result == -Errno.EMFILE.value() || result == -Errno.ENFILE.value()
                    || result == -Errno.ENOBUFS.value() || result == -Errno.ENOMEM.value()) {
                LOG.log(System.Logger.Level.WARNING, "accept failed (errno " + Errno.of(-result) + "), retrying in "
                        + "100 ms");
                loop.ring().timeout(ACCEPT_RETRY_NS, (r, f) -> retryAccept());
            } else {
                accept(); // ECONNABORTED and the like: that connection is gone
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the echo server stopped accepting", e);
        }
    }

    private void retryAccept() {
        try {
            if (!stopped.get()) {
                accept();
            } else {
                listener.close();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the echo server stopped accepting", e);
        }
    }

    /** One connection: its buffer, and how much of the last RECV has been sent. */
    private final class Conn {
        private final Fd socket;
        private final Arena arena = Arena.ofConfined(); // the loop thread's: created and closed there
        private final MemorySegment buffer = arena.allocate(BUFFER_BYTES);
        private int received;
        private int sent;
        private boolean done;

        Conn(Fd socket) {
            this.socket = socket;
        }

        void start() {
            try {
                Sockets.setOption(socket, Sockets.IntOption.TCP_NO_DELAY, 1);
                recv();
            } catch (IOException | RuntimeException e) {
                close(e);
            }
        }

        private void recv() throws IOException {
            loop.ring().recv(socket, buffer, this::onRecv);
        }

        private void onRecv(int result, int flags) {
            if (result <= 0) {
                close(null); // 0: the client's end of stream; < 0: an error or -ECANCELED from close()
                return;
            }
            received = result;
            sent = 0;
            send();
        }

        private void send() {
            try {
                loop.ring().send(socket, buffer.asSlice(sent, received - sent), this::onSend);
            } catch (IOException | RuntimeException e) {
                close(e);
            }
        }

        private void onSend(int result, int flags) {
            if (result < 0) {
                close(null); // EPIPE, ECONNRESET, -ECANCELED
                return;
            }
            sent += result;
            if (sent < received) {
                send(); // a short send: the rest, before reading more
                return;
            }
            try {
                recv();
            } catch (IOException | RuntimeException e) {
                close(e);
            }
        }

        /** Only with no request in flight: from a completion, or when queuing the next request failed. */
        private void close(Throwable cause) {
            if (done) {
                return;
            }
            done = true;
            if (cause != null) {
                LOG.log(System.Logger.Level.WARNING, "echo connection failed, closing it", cause);
            }
            closed.increment();
            try {
                socket.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing a connection failed", e);
            } finally {
                arena.close();
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        loop.close(); // cancels the requests in flight; their completions close the connections and the listener
        listener.close(); // idempotent; closes it when the loop had stopped before its accept completed
    }
}
