/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.Sockets;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Non-blocking TCP sockets for an {@link EventLoop}: listeners with {@code SO_REUSEADDR} (and optionally
 * {@code SO_REUSEPORT}), accepted and connected sockets with {@code TCP_NODELAY}. Every socket is
 * {@code SOCK_NONBLOCK | SOCK_CLOEXEC}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/tcp.7.html">tcp(7)</a>
 */
public final class Tcp {

    private Tcp() {
    }

    /**
     * Opens a non-blocking listening socket.
     *
     * @param address   where to listen (port 0: the kernel picks one, see {@link #localPort})
     * @param backlog   the accept queue length, > 0
     * @param reusePort {@code SO_REUSEPORT}: several listeners (e.g. one per loop) share the port and the kernel
     *                  balances connections between them
     * @return the listener
     * @throws IOException ErrnoException e.g. EADDRINUSE
     */
    public static Fd listen(InetSocketAddress address, int backlog, boolean reusePort) throws IOException {
        Objects.requireNonNull(address, "address");
        if (backlog <= 0) {
            throw new IllegalArgumentException("backlog must be > 0: " + backlog);
        }
        Sockets.Family family = address.getAddress() instanceof java.net.Inet6Address
                ? Sockets.Family.INET6 : Sockets.Family.INET;
        Fd fd = Sockets.open(family, Sockets.Type.STREAM, Sockets.NONBLOCK);
        try {
            Sockets.setOption(fd, Sockets.IntOption.REUSE_ADDRESS, 1);
            if (reusePort) {
                Sockets.setOption(fd, Sockets.IntOption.REUSE_PORT, 1);
            }
            Sockets.bind(fd, address);
            Sockets.listen(fd, backlog);
            return fd;
        } catch (IOException | RuntimeException e) {
            closeQuietly(fd, e);
            throw e;
        }
    }

    /**
     * Accepts one pending connection, non-blocking and with {@code TCP_NODELAY}.
     *
     * @param listener a listener from {@link #listen}
     * @return the connection, or null when none is pending (EAGAIN)
     * @throws IOException ErrnoException e.g. EMFILE
     */
    public static Fd accept(Fd listener) throws IOException {
        Fd fd = Sockets.accept(listener, Sockets.NONBLOCK);
        if (fd != null) {
            try {
                Sockets.setOption(fd, Sockets.IntOption.TCP_NO_DELAY, 1);
            } catch (IOException | RuntimeException e) {
                closeQuietly(fd, e);
                throw e;
            }
        }
        return fd;
    }

    /**
     * Starts a non-blocking connect with {@code TCP_NODELAY}. Unless it returns connected, wait for
     * {@link dev.panamax.ffm.Epoll#OUT} and call {@link #finishConnect}.
     *
     * @param address the peer
     * @return the socket, connecting or connected
     * @throws IOException ErrnoException e.g. ECONNREFUSED (loopback may refuse at once)
     */
    public static Fd connect(InetSocketAddress address) throws IOException {
        Objects.requireNonNull(address, "address");
        Sockets.Family family = address.getAddress() instanceof java.net.Inet6Address
                ? Sockets.Family.INET6 : Sockets.Family.INET;
        Fd fd = Sockets.open(family, Sockets.Type.STREAM, Sockets.NONBLOCK);
        try {
            Sockets.setOption(fd, Sockets.IntOption.TCP_NO_DELAY, 1);
            Sockets.connect(fd, address);
            return fd;
        } catch (IOException | RuntimeException e) {
            closeQuietly(fd, e);
            throw e;
        }
    }

    /**
     * Completes a non-blocking connect once the socket is writable: reads and clears {@code SO_ERROR}.
     *
     * @param socket a socket from {@link #connect}
     * @throws ErrnoException the connect's error, e.g. {@code ECONNREFUSED (connect): Connection refused}
     * @throws IOException    when {@code getsockopt} fails
     */
    public static void finishConnect(Fd socket) throws IOException {
        int error = Sockets.getOption(socket, Sockets.IntOption.ERROR);
        if (error != 0) {
            throw new ErrnoException("connect", error);
        }
    }

    /**
     * The port a socket is bound to.
     *
     * @param socket the socket
     * @return the local port
     * @throws IOException ErrnoException from {@code getsockname}
     */
    public static int localPort(Fd socket) throws IOException {
        return ((InetSocketAddress) Sockets.localAddress(socket)).getPort();
    }

    private static void closeQuietly(Fd fd, Throwable pending) {
        try {
            fd.close();
        } catch (IOException e) {
            pending.addSuppressed(e);
        }
    }
}
