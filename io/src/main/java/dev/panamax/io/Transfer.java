/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.Epoll;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.Pipes;
import dev.panamax.ffm.ZeroCopy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Objects;

/**
 * Zero-copy transfers that run to completion: file to socket with {@code sendfile}, socket to file and socket to
 * socket with {@code splice} through a private pipe. Every kernel call may move fewer bytes than asked, and a
 * non-blocking socket answers EAGAIN when it is full (or empty): each transfer loops, waiting on an epoll for the
 * socket to become ready, until {@code count} bytes moved or the source reached end of file / end of stream.
 * The calling thread blocks; run transfers off event-loop threads. An event loop sends a file with
 * {@link #fileToSocketNonBlocking} instead, one step per {@code EPOLLOUT}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/sendfile.2.html">sendfile(2)</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/splice.2.html">splice(2)</a>
 */
public final class Transfer {

    /** {@link #fileToSocketNonBlocking}'s result when the socket was full before any byte moved (EAGAIN). */
    public static final long AGAIN = ZeroCopy.AGAIN;

    private static final int WAITS = 0;
    private static final int REGISTRATIONS = 1;
    // Per thread, for tests: waits after EAGAIN and epoll_ctl calls in the thread's last transfer.
    private static final ThreadLocal<long[]> COUNTS = ThreadLocal.withInitial(() -> new long[2]);
    private static final int PIPE_BYTES = 1 << 20; // asked for; the kernel may cap it at pipe-max-size

    private Transfer() {
    }

    /**
     * Sends {@code count} bytes of {@code file} from {@code offset} to {@code socket} ({@code sendfile}); the
     * file position is not used or changed.
     *
     * @param file   a regular file
     * @param offset where to start reading, >= 0
     * @param count  the bytes to send, >= 0
     * @param socket a connected socket (blocking or not)
     * @return the bytes sent: {@code count}, or fewer when the file ends first
     * @throws IOException ErrnoException e.g. EPIPE when the peer is gone; ClosedChannelException for a closed fd
     */
    public static long fileToSocket(Fd file, long offset, long count, Fd socket) throws IOException {
        checkFileToSocket(file, offset, count, socket);
        Arrays.fill(COUNTS.get(), 0);
        try (Waiter waiter = new Waiter()) {
            long done = 0;
            while (done < count) {
                long n = sendUntilFull(file, offset + done, count - done, socket);
                if (n > 0) {
                    done += n;
                } else if (n == 0) {
                    break; // end of file
                } else {
                    waiter.await(socket, Epoll.OUT); // AGAIN
                }
            }
            return done;
        }
    }

    /**
     * Sends what a non-blocking socket takes now of {@code count} bytes of {@code file} from {@code offset}
     * ({@code sendfile}), never waiting: the step of a transfer driven by an event loop. It calls {@code sendfile}
     * again after each partial count until {@code count} bytes moved, the socket is full (EAGAIN) or the file
     * ends. When it returns fewer than {@code count} bytes, wait for {@code EPOLLOUT} and call it again for the
     * rest: a partial count cut short by the end of the file shows as 0 on that next call. The file position is
     * not used or changed.
     *
     * @param file   a regular file
     * @param offset where to start reading, >= 0
     * @param count  the bytes to send, >= 0
     * @param socket a connected socket opened with {@code SOCK_NONBLOCK} (a blocking one would block)
     * @return the bytes sent (> 0), 0 when the file ended before any byte moved (or {@code count} is 0), or
     *         {@link #AGAIN} when the socket was full before any byte moved
     * @throws IOException ErrnoException e.g. EPIPE or ECONNRESET when the peer is gone; ClosedChannelException for
     *                     a closed fd
     */
    public static long fileToSocketNonBlocking(Fd file, long offset, long count, Fd socket) throws IOException {
        checkFileToSocket(file, offset, count, socket);
        return sendUntilFull(file, offset, count, socket);
    }

