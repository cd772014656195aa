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
import dev.panamax.ffm.internal.uapi.epoll_event;
import dev.panamax.ffm.internal.uapi.eventpoll_h;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * An epoll instance: interest list management and waits into a caller-owned {@link Events} array. Waits are
 * allocation-free. The {@code data} word registered with a target comes back with each of its events, so the
 * usual encoding is an index into the caller's connection table.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/epoll.7.html">epoll(7)</a>
 */
public final class Epoll implements AutoCloseable {

    /** Readable. */
    public static final int IN = eventpoll_h.EPOLLIN();
    /** Writable. */
    public static final int OUT = eventpoll_h.EPOLLOUT();
    /** Urgent data (TCP out-of-band). */
    public static final int PRI = eventpoll_h.EPOLLPRI();
    /** Error condition; always reported, need not be requested. */
    public static final int ERR = eventpoll_h.EPOLLERR();
    /** Hang up; always reported, need not be requested. */
    public static final int HUP = eventpoll_h.EPOLLHUP();
    /** The stream peer shut down its writing half. */
    public static final int RDHUP = eventpoll_h.EPOLLRDHUP();
    /** Edge-triggered notification. */
    public static final int ET = eventpoll_h.EPOLLET();
    /** Disarm the target after one event until {@link #modify} re-arms it. */
    public static final int ONESHOT = eventpoll_h.EPOLLONESHOT();
    /** Wake only one of several epoll instances waiting on the same target (add only). */
    public static final int EXCLUSIVE = eventpoll_h.EPOLLEXCLUSIVE();
    /** Wait result: a signal interrupted the wait (EINTR) before any event or the timeout. */
    public static final int INTERRUPTED = Check.INTERRUPTED;

    private static final long EVENT_BYTES = epoll_event.sizeof(); // 12 on x86_64 (packed), 16 on aarch64
    private static final long EVENTS_OFFSET = epoll_event.events$offset();
    private static final long DATA_OFFSET = epoll_event.data$offset(); // 4 on x86_64: read unaligned
    // The kernel's cap on maxevents (EP_MAX_EVENTS, fs/eventpoll.c): INT_MAX / sizeof(struct epoll_event).
    private static final int MAX_EVENTS = (int) (Integer.MAX_VALUE / EVENT_BYTES);

    private static volatile boolean pwait2Missing; // set once by the first thread that gets ENOSYS; never cleared

    private final Fd fd;

    private Epoll(Fd fd) {
        this.fd = fd;
    }

    /**
     * Creates an epoll instance with {@code EPOLL_CLOEXEC}.
     *
     * @return the instance
     * @throws ErrnoException e.g. EMFILE
     * @see <a href="https://man7.org/linux/man-pages/man2/epoll_create1.2.html">epoll_create1(2)</a>
     */
    public static Epoll create() throws ErrnoException {
        MemorySegment errno = ErrnoState.current();
        int raw = Check.intResult(Syscalls.epoll_create1(errno, eventpoll_h.EPOLL_CLOEXEC()), errno, "epoll_create1");
        return new Epoll(Fd.adopt(raw));
    }

    /**
     * The epoll fd itself (it can be watched by another epoll or io_uring).
     *
     * @return the fd, owned by this instance
     */
    public Fd fd() {
        return fd;
    }

    /**
     * Adds {@code target} to the interest list ({@code EPOLL_CTL_ADD}).
     *
     * @param target the fd to watch
     * @param events {@link #IN}, {@link #OUT}, ... bits
     * @param data   the word returned with each event of {@code target}
     * @throws ErrnoException e.g. EEXIST when already added, EPERM for a regular file
     * @see <a href="https://man7.org/linux/man-pages/man2/epoll_ctl.2.html">epoll_ctl(2)</a>
     */
    public void add(Fd target, int events, long data) throws IOException {
        control(eventpoll_h.EPOLL_CTL_ADD(), target, events, data);
    }

    /**
     * Changes the events and data of a watched fd ({@code EPOLL_CTL_MOD}).
     *
     * @param target the watched fd
     * @param events the new event bits
     * @param data   the new data word
     * @throws ErrnoException e.g. ENOENT when {@code target} is not watched
     * @see <a href="https://man7.org/linux/man-pages/man2/epoll_ctl.2.html">epoll_ctl(2)</a>
     */
    public void modify(Fd target, int events, long data) throws IOException {
        control(eventpoll_h.EPOLL_CTL_MOD(), target, events, data);
    }

    /**
     * Removes {@code target} from the interest list ({@code EPOLL_CTL_DEL}).
     *
     * @param target the watched fd
     * @throws ErrnoException e.g. ENOENT when {@code target} is not watched
     * @see <a href="https://man7.org/linux/man-pages/man2/epoll_ctl.2.html">epoll_ctl(2)</a>
     */
    public void delete(Fd target) throws IOException {
        Objects.requireNonNull(target, "target");
        MemorySegment errno = ErrnoState.current();
        Check.result(Syscalls.epoll_ctl(errno, fd.fd(), eventpoll_h.EPOLL_CTL_DEL(), target.fd(),
                MemorySegment.NULL), errno, "epoll_ctl");
    }

