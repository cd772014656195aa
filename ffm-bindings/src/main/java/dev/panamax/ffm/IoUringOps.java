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
import dev.panamax.ffm.internal.uapi.fcntl_h;
import dev.panamax.ffm.internal.uapi.io_uring_buf;
import dev.panamax.ffm.internal.uapi.io_uring_buf_reg;
import dev.panamax.ffm.internal.uapi.iovec;
import dev.panamax.ffm.internal.uapi.stat_h;
import dev.panamax.ffm.internal.uapi.statx;
import dev.panamax.ffm.internal.uapi.uio_h;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
    /** {@code IORING_OP_READV}. */
    public static final int OP_READV = io_uring_h.IORING_OP_READV();
    /** {@code IORING_OP_WRITEV}. */
    public static final int OP_WRITEV = io_uring_h.IORING_OP_WRITEV();
    /** {@code IORING_OP_FALLOCATE} (5.6). */
    public static final int OP_FALLOCATE = io_uring_h.IORING_OP_FALLOCATE();
    /** {@code IORING_OP_OPENAT} (5.6). */
    public static final int OP_OPENAT = io_uring_h.IORING_OP_OPENAT();
    /** {@code IORING_OP_CLOSE} (5.6). */
    public static final int OP_CLOSE = io_uring_h.IORING_OP_CLOSE();
    /** {@code IORING_OP_STATX} (5.6). */
    public static final int OP_STATX = io_uring_h.IORING_OP_STATX();
    /** {@code IORING_OP_CONNECT} (5.5). */
    public static final int OP_CONNECT = io_uring_h.IORING_OP_CONNECT();
    /** {@code IORING_OP_SPLICE} (5.7). */
    public static final int OP_SPLICE = io_uring_h.IORING_OP_SPLICE();
    /** {@code IORING_OP_SEND_ZC} (6.0). */
    public static final int OP_SEND_ZC = io_uring_h.IORING_OP_SEND_ZC();

    /** SQE flag {@code IOSQE_FIXED_FILE}: the fd field is an index into the registered files. */
    public static final int SQE_FIXED_FILE = io_uring_h.IOSQE_FIXED_FILE();
    /** SQE flag {@code IOSQE_IO_LINK}: the next SQE starts only after this one succeeds. */
    public static final int SQE_IO_LINK = io_uring_h.IOSQE_IO_LINK();
    /** SQE flag {@code IOSQE_IO_HARDLINK}: like {@link #SQE_IO_LINK}, but a failure does not break the chain. */
    public static final int SQE_IO_HARDLINK = io_uring_h.IOSQE_IO_HARDLINK();
    /** SQE flag {@code IOSQE_ASYNC}: go straight to the io-wq worker pool. */
    public static final int SQE_ASYNC = io_uring_h.IOSQE_ASYNC();
    /** SQE flag {@code IOSQE_BUFFER_SELECT}: take the buffer from a provided-buffer group (set by
     *  {@link #prepRecvBufferSelect}). */
    public static final int SQE_BUFFER_SELECT = io_uring_h.IOSQE_BUFFER_SELECT();

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
    /** Setup flag {@code IORING_SETUP_TASKRUN_FLAG} (5.19, with COOP or DEFER_TASKRUN): raise {@link #SQ_TASKRUN}
     *  while completion task work waits, so a poller can see it without a system call. */
    public static final int SETUP_TASKRUN_FLAG = io_uring_h.IORING_SETUP_TASKRUN_FLAG();
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
    /** CQE flag {@code IORING_CQE_F_BUFFER}: the upper 16 bits hold the id of the provided buffer used. */
    public static final int CQE_F_BUFFER = io_uring_h.IORING_CQE_F_BUFFER();
    /** CQE flag {@code IORING_CQE_F_NOTIF}: the zero-copy notification; the kernel no longer reads the buffer. */
    public static final int CQE_F_NOTIF = io_uring_h.IORING_CQE_F_NOTIF();
    /** {@code IORING_CQE_BUFFER_SHIFT}: where the buffer id starts in the CQE flags. */
    public static final int CQE_BUFFER_SHIFT = io_uring_h.IORING_CQE_BUFFER_SHIFT();

    /** {@code AT_FDCWD}: a directory fd meaning the working directory, for {@link #prepOpenat}. */
    public static final int AT_FDCWD = fcntl_h.AT_FDCWD();
    /** Size of the {@code struct statx} that {@link #prepStatx} fills. */
    public static final long STATX_BYTES = statx.sizeof();
    /** Size of one {@code struct iovec}, as {@link #iovecs} writes them. */
    public static final long IOVEC_BYTES = iovec.sizeof();
    /** Size of one {@code struct io_uring_buf}, an entry of a provided-buffer ring. */
    public static final long BUF_RING_ENTRY_BYTES = io_uring_buf.sizeof();
    /** The most entries of a provided-buffer ring (the kernel's limit, a power of two). */
    public static final int MAX_BUF_RING_ENTRIES = 32768;
    /** The most buffers of one readv/writev ({@code UIO_MAXIOV}). */
    public static final int MAX_IOVECS = uio_h.UIO_MAXIOV();

    /** Timeout flag {@code IORING_TIMEOUT_ABS}: the timespec is an absolute CLOCK_MONOTONIC time. */
    public static final int TIMEOUT_ABS = io_uring_h.IORING_TIMEOUT_ABS();
    /** Cancel flag {@code IORING_ASYNC_CANCEL_ALL} (5.19): cancel every match, not only the first. */
    public static final int CANCEL_ALL = io_uring_h.IORING_ASYNC_CANCEL_ALL();
    /** Cancel flag {@code IORING_ASYNC_CANCEL_ANY} (5.19): match any request. */
    public static final int CANCEL_ANY = io_uring_h.IORING_ASYNC_CANCEL_ANY();

    /** Size of the {@code struct __kernel_timespec} that {@link #prepTimeout} points at (two s64). */
    public static final long TIMESPEC_BYTES = 2L * Long.BYTES;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    // struct io_uring_buf_ring overlays its u16 tail on bufs[0].resv (offset 14): the first entry's resv.
    private static final long BUF_RING_TAIL_OFFSET = io_uring_buf.resv$offset();
    private static final VarHandle BUF_RING_TAIL = ValueLayout.JAVA_SHORT.varHandle();
    private static final int STATX_MASK = stat_h.STATX_BASIC_STATS() | stat_h.STATX_DIOALIGN();
    private static final int SPLICE_FLAGS = fcntl_h.SPLICE_F_MOVE() | fcntl_h.SPLICE_F_NONBLOCK()
            | fcntl_h.SPLICE_F_MORE();
    private static final Map<Integer, String> OP_NAMES = Map.ofEntries(
            Map.entry(OP_NOP, "IORING_OP_NOP"), Map.entry(OP_FSYNC, "IORING_OP_FSYNC"),
            Map.entry(OP_READ_FIXED, "IORING_OP_READ_FIXED"), Map.entry(OP_WRITE_FIXED, "IORING_OP_WRITE_FIXED"),
            Map.entry(OP_POLL_ADD, "IORING_OP_POLL_ADD"), Map.entry(OP_TIMEOUT, "IORING_OP_TIMEOUT"),
            Map.entry(OP_ACCEPT, "IORING_OP_ACCEPT"), Map.entry(OP_ASYNC_CANCEL, "IORING_OP_ASYNC_CANCEL"),
            Map.entry(OP_LINK_TIMEOUT, "IORING_OP_LINK_TIMEOUT"), Map.entry(OP_READ, "IORING_OP_READ"),
            Map.entry(OP_WRITE, "IORING_OP_WRITE"), Map.entry(OP_SEND, "IORING_OP_SEND"),
            Map.entry(OP_RECV, "IORING_OP_RECV"), Map.entry(OP_READV, "IORING_OP_READV"),
            Map.entry(OP_WRITEV, "IORING_OP_WRITEV"), Map.entry(OP_FALLOCATE, "IORING_OP_FALLOCATE"),
            Map.entry(OP_OPENAT, "IORING_OP_OPENAT"), Map.entry(OP_CLOSE, "IORING_OP_CLOSE"),
            Map.entry(OP_STATX, "IORING_OP_STATX"), Map.entry(OP_CONNECT, "IORING_OP_CONNECT"),
            Map.entry(OP_SPLICE, "IORING_OP_SPLICE"), Map.entry(OP_SEND_ZC, "IORING_OP_SEND_ZC"));
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
        String name = OP_NAMES.get(opcode);
        if (name != null) {
            return name;
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
        setShort(ring, sqe(ring, index), io_uring_sqe.buf_index$offset(), checkBufIndex(bufIndex));
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
        setShort(ring, sqe(ring, index), io_uring_sqe.buf_index$offset(), checkBufIndex(bufIndex));
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
        long sqe = prep(ring, index, OP_FSYNC, fd, 0, 0, 0, userData);
        setInt(ring, sqe, io_uring_sqe.fsync_flags$offset(), dataSync ? FSYNC_DATASYNC : 0);
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
        long sqe = prep(ring, index, OP_TIMEOUT, -1, timespec.address(), 1, count, userData);
        setInt(ring, sqe, io_uring_sqe.timeout_flags$offset(), flags);
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
        long sqe = prep(ring, index, OP_LINK_TIMEOUT, -1, timespec.address(), 1, 0, userData);
        setInt(ring, sqe, io_uring_sqe.timeout_flags$offset(), flags);
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
        long sqe = prep(ring, index, OP_ASYNC_CANCEL, -1, target, 0, 0, userData);
        setInt(ring, sqe, io_uring_sqe.cancel_flags$offset(), flags);
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
        long sqe = prep(ring, index, OP_ACCEPT, listener, 0, 0, 0, userData);
        setInt(ring, sqe, io_uring_sqe.accept_flags$offset(),
                socketFlags | dev.panamax.ffm.internal.uapi.socket_h.SOCK_CLOEXEC());
        if (multishot) {
            setShort(ring, sqe, io_uring_sqe.ioprio$offset(), (short) ACCEPT_MULTISHOT);
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
        Words.checkWritable("recv buffer", buffer);
        long sqe = prep(ring, index, OP_RECV, socket, checkBuffer(buffer), length(buffer), 0, userData);
        setInt(ring, sqe, io_uring_sqe.msg_flags$offset(), msgFlags);
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
        long sqe = prep(ring, index, OP_SEND, socket, checkBuffer(buffer), length(buffer), 0, userData);
        setInt(ring, sqe, io_uring_sqe.msg_flags$offset(), msgFlags);
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
        long sqe = prep(ring, index, OP_POLL_ADD, fd, 0, multishot ? POLL_ADD_MULTI : 0, 0, userData);
        setInt(ring, sqe, io_uring_sqe.poll32_events$offset(), events);
    }

    /**
     * Writes one {@code struct iovec} per buffer into native memory from {@code allocator}, for
     * {@link #prepReadv}/{@link #prepWritev}.
     *
     * @param allocator where the array goes; it must stay valid until the request's CQE arrives
     * @param buffers   1 to {@link #MAX_IOVECS} live native segments
     * @return the iovec array, {@code buffers.length * IOVEC_BYTES} bytes
     * @throws IllegalArgumentException for no buffers, too many, or a heap segment
     * @throws IllegalStateException    for a segment whose arena is closed
     */
    public static MemorySegment iovecs(SegmentAllocator allocator, MemorySegment... buffers) {
        Objects.requireNonNull(allocator, "allocator");
        checkIovecBuffers(buffers);
        MemorySegment array = allocator.allocate(IOVEC_BYTES * buffers.length, Long.BYTES);
        for (int i = 0; i < buffers.length; i++) {
            MemorySegment v = array.asSlice(i * IOVEC_BYTES, IOVEC_BYTES);
            iovec.iov_base(v, buffers[i]);
            iovec.iov_len(v, buffers[i].byteSize());
        }
        return array;
    }

    /**
     * Checks buffers as {@link #iovecs} does, without allocating.
     *
     * @param buffers the buffers of a vectored request
     * @throws IllegalArgumentException for no buffers, too many, or a heap segment
     * @throws IllegalStateException    for a segment whose arena is closed
     */
    public static void checkIovecBuffers(MemorySegment... buffers) {
        Objects.requireNonNull(buffers, "buffers");
        if (buffers.length == 0 || buffers.length > MAX_IOVECS) {
            throw new IllegalArgumentException("a vectored request takes 1 to " + MAX_IOVECS + " buffers: "
                    + buffers.length);
        }
        for (int i = 0; i < buffers.length; i++) {
            Words.checkNative("buffers", i, Objects.requireNonNull(buffers[i], "buffers[" + i + "]"));
        }
    }

    /**
     * {@code io_uring_prep_readv}: read into the buffers an iovec array describes, in order.
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param fd       the fd (or registered-file index)
     * @param iovecs   an array from {@link #iovecs}, valid (with its buffers) until the CQE arrives
     * @param count    the number of iovecs, 1 to {@link #MAX_IOVECS}
     * @param position the file offset, or -1 for the file position
     * @param userData the word returned in the CQE
     */
    public static void prepReadv(IoUringSyscalls.Ring ring, int index, int fd, MemorySegment iovecs, int count,
            long position, long userData) {
        prepVectored(ring, index, OP_READV, fd, iovecs, count, position, userData);
    }

    /**
     * {@code io_uring_prep_writev}: write the buffers an iovec array describes, in order.
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param fd       the fd (or registered-file index)
     * @param iovecs   an array from {@link #iovecs}, valid (with its buffers) until the CQE arrives
     * @param count    the number of iovecs, 1 to {@link #MAX_IOVECS}
     * @param position the file offset, or -1 for the file position
     * @param userData the word returned in the CQE
     */
    public static void prepWritev(IoUringSyscalls.Ring ring, int index, int fd, MemorySegment iovecs, int count,
            long position, long userData) {
        prepVectored(ring, index, OP_WRITEV, fd, iovecs, count, position, userData);
    }

    private static void prepVectored(IoUringSyscalls.Ring ring, int index, int opcode, int fd,
            MemorySegment iovecs, int count, long position, long userData) {
        Objects.requireNonNull(iovecs, "iovecs");
        Words.checkNative("iovecs", iovecs);
        if (count < 1 || count > MAX_IOVECS || iovecs.byteSize() < count * IOVEC_BYTES) {
            throw new IllegalArgumentException("count must be in [1, " + MAX_IOVECS + "] and fit the "
                    + iovecs.byteSize() + "-byte iovec array: " + count);
        }
        checkPosition(position);
        prep(ring, index, opcode, fd, iovecs.address(), count, position, userData);
    }

    /**
     * {@code io_uring_prep_fallocate}: allocates (or with modes punches, zeroes, ...) a range of the file.
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param fd       the fd (or registered-file index)
     * @param modes    the modes; empty allocates and extends the size
     * @param position the start, >= 0
     * @param length   the bytes, > 0
     * @param userData the word returned in the CQE
     */
    public static void prepFallocate(IoUringSyscalls.Ring ring, int index, int fd, Set<Fd.FallocateMode> modes,
            long position, long length, long userData) {
        int mode = Fd.fallocateBits(modes);
        Words.checkNonNegative("position", position);
        if (length <= 0) {
            throw new IllegalArgumentException("length must be > 0, got " + length);
        }
        // liburing io_uring_prep_fallocate: the mode travels in len, the length in addr.
        prep(ring, index, OP_FALLOCATE, fd, length, mode, position, userData);
    }

    /**
     * {@code io_uring_prep_openat}: the CQE carries the new fd ({@code O_CLOEXEC} always added) or
     * {@code -errno}.
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param dirFd    the directory fd relative paths start from, or {@link #AT_FDCWD}
     * @param path     a NUL-terminated path ({@link Arena#allocateFrom(String)}), valid until the CQE arrives
     * @param flags    the open flags
     * @param mode     permission bits for created files, e.g. {@code 0644}
     * @param userData the word returned in the CQE
     */
    public static void prepOpenat(IoUringSyscalls.Ring ring, int index, int dirFd, MemorySegment path,
            Set<OpenFlag> flags, int mode, long userData) {
        long address = checkPath(path);
        int bits = OpenFlag.toBits(Objects.requireNonNull(flags, "flags"));
        long sqe = prep(ring, index, OP_OPENAT, dirFd, address, mode, 0, userData);
        setInt(ring, sqe, io_uring_sqe.open_flags$offset(), bits);
    }

    /**
     * {@code io_uring_prep_close}. The caller gives up the number: nothing may use it once the SQE is queued.
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param fd       the fd to close
     * @param userData the word returned in the CQE
     */
    public static void prepClose(IoUringSyscalls.Ring ring, int index, int fd, long userData) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd must be >= 0: " + fd);
        }
        prep(ring, index, OP_CLOSE, fd, 0, 0, 0, userData);
    }

    /**
     * {@code io_uring_prep_statx} with the mask {@code STATX_BASIC_STATS | STATX_DIOALIGN}, as {@link Fd#statx()}
     * asks; read the result with {@link #readStatx}.
     *
     * @param ring      the ring
     * @param index     the SQ tail value of the slot
     * @param dirFd     the directory fd (or the file itself with {@code emptyPath}), or {@link #AT_FDCWD}
     * @param path      a NUL-terminated path ({@code ""} with {@code emptyPath}), valid until the CQE arrives
     * @param emptyPath {@code AT_EMPTY_PATH}: describe {@code dirFd} itself
     * @param statxBuf  at least {@link #STATX_BYTES} bytes, 8-byte aligned, valid until the CQE arrives
     * @param userData  the word returned in the CQE
     */
    public static void prepStatx(IoUringSyscalls.Ring ring, int index, int dirFd, MemorySegment path,
            boolean emptyPath, MemorySegment statxBuf, long userData) {
        long address = checkPath(path);
        checkStatxBuffer(statxBuf);
        // liburing io_uring_prep_statx: path in addr, mask in len, the statx buffer in off (addr2).
        long sqe = prep(ring, index, OP_STATX, dirFd, address, STATX_MASK, statxBuf.address(), userData);
        setInt(ring, sqe, io_uring_sqe.statx_flags$offset(), emptyPath ? fcntl_h.AT_EMPTY_PATH() : 0);
    }

    /**
     * Checks a buffer for {@link #prepStatx}.
     *
     * @param statxBuf the buffer
     * @throws IllegalArgumentException when it is on the heap, too small or misaligned
     * @throws IllegalStateException    when its arena is closed
     */
    public static void checkStatxBuffer(MemorySegment statxBuf) {
        Objects.requireNonNull(statxBuf, "statxBuf");
        Words.checkNative("statx buffer", statxBuf);
        Words.checkWritable("statx buffer", statxBuf);
        if (statxBuf.byteSize() < STATX_BYTES) {
            throw new IllegalArgumentException("a statx buffer needs " + STATX_BYTES + " bytes: "
                    + statxBuf.byteSize());
        }
        Words.checkAligned("statx buffer", statxBuf, 0, Long.BYTES);
    }

    /**
     * Reads the {@code struct statx} a completed {@link #prepStatx} filled.
     *
     * @param statxBuf the buffer given to {@link #prepStatx}
     * @return the attributes
     */
    public static Statx readStatx(MemorySegment statxBuf) {
        checkStatxBuffer(statxBuf);
        return Statx.read(statxBuf);
    }

    /**
     * {@code io_uring_prep_connect}.
     *
     * @param ring        the ring
     * @param index       the SQ tail value of the slot
     * @param socket      the socket fd
     * @param sockaddr    the peer written by {@link Sockets#writeAddress}, valid until the CQE arrives
     * @param addressLength the length {@link Sockets#writeAddress} returned
     * @param userData    the word returned in the CQE
     */
    public static void prepConnect(IoUringSyscalls.Ring ring, int index, int socket, MemorySegment sockaddr,
            int addressLength, long userData) {
        Objects.requireNonNull(sockaddr, "sockaddr");
        Words.checkNative("sockaddr", sockaddr);
        if (addressLength <= 0 || addressLength > sockaddr.byteSize()) {
            throw new IllegalArgumentException("addressLength must be in [1, " + sockaddr.byteSize() + "]: "
                    + addressLength);
        }
        // liburing io_uring_prep_connect: the address length travels in off.
        prep(ring, index, OP_CONNECT, socket, sockaddr.address(), 0, addressLength, userData);
    }

    /**
     * {@code io_uring_prep_send_zc}: sends without copying. Two CQEs follow: the result (bytes or
     * {@code -errno}) with {@link #CQE_F_MORE} when a notification follows, then the notification with
     * {@link #CQE_F_NOTIF}; the buffer must stay valid and unchanged until the notification.
     *
     * @param ring     the ring
     * @param index    the SQ tail value of the slot
     * @param socket   the socket fd
     * @param buffer   the bytes to send
     * @param msgFlags {@code MSG_*} flags ({@link Sockets#NO_SIGNAL} recommended)
     * @param userData the word returned in both CQEs
     */
    public static void prepSendZc(IoUringSyscalls.Ring ring, int index, int socket, MemorySegment buffer,
            int msgFlags, long userData) {
        long sqe = prep(ring, index, OP_SEND_ZC, socket, checkBuffer(buffer), length(buffer), 0, userData);
        setInt(ring, sqe, io_uring_sqe.msg_flags$offset(), msgFlags);
    }

    /**
     * {@code io_uring_prep_splice}: moves up to {@code length} bytes between two fds, one of which is a pipe.
     *
     * @param ring        the ring
     * @param index       the SQ tail value of the slot
     * @param fdIn        the source fd
     * @param offsetIn    the source offset, or -1 (a pipe, or the file position)
     * @param fdOut       the destination fd
     * @param offsetOut   the destination offset, or -1
     * @param length      the most bytes to move, > 0
     * @param spliceFlags {@link ZeroCopy#MOVE}, {@link ZeroCopy#NONBLOCK}, {@link ZeroCopy#MORE} bits
     * @param userData    the word returned in the CQE
     */
    public static void prepSplice(IoUringSyscalls.Ring ring, int index, int fdIn, long offsetIn, int fdOut,
            long offsetOut, int length, int spliceFlags, long userData) {
        checkPosition(offsetIn);
        checkPosition(offsetOut);
        if (length <= 0) {
            throw new IllegalArgumentException("length must be > 0: " + length);
        }
        Sockets.requireFlags(spliceFlags, SPLICE_FLAGS, "MOVE, NONBLOCK, MORE");
        long sqe = prep(ring, index, OP_SPLICE, fdOut, 0, length, offsetOut, userData);
        setLong(ring, sqe, io_uring_sqe.splice_off_in$offset(), offsetIn);
        setInt(ring, sqe, io_uring_sqe.splice_fd_in$offset(), fdIn);
        setInt(ring, sqe, io_uring_sqe.splice_flags$offset(), spliceFlags);
    }

    /**
     * {@code io_uring_prep_recv} with {@code IOSQE_BUFFER_SELECT}: the kernel picks a buffer of group
     * {@code groupId} when data arrives; the CQE flags carry {@link #CQE_F_BUFFER} and the buffer id
     * ({@link #cqeBufferId}). With no buffer left the CQE carries {@code -ENOBUFS}.
     *
     * @param ring      the ring
     * @param index     the SQ tail value of the slot
     * @param socket    the socket fd
     * @param groupId   the group of {@link #registerBufferRing}, in [0, 65535]
     * @param msgFlags  {@code MSG_*} flags
     * @param multishot true to stay armed ({@code IORING_RECV_MULTISHOT}, 6.0): one CQE per received chunk
     * @param userData  the word returned in the CQE(s)
     */
    public static void prepRecvBufferSelect(IoUringSyscalls.Ring ring, int index, int socket, int groupId,
            int msgFlags, boolean multishot, long userData) {
        short group = checkGroupId(groupId);
        long sqe = prep(ring, index, OP_RECV, socket, 0, 0, 0, userData);
        setInt(ring, sqe, io_uring_sqe.msg_flags$offset(), msgFlags);
        setByte(ring, sqe, io_uring_sqe.flags$offset(), (byte) SQE_BUFFER_SELECT);
        setShort(ring, sqe, io_uring_sqe.buf_group$offset(), group);
        if (multishot) {
            setShort(ring, sqe, io_uring_sqe.ioprio$offset(), (short) RECV_MULTISHOT);
        }
    }

    /**
     * The id of the provided buffer a CQE used.
     *
     * @param cqeFlags the CQE flags
     * @return the buffer id, or -1 when {@link #CQE_F_BUFFER} is not set
     */
    public static int cqeBufferId(int cqeFlags) {
        return (cqeFlags & CQE_F_BUFFER) != 0 ? cqeFlags >>> CQE_BUFFER_SHIFT : -1;
    }

    /**
     * Registers a provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}, 5.19) of {@code entries}
     * {@link #BUF_RING_ENTRY_BYTES}-byte entries that the application fills with {@link #writeBufRingEntry} and
     * publishes with {@link #setBufRingTailRelease}. The memory must stay valid until
     * {@link #unregisterBufferRing}.
     *
     * @param ring       the ring
     * @param bufRing    page-aligned native memory of {@code entries * BUF_RING_ENTRY_BYTES} bytes or more
     * @param entries    a power of two in [1, {@link #MAX_BUF_RING_ENTRIES}]
     * @param groupId    the buffer group id, in [0, 65535]
     * @throws ErrnoException EEXIST when the group is registered, EINVAL on kernels before 5.19
     */
    public static void registerBufferRing(IoUringSyscalls.Ring ring, MemorySegment bufRing, int entries,
            int groupId) throws IOException {
        Objects.requireNonNull(ring, "ring");
        checkBufRing(bufRing, entries);
        Words.checkAligned("buffer ring", bufRing, 0, Memory.pageSize());
        short group = checkGroupId(groupId);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reg = io_uring_buf_reg.allocate(arena);
            reg.fill((byte) 0);
            io_uring_buf_reg.ring_addr(reg, bufRing.address());
            io_uring_buf_reg.ring_entries(reg, entries);
            io_uring_buf_reg.bgid(reg, group);
            IoUringSyscalls.register(ring.fd(), io_uring_h.IORING_REGISTER_PBUF_RING(), reg, 1);
        }
    }

    /**
     * Unregisters a provided-buffer ring ({@code IORING_UNREGISTER_PBUF_RING}).
     *
     * @param ring    the ring
     * @param groupId the group id
     * @throws ErrnoException ENOENT when no such group is registered
     */
    public static void unregisterBufferRing(IoUringSyscalls.Ring ring, int groupId) throws IOException {
        Objects.requireNonNull(ring, "ring");
        short group = checkGroupId(groupId);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reg = io_uring_buf_reg.allocate(arena);
            reg.fill((byte) 0);
            io_uring_buf_reg.bgid(reg, group);
            IoUringSyscalls.register(ring.fd(), io_uring_h.IORING_UNREGISTER_PBUF_RING(), reg, 1);
        }
    }

    /**
     * Fills entry {@code slot & (entries - 1)} of a provided-buffer ring ({@code io_uring_buf_ring_add}); the
     * kernel sees it only after {@link #setBufRingTailRelease} moves the tail past it.
     *
     * @param bufRing  the ring memory given to {@link #registerBufferRing}
     * @param entries  its entry count, a power of two
     * @param slot     a free-running tail value
     * @param buffer   the buffer, 1 byte to 2^31 - 1 bytes of native memory
     * @param bufferId the id the CQE will carry, in [0, 65535]
     */
    public static void writeBufRingEntry(MemorySegment bufRing, int entries, int slot, MemorySegment buffer,
            int bufferId) {
        checkBufRing(bufRing, entries);
        long address = checkBuffer(buffer);
        if (buffer.byteSize() == 0) {
            throw new IllegalArgumentException("a provided buffer must hold at least 1 byte");
        }
        Words.checkWritable("provided buffer", buffer);
        short id = checkGroupId(bufferId);
        MemorySegment entry = bufRing.asSlice((slot & (entries - 1)) * BUF_RING_ENTRY_BYTES, BUF_RING_ENTRY_BYTES);
        io_uring_buf.addr(entry, address);
        io_uring_buf.len(entry, length(buffer));
        io_uring_buf.bid(entry, id);
    }

    /**
     * Publishes provided-buffer ring entries up to {@code tail} ({@code io_uring_buf_ring_advance}), with memory
     * effects as specified by {@link VarHandle#setRelease}: the entry writes before it are visible to the kernel
     * once it reads the tail.
     *
     * @param bufRing the ring memory given to {@link #registerBufferRing}
     * @param tail    the new free-running tail (stored as a u16)
     */
    public static void setBufRingTailRelease(MemorySegment bufRing, int tail) {
        Objects.requireNonNull(bufRing, "bufRing");
        Words.checkNative("buffer ring", bufRing);
        if (bufRing.byteSize() < BUF_RING_ENTRY_BYTES) {
            throw new IllegalArgumentException("buffer ring too small: " + bufRing.byteSize());
        }
        BUF_RING_TAIL.setRelease(bufRing, BUF_RING_TAIL_OFFSET, (short) tail);
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
        long flags = sqe(ring, index) + io_uring_sqe.flags$offset();
        ring.sqes().set(ValueLayout.JAVA_BYTE, flags,
                (byte) (ring.sqes().get(ValueLayout.JAVA_BYTE, flags) | sqeFlags));
    }

    /**
     * Sets the multishot bit of a prepared {@link #prepRecv} ({@code IORING_RECV_MULTISHOT}, 6.0; needs a
     * provided-buffer group, so it is for callers that registered one).
     *
     * @param ring  the ring
     * @param index the SQ tail value of the slot
     */
    public static void setRecvMultishot(IoUringSyscalls.Ring ring, int index) {
        long ioprio = sqe(ring, index) + io_uring_sqe.ioprio$offset();
        ring.sqes().set(ValueLayout.JAVA_SHORT, ioprio,
                (short) (ring.sqes().get(ValueLayout.JAVA_SHORT, ioprio) | RECV_MULTISHOT));
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
        checkPosition(position);
        if (opcode == OP_READ || opcode == OP_READ_FIXED) {
            Words.checkWritable("read buffer", buffer);
        }
        prep(ring, index, opcode, fd, checkBuffer(buffer), length(buffer), position, userData);
    }

    // Returns the SQE's offset in ring.sqes(), where the caller writes its own fields.
    private static long prep(IoUringSyscalls.Ring ring, int index, int opcode, int fd, long addr, int len, long off,
            long userData) {
        long sqe = sqe(ring, index);
        // liburing io_uring_prep_rw: every field not set below must be zero. An SQE is 64 or 128 bytes, 64-aligned.
        for (long at = sqe, end = sqe + ring.sqeBytes(); at < end; at += Long.BYTES) {
            ring.sqes().set(ValueLayout.JAVA_LONG, at, 0L);
        }
        setByte(ring, sqe, io_uring_sqe.opcode$offset(), (byte) opcode);
        setInt(ring, sqe, io_uring_sqe.fd$offset(), fd);
        setLong(ring, sqe, io_uring_sqe.off$offset(), off);
        setLong(ring, sqe, io_uring_sqe.addr$offset(), addr);
        setInt(ring, sqe, io_uring_sqe.len$offset(), len);
        setLong(ring, sqe, io_uring_sqe.user_data$offset(), userData);
        return sqe;
    }

    /*
     * The offset in ring.sqes() of the SQE for SQ index `index`. Fields are written there in place (each field at its
     * natural alignment), never through a slice of the SQE: a slice per request is an object that only C2's escape
     * analysis removes, and it did not on every path (IoUringAllocationTest saw 40 bytes per queued write).
     */
    private static long sqe(IoUringSyscalls.Ring ring, int index) {
        Objects.requireNonNull(ring, "ring");
        return ring.sqeOffset(index);
    }

    private static void setByte(IoUringSyscalls.Ring ring, long sqe, long field, byte value) {
        ring.sqes().set(ValueLayout.JAVA_BYTE, sqe + field, value);
    }

    private static void setShort(IoUringSyscalls.Ring ring, long sqe, long field, short value) {
        ring.sqes().set(ValueLayout.JAVA_SHORT, sqe + field, value);
    }

    private static void setInt(IoUringSyscalls.Ring ring, long sqe, long field, int value) {
        ring.sqes().set(ValueLayout.JAVA_INT, sqe + field, value);
    }

    private static void setLong(IoUringSyscalls.Ring ring, long sqe, long field, long value) {
        ring.sqes().set(ValueLayout.JAVA_LONG, sqe + field, value);
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

    private static void checkPosition(long position) {
        if (position < -1) {
            throw new IllegalArgumentException("position must be >= 0, or -1 for the file position: " + position);
        }
    }

    private static long checkPath(MemorySegment path) {
        Objects.requireNonNull(path, "path");
        Words.checkNative("path", path);
        if (path.byteSize() == 0 || path.get(ValueLayout.JAVA_BYTE, path.byteSize() - 1) != 0) {
            throw new IllegalArgumentException("path must be a NUL-terminated string (Arena.allocateFrom): " + path);
        }
        return path.address();
    }

    private static void checkBufRing(MemorySegment bufRing, int entries) {
        Objects.requireNonNull(bufRing, "bufRing");
        Words.checkNative("buffer ring", bufRing);
        if (entries < 1 || entries > MAX_BUF_RING_ENTRIES || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("buffer ring entries must be a power of two in [1, "
                    + MAX_BUF_RING_ENTRIES + "]: " + entries);
        }
        if (bufRing.byteSize() < entries * BUF_RING_ENTRY_BYTES) {
            throw new IllegalArgumentException("a buffer ring of " + entries + " entries needs "
                    + entries * BUF_RING_ENTRY_BYTES + " bytes: " + bufRing.byteSize());
        }
    }

    private static short checkGroupId(int id) {
        if (id < 0 || id > 0xffff) {
            throw new IllegalArgumentException("buffer group and buffer ids must be in [0, 65535]: " + id);
        }
        return (short) id;
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
