/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.Check;
import dev.panamax.ffm.internal.ErrnoState;
import dev.panamax.ffm.internal.Scratch;
import dev.panamax.ffm.internal.uapi.Syscalls;
import dev.panamax.ffm.internal.uapi.eventfd_h;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An eventfd: a kernel 64-bit counter that a writer adds to and a reader drains, readable (for epoll and
 * io_uring) while non-zero. Always created with {@code EFD_CLOEXEC}. {@link #read()} and {@link #write(long)}
 * are allocation-free.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/eventfd.2.html">eventfd(2)</a>
 */
public final class EventFd implements AutoCloseable {

    /** Flag: reads and writes return instead of blocking ({@code EFD_NONBLOCK}). */
    public static final int NONBLOCK = eventfd_h.EFD_NONBLOCK();
    /** Flag: each read takes 1 from the counter instead of draining it ({@code EFD_SEMAPHORE}). */
    public static final int SEMAPHORE = eventfd_h.EFD_SEMAPHORE();
    /** The largest counter value: 2^64 - 2, as an unsigned long. */
    public static final long MAX_VALUE = 0xffff_ffff_ffff_fffeL;

    private static final int ALLOWED_FLAGS = NONBLOCK | SEMAPHORE;

    private final Fd fd;

    private EventFd(Fd fd) {
        this.fd = fd;
    }

    /**
     * Creates an eventfd.
     *
     * @param initialValue the counter's first value, in [0, 2^32 - 1] (the syscall takes an unsigned int)
     * @param flags        {@link #NONBLOCK} and/or {@link #SEMAPHORE}
     * @return the eventfd
     * @throws ErrnoException e.g. EMFILE
     * @see <a href="https://man7.org/linux/man-pages/man2/eventfd2.2.html">eventfd2(2)</a>
     */
    public static EventFd create(long initialValue, int flags) throws ErrnoException {
        if (initialValue < 0 || initialValue > 0xffff_ffffL) {
            throw new IllegalArgumentException("initialValue must be in [0, 2^32 - 1]: " + initialValue);
        }
        if ((flags & ~ALLOWED_FLAGS) != 0) {
            throw new IllegalArgumentException("flags may only hold NONBLOCK and SEMAPHORE: 0x"
                    + Integer.toHexString(flags));
        }
        MemorySegment errno = ErrnoState.current();
        int raw = Check.intResult(Syscalls.eventfd2(errno, (int) initialValue, flags | eventfd_h.EFD_CLOEXEC()), errno,
                "eventfd2");
        return new EventFd(Fd.adopt(raw));
    }

    /**
     * The eventfd's file descriptor, to register with epoll or io_uring.
     *
     * @return the fd, owned by this eventfd
     */
    public Fd fd() {
        return fd;
    }

    /**
     * Reads the counter and resets it to 0 (or takes 1, with {@link #SEMAPHORE}). A successful read never returns
     * 0, so 0 means "nothing read": the counter was 0 on a {@link #NONBLOCK} eventfd (EAGAIN), or a signal
     * interrupted a blocking read (EINTR).
     *
     * @return the counter value (unsigned; see {@link Long#toUnsignedString}), or 0 if nothing was read
     * @throws ErrnoException e.g. EBADF
     * @see <a href="https://man7.org/linux/man-pages/man2/read.2.html">read(2)</a>
     */
    public long read() throws IOException {
        MemorySegment buffer = Scratch.current();
        MemorySegment errno = ErrnoState.current();
        long raw = Check.orAgainOrInterrupted(Syscalls.read(errno, fd.fd(), buffer, Long.BYTES), errno, "read");
        return raw < 0 ? 0 : buffer.get(ValueLayout.JAVA_LONG, 0);
    }

    /**
     * Adds {@code value} to the counter, waking readers.
     *
     * @param value in [1, {@link #MAX_VALUE}] as an unsigned long (0 is accepted and wakes nobody)
     * @return true if added; false if the counter would exceed {@link #MAX_VALUE} on a {@link #NONBLOCK}
     *         eventfd (EAGAIN) or a signal interrupted a blocking write (EINTR)
     * @throws ErrnoException e.g. EBADF
     * @see <a href="https://man7.org/linux/man-pages/man2/write.2.html">write(2)</a>
     */
    public boolean write(long value) throws IOException {
        if (value == -1L) {
            throw new IllegalArgumentException("eventfd values are at most 2^64 - 2 (0xfffffffffffffffe)");
        }
        MemorySegment buffer = Scratch.current();
        buffer.set(ValueLayout.JAVA_LONG, 0, value);
        MemorySegment errno = ErrnoState.current();
        return Check.orAgainOrInterrupted(Syscalls.write(errno, fd.fd(), buffer, Long.BYTES), errno, "write") >= 0;
    }

    /**
     * Closes the eventfd. Idempotent.
     *
     * @throws ErrnoException when {@code close} fails
     */
    @Override
    public void close() throws ErrnoException {
        fd.close();
    }
}