    private static void checkFileToSocket(Fd file, long offset, long count, Fd socket) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(socket, "socket");
        checkRange(offset, count);
        file.intValue(); // ClosedChannelException even when count is 0, as the splice transfers throw it
        socket.intValue();
    }

    /** fileToSocketNonBlocking's work, arguments checked: sendfile until count, a full socket or end of file. */
    private static long sendUntilFull(Fd file, long offset, long count, Fd socket) throws IOException {
        long done = 0;
        while (done < count) {
            long n = ZeroCopy.sendFile(socket, file, offset + done, count - done);
            if (n > 0) {
                done += n;
            } else if (n == 0) {
                break; // end of file
            } else if (n == ZeroCopy.AGAIN) {
                return done > 0 ? done : AGAIN;
            }
            // INTERRUPTED: retry
        }
        return done;
    }

    /**
     * Receives up to {@code count} bytes from {@code socket} into {@code file} at {@code offset}, through a pipe
     * ({@code splice} socket to pipe, then pipe to file).
     *
     * @param socket a connected socket (blocking or not)
     * @param file   a file open for writing
     * @param offset where to write, >= 0
     * @param count  the bytes to move, >= 0
     * @return the bytes written: {@code count}, or fewer when the peer shut down its side first
     * @throws IOException ErrnoException from {@code splice}; ClosedChannelException for a closed fd
     */
    public static long socketToFile(Fd socket, Fd file, long offset, long count) throws IOException {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(file, "file");
        checkRange(offset, count);
        return splice(socket, file, offset, count);
    }

    /**
     * Moves up to {@code count} bytes from one socket to another through a pipe, never copying them to user
     * space: the body of a proxy.
     *
     * @param in    the source socket
     * @param out   the destination socket
     * @param count the bytes to move, >= 0
     * @return the bytes moved: {@code count}, or fewer when {@code in} reached end of stream first
     * @throws IOException ErrnoException e.g. EPIPE; ClosedChannelException for a closed fd
     */
    public static long socketToSocket(Fd in, Fd out, long count) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        checkRange(0, count);
        return splice(in, out, ZeroCopy.CURRENT_POSITION, count);
    }

    private static long splice(Fd in, Fd out, long outOffset, long count) throws IOException {
        in.intValue(); // ClosedChannelException before any pipe is created
        out.intValue();
        Arrays.fill(COUNTS.get(), 0);
        try (Pipes.Pipe pipe = Pipes.open(0); Waiter waiter = new Waiter()) {
            int capacity = pipeCapacity(pipe);
            long done = 0;
            while (done < count) {
                long want = Math.min(capacity, count - done);
                long filled = ZeroCopy.splice(in, ZeroCopy.CURRENT_POSITION, pipe.writeEnd(),
                        ZeroCopy.CURRENT_POSITION, want, ZeroCopy.NONBLOCK | ZeroCopy.MOVE);
                if (filled == 0) {
                    break; // end of stream
                }
                if (filled == ZeroCopy.AGAIN) {
                    waiter.await(in, Epoll.IN);
                    continue;
                }
                if (filled < 0) {
                    continue; // INTERRUPTED
                }
                long drained = 0;
                while (drained < filled) { // the pipe holds exactly `filled` bytes that must all leave it
                    long position = outOffset < 0 ? ZeroCopy.CURRENT_POSITION : outOffset + done + drained;
                    long n = ZeroCopy.splice(pipe.readEnd(), ZeroCopy.CURRENT_POSITION, out, position,
                            filled - drained, ZeroCopy.MOVE | (done + filled < count ? ZeroCopy.MORE : 0));
                    if (n > 0) {
                        drained += n;
                    } else if (n == ZeroCopy.AGAIN) {
                        waiter.await(out, Epoll.OUT);
                    } else if (n == 0) {
                        throw new IOException("splice to " + out + " moved nothing with " + (filled - drained)
                                + " bytes in the pipe");
                    }
                }
                done += filled;
            }
            return done;
        }
    }

    private static int pipeCapacity(Pipes.Pipe pipe) throws IOException {
        try {
            return Pipes.setCapacity(pipe.writeEnd(), PIPE_BYTES);
        } catch (dev.panamax.ffm.ErrnoException e) {
            return Pipes.capacity(pipe.writeEnd()); // EPERM above pipe-max-size: keep the default
        }
    }

    /** How many times the calling thread's last transfer waited for readiness after EAGAIN (for tests). */
    static long lastWaits() {
        return COUNTS.get()[WAITS];
    }

    /** How many epoll_ctl calls (add, modify, delete then add) the calling thread's last transfer made (for tests). */
    static long lastRegistrations() {
        return COUNTS.get()[REGISTRATIONS];
    }

    private static void checkRange(long offset, long count) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0: " + count);
        }
    }

    /**
     * An epoll created on the first EAGAIN of a transfer, to wait for one fd at a time. The fd stays registered
     * between waits: a sendfile to a full socket waits once per send buffer's worth, and re-adding and deleting the
     * fd around every wait would triple the syscalls of each wait. Level-triggered is safe with the fd left in the
     * set: a wait only follows an EAGAIN, so the fd is not ready when epoll_wait starts (or becomes ready in between,
     * and then epoll_wait returns at once, as it should).
     */
    private static final class Waiter implements AutoCloseable {
        private Epoll epoll;
        private Arena arena;
        private Epoll.Events events;
        private Fd registered; // the fd now in the epoll set, or null
        private int registeredInterest;

        void await(Fd fd, int interest) throws IOException {
            if (epoll == null) {
                arena = Arena.ofConfined();
                events = Epoll.Events.allocate(arena, 1);
                epoll = Epoll.create();
            }
            long[] counts = COUNTS.get();
            counts[WAITS]++;
            if (registered == null) {
                epoll.add(fd, interest, 0);
                counts[REGISTRATIONS]++;
            } else if (registered != fd) { // splice alternates between its source and its destination
                epoll.delete(registered);
                registered = null;
                epoll.add(fd, interest, 0);
                counts[REGISTRATIONS]++;
            } else if (registeredInterest != interest) {
                epoll.modify(fd, interest, 0);
                counts[REGISTRATIONS]++;
            }
            registered = fd;
            registeredInterest = interest;
            int n;
            do {
                n = epoll.await(events, -1); // ERR and HUP are always reported: the next call sees the error
            } while (n == Epoll.INTERRUPTED);
        }

        @Override
        public void close() throws IOException {
            if (epoll != null) {
                try {
                    epoll.close(); // drops the registration with the epoll
                } finally {
                    arena.close();
                }
            }
        }
    }
}
