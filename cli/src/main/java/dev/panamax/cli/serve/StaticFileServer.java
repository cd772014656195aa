/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

import dev.panamax.ffm.Fd;
import dev.panamax.io.net.EventLoop;
import dev.panamax.io.net.Tcp;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A static-file HTTP/1.1 server on panamax's epoll {@link EventLoop}: {@code GET} and {@code HEAD} of the files
 * beneath one directory, bodies sent with {@code sendfile}, keep-alive and pipelining, an idle timeout. It runs
 * {@link ServeOptions#loops()} loops, each accepting on its own {@code SO_REUSEPORT} listener, so the kernel spreads
 * connections over them and a connection stays on the loop that accepted it.
 *
 * <p>What it answers: 200 with {@code Content-Length} and a {@code Content-Type} by extension; a directory's
 * {@code index.html}, or 403 where it has none (no listings), and 301 to the slash form for a directory named
 * without it; 404; 405 with {@code Allow: GET, HEAD} for other methods; 400 for malformed requests and for paths
 * that could leave the directory ({@link RequestPath}, {@link DocumentRoot}); 431 for heads over
 * {@link ServeOptions#maxHeadBytes()}; 505 for HTTP versions other than 1.x. Requests with a body are answered
 * and the connection closed, as bodies are not read.
 */
public final class StaticFileServer implements AutoCloseable {

    private static final int BACKLOG = 1024;
    private static final long SCRATCH_BYTES = 64 * 1024; // one per loop: a recv or send of a head at a time

    private final ServeOptions options;
    private final DocumentRoot root;
    private final ServerStats stats = new ServerStats();
    private final Arena arena = Arena.ofShared();
    private final List<ServerLoop> loops = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private InetSocketAddress address; // written once by start() before it returns the server

    private StaticFileServer(ServeOptions options, DocumentRoot root) {
        this.options = options;
        this.root = root;
    }

    /**
     * Opens the directory, starts the loops and listens.
     *
     * @param options how to run
     * @return the running server
     * @throws IOException                   ErrnoException e.g. EADDRINUSE, or ENOENT for the directory
     * @throws UnsupportedOperationException when the kernel lacks {@code openat2} (Linux 5.6)
     */
    public static StaticFileServer start(ServeOptions options) throws IOException {
        StaticFileServer server = new StaticFileServer(options, DocumentRoot.open(options.root()));
        try {
            server.listen();
            return server;
        } catch (IOException | RuntimeException e) {
            try {
                server.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void listen() throws IOException {
        InetSocketAddress at = options.address();
        boolean reusePort = options.loops() > 1; // one listener needs no sharing: no other process may join it
        for (int i = 0; i < options.loops(); i++) {
            EventLoop loop = EventLoop.start("panamax-serve-" + i);
            Fd listener;
            try {
                listener = Tcp.listen(at, BACKLOG, reusePort);
            } catch (IOException | RuntimeException e) {
                loop.close();
                throw e;
            }
            try {
                if (i == 0) {
                    at = new InetSocketAddress(at.getAddress(), Tcp.localPort(listener)); // the others share its port
                }
                loops.add(new ServerLoop(this, loop, listener, arena.allocate(SCRATCH_BYTES)));
            } catch (IOException | RuntimeException e) {
                listener.close();
                loop.close();
                throw e;
            }
        }
        address = at;
    }

    /**
     * Where it listens, with the port the kernel picked for port 0.
     *
     * @return the bound address
     */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * The options it runs with.
     *
     * @return the options
     */
    public ServeOptions options() {
        return options;
    }

    DocumentRoot root() {
        return root;
    }

    ServerStats stats() {
        return stats;
    }

    /**
     * Stops: closes every listener and connection (and the files being sent), stops the loops, closes the
     * directory. Idempotent.
     *
     * @throws IOException when closing something failed (everything else is still closed)
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        IOException failure = null;
        for (ServerLoop l : loops) {
            try {
                l.stop();
            } catch (IOException e) {
                failure = add(failure, e);
            }
        }
        try {
            root.close();
        } catch (IOException e) {
            failure = add(failure, e);
        }
        arena.close(); // the loops have stopped: no scratch buffer is in use
        if (failure != null) {
            throw failure;
        }
    }

    private static IOException add(IOException first, IOException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
