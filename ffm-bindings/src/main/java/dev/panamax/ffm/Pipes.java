/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.Check;
import dev.panamax.ffm.internal.ErrnoState;
import dev.panamax.ffm.internal.Scratch;
import dev.panamax.ffm.internal.uapi.Syscalls;
import dev.panamax.ffm.internal.uapi.fcntl_h;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Anonymous pipes ({@code pipe2}) and their kernel buffer size ({@code F_GETPIPE_SZ}/{@code F_SETPIPE_SZ}): the
 * in-kernel buffer that {@link ZeroCopy#splice} and {@link ZeroCopy#tee} move pages through. Always created
 * with {@code O_CLOEXEC}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/pipe.7.html">pipe(7)</a>
 */
public final class Pipes {

    /** Flag: both ends do not block ({@code O_NONBLOCK}). */
    public static final int NONBLOCK = fcntl_h.O_NONBLOCK();
    /** Flag: packet mode, each write is one message ({@code O_DIRECT}, Linux 3.4). */
    public static final int PACKET = fcntl_h.O_DIRECT();

    private Pipes() {
    }

    /**
     * The two ends of a pipe. Closing the pipe closes both.
     *
     * @param readEnd  the end bytes are read from
     * @param writeEnd the end bytes are written to
     */
    public record Pipe(Fd readEnd, Fd writeEnd) implements AutoCloseable {

        /**
         * Checks both ends are given.
         *
         * @throws NullPointerException when an end is null
         */
        public Pipe {
            Objects.requireNonNull(readEnd, "readEnd");
            Objects.requireNonNull(writeEnd, "writeEnd");
        }

        /**
         * Closes both ends. Idempotent.
         *
         * @throws ErrnoException when a {@code close} fails (the other end is closed anyway)
         */
        @Override
        public void close() throws ErrnoException {
            try {
                writeEnd.close();
            } finally {
                readEnd.close();
            }
        }
    }

    /**
     * Creates a pipe with {@code O_CLOEXEC}.
     *
     * @param flags {@link #NONBLOCK} and/or {@link #PACKET}
     * @return the pipe
     * @throws ErrnoException e.g. EMFILE, ENFILE
     * @see <a href="https://man7.org/linux/man-pages/man2/pipe2.2.html">pipe2(2)</a>
     */
    public static Pipe open(int flags) throws ErrnoException {
        Sockets.requireFlags(flags, NONBLOCK | PACKET, "NONBLOCK, PACKET");
        MemorySegment fds = Scratch.current();
        MemorySegment errno = ErrnoState.current();
        Check.result(Syscalls.pipe2(errno, fds, flags | fcntl_h.O_CLOEXEC()), errno, "pipe2");
        return new Pipe(Fd.adopt(fds.get(ValueLayout.JAVA_INT, 0)), Fd.adopt(fds.get(ValueLayout.JAVA_INT, 4)));
    }

    /**
     * The pipe's buffer size ({@code F_GETPIPE_SZ}).
     *
     * @param pipeEnd either end
     * @return the capacity in bytes
     * @throws ErrnoException EBADF, or EINVAL when {@code pipeEnd} is not a pipe
     * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2)</a>
     */
    public static int capacity(Fd pipeEnd) throws IOException {
        Objects.requireNonNull(pipeEnd, "pipeEnd");
        MemorySegment errno = ErrnoState.current();
        return Check.intResult(Syscalls.fcntl(errno, pipeEnd.fd(), fcntl_h.F_GETPIPE_SZ(), 0L), errno, "fcntl");
    }

    /**
     * Resizes the pipe's buffer ({@code F_SETPIPE_SZ}); the kernel rounds up to a power-of-two number of pages.
     *
     * @param pipeEnd either end
     * @param bytes   the wanted size, > 0; an unprivileged process may ask up to
     *                {@code /proc/sys/fs/pipe-max-size}
     * @return the size the kernel set
     * @throws ErrnoException EPERM above pipe-max-size, EBUSY when the pipe holds more than {@code bytes}
     * @see <a href="https://man7.org/linux/man-pages/man2/fcntl.2.html">fcntl(2)</a>
     */
    public static int setCapacity(Fd pipeEnd, int bytes) throws IOException {
        Objects.requireNonNull(pipeEnd, "pipeEnd");
        if (bytes <= 0) {
            throw new IllegalArgumentException("pipe capacity must be > 0: " + bytes);
        }
        MemorySegment errno = ErrnoState.current();
        return Check.intResult(Syscalls.fcntl(errno, pipeEnd.fd(), fcntl_h.F_SETPIPE_SZ(), bytes), errno,
                "fcntl");
    }
}