    private void control(int op, Fd target, int events, long data) throws IOException {
        Objects.requireNonNull(target, "target");
        MemorySegment event = Scratch.current();
        event.set(ValueLayout.JAVA_INT, EVENTS_OFFSET, events);
        event.set(ValueLayout.JAVA_LONG_UNALIGNED, DATA_OFFSET, data);
        MemorySegment errno = ErrnoState.current();
        Check.result(Syscalls.epoll_ctl(errno, fd.fd(), op, target.fd(), event), errno, "epoll_ctl");
    }

    /**
     * Waits for events with millisecond resolution ({@code epoll_pwait} with no signal mask). Allocation-free.
     *
     * @param events    where the kernel writes the ready events
     * @param timeoutMs -1 to wait forever, 0 to poll, else the longest wait
     * @return the number of events written (0 on timeout), or {@link #INTERRUPTED}
     * @throws ErrnoException e.g. EBADF after {@link #close()}
     * @see <a href="https://man7.org/linux/man-pages/man2/epoll_pwait.2.html">epoll_pwait(2)</a>
     */
    public int await(Events events, int timeoutMs) throws IOException {
        Objects.requireNonNull(events, "events");
        if (timeoutMs < -1) {
            throw new IllegalArgumentException("timeoutMs must be -1 (forever) or >= 0: " + timeoutMs);
        }
        MemorySegment errno = ErrnoState.current();
        long raw = Syscalls.epoll_pwait(errno, fd.fd(), events.segment, events.capacity, timeoutMs,
                MemorySegment.NULL, 0L); // no sigmask: sigsetsize is not read
        return (int) Check.orAgainOrInterrupted(raw, errno, "epoll_pwait");
    }

    /**
     * Waits for events with nanosecond resolution ({@code epoll_pwait2}, Linux 5.11). On older kernels this falls
     * back to {@code epoll_pwait} with the timeout rounded up to whole milliseconds. Allocation-free.
     *
     * @param events    where the kernel writes the ready events
     * @param timeoutNs negative to wait forever, 0 to poll, else the longest wait
     * @return the number of events written (0 on timeout), or {@link #INTERRUPTED}
     * @throws ErrnoException e.g. EBADF after {@link #close()}
     * @see <a href="https://man7.org/linux/man-pages/man2/epoll_pwait2.2.html">epoll_pwait2(2)</a>
     */
    public int awaitNanos(Events events, long timeoutNs) throws IOException {
        Objects.requireNonNull(events, "events");
        if (pwait2Missing) {
            return await(events, toMillis(timeoutNs));
        }
        MemorySegment timeout = timeoutNs < 0 ? MemorySegment.NULL : Words.timespec(timeoutNs);
        MemorySegment errno = ErrnoState.current();
        long raw = Syscalls.epoll_pwait2(errno, fd.fd(), events.segment, events.capacity, timeout,
                MemorySegment.NULL, 0L);
        if (raw == -1 && Native.errno(errno) == Errno.ENOSYS.value()) {
            pwait2Missing = true;
            return await(events, toMillis(timeoutNs));
        }
        return (int) Check.orAgainOrInterrupted(raw, errno, "epoll_pwait2");
    }

    private static int toMillis(long timeoutNs) {
        if (timeoutNs < 0) {
            return -1;
        }
        long ms = timeoutNs / 1_000_000L + (timeoutNs % 1_000_000L == 0 ? 0 : 1); // round up: never wake early
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    /**
     * Closes the epoll fd. Idempotent.
     *
     * @throws ErrnoException when {@code close} fails
     */
    @Override
    public void close() throws ErrnoException {
        fd.close();
    }

    /**
     * A caller-owned array of {@code struct epoll_event}, in this architecture's layout (12 bytes packed on
     * x86_64, 16 on aarch64). Reuse one per event loop thread: reads are allocation-free.
     */
    public static final class Events {

        private final MemorySegment segment;
        private final int capacity;

        private Events(MemorySegment segment, int capacity) {
            this.segment = segment;
            this.capacity = capacity;
        }

        /**
         * Allocates room for {@code capacity} events.
         *
         * @param allocator where the array lives (its arena bounds the array's lifetime)
         * @param capacity  the most events one wait returns, in [1, INT_MAX / sizeof(epoll_event)]
         * @return the array
         */
        public static Events allocate(SegmentAllocator allocator, int capacity) {
            Objects.requireNonNull(allocator, "allocator");
            if (capacity <= 0 || capacity > MAX_EVENTS) {
                throw new IllegalArgumentException("capacity must be in [1, " + MAX_EVENTS + "]: " + capacity);
            }
            // 8-aligned whatever the struct's own alignment (1 when packed), so the int reads are aligned.
            return new Events(allocator.allocate(EVENT_BYTES * capacity, Long.BYTES), capacity);
        }

        /**
         * The number of events one wait can return.
         *
         * @return the capacity
         */
        public int capacity() {
            return capacity;
        }

        /**
         * The event bits of event {@code i} of the last wait.
         *
         * @param i an index below the wait's result
         * @return {@link #IN}, {@link #OUT}, {@link #ERR}, ... bits
         */
        public int events(int i) {
            return segment.get(ValueLayout.JAVA_INT, Objects.checkIndex(i, capacity) * EVENT_BYTES + EVENTS_OFFSET);
        }

        /**
         * The data word registered for the target of event {@code i}.
         *
         * @param i an index below the wait's result
         * @return the data word
         */
        public long data(int i) {
            return segment.get(ValueLayout.JAVA_LONG_UNALIGNED,
                    Objects.checkIndex(i, capacity) * EVENT_BYTES + DATA_OFFSET);
        }
    }
}
