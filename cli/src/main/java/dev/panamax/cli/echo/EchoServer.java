/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.echo;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A TCP echo server on one panamax loop: every byte a client sends comes back on the same connection, in order.
 * A client that sends faster than it reads is slowed down: while echoed bytes wait for room in its socket, the
 * server reads no more from it. A connection closes at the client's end of stream (after its last bytes are
 * echoed) and on any error.
 */
public interface EchoServer extends AutoCloseable {

    /** The loop an echo server runs on. */
    enum Engine {
        /** Readiness: epoll's {@link dev.panamax.io.net.EventLoop}, {@code recv}/{@code send} when ready. */
        EPOLL,
        /** Completions: io_uring's {@link dev.panamax.io.net.UringLoop}, one RECV or SEND in flight each. */
        URING
    }

    /**
     * Starts an echo server.
     *
     * @param engine  the loop to run on
     * @param address where to listen (port 0: the kernel picks one)
     * @return the running server
     * @throws IOException                   ErrnoException e.g. EADDRINUSE
     * @throws UnsupportedOperationException for {@link Engine#URING} where io_uring is unavailable, with the cause
     */
    static EchoServer start(Engine engine, InetSocketAddress address) throws IOException {
        return switch (engine) {
            case EPOLL -> EpollEchoServer.start(address);
            case URING -> UringEchoServer.start(address);
        };
    }

    /**
     * Where it listens, with the port the kernel picked for port 0.
     *
     * @return the bound address
     */
    InetSocketAddress address();

    /**
     * Connections accepted and not closed yet.
     *
     * @return the count
     */
    long openConnections();

    /**
     * Stops: closes the listener and every connection, then the loop. Idempotent.
     *
     * @throws IOException when closing something failed
     */
    @Override
    void close() throws IOException;
}
