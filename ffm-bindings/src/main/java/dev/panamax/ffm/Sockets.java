/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.Check;
import dev.panamax.ffm.internal.ErrnoState;
import dev.panamax.ffm.internal.Native;
import dev.panamax.ffm.internal.Scratch;
import dev.panamax.ffm.internal.Words;
import dev.panamax.ffm.internal.uapi.Syscalls;
import dev.panamax.ffm.internal.uapi.in_h;
import dev.panamax.ffm.internal.uapi.sockaddr_in;
import dev.panamax.ffm.internal.uapi.sockaddr_in6;
import dev.panamax.ffm.internal.uapi.sockaddr_un;
import dev.panamax.ffm.internal.uapi.socket_h;
import dev.panamax.ffm.internal.uapi.tcp_h;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * BSD sockets on file descriptors: TCP, UDP and Unix-domain, blocking or not, for event loops built on
 * {@link Epoll} or io_uring. Addresses are {@link InetSocketAddress} and {@link UnixDomainSocketAddress},
 * converted to and from {@code sockaddr_in}, {@code sockaddr_in6} and {@code sockaddr_un} (port and IPv4 address
 * in network byte order) by {@link #writeAddress} and {@link #readAddress}. Sockets are always created with
 * {@code SOCK_CLOEXEC}. {@link #send} and {@link #receive} are allocation-free.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/socket.7.html">socket(7)</a>
 */
public final class Sockets {

    /** Flag for {@link #open} and {@link #accept}: the socket does not block ({@code SOCK_NONBLOCK}). */
    public static final int NONBLOCK = socket_h.SOCK_NONBLOCK();
    /** Send/receive flag: do not block this call ({@code MSG_DONTWAIT}). */
    public static final int DONT_WAIT = socket_h.MSG_DONTWAIT();
    /** Send flag: no {@code SIGPIPE} when the peer is gone, just EPIPE ({@code MSG_NOSIGNAL}). */
    public static final int NO_SIGNAL = socket_h.MSG_NOSIGNAL();
    /** Send flag: more data follows, cork the segment ({@code MSG_MORE}). */
    public static final int MORE = socket_h.MSG_MORE();
    /** Receive flag: leave the data queued ({@code MSG_PEEK}). */
    public static final int PEEK = socket_h.MSG_PEEK();
    /** Receive flag: wait for the whole buffer on a blocking stream ({@code MSG_WAITALL}). */
    public static final int WAIT_ALL = socket_h.MSG_WAITALL();
    /** Result: the call would block on a non-blocking socket (EAGAIN). */
    public static final int AGAIN = Check.AGAIN;
    /** Result: a signal interrupted a blocking call (EINTR). */
    public static final int INTERRUPTED = Check.INTERRUPTED;

    // Scratch layout for calls taking an address and its length: sockaddr at 0, socklen_t at LENGTH_OFFSET.
    private static final long ADDRESS_BYTES = Math.max(sockaddr_un.sizeof(),
            Math.max(sockaddr_in6.sizeof(), sockaddr_in.sizeof()));
    private static final long LENGTH_OFFSET = (ADDRESS_BYTES + 7) & ~7L;
    private static final ValueLayout.OfShort NETWORK_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long SUN_PATH_BYTES = sockaddr_un.sizeof() - sockaddr_un.sun_path$offset();

    static {
        if (LENGTH_OFFSET + Integer.BYTES > Scratch.SIZE) {
            throw new ExceptionInInitializerError("per-thread scratch too small for a sockaddr");
        }
    }

    private Sockets() {
    }

    /** Address families. */
    public enum Family {
        /** IPv4 ({@code AF_INET}). */
        INET(socket_h.AF_INET()),
        /** IPv6 ({@code AF_INET6}). */
        INET6(socket_h.AF_INET6()),
        /** Unix domain ({@code AF_UNIX}). */
        UNIX(socket_h.AF_UNIX());

        private final int value;

        Family(int value) {
            this.value = value;
        }
    }

    /** Socket types. */
    public enum Type {
        /** Connected byte stream, TCP for INET ({@code SOCK_STREAM}). */
        STREAM(socket_h.SOCK_STREAM()),
        /** Datagrams, UDP for INET ({@code SOCK_DGRAM}). */
        DGRAM(socket_h.SOCK_DGRAM());

        private final int value;

        Type(int value) {
            this.value = value;
        }
    }

    /** Which half of a connection {@link #shutdown} closes. */
    public enum Shutdown {
        /** No more receives ({@code SHUT_RD}). */
        READ(socket_h.SHUT_RD()),
        /** No more sends; the peer reads end-of-stream ({@code SHUT_WR}). */
        WRITE(socket_h.SHUT_WR()),
        /** Both ({@code SHUT_RDWR}). */
        BOTH(socket_h.SHUT_RDWR());

        private final int value;

        Shutdown(int value) {
            this.value = value;
        }
    }

    /**
     * Socket options whose value is a C {@code int}.
     *
     * @see <a href="https://man7.org/linux/man-pages/man7/socket.7.html">socket(7)</a>
     * @see <a href="https://man7.org/linux/man-pages/man7/tcp.7.html">tcp(7)</a>
     */
    public enum IntOption {
        /** {@code SO_REUSEADDR}: bind to a port in TIME_WAIT. */
        REUSE_ADDRESS(socket_h.SOL_SOCKET(), socket_h.SO_REUSEADDR()),
        /** {@code SO_REUSEPORT}: several sockets bound to one port, the kernel balances between them. */
        REUSE_PORT(socket_h.SOL_SOCKET(), socket_h.SO_REUSEPORT()),
        /** {@code SO_RCVBUF}: receive buffer bytes (the kernel doubles the value set, for bookkeeping). */
        RECEIVE_BUFFER(socket_h.SOL_SOCKET(), socket_h.SO_RCVBUF()),
        /** {@code SO_SNDBUF}: send buffer bytes (the kernel doubles the value set, for bookkeeping). */
        SEND_BUFFER(socket_h.SOL_SOCKET(), socket_h.SO_SNDBUF()),
        /** {@code SO_KEEPALIVE}: send TCP keep-alive probes. */
        KEEP_ALIVE(socket_h.SOL_SOCKET(), socket_h.SO_KEEPALIVE()),
        /** {@code SO_BUSY_POLL}: microseconds to busy-poll the device queue on a blocking receive. */
        BUSY_POLL(socket_h.SOL_SOCKET(), socket_h.SO_BUSY_POLL()),
        /** {@code SO_INCOMING_CPU}: the CPU that handles this socket's packets. */
        INCOMING_CPU(socket_h.SOL_SOCKET(), socket_h.SO_INCOMING_CPU()),
        /** {@code SO_ERROR}: read and clear the pending error, e.g. of a non-blocking connect (read only). */
        ERROR(socket_h.SOL_SOCKET(), socket_h.SO_ERROR()),
        /** {@code SO_TYPE}: the socket type (read only). */
        TYPE(socket_h.SOL_SOCKET(), socket_h.SO_TYPE()),
        /** {@code TCP_NODELAY}: send small segments at once (no Nagle). */
        TCP_NO_DELAY(in_h.IPPROTO_TCP(), tcp_h.TCP_NODELAY()),
        /** {@code TCP_QUICKACK}: acknowledge at once instead of delaying. */
        TCP_QUICK_ACK(in_h.IPPROTO_TCP(), tcp_h.TCP_QUICKACK()),
        /** {@code TCP_CORK}: hold partial segments until uncorked. */
        TCP_CORK(in_h.IPPROTO_TCP(), tcp_h.TCP_CORK()),
        /** {@code IPV6_V6ONLY}: an INET6 socket does not accept IPv4-mapped traffic. */
        IPV6_ONLY(in_h.IPPROTO_IPV6(), in_h.IPV6_V6ONLY());

        private final int level;
        private final int name;

        IntOption(int level, int name) {
            this.level = level;
            this.name = name;
        }
    }

    /**
     * Creates a socket with {@code SOCK_CLOEXEC}.
     *
     * @param family the address family
     * @param type   stream or datagram
     * @param flags  0 or {@link #NONBLOCK}
     * @return the socket
     * @throws ErrnoException e.g. EAFNOSUPPORT, EMFILE
     * @see <a href="https://man7.org/linux/man-pages/man2/socket.2.html">socket(2)</a>
     */
    public static Fd open(Family family, Type type, int flags) throws ErrnoException {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(type, "type");
        requireFlags(flags, NONBLOCK, "NONBLOCK");
        MemorySegment errno = ErrnoState.current();
        return Fd.adopt(Check.intResult(Syscalls.socket(errno, family.value,
                type.value | flags | socket_h.SOCK_CLOEXEC(), 0), errno, "socket"));
    }

    /**
     * Binds a socket to a local address.
     *
     * @param socket  the socket
     * @param address an {@link InetSocketAddress} (port 0: the kernel picks one) or a {@link UnixDomainSocketAddress}
     * @throws ErrnoException e.g. EADDRINUSE
     * @see <a href="https://man7.org/linux/man-pages/man2/bind.2.html">bind(2)</a>
     */
    public static void bind(Fd socket, SocketAddress address) throws IOException {
        Objects.requireNonNull(socket, "socket");
        MemorySegment scratch = Scratch.current();
        int length = writeAddress(address, scratch);
        MemorySegment errno = ErrnoState.current();
        Check.result(Syscalls.bind(errno, socket.fd(), scratch, length), errno, "bind");
    }

    /**
     * Marks a stream socket as accepting connections.
     *
     * @param socket  a bound socket
     * @param backlog the queue of completed connections (the kernel caps it at {@code net.core.somaxconn})
     * @throws ErrnoException e.g. EADDRINUSE
     * @see <a href="https://man7.org/linux/man-pages/man2/listen.2.html">listen(2)</a>
     */
    public static void listen(Fd socket, int backlog) throws IOException {
        Objects.requireNonNull(socket, "socket");
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog must be >= 0: " + backlog);
        }
        MemorySegment errno = ErrnoState.current();
        Check.result(Syscalls.listen(errno, socket.fd(), backlog), errno, "listen");
    }

    /**
     * Accepts a connection, with {@code SOCK_CLOEXEC}.
     *
     * @param listener a listening socket
     * @param flags    0 or {@link #NONBLOCK}, for the accepted socket
     * @return the connected socket, or null when none is pending on a non-blocking listener (EAGAIN) or a signal
     *         interrupted the wait (EINTR)
     * @throws ErrnoException e.g. EMFILE, ECONNABORTED
     * @see <a href="https://man7.org/linux/man-pages/man2/accept4.2.html">accept4(2)</a>
     */
    public static Fd accept(Fd listener, int flags) throws IOException {
        Objects.requireNonNull(listener, "listener");
        requireFlags(flags, NONBLOCK, "NONBLOCK");
        MemorySegment errno = ErrnoState.current();
        long raw = Check.orAgainOrInterrupted(Syscalls.accept4(errno, listener.fd(), MemorySegment.NULL,
                MemorySegment.NULL, flags | socket_h.SOCK_CLOEXEC()), errno, "accept4");
        return raw < 0 ? null : Fd.adopt((int) raw);
    }

    /**
     * Connects a socket.
     *
     * @param socket  the socket
     * @param address the peer
     * @return true when connected; false when a non-blocking connect is in progress (EINPROGRESS): wait for
     *         {@link Epoll#OUT} and read {@link IntOption#ERROR}
     * @throws ErrnoException e.g. {@code ECONNREFUSED (connect): Connection refused}
     * @see <a href="https://man7.org/linux/man-pages/man2/connect.2.html">connect(2)</a>
     */
    public static boolean connect(Fd socket, SocketAddress address) throws IOException {
        Objects.requireNonNull(socket, "socket");
        MemorySegment scratch = Scratch.current();
        int length = writeAddress(address, scratch);
        MemorySegment errno = ErrnoState.current();
        long raw = Syscalls.connect(errno, socket.fd(), scratch, length);
        if (raw == -1 && Native.errno(errno) == Errno.EINPROGRESS.value()) {
            return false;
        }
        Check.result(raw, errno, "connect");
        return true;
    }

    /**
     * Sets an int socket option.
     *
     * @param socket the socket
     * @param option the option
     * @param value  its value (0/1 for the boolean ones)
     * @throws ErrnoException e.g. ENOPROTOOPT for a TCP option on a Unix socket
     * @see <a href="https://man7.org/linux/man-pages/man2/setsockopt.2.html">setsockopt(2)</a>
     */
    public static void setOption(Fd socket, IntOption option, int value) throws IOException {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(option, "option");
        if (option == IntOption.ERROR || option == IntOption.TYPE) {
            throw new IllegalArgumentException(option + " is read only");
        }
        MemorySegment scratch = Scratch.current();
        scratch.set(ValueLayout.JAVA_INT, 0, value);
        MemorySegment errno = ErrnoState.current();
        Check.result(Syscalls.setsockopt(errno, socket.fd(), option.level, option.name, scratch, Integer.BYTES),
                errno, "setsockopt");
    }

    /**
     * Reads an int socket option.
     *
     * @param socket the socket
     * @param option the option
     * @return its value
     * @throws ErrnoException e.g. ENOPROTOOPT
     * @see <a href="https://man7.org/linux/man-pages/man2/getsockopt.2.html">getsockopt(2)</a>
     */
    public static int getOption(Fd socket, IntOption option) throws IOException {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(option, "option");
        MemorySegment scratch = Scratch.current();
        scratch.set(ValueLayout.JAVA_INT, 0, 0);
        scratch.set(ValueLayout.JAVA_INT, LENGTH_OFFSET, Integer.BYTES);
        MemorySegment errno = ErrnoState.current();
        Check.result(Syscalls.getsockopt(errno, socket.fd(), option.level, option.name, scratch,
                scratch.asSlice(LENGTH_OFFSET, Integer.BYTES)), errno, "getsockopt");
        return scratch.get(ValueLayout.JAVA_INT, 0);
    }

    /**
     * The local address of a socket ({@code getsockname}), e.g. to learn the port the kernel picked.
     *
     * @param socket the socket
     * @return an {@link InetSocketAddress} or {@link UnixDomainSocketAddress}
     * @throws ErrnoException e.g. EBADF
     * @see <a href="https://man7.org/linux/man-pages/man2/getsockname.2.html">getsockname(2)</a>
     */
    public static SocketAddress localAddress(Fd socket) throws IOException {
        Objects.requireNonNull(socket, "socket");
        MemorySegment scratch = Scratch.current();
        scratch.set(ValueLayout.JAVA_INT, LENGTH_OFFSET, (int) ADDRESS_BYTES);
        MemorySegment errno = ErrnoState.current();
        Check.result(Syscalls.getsockname(errno, socket.fd(), scratch,
                scratch.asSlice(LENGTH_OFFSET, Integer.BYTES)), errno, "getsockname");
        return readReturnedAddress(scratch);
    }

    /**
     * The peer address of a connected socket ({@code getpeername}).
     *
     * @param socket the socket
     * @return an {@link InetSocketAddress} or {@link UnixDomainSocketAddress}
     * @throws ErrnoException e.g. ENOTCONN
     * @see <a href="https://man7.org/linux/man-pages/man2/getpeername.2.html">getpeername(2)</a>
     */
    public static SocketAddress remoteAddress(Fd socket) throws IOException {
        Objects.requireNonNull(socket, "socket");
        MemorySegment scratch = Scratch.current();
        scratch.set(ValueLayout.JAVA_INT, LENGTH_OFFSET, (int) ADDRESS_BYTES);
        MemorySegment errno = ErrnoState.current();
        Check.result(Syscalls.getpeername(errno, socket.fd(), scratch,
                scratch.asSlice(LENGTH_OFFSET, Integer.BYTES)), errno, "getpeername");
        return readReturnedAddress(scratch);
    }

    /**
     * Reads the address getsockname/getpeername wrote at the front of {@code scratch}. The length they return is the
     * address's full length, which may exceed the buffer: a {@code sun_path} of all 108 bytes, with no room for its
     * NUL, is reported as 111 bytes of a 110-byte {@code sockaddr_un}. Only what the kernel wrote is read.
     */
    private static SocketAddress readReturnedAddress(MemorySegment scratch) {
        int length = scratch.get(ValueLayout.JAVA_INT, LENGTH_OFFSET);
        return readAddress(scratch.asSlice(0, ADDRESS_BYTES), (int) Math.min(length, ADDRESS_BYTES));
    }

    /**
     * Shuts down one or both halves of a connection.
     *
     * @param socket the socket
     * @param how    which half
     * @throws ErrnoException e.g. ENOTCONN
     * @see <a href="https://man7.org/linux/man-pages/man2/shutdown.2.html">shutdown(2)</a>
     */
    public static void shutdown(Fd socket, Shutdown how) throws IOException {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(how, "how");
        MemorySegment errno = ErrnoState.current();
        Check.result(Syscalls.shutdown(errno, socket.fd(), how.value), errno, "shutdown");
    }

    /**
     * Sends bytes on a connected socket ({@code sendto} without an address). Allocation-free.
     *
     * @param socket the socket
     * @param buffer the bytes to send (all of the segment)
     * @param flags  {@link #DONT_WAIT}, {@link #NO_SIGNAL}, {@link #MORE} bits
     * @return the bytes sent (possibly fewer than asked), or {@link #AGAIN} or {@link #INTERRUPTED}
     * @throws ErrnoException e.g. EPIPE, ECONNRESET
     * @see <a href="https://man7.org/linux/man-pages/man2/send.2.html">send(2)</a>
     */
    public static long send(Fd socket, MemorySegment buffer, int flags) throws IOException {
        Objects.requireNonNull(buffer, "buffer");
        Words.checkNative("buffer", buffer);
        MemorySegment errno = ErrnoState.current();
        return Check.orAgainOrInterrupted(Syscalls.sendto(errno, socket.fd(), buffer, buffer.byteSize(), flags,
                MemorySegment.NULL, 0), errno, "sendto");
    }

    /**
     * Receives bytes from a connected socket ({@code recvfrom} without an address). Allocation-free.
     *
     * @param socket the socket
     * @param buffer where the bytes go (at most its size)
     * @param flags  {@link #DONT_WAIT}, {@link #PEEK}, {@link #WAIT_ALL} bits
     * @return the bytes received, 0 at end of stream, or {@link #AGAIN} or {@link #INTERRUPTED}
     * @throws ErrnoException e.g. ECONNRESET
     * @see <a href="https://man7.org/linux/man-pages/man2/recv.2.html">recv(2)</a>
     */
    public static long receive(Fd socket, MemorySegment buffer, int flags) throws IOException {
        Objects.requireNonNull(buffer, "buffer");
        Words.checkNative("buffer", buffer);
        Words.checkWritable("receive buffer", buffer);
        MemorySegment errno = ErrnoState.current();
        return Check.orAgainOrInterrupted(Syscalls.recvfrom(errno, socket.fd(), buffer, buffer.byteSize(), flags,
                MemorySegment.NULL, MemorySegment.NULL), errno, "recvfrom");
    }

    /**
     * Writes a socket address as the kernel reads it: {@code sockaddr_in} for IPv4, {@code sockaddr_in6} for
     * IPv6 (with the scope id of a link-local address), {@code sockaddr_un} for a Unix path. Port and IPv4/IPv6
     * address are in network byte order, the family in host order.
     *
     * @param address an {@link InetSocketAddress} (resolved) or a {@link UnixDomainSocketAddress}
     * @param dst     where to write; at least the size of the struct
     * @return the address length to pass to the kernel ({@code socklen_t})
     * @throws IllegalArgumentException for an unresolved or unsupported address, or a too small {@code dst}
     */
    public static int writeAddress(SocketAddress address, MemorySegment dst) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(dst, "dst");
        if (address instanceof InetSocketAddress inet) {
            InetAddress ip = inet.getAddress();
            if (ip == null) {
                throw new IllegalArgumentException("unresolved address: " + inet);
            }
            if (ip instanceof Inet4Address) {
                requireRoom(dst, sockaddr_in.sizeof());
                dst.asSlice(0, sockaddr_in.sizeof()).fill((byte) 0);
                sockaddr_in.sin_family(dst, (short) socket_h.AF_INET());
                dst.set(NETWORK_SHORT, sockaddr_in.sin_port$offset(), (short) inet.getPort());
                MemorySegment.copy(ip.getAddress(), 0, dst, ValueLayout.JAVA_BYTE, sockaddr_in.sin_addr$offset(),
                        4);
                return (int) sockaddr_in.sizeof();
            }
            requireRoom(dst, sockaddr_in6.sizeof());
            dst.asSlice(0, sockaddr_in6.sizeof()).fill((byte) 0);
            sockaddr_in6.sin6_family(dst, (short) socket_h.AF_INET6());
            dst.set(NETWORK_SHORT, sockaddr_in6.sin6_port$offset(), (short) inet.getPort());
            MemorySegment.copy(ip.getAddress(), 0, dst, ValueLayout.JAVA_BYTE, sockaddr_in6.sin6_addr$offset(), 16);
            sockaddr_in6.sin6_scope_id(dst, ((Inet6Address) ip).getScopeId());
            return (int) sockaddr_in6.sizeof();
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            byte[] path = unix.getPath().toString().getBytes(StandardCharsets.UTF_8);
            if (path.length == 0 || path.length >= SUN_PATH_BYTES) {
                throw new IllegalArgumentException("Unix socket paths must have 1 to " + (SUN_PATH_BYTES - 1)
                        + " bytes: " + unix.getPath());
            }
            requireRoom(dst, sockaddr_un.sizeof());
            dst.asSlice(0, sockaddr_un.sizeof()).fill((byte) 0);
            sockaddr_un.sun_family(dst, (short) socket_h.AF_UNIX());
            MemorySegment.copy(path, 0, dst, ValueLayout.JAVA_BYTE, sockaddr_un.sun_path$offset(), path.length);
            return (int) (sockaddr_un.sun_path$offset() + path.length + 1); // with the terminating NUL
        }
        throw new IllegalArgumentException("unsupported address type " + address.getClass().getName());
    }

    /**
     * Reads a socket address the kernel wrote ({@code getsockname}, {@code accept}, {@code recvfrom}).
     *
     * @param src    the {@code sockaddr}
     * @param length the length the kernel returned
     * @return an {@link InetSocketAddress} or {@link UnixDomainSocketAddress}
     * @throws IllegalArgumentException for a family other than INET, INET6 and UNIX, or a truncated address
     */
    public static SocketAddress readAddress(MemorySegment src, int length) {
        Objects.requireNonNull(src, "src");
        if (length < Short.BYTES || length > src.byteSize()) {
            throw new IllegalArgumentException("address length " + length + " outside [2, " + src.byteSize() + "]");
        }
        int family = Short.toUnsignedInt(src.get(ValueLayout.JAVA_SHORT, 0)); // sa_family_t in host order
        try {
            if (family == socket_h.AF_INET() && length >= sockaddr_in.sizeof()) {
                byte[] ip = new byte[4];
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, sockaddr_in.sin_addr$offset(), ip, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(ip),
                        Short.toUnsignedInt(src.get(NETWORK_SHORT, sockaddr_in.sin_port$offset())));
            }
            if (family == socket_h.AF_INET6() && length >= sockaddr_in6.sizeof()) {
                byte[] ip = new byte[16];
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, sockaddr_in6.sin6_addr$offset(), ip, 0, 16);
                int scope = sockaddr_in6.sin6_scope_id(src);
                InetAddress address = scope == 0 ? InetAddress.getByAddress(ip)
                        : Inet6Address.getByAddress(null, ip, scope);
                return new InetSocketAddress(address,
                        Short.toUnsignedInt(src.get(NETWORK_SHORT, sockaddr_in6.sin6_port$offset())));
            }
        } catch (UnknownHostException e) {
            throw new AssertionError("should not reach here", e); // only thrown for a bad array length
        }
        if (family == socket_h.AF_UNIX()) {
            long start = sockaddr_un.sun_path$offset();
            long end = start;
            while (end < length && src.get(ValueLayout.JAVA_BYTE, end) != 0) {
                end++;
            }
            byte[] path = src.asSlice(start, end - start).toArray(ValueLayout.JAVA_BYTE);
            return UnixDomainSocketAddress.of(new String(path, StandardCharsets.UTF_8));
        }
        throw new IllegalArgumentException("unsupported address family " + family + " (length " + length + ")");
    }

    private static void requireRoom(MemorySegment dst, long bytes) {
        if (dst.byteSize() < bytes) {
            throw new IllegalArgumentException("address buffer needs " + bytes + " bytes: " + dst.byteSize());
        }
    }

    static void requireFlags(int flags, int allowed, String names) {
        if ((flags & ~allowed) != 0) {
            throw new IllegalArgumentException("flags may only hold " + names + ": 0x" + Integer.toHexString(flags));
        }
    }
}
