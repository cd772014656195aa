/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

import dev.panamax.ffm.Epoll;
import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Fd;
import dev.panamax.io.net.EventLoop;
import dev.panamax.io.net.Registration;
import dev.panamax.io.net.Tcp;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One loop of a {@link StaticFileServer}: its own listener, the connections it accepted, and what they share
 * (a receive/send scratch buffer, the response builder). Everything but {@link #stop()} runs on the loop thread.
 */
final class ServerLoop {

    private static final int ACCEPTS_PER_WAKEUP = 64; // then let the loop serve the connections it has
    private static final long ACCEPT_PAUSE_MS = 100;
    private static final System.Logger LOG = System.getLogger("dev.panamax.cli.serve");

    private final StaticFileServer server;
    private final EventLoop loop;
    private final Fd listener;
    private final MemorySegment scratch;
    private final Responses responses = new Responses();
    private final Set<Connection> connections = new HashSet<>(); // loop thread only
    private final Registration listening;

    ServerLoop(StaticFileServer server, EventLoop loop, Fd listener, MemorySegment scratch) throws IOException {
        this.server = server;
        this.loop = loop;
        this.listener = listener;
        this.scratch = scratch;
        this.listening = loop.register(listener, Epoll.IN, EventLoop.Trigger.LEVEL, false, this::accept);
    }

    EventLoop loop() {
        return loop;
    }

    DocumentRoot root() {
        return server.root();
    }

    ServerStats stats() {
        return server.stats();
    }

    Responses responses() {
        return responses;
    }

    void closed(Connection c) {
        connections.remove(c);
        server.stats().closed.increment();
    }

    private void accept(Registration r, int events) throws IOException {
        for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
            Fd fd;
            try {
                fd = Tcp.accept(listener);
            } catch (ErrnoException e) {
                if (e.errno() == Errno.EMFILE || e.errno() == Errno.ENFILE || e.errno() == Errno.ENOBUFS
                        || e.errno() == Errno.ENOMEM) {
                    // The connection stays queued and the listener readable: a level-triggered retry would spin.
                    LOG.log(System.Logger.Level.WARNING, "accept failed, pausing it for " + ACCEPT_PAUSE_MS + " ms: "
                            + e.getMessage());
                    r.modify(0);
                    loop.schedule(this::resumeAccepting, ACCEPT_PAUSE_MS, TimeUnit.MILLISECONDS);
                }
                return; // ECONNABORTED and the like: that connection is gone, the next wake-up takes the others
            }
            if (fd == null) {
                return;
            }
            server.stats().accepted.increment();
            Connection c = new Connection(this, fd, scratch, server.options().maxHeadBytes(),
                    server.options().idleTimeout().toNanos());
            connections.add(c);
            try {
                c.start();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not watch an accepted connection", e);
                c.close();
            }
        }
    }

    private void resumeAccepting() {
        try {
            listening.modify(Epoll.IN);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "the listener is gone", e); // closed by stop() meanwhile
        }
    }

    /** Any thread: closes the listener and every connection, then stops the loop. */
    void stop() throws IOException {
        try {
            loop.execute(this::closeAll);
        } catch (RejectedExecutionException e) {
            // The loop has stopped already (close() raced, or it failed): nothing runs on its thread any more.
        }
        loop.close(); // runs the task above first
        closeAll(); // idempotent; does the work when the task was refused
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
        for (Connection c : new ArrayList<>(connections)) {
            c.close();
        }
    }
}
