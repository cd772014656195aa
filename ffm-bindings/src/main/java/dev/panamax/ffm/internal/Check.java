/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm.internal;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;

import java.lang.foreign.MemorySegment;

/**
 * The one path from a raw syscall result to a value or an {@link ErrnoException}. {@code syscall(2)} returns -1
 * and leaves errno in the capture segment on failure; these methods read it from the segment passed to the
 * call (the calling thread's {@link ErrnoState#current()}), so the error text is never written twice.
 */
public final class Check {

    /** -EAGAIN: the protocol result "try again" (EWOULDBLOCK is the same value on Linux). */
    public static final int AGAIN = -Errno.EAGAIN.value();
    /** -EINTR: the protocol result "interrupted by a signal handler". */
    public static final int INTERRUPTED = -Errno.EINTR.value();
    /** -ETIMEDOUT: the protocol result "timeout expired" of futex waits. */
    public static final int TIMED_OUT = -Errno.ETIMEDOUT.value();

    private Check() {
    }

    /**
     * Returns {@code raw}, or throws the errno recorded in {@code errnoState} when {@code raw} is -1.
     *
     * @param raw        the result of the call
     * @param errnoState the capture segment passed to the call
     * @param syscall    the syscall name for the message
     * @return {@code raw}
     * @throws ErrnoException if {@code raw == -1}
     */
    public static long result(long raw, MemorySegment errnoState, String syscall) throws ErrnoException {
        if (raw == -1) {
            throw new ErrnoException(syscall, Native.errno(errnoState));
        }
        return raw;
    }

    /** Like {@link #result(long, MemorySegment, String)} for calls whose result fits an int (fds, counts). */
    public static int intResult(long raw, MemorySegment errnoState, String syscall) throws ErrnoException {
        return (int) result(raw, errnoState, syscall);
    }

    /** Like {@link #result(long, MemorySegment, String)}, reading errno from {@link ErrnoState#current()}. */
    public static long result(long raw, String syscall) throws ErrnoException {
        return raw == -1 ? result(raw, ErrnoState.current(), syscall) : raw;
    }

    /**
     * Returns {@code raw}, or {@link #AGAIN} / {@link #INTERRUPTED} for EAGAIN / EINTR, or throws for any other
     * errno. Allocation-free on every path but the throwing one.
     */
    public static long orAgainOrInterrupted(long raw, MemorySegment errnoState, String syscall)
            throws ErrnoException {
        if (raw != -1) {
            return raw;
        }
        int errno = Native.errno(errnoState);
        if (errno == -AGAIN || errno == -INTERRUPTED) {
            return -errno;
        }
        throw new ErrnoException(syscall, errno);
    }

    /** Like {@link #orAgainOrInterrupted}, also returning {@link #TIMED_OUT} for ETIMEDOUT (futex waits). */
    public static int futexResult(long raw, MemorySegment errnoState, String syscall) throws ErrnoException {
        if (raw != -1) {
            return (int) raw;
        }
        int errno = Native.errno(errnoState);
        if (errno == -AGAIN || errno == -INTERRUPTED || errno == -TIMED_OUT) {
            return -errno;
        }
        throw new ErrnoException(syscall, errno);
    }

    /** The errno left by the last failed call on this thread, for callers that branch on it (probes). */
    public static int lastErrno(MemorySegment errnoState) {
        return Native.errno(errnoState);
    }
}
