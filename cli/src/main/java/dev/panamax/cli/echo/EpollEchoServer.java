/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.echo;

import dev.panamax.ffm.Epoll;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.Sockets;
import dev.panamax.io.net.EventLoop;
import dev.panamax.io.net.Registration;
import dev.panamax.io.net.Tcp;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The echo server on epoll's {@link EventLoop}, level-triggered: a connection watches IN until a send falls short,
 * then only OUT until the rest has left, then IN again.
 */
final class EpollEchoServer implements EchoServer {

    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int READS_PER_WAKEUP = 16; // then the other connections get their turn
    private static final System.Logger LOG = System.getLogger("dev.panamax.cli.echo");

    private final EventLoop loop;
    private final Fd listener;
    private final InetSocketAddress address;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch = arena.allocate(BUFFER_BYTES); // loop thread only
    private final Set<Conn> connections = new HashSet<>(); // loop thread only
    private final LongAdder accepted = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private Registration listening; // written before start() returns, then loop thread only

    private EpollEchoServer(EventLoop loop, Fd listener) throws IOException {
        this.loop = loop;
        this.listener = listener;
        this.address = new InetSocketAddress(((InetSocketAddress) Sockets.localAddress(listener)).getAddress(),
                Tcp.localPort(listener));
    }

    static EpollEchoServer start(InetSocketAddress at) throws IOException {
        Fd listener = Tcp.listen(at, 1024, false);
        EventLoop loop;
        try {
            loop = EventLoop.start("panamax-echo-epoll");
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        EpollEchoServer server = null;
        try {
            server = new EpollEchoServer(loop, listener);
            server.listening = loop.register(listener, Epoll.IN, EventLoop.Trigger.LEVEL, false, server::accept);
            return server;
        } catch (IOException | RuntimeException e) {
            loop.close();
            listener.close();
            if (server != null) {
                server.arena.close();
            }
            throw e;
        }
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public long openConnections() {
        return accepted.sum() - closed.sum();
    }

    private void accept(Registration r, int events) throws IOException {
        for (int i = 0; i < 64; i++) {
            Fd fd;
            try {
                fd = Tcp.accept(listener);
            } catch (ErrnoException e) {
                LOG.log(System.Logger.Level.WARNING, "accept failed: " + e.getMessage());
                return; // EMFILE and the like: the level-triggered listener retries on the next wait
            }
            if (fd == null) {
                return;
            }
            accepted.increment();
            Conn c = new Conn(fd);
            connections.add(c);
            try {
                c.registration = loop.register(fd, Epoll.IN, EventLoop.Trigger.LEVEL, false, c);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not watch an accepted connection", e);
                c.close();
            }
        }
    }

    /** One connection: echoed bytes the socket did not take yet wait in {@code pending}. */
    private final class Conn implements EventLoop.Handler {
        private final Fd socket;
        private Registration registration;
        private byte[] pending; // allocated at the first short send
        private int pendingStart;
        private int pendingEnd;
        private boolean done;

        Conn(Fd socket) {
            this.socket = socket;
        }

        @Override
        public void ready(Registration r, int events) {
            try {
                if (pendingStart < pendingEnd && !flushPending()) {
                    return;
                }
                for (int i = 0; i < READS_PER_WAKEUP; i++) {
                    long n = Sockets.receive(socket, scratch, 0);
                    if (n == Sockets.AGAIN) {
                        return;
                    }
                    if (n == 0) {
                        close(); // the client's end of stream; nothing waits: reads stop while echoes do
                        return;
                    }
                    if (n > 0 && !send(0, (int) n)) {
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "echo connection failed, closing it", e); // ECONNRESET, EPIPE
                close();
            }
        }

        /** Sends scratch[from, to); what the socket does not take moves to pending. false: now waiting for OUT. */
        private boolean send(int from, int to) throws IOException {
            int at = from;
            while (at < to) {
                long n = Sockets.send(socket, scratch.asSlice(at, to - at), Sockets.NO_SIGNAL);
                if (n == Sockets.AGAIN) {
                    if (pending == null) {
                        pending = new byte[BUFFER_BYTES];
                    }
                    MemorySegment.copy(scratch, ValueLayout.JAVA_BYTE, at, pending, 0, to - at);
                    pendingStart = 0;
                    pendingEnd = to - at;
                    registration.modify(Epoll.OUT); // and no IN: reading more would only grow what waits
                    return false;
                }
                if (n > 0) {
                    at += (int) n;
                }
            }
            return true;
        }

        /** Sends pending through scratch. true: all sent, back to IN. */
        private boolean flushPending() throws IOException {
            while (pendingStart < pendingEnd) {
                int n = pendingEnd - pendingStart;
                MemorySegment.copy(pending, pendingStart, scratch, ValueLayout.JAVA_BYTE, 0, n);
                long sent = Sockets.send(socket, scratch.asSlice(0, n), Sockets.NO_SIGNAL);
                if (sent == Sockets.AGAIN) {
                    return false;
                }
                if (sent > 0) {
                    pendingStart += (int) sent;
                }
            }
            registration.modify(Epoll.IN);
            return true;
        }

        void close() {
            if (done) {
                return;
            }
            done = true;
            connections.remove(this);
            closed.increment();
            try {
                if (registration != null) {
                    registration.cancel();
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cancelling a connection's registration failed", e);
            }
            try {
                socket.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing a connection failed", e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            loop.execute(this::closeAll);
        } catch (RejectedExecutionException e) {
            // the loop has stopped already: closeAll below runs on this thread
        }
        loop.close();
        closeAll();
        arena.close();
    }

    private void closeAll() {
        try {
            listening.cancel();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cancelling the listener's registration failed", e);
        }
        try {
            listener.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the listener failed", e);
        }
        for (Conn c : new ArrayList<>(connections)) {
            c.close();
        }
    }
}
