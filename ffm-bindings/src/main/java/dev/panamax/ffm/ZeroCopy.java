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
 * Moving bytes between file descriptors without copying them through user space: {@code sendfile} (file to
 * anything), {@code splice} (to or from a {@linkplain Pipes pipe}) and {@code tee} (pipe to pipe, without
 * consuming). Every call may move fewer bytes than asked: loop on the count.
 *
 * <p>Offsets: {@link #CURRENT_POSITION} uses and advances the fd's file position; an offset {@code >= 0} reads
 * (or writes) at that offset and leaves the file position alone, like {@code pread}.
 */
public final class ZeroCopy {

    /** Offset meaning "the fd's file position" (pass no offset pointer); the only choice for pipes and sockets. */
    public static final long CURRENT_POSITION = -1;
    /** splice/tee flag: do not block on the pipe ({@code SPLICE_F_NONBLOCK}). */
    public static final int NONBLOCK = fcntl_h.SPLICE_F_NONBLOCK();
    /** splice flag: more data follows, as {@code MSG_MORE} ({@code SPLICE_F_MORE}). */
    public static final int MORE = fcntl_h.SPLICE_F_MORE();
    /** splice flag: a hint to move pages rather than copy ({@code SPLICE_F_MOVE}). */
    public static final int MOVE = fcntl_h.SPLICE_F_MOVE();
    /** Result: the call would block on a non-blocking fd (EAGAIN). */
    public static final int AGAIN = Check.AGAIN;
    /** Result: a signal interrupted a blocking call before anything moved (EINTR). */
    public static final int INTERRUPTED = Check.INTERRUPTED;

    private static final int SPLICE_FLAGS = NONBLOCK | MORE | MOVE;

    private ZeroCopy() {
    }

    /**
     * Copies up to {@code count} bytes from a file to any fd ({@code sendfile}): file to socket, file to file.
     *
     * @param out    the destination (socket, file, pipe)
     * @param in     the source; must support mmap-like reads (a regular file or block device)
     * @param offset where to read in {@code in}, or {@link #CURRENT_POSITION}
     * @param count  the most bytes to move, >= 0
     * @return the bytes moved (0 at end of file), or {@link #AGAIN} or {@link #INTERRUPTED}
     * @throws ErrnoException e.g. EINVAL when {@code in} cannot be read this way
     * @see <a href="https://man7.org/linux/man-pages/man2/sendfile.2.html">sendfile(2)</a>
     */
    public static long sendFile(Fd out, Fd in, long offset, long count) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(in, "in");
        requireOffset(offset, "offset");
        requireCount(count);
        MemorySegment offsetPointer = offsetPointer(offset, 0);
        MemorySegment errno = ErrnoState.current();
        return Check.orAgainOrInterrupted(Syscalls.sendfile(errno, out.fd(), in.fd(), offsetPointer, count),
                errno, "sendfile");
    }

    /**
     * Moves up to {@code length} bytes between a pipe and another fd ({@code splice}); one side must be a pipe.
     *
     * @param in        the source
     * @param inOffset  where to read a file source, or {@link #CURRENT_POSITION} (required for pipes, sockets)
     * @param out       the destination
     * @param outOffset where to write a file destination, or {@link #CURRENT_POSITION}
     * @param length    the most bytes to move, >= 0
     * @param flags     {@link #NONBLOCK}, {@link #MORE}, {@link #MOVE} bits
     * @return the bytes moved (0: end of input, or an empty pipe whose writers are gone), or {@link #AGAIN} or
     *         {@link #INTERRUPTED}
     * @throws ErrnoException e.g. EINVAL when neither side is a pipe, ESPIPE for an offset on a pipe
     * @see <a href="https://man7.org/linux/man-pages/man2/splice.2.html">splice(2)</a>
     */
    public static long splice(Fd in, long inOffset, Fd out, long outOffset, long length, int flags)
            throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        requireOffset(inOffset, "inOffset");
        requireOffset(outOffset, "outOffset");
        requireCount(length);
        Sockets.requireFlags(flags, SPLICE_FLAGS, "NONBLOCK, MORE, MOVE");
        MemorySegment inPointer = offsetPointer(inOffset, 0);
        MemorySegment outPointer = offsetPointer(outOffset, Long.BYTES);
        MemorySegment errno = ErrnoState.current();
        return Check.orAgainOrInterrupted(Syscalls.splice(errno, in.fd(), inPointer, out.fd(), outPointer,
                length, flags), errno, "splice");
    }

    /**
     * Duplicates up to {@code length} bytes from one pipe into another without consuming them ({@code tee}).
     *
     * @param in     the source pipe's read end
     * @param out    the destination pipe's write end
     * @param length the most bytes to duplicate, >= 0
     * @param flags  {@link #NONBLOCK}
     * @return the bytes duplicated (0 when {@code in} is empty and has no writers), or {@link #AGAIN} or
     *         {@link #INTERRUPTED}
     * @throws ErrnoException e.g. EINVAL when an fd is not a pipe
     * @see <a href="https://man7.org/linux/man-pages/man2/tee.2.html">tee(2)</a>
     */
    public static long tee(Fd in, Fd out, long length, int flags) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        requireCount(length);
        Sockets.requireFlags(flags, SPLICE_FLAGS, "NONBLOCK, MORE, MOVE");
        MemorySegment errno = ErrnoState.current();
        return Check.orAgainOrInterrupted(Syscalls.tee(errno, in.fd(), out.fd(), length, flags), errno, "tee");
    }

    private static MemorySegment offsetPointer(long offset, long slot) {
        if (offset == CURRENT_POSITION) {
            return MemorySegment.NULL;
        }
        MemorySegment scratch = Scratch.current();
        MemorySegment pointer = slot == 0 ? scratch : scratch.asSlice(slot, Long.BYTES); // loff_t, kernel-updated
        pointer.set(ValueLayout.JAVA_LONG, 0, offset);
        return pointer;
    }

    private static void requireOffset(long offset, String name) {
        if (offset < CURRENT_POSITION) {
            throw new IllegalArgumentException(name + " must be >= 0 or CURRENT_POSITION: " + offset);
        }
    }

    private static void requireCount(long count) {
        if (count < 0) {
            throw new IllegalArgumentException("byte count must be >= 0: " + count);
        }
    }
}
