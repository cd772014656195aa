/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.Check;
import dev.panamax.ffm.internal.ErrnoState;
import dev.panamax.ffm.internal.Scratch;
import dev.panamax.ffm.internal.Words;
import dev.panamax.ffm.internal.uapi.Syscalls;
import dev.panamax.ffm.internal.uapi.itimerspec;
import dev.panamax.ffm.internal.uapi.time_h;
import dev.panamax.ffm.internal.uapi.timerfd_h;
import dev.panamax.ffm.internal.uapi.timespec;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * A timerfd: a kernel timer that becomes readable (for epoll and io_uring) when it expires, counting
 * expirations. Always created with {@code TFD_CLOEXEC}. Arming and reading are allocation-free.
 *
 * @see <a href="https://man7.org/linux/man-pages/man2/timerfd_create.2.html">timerfd_create(2)</a>
 */
public final class TimerFd implements AutoCloseable {

    /** Flag: reads return 0 instead of blocking when the timer has not expired ({@code TFD_NONBLOCK}). */
    public static final int NONBLOCK = timerfd_h.TFD_NONBLOCK();

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** The clock a timer counts on. */
    public enum Clock {
        /** {@code CLOCK_MONOTONIC}: steady, stops during suspend; the clock of {@link TimerFd#monotonicNanos()}. */
        MONOTONIC(time_h.CLOCK_MONOTONIC()),
        /** {@code CLOCK_BOOTTIME}: like MONOTONIC, but counts time spent suspended. */
        BOOTTIME(time_h.CLOCK_BOOTTIME()),
        /** {@code CLOCK_REALTIME}: wall-clock time, jumps when the clock is set. */
        REALTIME(time_h.CLOCK_REALTIME());

        private final int id;

        Clock(int id) {
            this.id = id;
        }
    }

    private final Fd fd;
    private final Clock clock;

    private TimerFd(Fd fd, Clock clock) {
        this.fd = fd;
        this.clock = clock;
    }

    /**
     * Creates a disarmed timer.
     *
     * @param clock the clock it counts on
     * @param flags 0 or {@link #NONBLOCK}
     * @return the timer
     * @throws ErrnoException e.g. EMFILE
     * @see <a href="https://man7.org/linux/man-pages/man2/timerfd_create.2.html">timerfd_create(2)</a>
     */
    public static TimerFd create(Clock clock, int flags) throws ErrnoException {
        Objects.requireNonNull(clock, "clock");
        if ((flags & ~NONBLOCK) != 0) {
            throw new IllegalArgumentException("flags may only hold NONBLOCK: 0x" + Integer.toHexString(flags));
        }
        MemorySegment errno = ErrnoState.current();
        int raw = Check.intResult(Syscalls.timerfd_create(errno, clock.id, flags | timerfd_h.TFD_CLOEXEC()), errno,
                "timerfd_create");
        return new TimerFd(Fd.adopt(raw), clock);
    }

    /**
     * Reads {@code CLOCK_MONOTONIC}, the time base of {@link #setAbsolute} on a {@link Clock#MONOTONIC} timer.
     *
     * @return the monotonic time in nanoseconds
     * @throws ErrnoException never in practice
     * @see <a href="https://man7.org/linux/man-pages/man2/clock_gettime.2.html">clock_gettime(2)</a>
     */
    public static long monotonicNanos() throws ErrnoException {
        MemorySegment ts = Scratch.current();
        MemorySegment errno = ErrnoState.current();
        Check.result(Syscalls.clock_gettime(errno, time_h.CLOCK_MONOTONIC(), ts), errno, "clock_gettime");
        return Words.nanos(ts);
    }

    /**
     * The timer's file descriptor, to register with epoll or io_uring.
     *
     * @return the fd, owned by this timer
     */
    public Fd fd() {
        return fd;
    }

    /**
     * The clock this timer counts on.
     *
     * @return the clock
     */
    public Clock clock() {
        return clock;
    }

    /**
     * Arms the timer to expire {@code delayNs} from now, then every {@code intervalNs}.
     *
     * @param delayNs    the first expiry, > 0
     * @param intervalNs the period after it, or 0 for one shot
     * @throws ErrnoException e.g. EBADF
     * @see <a href="https://man7.org/linux/man-pages/man2/timerfd_settime.2.html">timerfd_settime(2)</a>
     */
    public void setRelative(long delayNs, long intervalNs) throws IOException {
        if (delayNs <= 0) {
            throw new IllegalArgumentException("delayNs must be > 0 (use disarm() to stop): " + delayNs);
        }
        set(0, delayNs, intervalNs);
    }

