/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.Words;
import dev.panamax.ffm.internal.uapi.io_uring_cqe;
import dev.panamax.ffm.internal.uapi.io_uring_h;
import dev.panamax.ffm.internal.uapi.io_uring_params;
import dev.panamax.ffm.internal.uapi.io_uring_sqe;
import dev.panamax.ffm.internal.uapi.iovec;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Typed access to the SQE and CQE slots of an {@link IoUringSyscalls.Ring}: one {@code prep*} method per
 * operation (each zeroes the slot, then fills the fields that operation reads, as liburing's
 * {@code io_uring_prep_*} do), the CQE fields, the {@code IORING_*} constants an event loop needs, resource
 * registration, and ring creation with a CQ size and an SQPOLL idle time. Allocation-light: each call slices
 * the ring's mapping once.
 *
 * <p>Slot indices are free-running SQ tail / CQ head values, as {@link IoUringSyscalls.Ring#sqeOffset} takes.
 * Nothing here publishes an SQE: the caller does that with {@link IoUringSyscalls.Ring#setSqTailRelease}.
 *
 * @see <a href="https://github.com/axboe/liburing/blob/liburing-2.8/src/include/liburing.h">liburing.h
 *      io_uring_prep_* (liburing-2.8)</a>
 */
public final class IoUringOps {

    /** {@code IORING_OP_NOP}. */
    public static final int OP_NOP = io_uring_h.IORING_OP_NOP();
    /** {@code IORING_OP_FSYNC}. */
    public static final int OP_FSYNC = io_uring_h.IORING_OP_FSYNC();
    /** {@code IORING_OP_READ_FIXED}. */
    public static final int OP_READ_FIXED = io_uring_h.IORING_OP_READ_FIXED();
    /** {@code IORING_OP_WRITE_FIXED}. */
    public static final int OP_WRITE_FIXED = io_uring_h.IORING_OP_WRITE_FIXED();
    /** {@code IORING_OP_POLL_ADD}. */
    public static final int OP_POLL_ADD = io_uring_h.IORING_OP_POLL_ADD();
    /** {@code IORING_OP_TIMEOUT}. */
    public static final int OP_TIMEOUT = io_uring_h.IORING_OP_TIMEOUT();
    /** {@code IORING_OP_ACCEPT}. */
    public static final int OP_ACCEPT = io_uring_h.IORING_OP_ACCEPT();
    /** {@code IORING_OP_ASYNC_CANCEL}. */
    public static final int OP_ASYNC_CANCEL = io_uring_h.IORING_OP_ASYNC_CANCEL();
    /** {@code IORING_OP_LINK_TIMEOUT}. */
    public static final int OP_LINK_TIMEOUT = io_uring_h.IORING_OP_LINK_TIMEOUT();
    /** {@code IORING_OP_READ}. */
    public static final int OP_READ = io_uring_h.IORING_OP_READ();
    /** {@code IORING_OP_WRITE}. */
    public static final int OP_WRITE = io_uring_h.IORING_OP_WRITE();
    /** {@code IORING_OP_SEND}. */
    public static final int OP_SEND = io_uring_h.IORING_OP_SEND();
    /** {@code IORING_OP_RECV}. */
    public static final int OP_RECV = io_uring_h.IORING_OP_RECV();

    /** SQE flag {@code IOSQE_FIXED_FILE}: the fd field is an index into the registered files. */
    public static final int SQE_FIXED_FILE = io_uring_h.IOSQE_FIXED_FILE();
    /** SQE flag {@code IOSQE_IO_LINK}: the next SQE starts only after this one succeeds. */
    public static final int SQE_IO_LINK = io_uring_h.IOSQE_IO_LINK();
    /** SQE flag {@code IOSQE_IO_HARDLINK}: like {@link #SQE_IO_LINK}, but a failure does not break the chain. */
    public static final int SQE_IO_HARDLINK = io_uring_h.IOSQE_IO_HARDLINK();
    /** SQE flag {@code IOSQE_ASYNC}: go straight to the io-wq worker pool. */
    public static final int SQE_ASYNC = io_uring_h.IOSQE_ASYNC();

    /** Setup flag {@code IORING_SETUP_SQPOLL}: a kernel thread polls the SQ. */
    public static final int SETUP_SQPOLL = io_uring_h.IORING_SETUP_SQPOLL();
    /** Setup flag {@code IORING_SETUP_CQSIZE}: {@code cq_entries} is given (set by {@link #open}). */
    public static final int SETUP_CQSIZE = io_uring_h.IORING_SETUP_CQSIZE();
    /** Setup flag {@code IORING_SETUP_CLAMP}: clamp oversized ring sizes instead of failing. */
    public static final int SETUP_CLAMP = io_uring_h.IORING_SETUP_CLAMP();
    /** Setup flag {@code IORING_SETUP_SUBMIT_ALL} (5.18): keep submitting a batch after a failed SQE. */
    public static final int SETUP_SUBMIT_ALL = io_uring_h.IORING_SETUP_SUBMIT_ALL();
    /** Setup flag {@code IORING_SETUP_COOP_TASKRUN} (5.19): no IPI to run completion task work. */
    public static final int SETUP_COOP_TASKRUN = io_uring_h.IORING_SETUP_COOP_TASKRUN();
    /** Setup flag {@code IORING_SETUP_SINGLE_ISSUER} (6.0): only the creating thread submits. */
    public static final int SETUP_SINGLE_ISSUER = io_uring_h.IORING_SETUP_SINGLE_ISSUER();
    /** Setup flag {@code IORING_SETUP_DEFER_TASKRUN} (6.1): completions run only when the issuer waits. */
    public static final int SETUP_DEFER_TASKRUN = io_uring_h.IORING_SETUP_DEFER_TASKRUN();

    /** Feature bit {@code IORING_FEAT_NODROP}: overflowed CQEs are kept by the kernel, not dropped. */
    public static final int FEAT_NODROP = io_uring_h.IORING_FEAT_NODROP();
    /** Feature bit {@code IORING_FEAT_SUBMIT_STABLE}: SQE data is copied at submission. */
    public static final int FEAT_SUBMIT_STABLE = io_uring_h.IORING_FEAT_SUBMIT_STABLE();

    /** SQ ring flag {@code IORING_SQ_NEED_WAKEUP}: the SQPOLL thread sleeps; enter with {@link #ENTER_SQ_WAKEUP}. */
    public static final int SQ_NEED_WAKEUP = io_uring_h.IORING_SQ_NEED_WAKEUP();
    /** SQ ring flag {@code IORING_SQ_CQ_OVERFLOW}: CQEs wait in the kernel; enter with {@link #ENTER_GETEVENTS}. */
    public static final int SQ_CQ_OVERFLOW = io_uring_h.IORING_SQ_CQ_OVERFLOW();
    /** SQ ring flag {@code IORING_SQ_TASKRUN}: completion task work is pending; enter to run it. */
    public static final int SQ_TASKRUN = io_uring_h.IORING_SQ_TASKRUN();

    /** Enter flag {@code IORING_ENTER_GETEVENTS}: wait for (and flush) completions. */
    public static final int ENTER_GETEVENTS = io_uring_h.IORING_ENTER_GETEVENTS();
    /** Enter flag {@code IORING_ENTER_SQ_WAKEUP}: wake the SQPOLL thread. */
    public static final int ENTER_SQ_WAKEUP = io_uring_h.IORING_ENTER_SQ_WAKEUP();
    /** Enter flag {@code IORING_ENTER_SQ_WAIT}: wait until the SQPOLL thread frees SQ slots. */
    public static final int ENTER_SQ_WAIT = io_uring_h.IORING_ENTER_SQ_WAIT();

    /** CQE flag {@code IORING_CQE_F_MORE}: a multishot request stays armed; more CQEs follow. */
    public static final int CQE_F_MORE = io_uring_h.IORING_CQE_F_MORE();

    /** Timeout flag {@code IORING_TIMEOUT_ABS}: the timespec is an absolute CLOCK_MONOTONIC time. */
    public static final int TIMEOUT_ABS = io_uring_h.IORING_TIMEOUT_ABS();
    /** Cancel flag {@code IORING_ASYNC_CANCEL_ALL} (5.19): cancel every match, not only the first. */
    public static final int CANCEL_ALL = io_uring_h.IORING_ASYNC_CANCEL_ALL();
    /** Cancel flag {@code IORING_ASYNC_CANCEL_ANY} (5.19): match any request. */
    public static final int CANCEL_ANY = io_uring_h.IORING_ASYNC_CANCEL_ANY();

    /** Size of the {@code struct __kernel_timespec} that {@link #prepTimeout} points at (two s64). */
    public static final long TIMESPEC_BYTES = 2L * Long.BYTES;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long IOVEC_BYTES = iovec.sizeof();
    private static final int ACCEPT_MULTISHOT = io_uring_h.IORING_ACCEPT_MULTISHOT();
    private static final int POLL_ADD_MULTI = io_uring_h.IORING_POLL_ADD_MULTI();
    private static final int RECV_MULTISHOT = io_uring_h.IORING_RECV_MULTISHOT();
    private static final int FSYNC_DATASYNC = io_uring_h.IORING_FSYNC_DATASYNC();
    private static final int ALLOWED_SQE_FLAGS = SQE_FIXED_FILE | SQE_IO_LINK | SQE_IO_HARDLINK | SQE_ASYNC;

    private IoUringOps() {
    }

    /**
     * Creates a ring like {@link IoUringSyscalls#open}, also setting the CQ size and the SQPOLL idle time.
     *
     * @param entries        SQ entries, a power of two in [1, {@link IoUringSyscalls#MAX_ENTRIES}]
     * @param cqEntries      CQ entries (adds {@link #SETUP_CQSIZE}; the kernel rounds up to a power of two and
     *                       requires at least {@code entries}), or 0 for the default of {@code 2 * entries}
     * @param flags          {@code IORING_SETUP_*} bits
     * @param sqThreadIdleMs with {@link #SETUP_SQPOLL}: milliseconds the kernel thread spins before sleeping
     * @return the mapped ring, owning its fd
     * @throws ErrnoException           when the kernel refuses (e.g. EINVAL for a flag it does not know)
     * @throws IllegalArgumentException for sizes out of range
     */
    public static IoUringSyscalls.Ring open(int entries, int cqEntries, int flags, int sqThreadIdleMs)
            throws IOException {
        if (entries <= 0 || entries > IoUringSyscalls.MAX_ENTRIES || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("io_uring entries must be a power of two in [1, "
                    + IoUringSyscalls.MAX_ENTRIES + "]: " + entries);
        }
        if (cqEntries != 0 && (cqEntries < entries || cqEntries > 2 * IoUringSyscalls.MAX_ENTRIES)) {
            throw new IllegalArgumentException("cqEntries must be 0 or in [entries, 2 * MAX_ENTRIES]: " + cqEntries);
        }
        if (sqThreadIdleMs < 0) {
            throw new IllegalArgumentException("sqThreadIdleMs must be >= 0: " + sqThreadIdleMs);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = io_uring_params.allocate(arena);
            int setupFlags = cqEntries != 0 ? flags | SETUP_CQSIZE : flags;
            io_uring_params.flags(params, setupFlags);
            io_uring_params.cq_entries(params, cqEntries);
            io_uring_params.sq_thread_idle(params, sqThreadIdleMs);
            Fd fd = IoUringSyscalls.setup(entries, params);
            try {
                return IoUringSyscalls.map(fd, params);
            } catch (IOException | RuntimeException | Error e) {
                try {
                    fd.close();
                } catch (ErrnoException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }

    /**
     * The {@code IORING_OP_*} name of an opcode, for messages.
     *
     * @param opcode the opcode
     * @return e.g. {@code IORING_OP_READ_FIXED}, or {@code IORING_OP_<n>} for one not named here
     */
    public static String opcodeName(int opcode) {
        if (opcode == OP_NOP) {
            return "IORING_OP_NOP";
        } else if (opcode == OP_FSYNC) {
            return "IORING_OP_FSYNC";
        } else if (opcode == OP_READ_FIXED) {
            return "IORING_OP_READ_FIXED";
        } else if (opcode == OP_WRITE_FIXED) {
            return "IORING_OP_WRITE_FIXED";
        } else if (opcode == OP_POLL_ADD) {
            return "IORING_OP_POLL_ADD";
        } else if (opcode == OP_TIMEOUT) {
            return "IORING_OP_TIMEOUT";
        } else if (opcode == OP_ACCEPT) {
            return "IORING_OP_ACCEPT";
        } else if (opcode == OP_ASYNC_CANCEL) {
            return "IORING_OP_ASYNC_CANCEL";
        } else if (opcode == OP_LINK_TIMEOUT) {
            return "IORING_OP_LINK_TIMEOUT";
        } else if (opcode == OP_READ) {
            return "IORING_OP_READ";
        } else if (opcode == OP_WRITE) {
            return "IORING_OP_WRITE";
        } else if (opcode == OP_SEND) {
            return "IORING_OP_SEND";
        } else if (opcode == OP_RECV) {
            return "IORING_OP_RECV";
        }
        return "IORING_OP_<" + opcode + ">";
    }

    /**
     * {@code io_uring_prep_nop}.
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param userData the word returned in the CQE
     */
    public static void prepNop(IoUringSyscalls.Ring ring, int index, long userData) {
        prep(ring, index, OP_NOP, -1, 0, 0, 0, userData);
    }

    /**
     * {@code io_uring_prep_read}: read into all of {@code buffer} at {@code position}.
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param fd       the fd, or a registered-file index with {@link #SQE_FIXED_FILE} added by {@link #addFlags}
     * @param buffer   native memory of at most {@link Integer#MAX_VALUE} bytes, valid until the CQE arrives
     * @param position the file offset, or -1 for the file position
     * @param userData the word returned in the CQE
     */
    public static void prepRead(IoUringSyscalls.Ring ring, int index, int fd, MemorySegment buffer, long position,
            long userData) {
        prepRw(ring, index, OP_READ, fd, buffer, position, userData);
    }

    /**
     * {@code io_uring_prep_write}: write all of {@code buffer} at {@code position}.
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param fd       the fd (or registered-file index)
     * @param buffer   native memory of at most {@link Integer#MAX_VALUE} bytes, valid until the CQE arrives
     * @param position the file offset, or -1 for the file position
     * @param userData the word returned in the CQE
     */
    public static void prepWrite(IoUringSyscalls.Ring ring, int index, int fd, MemorySegment buffer, long position,
            long userData) {
        prepRw(ring, index, OP_WRITE, fd, buffer, position, userData);
    }

    /**
     * {@code io_uring_prep_read_fixed}: read into a registered buffer (or a slice of one).
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param fd       the fd (or registered-file index)
     * @param buffer   memory inside registered buffer {@code bufIndex}
     * @param position the file offset
     * @param bufIndex the index given to {@link #registerBuffers}
     * @param userData the word returned in the CQE
     */
    public static void prepReadFixed(IoUringSyscalls.Ring ring, int index, int fd, MemorySegment buffer,
            long position, int bufIndex, long userData) {
        prepRw(ring, index, OP_READ_FIXED, fd, buffer, position, userData);
        io_uring_sqe.buf_index(sqe(ring, index), checkBufIndex(bufIndex));
    }

    /**
     * {@code io_uring_prep_write_fixed}: write from a registered buffer (or a slice of one).
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param fd       the fd (or registered-file index)
     * @param buffer   memory inside registered buffer {@code bufIndex}
     * @param position the file offset
     * @param bufIndex the index given to {@link #registerBuffers}
     * @param userData the word returned in the CQE
     */
    public static void prepWriteFixed(IoUringSyscalls.Ring ring, int index, int fd, MemorySegment buffer,
            long position, int bufIndex, long userData) {
        prepRw(ring, index, OP_WRITE_FIXED, fd, buffer, position, userData);
        io_uring_sqe.buf_index(sqe(ring, index), checkBufIndex(bufIndex));
    }

    /**
     * {@code io_uring_prep_fsync}.
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param fd       the fd (or registered-file index)
     * @param dataSync true for {@code fdatasync} semantics ({@code IORING_FSYNC_DATASYNC})
     * @param userData the word returned in the CQE
     */
    public static void prepFsync(IoUringSyscalls.Ring ring, int index, int fd, boolean dataSync, long userData) {
        MemorySegment sqe = prep(ring, index, OP_FSYNC, fd, 0, 0, 0, userData);
        io_uring_sqe.fsync_flags(sqe, dataSync ? FSYNC_DATASYNC : 0);
    }

    /**
     * {@code io_uring_prep_timeout}: completes with {@code -ETIME} when the time passes, or with 0 once
     * {@code count} other completions were posted.
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param timespec a {@link #TIMESPEC_BYTES} native segment written by {@link #writeTimespec}; it must stay
     *                 valid until the SQE is consumed (at {@code io_uring_enter}, or by the SQPOLL thread)
     * @param count    completions that end the timeout early, or 0 for a pure timer
     * @param flags    0 or {@link #TIMEOUT_ABS}
     * @param userData the word returned in the CQE
     */
    public static void prepTimeout(IoUringSyscalls.Ring ring, int index, MemorySegment timespec, int count,
            int flags, long userData) {
        checkTimespec(timespec);
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0: " + count);
        }
        MemorySegment sqe = prep(ring, index, OP_TIMEOUT, -1, timespec.address(), 1, count, userData);
        io_uring_sqe.timeout_flags(sqe, flags);
    }

    /**
     * {@code io_uring_prep_link_timeout}: bounds the SQE just before it, which must carry {@link #SQE_IO_LINK}.
     * When the time passes first, that request completes with {@code -ECANCELED} (or its own error) and this
     * one with {@code -ETIME}; otherwise this one completes with {@code -ECANCELED}.
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param timespec as for {@link #prepTimeout}
     * @param flags    0 or {@link #TIMEOUT_ABS}
     * @param userData the word returned in the CQE
     */
    public static void prepLinkTimeout(IoUringSyscalls.Ring ring, int index, MemorySegment timespec, int flags,
            long userData) {
        checkTimespec(timespec);
        MemorySegment sqe = prep(ring, index, OP_LINK_TIMEOUT, -1, timespec.address(), 1, 0, userData);
        io_uring_sqe.timeout_flags(sqe, flags);
    }

    /**
     * {@code io_uring_prep_cancel64}: cancels the request whose user data is {@code target}. Its CQE carries 0
     * (found and cancelled), {@code -ENOENT} (not found) or {@code -EALREADY} (running, may still complete).
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param target   the user data of the request to cancel
     * @param flags    0, or {@link #CANCEL_ALL} / {@link #CANCEL_ANY}
     * @param userData the word returned in the CQE
     */
    public static void prepCancel(IoUringSyscalls.Ring ring, int index, long target, int flags, long userData) {
        MemorySegment sqe = prep(ring, index, OP_ASYNC_CANCEL, -1, target, 0, 0, userData);
        io_uring_sqe.cancel_flags(sqe, flags);
    }

    /**
     * {@code io_uring_prep_accept} (or {@code io_uring_prep_multishot_accept}) without the peer address.
     *
     * @param ring        the ring
     * @param index       the SQ tail value of the slot
     * @param listener    the listening socket fd
     * @param socketFlags {@link Sockets#NONBLOCK} or 0, for the accepted socket ({@code SOCK_CLOEXEC} is added)
     * @param multishot   true to keep accepting (5.19); each CQE carries one new fd and {@link #CQE_F_MORE}
     * @param userData    the word returned in the CQE(s)
     */
    public static void prepAccept(IoUringSyscalls.Ring ring, int index, int listener, int socketFlags,
            boolean multishot, long userData) {
        Sockets.requireFlags(socketFlags, Sockets.NONBLOCK, "NONBLOCK");
        MemorySegment sqe = prep(ring, index, OP_ACCEPT, listener, 0, 0, 0, userData);
        io_uring_sqe.accept_flags(sqe, socketFlags | dev.panamax.ffm.internal.uapi.socket_h.SOCK_CLOEXEC());
        if (multishot) {
            io_uring_sqe.ioprio(sqe, (short) ACCEPT_MULTISHOT);
        }
    }

    /**
     * {@code io_uring_prep_recv}.
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param socket   the socket fd
     * @param buffer   where the bytes go, valid until the CQE arrives
     * @param msgFlags {@code MSG_*} flags
     * @param userData the word returned in the CQE
     */
    public static void prepRecv(IoUringSyscalls.Ring ring, int index, int socket, MemorySegment buffer,
            int msgFlags, long userData) {
        MemorySegment sqe = prep(ring, index, OP_RECV, socket, checkBuffer(buffer), length(buffer), 0, userData);
        io_uring_sqe.msg_flags(sqe, msgFlags);
    }

    /**
     * {@code io_uring_prep_send}.
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param socket   the socket fd
     * @param buffer   the bytes to send, valid until the CQE arrives
     * @param msgFlags {@code MSG_*} flags ({@link Sockets#NO_SIGNAL} recommended)
     * @param userData the word returned in the CQE
     */
    public static void prepSend(IoUringSyscalls.Ring ring, int index, int socket, MemorySegment buffer,
            int msgFlags, long userData) {
        MemorySegment sqe = prep(ring, index, OP_SEND, socket, checkBuffer(buffer), length(buffer), 0, userData);
        io_uring_sqe.msg_flags(sqe, msgFlags);
    }

    /**
     * {@code io_uring_prep_poll_add} (or {@code io_uring_prep_poll_multishot}).
     *
     * @param ring      the ring
     * @param index     the SQ tail value of the slot
     * @param fd        the fd to watch
     * @param events    {@link Epoll#IN}, {@link Epoll#OUT}, ... bits
     * @param multishot true to stay armed (5.13); each CQE carries the ready events and {@link #CQE_F_MORE}
     * @param userData  the word returned in the CQE(s)
     */
    public static void prepPollAdd(IoUringSyscalls.Ring ring, int index, int fd, int events, boolean multishot,
            long userData) {
        MemorySegment sqe = prep(ring, index, OP_POLL_ADD, fd, 0, multishot ? POLL_ADD_MULTI : 0, 0, userData);
        io_uring_sqe.poll32_events(sqe, events);
    }

    /**
     * Adds {@code IOSQE_*} flags to a prepared SQE.
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param sqeFlags {@link #SQE_IO_LINK}, {@link #SQE_IO_HARDLINK}, {@link #SQE_FIXED_FILE}, {@link #SQE_ASYNC}
     */
    public static void addFlags(IoUringSyscalls.Ring ring, int index, int sqeFlags) {
        if ((sqeFlags & ~ALLOWED_SQE_FLAGS) != 0) {
            throw new IllegalArgumentException("sqeFlags may only hold FIXED_FILE, IO_LINK, IO_HARDLINK, ASYNC: 0x"
                    + Integer.toHexString(sqeFlags));
        }
        MemorySegment sqe = sqe(ring, index);
        io_uring_sqe.flags(sqe, (byte) (io_uring_sqe.flags(sqe) | sqeFlags));
    }

    /**
     * Sets the multishot bit of a prepared {@link #prepRecv} ({@code IORING_RECV_MULTISHOT}, 6.0; needs a
     * provided-buffer group, so it is for callers that registered one).
     *
     * @param ring  the ring
     * @param index the SQ tail value of the slot
     */
    public static void setRecvMultishot(IoUringSyscalls.Ring ring, int index) {
        MemorySegment sqe = sqe(ring, index);
        io_uring_sqe.ioprio(sqe, (short) (io_uring_sqe.ioprio(sqe) | RECV_MULTISHOT));
    }

    /**
     * The user data of the CQE at a CQ head value.
     *
     * @param ring  the ring
     * @param index the CQ head value
     * @return the word given to the SQE
     */
    public static long cqeUserData(IoUringSyscalls.Ring ring, int index) {
        return ring.cqRing().get(ValueLayout.JAVA_LONG, ring.cqeOffset(index) + io_uring_cqe.user_data$offset());
    }

    /**
     * The result of the CQE at a CQ head value.
     *
     * @param ring  the ring
     * @param index the CQ head value
     * @return the operation's result, or a negated errno
     */
    public static int cqeResult(IoUringSyscalls.Ring ring, int index) {
        return ring.cqRing().get(ValueLayout.JAVA_INT, ring.cqeOffset(index) + io_uring_cqe.res$offset());
    }

    /**
     * The flags of the CQE at a CQ head value.
     *
     * @param ring  the ring
     * @param index the CQ head value
     * @return {@link #CQE_F_MORE}, ... bits
     */
    public static int cqeFlags(IoUringSyscalls.Ring ring, int index) {
        return ring.cqRing().get(ValueLayout.JAVA_INT, ring.cqeOffset(index) + io_uring_cqe.flags$offset());
    }

    /**
     * Writes a relative (or, with {@link #TIMEOUT_ABS}, absolute CLOCK_MONOTONIC) time into a timespec.
     *
     * @param timespec  a native segment of at least {@link #TIMESPEC_BYTES}
     * @param nanos     the time, >= 0
     */
    public static void writeTimespec(MemorySegment timespec, long nanos) {
        checkTimespec(timespec);
        Words.checkNonNegative("nanos", nanos);
        timespec.set(ValueLayout.JAVA_LONG, 0, nanos / NANOS_PER_SECOND);
        timespec.set(ValueLayout.JAVA_LONG, Long.BYTES, nanos % NANOS_PER_SECOND);
    }

    /**
     * Registers buffers for {@link #prepReadFixed}/{@link #prepWriteFixed} ({@code IORING_REGISTER_BUFFERS}):
     * the kernel pins their pages until {@link #unregisterBuffers} or the ring closes. Index {@code i} is
     * {@code buffers[i]}.
     *
     * @param ring    the ring
     * @param buffers native segments, each of 1 byte to 1 GiB
     * @throws ErrnoException e.g. EBUSY when buffers are already registered, ENOMEM over RLIMIT_MEMLOCK
     */
    public static void registerBuffers(IoUringSyscalls.Ring ring, MemorySegment... buffers) throws IOException {
        Objects.requireNonNull(buffers, "buffers");
        if (buffers.length == 0 || buffers.length > 16384) {
            throw new IllegalArgumentException("between 1 and 16384 buffers may be registered: " + buffers.length);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iovecs = arena.allocate(IOVEC_BYTES * buffers.length, Long.BYTES);
            for (int i = 0; i < buffers.length; i++) {
                MemorySegment b = Objects.requireNonNull(buffers[i], "buffers[" + i + "]");
                Words.checkNative("buffers[" + i + "]", b);
                if (b.byteSize() == 0 || b.byteSize() > (1L << 30)) {
                    throw new IllegalArgumentException("registered buffers must hold 1 byte to 1 GiB: "
                            + b.byteSize());
                }
                MemorySegment v = iovecs.asSlice(i * IOVEC_BYTES, IOVEC_BYTES);
                iovec.iov_base(v, b);
                iovec.iov_len(v, b.byteSize());
            }
            IoUringSyscalls.register(ring.fd(), io_uring_h.IORING_REGISTER_BUFFERS(), iovecs, buffers.length);
        }
    }

    /**
     * Unregisters the buffers of {@link #registerBuffers}.
     *
     * @param ring the ring
     * @throws ErrnoException ENXIO when none are registered
     */
    public static void unregisterBuffers(IoUringSyscalls.Ring ring) throws IOException {
        IoUringSyscalls.register(ring.fd(), io_uring_h.IORING_UNREGISTER_BUFFERS(), MemorySegment.NULL, 0);
    }

    /**
     * Registers files for {@link #SQE_FIXED_FILE} ({@code IORING_REGISTER_FILES}); index {@code i} is
     * {@code fds[i]}. The ring holds its own reference to each file.
     *
     * @param ring the ring
     * @param fds  open descriptors
     * @throws IOException ErrnoException e.g. EBADF, EBUSY when files are already registered
     */
    public static void registerFiles(IoUringSyscalls.Ring ring, Fd... fds) throws IOException {
        Objects.requireNonNull(fds, "fds");
        if (fds.length == 0 || fds.length > 65536) {
            throw new IllegalArgumentException("between 1 and 65536 files may be registered: " + fds.length);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment table = arena.allocate(ValueLayout.JAVA_INT, fds.length);
            for (int i = 0; i < fds.length; i++) {
                table.setAtIndex(ValueLayout.JAVA_INT, i, Objects.requireNonNull(fds[i], "fds[" + i + "]").fd());
            }
            IoUringSyscalls.register(ring.fd(), io_uring_h.IORING_REGISTER_FILES(), table, fds.length);
        }
    }

    /**
     * Unregisters the files of {@link #registerFiles}.
     *
     * @param ring the ring
     * @throws ErrnoException ENXIO when none are registered
     */
    public static void unregisterFiles(IoUringSyscalls.Ring ring) throws IOException {
        IoUringSyscalls.register(ring.fd(), io_uring_h.IORING_UNREGISTER_FILES(), MemorySegment.NULL, 0);
    }

    private static void prepRw(IoUringSyscalls.Ring ring, int index, int opcode, int fd, MemorySegment buffer,
            long position, long userData) {
        if (position < -1) {
            throw new IllegalArgumentException("position must be >= 0, or -1 for the file position: " + position);
        }
        prep(ring, index, opcode, fd, checkBuffer(buffer), length(buffer), position, userData);
    }

    private static MemorySegment prep(IoUringSyscalls.Ring ring, int index, int opcode, int fd, long addr, int len,
            long off, long userData) {
        MemorySegment sqe = sqe(ring, index);
        sqe.fill((byte) 0); // liburing io_uring_prep_rw: every field not set below must be zero
        io_uring_sqe.opcode(sqe, (byte) opcode);
        io_uring_sqe.fd(sqe, fd);
        io_uring_sqe.off(sqe, off);
        io_uring_sqe.addr(sqe, addr);
        io_uring_sqe.len(sqe, len);
        io_uring_sqe.user_data(sqe, userData);
        return sqe;
    }

    private static MemorySegment sqe(IoUringSyscalls.Ring ring, int index) {
        Objects.requireNonNull(ring, "ring");
        return ring.sqes().asSlice(ring.sqeOffset(index), ring.sqeBytes());
    }

    private static long checkBuffer(MemorySegment buffer) {
        Objects.requireNonNull(buffer, "buffer");
        Words.checkNative("buffer", buffer);
        if (buffer.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("one io_uring request moves at most 2^31 - 1 bytes: "
                    + buffer.byteSize());
        }
        return buffer.address();
    }

    private static int length(MemorySegment buffer) {
        return (int) buffer.byteSize();
    }

    private static short checkBufIndex(int bufIndex) {
        if (bufIndex < 0 || bufIndex > 0xffff) {
            throw new IllegalArgumentException("bufIndex must be in [0, 65535]: " + bufIndex);
        }
        return (short) bufIndex;
    }

    private static void checkTimespec(MemorySegment timespec) {
        Objects.requireNonNull(timespec, "timespec");
        Words.checkNative("timespec", timespec);
        if (timespec.byteSize() < TIMESPEC_BYTES) {
            throw new IllegalArgumentException("timespec needs " + TIMESPEC_BYTES + " bytes: " + timespec.byteSize());
        }
    }
}
