/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import java.io.IOException;
import java.util.Objects;

/**
 * A syscall failed with an errno that is not part of its protocol. The message names the error and the call,
 * never a bare number: {@code EINVAL (io_uring_setup): Invalid argument}; an errno this kernel table does not
 * know reads {@code errno 999 (name): Unknown error 999}.
 *
 * <p>Errnos that are part of a call's protocol (EAGAIN, EINTR, and for futex ETIMEDOUT) are returned as result
 * codes by the calls that expect them, never thrown.
 */
public class ErrnoException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String syscall;
    private final int errnoValue;

    /**
     * Creates an exception for a failed call.
     *
     * @param syscall    the name of the syscall (or libc function) that failed, e.g. {@code io_uring_setup}
     * @param errnoValue the positive errno it set (or the negated result of an io_uring completion)
     */
    public ErrnoException(String syscall, int errnoValue) {
        super(message(syscall, errnoValue));
        this.syscall = syscall;
        this.errnoValue = errnoValue;
    }

    /**
     * Creates an exception for a failed call whose bare errno would not tell the user what went wrong; the
     * message reads {@code EINVAL (sched_setaffinity): Invalid argument: <detail>}.
     *
     * @param syscall    the name of the syscall that failed
     * @param errnoValue the positive errno it set
     * @param detail     what the arguments had to do with the refusal, e.g. which CPUs are not allowed
     */
    public ErrnoException(String syscall, int errnoValue, String detail) {
        super(message(syscall, errnoValue) + ": " + Objects.requireNonNull(detail));
        this.syscall = syscall;
        this.errnoValue = errnoValue;
    }

    /**
     * Returns the syscall that failed.
     *
     * @return the syscall name, e.g. {@code futex}
     */
    public String syscall() {
        return syscall;
    }

    /**
     * Returns the errno as a constant.
     *
     * @return the constant, or null if this kernel table does not know the value
     */
    public Errno errno() {
        return Errno.of(errnoValue);
    }

    /**
     * Returns the raw errno value.
     *
     * @return the positive errno
     */
    public int errnoValue() {
        return errnoValue;
    }

    /**
     * Formats the message used by this exception, for callers that report an errno without throwing.
     *
     * @param syscall    the syscall name
     * @param errnoValue the positive errno
     * @return e.g. {@code EBADF (close): Bad file number}
     */
    public static String message(String syscall, int errnoValue) {
        Errno e = Errno.of(errnoValue);
        return e == null
                ? "errno " + errnoValue + " (" + syscall + "): Unknown error " + errnoValue
                : e.name() + " (" + syscall + "): " + e.message();
    }
}