    /**
     * Arms the timer to expire when the clock reads {@code deadlineNs}, then every {@code intervalNs}. A deadline
     * in the past expires at once.
     *
     * @param deadlineNs the clock value of the first expiry, > 0
     * @param intervalNs the period after it, or 0 for one shot
     * @throws ErrnoException e.g. EBADF
     * @see <a href="https://man7.org/linux/man-pages/man2/timerfd_settime.2.html">timerfd_settime(2)</a>
     */
    public void setAbsolute(long deadlineNs, long intervalNs) throws IOException {
        if (deadlineNs <= 0) {
            throw new IllegalArgumentException("deadlineNs must be > 0 (use disarm() to stop): " + deadlineNs);
        }
        set(timerfd_h.TFD_TIMER_ABSTIME(), deadlineNs, intervalNs);
    }

    /**
     * Stops the timer; pending expirations already counted stay readable.
     *
     * @throws ErrnoException e.g. EBADF
     * @see <a href="https://man7.org/linux/man-pages/man2/timerfd_settime.2.html">timerfd_settime(2)</a>
     */
    public void disarm() throws IOException {
        set(0, 0, 0);
    }

    private void set(int flags, long valueNs, long intervalNs) throws IOException {
        if (intervalNs < 0) {
            throw new IllegalArgumentException("intervalNs must be >= 0: " + intervalNs);
        }
        MemorySegment spec = Scratch.current();
        long interval = itimerspec.it_interval$offset();
        long value = itimerspec.it_value$offset();
        spec.set(ValueLayout.JAVA_LONG, interval + timespec.tv_sec$offset(), intervalNs / NANOS_PER_SECOND);
        spec.set(ValueLayout.JAVA_LONG, interval + timespec.tv_nsec$offset(), intervalNs % NANOS_PER_SECOND);
        spec.set(ValueLayout.JAVA_LONG, value + timespec.tv_sec$offset(), valueNs / NANOS_PER_SECOND);
        spec.set(ValueLayout.JAVA_LONG, value + timespec.tv_nsec$offset(), valueNs % NANOS_PER_SECOND);
        MemorySegment errno = ErrnoState.current();
        Check.result(Syscalls.timerfd_settime(errno, fd.fd(), flags, spec, MemorySegment.NULL), errno,
                "timerfd_settime");
    }

    /**
     * The time until the next expiry.
     *
     * @return nanoseconds until the next expiry, or 0 when disarmed
     * @throws ErrnoException e.g. EBADF
     * @see <a href="https://man7.org/linux/man-pages/man2/timerfd_gettime.2.html">timerfd_gettime(2)</a>
     */
    public long remainingNanos() throws IOException {
        return get(itimerspec.it_value$offset());
    }

    /**
     * The period of the timer.
     *
     * @return the interval in nanoseconds, or 0 for a one-shot or disarmed timer
     * @throws ErrnoException e.g. EBADF
     * @see <a href="https://man7.org/linux/man-pages/man2/timerfd_gettime.2.html">timerfd_gettime(2)</a>
     */
    public long intervalNanos() throws IOException {
        return get(itimerspec.it_interval$offset());
    }

    private long get(long field) throws IOException {
        MemorySegment spec = Scratch.current();
        MemorySegment errno = ErrnoState.current();
        Check.result(Syscalls.timerfd_gettime(errno, fd.fd(), spec), errno, "timerfd_gettime");
        return spec.get(ValueLayout.JAVA_LONG, field + timespec.tv_sec$offset()) * NANOS_PER_SECOND
                + spec.get(ValueLayout.JAVA_LONG, field + timespec.tv_nsec$offset());
    }

    /**
     * Reads and resets the number of expirations since the last read. A successful read never returns 0, so 0
     * means the timer has not expired on a {@link #NONBLOCK} timer (EAGAIN) or a signal interrupted a blocking
     * read (EINTR).
     *
     * @return the expirations, or 0
     * @throws ErrnoException e.g. ECANCELED for a cancel-on-set realtime timer
     * @see <a href="https://man7.org/linux/man-pages/man2/timerfd_create.2.html">timerfd_create(2)</a>
     */
    public long read() throws IOException {
        MemorySegment buffer = Scratch.current();
        MemorySegment errno = ErrnoState.current();
        long raw = Check.orAgainOrInterrupted(Syscalls.read(errno, fd.fd(), buffer, Long.BYTES), errno, "read");
        return raw < 0 ? 0 : buffer.get(ValueLayout.JAVA_LONG, 0);
    }

    /**
     * Closes the timer. Idempotent.
     *
     * @throws ErrnoException when {@code close} fails
     */
    @Override
    public void close() throws ErrnoException {
        fd.close();
    }
}
