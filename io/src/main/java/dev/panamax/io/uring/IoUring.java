/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.uring;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.IoUringOps;
import dev.panamax.ffm.IoUringSyscalls;
import dev.panamax.ffm.OpenFlag;
import dev.panamax.ffm.Sockets;
import dev.panamax.ffm.Statx;
import dev.panamax.ffm.ZeroCopy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A high-level io_uring: an SQ/CQ pair owned by one thread, with submission batching, completion reaping, CQ
 * overflow handling, linked requests, registered buffers and files, provided-buffer rings ({@link BufferRing}),
 * timeouts and cancellation. Each request names a {@link Completion} that runs on the owner thread, inside
 * {@link #reap()}, with the kernel's result.
 *
 * <p>Operations: NOP, READ/WRITE (and on registered files), READV/WRITEV, READ_FIXED/WRITE_FIXED, FSYNC,
 * FALLOCATE, OPENAT, CLOSE, STATX, TIMEOUT, LINK_TIMEOUT, ASYNC_CANCEL, POLL_ADD, ACCEPT, CONNECT, RECV (into a
 * buffer or a provided-buffer ring), SEND, SEND_ZC and SPLICE. An operation the running kernel lacks
 * ({@code IORING_REGISTER_PROBE}) throws {@link UnsupportedOperationException} naming the opcode and the kernel,
 * before any SQE is taken; so does every argument check.
 *
 * <p>Lifetime of buffers: the ring keeps a strong reference to every buffer (and to the iovec arrays, paths,
 * socket addresses and timespecs it builds) until the request's last completion arrives (for SEND_ZC the
 * notification), so a buffer from {@link Arena#ofAuto()} cannot be freed while the kernel may still use it. A
 * buffer from an arena the caller closes explicitly must stay open until then: the ring cannot stop
 * {@link Arena#close()}. {@link #close()} cancels every request in flight and waits (up to 10 s) for their
 * completions before it unmaps the ring.
 *
 * <p>Threading: not thread-safe. The creating thread is the owner and the only one that may prepare, submit,
 * reap or close; others get a {@link WrongThreadException}. With {@code IORING_SETUP_SINGLE_ISSUER} the kernel
 * enforces the same rule.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/io_uring.7.html">io_uring(7)</a>
 */
public final class IoUring implements AutoCloseable {

    /*
     * Overview.
     *
     * User data encoding (64 bits, the CQE's user_data):
     *
     *   63            32 31             0
     *   +---------------+----------------+
     *   |  generation   |   slot index   |     slot: index into the in-flight tables below
     *   +---------------+----------------+     generation: bumped each time the slot is reused
     *
     * A CQE whose generation does not match its slot is stale (e.g. the -ENOENT of a cancel aimed at a request
     * that already finished) and is dropped. INTERNAL (all ones) marks requests the ring issues itself (the
     * cancels of close()); their CQEs are consumed silently.
     *
     * In-flight tables (owner thread only, plain accesses): completions[slot], keepAlive[slot] (the buffer, or an
     * Object[] of the buffers, iovec array, path or sockaddr the kernel reads, or the BufferRing), and a
     * 16-byte timespec per slot in chunks of CHUNK slots that are never freed before close, because the kernel
     * (or the SQPOLL thread) reads a timespec when it consumes the SQE, possibly after enter returns.
     *
     * Queuing: a request runs every check and fills the SQE at index sqTail before it takes anything; claim()
     * then takes the SQE (sqTail + 1) and the in-flight slot, and cannot throw. A request that fails on the way
     * (a bad argument, a full table) leaves the tail, and so the stale or half-written SQE there, unpublished, and
     * no slot taken: the next request overwrites that entry.
     *
     * Link chains: link() writes nothing into the SQE it links; it sets chain to LINKED. The next queuing call
     * moves it to FOLLOWER as its first step (startQueueing), and that call's claim() sets IOSQE_IO_LINK on the
     * SQE before it. A call refused on the way leaves FOLLOWER behind and no flag; the queuing call after it (or
     * link, reserve, a submission) finds FOLLOWER and ends the chain, so the linked request runs alone instead of
     * dragging into its fate whatever request is queued next, often another caller's.
     *
     * Ring indices: sqTail is our private copy of the SQ tail; SQEs are published with one release store per
     * batch in submit(). The SQ head and CQ tail are read with acquire (kernel writes), the CQ head is stored
     * with release after each CQE is read, before its completion runs, so a completion may re-enter the ring.
     *
     * Overflow: with IORING_FEAT_NODROP the kernel keeps CQEs that do not fit the CQ and raises
     * IORING_SQ_CQ_OVERFLOW; reap() then enters with GETEVENTS to flush them into the CQ and reaps again.
     * io_uring_enter returns EBUSY/EAGAIN while the backlog is full; submit() reaps and retries.
     */

    /** Receives the result of a request, on the ring's owner thread. */
    @FunctionalInterface
    public interface Completion {
        /**
         * Called once per CQE of the request (several times for a multishot request while {@code flags} has
         * {@link IoUringOps#CQE_F_MORE}).
         *
         * @param result the operation's result (bytes, fd, 0), or a negated errno such as {@code -ECANCELED}
         * @param flags  the CQE flags
         */
        void complete(int result, int flags);
    }

    /**
     * How to set a ring up.
     *
     * @param entries      SQ entries, a power of two in [1, 32768]
     * @param cqEntries    CQ entries (0: the kernel default of {@code 2 * entries}); at least {@code entries}
     * @param sqPoll       true for a kernel SQ polling thread ({@code IORING_SETUP_SQPOLL})
     * @param sqPollIdleMs with {@code sqPoll}: how long the kernel thread spins before it sleeps
     */
    public record Options(int entries, int cqEntries, boolean sqPoll, int sqPollIdleMs) {

        /**
         * Checks the sizes.
         *
         * @throws IllegalArgumentException when a size is out of range
         */
        public Options {
            if (entries <= 0 || entries > IoUringSyscalls.MAX_ENTRIES || Integer.bitCount(entries) != 1) {
                throw new IllegalArgumentException("entries must be a power of two in [1, "
                        + IoUringSyscalls.MAX_ENTRIES + "]: " + entries);
            }
            if (cqEntries != 0 && cqEntries < entries) {
                throw new IllegalArgumentException("cqEntries must be 0 or >= entries (" + entries + "): "
                        + cqEntries);
            }
            if (sqPollIdleMs < 0) {
                throw new IllegalArgumentException("sqPollIdleMs must be >= 0: " + sqPollIdleMs);
            }
        }

        /**
         * A ring of {@code entries} SQEs with default CQ size and no SQPOLL.
         *
         * @param entries SQ entries, a power of two
         * @return the options
         */
        public static Options of(int entries) {
            return new Options(entries, 0, false, 0);
        }
    }

    private static final long INTERNAL = -1L;
    private static final int CHUNK = 64;
    private static final int MAX_IN_FLIGHT = 1 << 20;
    private static final int CHAIN_NONE = 0; // no link pending
    private static final int CHAIN_LINKED = 1; // link() was called; the next queuing call continues the chain
    private static final int CHAIN_FOLLOWER = 2; // that call has started; its claim() links the SQE before it
    private static final int SUBMIT_RETRIES = 16;
    private static final long CLOSE_TIMEOUT_NS = 10_000_000_000L;
    private static final long CLOSE_TICK_NS = 100_000_000L;
    private static final long SQ_WAIT_TIMEOUT_NS = 1_000_000_000L;
    private static final long SOCKADDR_BYTES = 128; // sizeof(struct sockaddr_storage)

    private final IoUringSyscalls.Ring ring;
    private final Set<Integer> supportedOps;
    private final Thread owner;
    private final Arena arena;
    private final List<MemorySegment> timespecChunks = new ArrayList<>();
    private final List<BufferRing> bufferRings = new ArrayList<>(); // owner only: closed with the ring
    private final boolean sqPoll;
    private final boolean noDrop;
    private final boolean peekMustEnter; // DEFER_TASKRUN without TASKRUN_FLAG: deferred completions are not flagged
    private final int sqEntries;

    private Completion[] completions = new Completion[CHUNK];
    private Object[] keepAlive = new Object[CHUNK];
    private int[] generations = new int[CHUNK];
    private int[] freeSlots = new int[CHUNK];
    private int freeCount;
    private int capacity;
    private int inFlight;
    private int sqTail; // owner only: SQEs prepared up to here; the ring's tail is published in submit()
    private int published; // owner only: the SQ tail last stored to the ring
    private int lastPrepared = -1; // owner only: SQ index of the latest SQE, for link() and linkTimeout()
    private int chain = CHAIN_NONE; // owner only: CHAIN_NONE, CHAIN_LINKED or CHAIN_FOLLOWER (see the overview)
    private MemorySegment[] registeredBuffers; // owner only: keeps registered buffers reachable
    private boolean reaping;
    private boolean closed;
    private Throwable closeFailure; // owner only: what completions threw while close() drained, rethrown by it
    private long overflowFlushes;
    private int lastDropCount;

    private IoUring(IoUringSyscalls.Ring ring, Set<Integer> supportedOps) {
        this.ring = ring;
        this.supportedOps = supportedOps;
        this.owner = Thread.currentThread();
        this.arena = Arena.ofShared();
        this.sqPoll = (ring.setupFlags() & IoUringOps.SETUP_SQPOLL) != 0;
        this.noDrop = (ring.features() & IoUringOps.FEAT_NODROP) != 0;
        this.peekMustEnter = (ring.setupFlags() & IoUringOps.SETUP_DEFER_TASKRUN) != 0
                && (ring.setupFlags() & IoUringOps.SETUP_TASKRUN_FLAG) == 0;
        this.sqEntries = ring.sqEntries();
        this.sqTail = ring.getSqTail();
        this.published = sqTail;
        this.lastDropCount = ring.getCqOverflowOpaque();
        grow();
    }

    /**
     * Creates a ring with the best setup flags the kernel accepts: {@code SUBMIT_ALL}, {@code COOP_TASKRUN},
     * {@code TASKRUN_FLAG} (for {@link #peekCompletions()}), {@code SINGLE_ISSUER} and {@code DEFER_TASKRUN}
     * (Linux 6.1), falling back flag group by flag group on {@code EINVAL} from older kernels. The calling thread
     * becomes the owner.
     *
     * @param options sizes and SQPOLL
     * @return the ring
     * @throws IOException           ErrnoException when the kernel refuses the ring
     * @throws UnsupportedOperationException when io_uring is unavailable here, with
     *                                       {@link IoUringSyscalls#FEATURE}'s cause
     */
    public static IoUring open(Options options) throws IOException {
        return open(options, null);
    }

    // Package-private so tests can simulate a kernel without some opcodes; null: probe the kernel.
    static IoUring open(Options options, Set<Integer> opsOverride) throws IOException {
        Objects.requireNonNull(options, "options");
        IoUringSyscalls.FEATURE.ensureAvailable();
        int base = options.sqPoll() ? IoUringOps.SETUP_SQPOLL : 0;
        int[] candidates = options.sqPoll()
                ? new int[] {base | IoUringOps.SETUP_SUBMIT_ALL, base}
                : new int[] {
                    IoUringOps.SETUP_SUBMIT_ALL | IoUringOps.SETUP_COOP_TASKRUN | IoUringOps.SETUP_TASKRUN_FLAG
                            | IoUringOps.SETUP_SINGLE_ISSUER | IoUringOps.SETUP_DEFER_TASKRUN,
                    IoUringOps.SETUP_SUBMIT_ALL | IoUringOps.SETUP_COOP_TASKRUN | IoUringOps.SETUP_TASKRUN_FLAG,
                    0};
        ErrnoException last = null;
        for (int flags : candidates) {
            IoUringSyscalls.Ring ring;
            try {
                ring = IoUringOps.open(options.entries(), options.cqEntries(), flags, options.sqPollIdleMs());
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EINVAL) {
                    throw e;
                }
                last = e; // an older kernel that does not know one of the flags: try the next group
                continue;
            }
            try {
                Set<Integer> ops = opsOverride != null ? opsOverride : IoUringSyscalls.probe(ring.fd());
                return new IoUring(ring, ops);
            } catch (IOException | RuntimeException | Error e) {
                try {
                    ring.close();
                } catch (ErrnoException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
        throw Objects.requireNonNull(last);
    }

    /**
     * The {@code IORING_SETUP_*} flags the kernel accepted.
     *
     * @return the setup flags
     */
    public int setupFlags() {
        return ring.setupFlags();
    }

    /**
     * The SQ size.
     *
     * @return the number of SQEs
     */
    public int sqEntries() {
        return sqEntries;
    }

    /**
     * The CQ size.
     *
     * @return the number of CQEs
     */
    public int cqEntries() {
        return ring.cqEntries();
    }

    /**
     * Tells whether this kernel supports an opcode (from {@code IORING_REGISTER_PROBE}).
     *
     * @param opcode an {@code IoUringOps.OP_*} value
     * @return true if supported
     */
    public boolean supports(int opcode) {
        return supportedOps.contains(opcode);
    }

    /**
     * The requests submitted or prepared whose last completion has not been reaped.
     *
     * @return the count
     */
    public int inFlight() {
        return inFlight;
    }

    /**
     * How many times {@link #reap()} found {@code IORING_SQ_CQ_OVERFLOW} and flushed the kernel's backlog.
     *
     * @return the count
     */
    public long overflowFlushes() {
        return overflowFlushes;
    }

    /**
     * SQEs prepared but not yet handed to the kernel by {@link #submit()}.
     *
     * @return the count
     */
    public int pending() {
        return sqTail - published;
    }

    /**
     * Queues a no-op.
     *
     * @param completion receives 0
     * @return the request id, for {@link #cancel}
     */
    public long nop(Completion completion) {
        startQueueing();
        int index = nextSqe(IoUringOps.OP_NOP, completion);
        long userData = nextUserData();
        IoUringOps.prepNop(ring, index, userData);
        return claim(index, completion, null);
    }

    /**
     * Queues a read into all of {@code buffer}.
     *
     * @param fd         the file
     * @param buffer     native memory; kept reachable until the completion
     * @param position   the file offset, or -1 for the file position (pipes, sockets)
     * @param completion receives the bytes read (0 at end of file) or {@code -errno}
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code fd} is closed
     */
    public long read(Fd fd, MemorySegment buffer, long position, Completion completion) throws IOException {
        startQueueing();
        return rw(IoUringOps.OP_READ, fd.intValue(), false, buffer, position, -1, completion);
    }

    /**
     * Queues a write of all of {@code buffer}.
     *
     * @param fd         the file
     * @param buffer     native memory; kept reachable until the completion
     * @param position   the file offset, or -1 for the file position
     * @param completion receives the bytes written or {@code -errno}
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code fd} is closed
     */
    public long write(Fd fd, MemorySegment buffer, long position, Completion completion) throws IOException {
        startQueueing();
        return rw(IoUringOps.OP_WRITE, fd.intValue(), false, buffer, position, -1, completion);
    }

    /**
     * Queues a read into registered buffer {@code bufIndex} ({@code IORING_OP_READ_FIXED}).
     *
     * @param fd         the file
     * @param bufIndex   the index given to {@link #registerBuffers}
     * @param buffer     that buffer or a slice of it
     * @param position   the file offset
     * @param completion receives the bytes read or {@code -errno} ({@code -EFAULT} outside the buffer)
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code fd} is closed
     */
    public long readFixed(Fd fd, int bufIndex, MemorySegment buffer, long position, Completion completion)
            throws IOException {
        startQueueing();
        return rw(IoUringOps.OP_READ_FIXED, fd.intValue(), false, buffer, position, bufIndex, completion);
    }

    /**
     * Queues a write from registered buffer {@code bufIndex} ({@code IORING_OP_WRITE_FIXED}).
     *
     * @param fd         the file
     * @param bufIndex   the index given to {@link #registerBuffers}
     * @param buffer     that buffer or a slice of it
     * @param position   the file offset
     * @param completion receives the bytes written or {@code -errno}
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code fd} is closed
     */
    public long writeFixed(Fd fd, int bufIndex, MemorySegment buffer, long position, Completion completion)
            throws IOException {
        startQueueing();
        return rw(IoUringOps.OP_WRITE_FIXED, fd.intValue(), false, buffer, position, bufIndex, completion);
    }

    /**
     * Queues a read from registered file {@code fileIndex} ({@code IOSQE_FIXED_FILE}).
     *
     * @param fileIndex  the index given to {@link #registerFiles}
     * @param buffer     native memory; kept reachable until the completion
     * @param position   the file offset, or -1
     * @param completion receives the bytes read or {@code -errno}
     * @return the request id
     */
    public long readRegisteredFile(int fileIndex, MemorySegment buffer, long position, Completion completion) {
        startQueueing();
        if (fileIndex < 0) {
            throw new IllegalArgumentException("fileIndex must be >= 0: " + fileIndex);
        }
        return rw(IoUringOps.OP_READ, fileIndex, true, buffer, position, -1, completion);
    }

    /**
     * Queues a write to registered file {@code fileIndex} ({@code IOSQE_FIXED_FILE}).
     *
     * @param fileIndex  the index given to {@link #registerFiles}
     * @param buffer     native memory; kept reachable until the completion
     * @param position   the file offset, or -1
     * @param completion receives the bytes written or {@code -errno}
     * @return the request id
     */
    public long writeRegisteredFile(int fileIndex, MemorySegment buffer, long position, Completion completion) {
        startQueueing();
        if (fileIndex < 0) {
            throw new IllegalArgumentException("fileIndex must be >= 0: " + fileIndex);
        }
        return rw(IoUringOps.OP_WRITE, fileIndex, true, buffer, position, -1, completion);
    }

    private long rw(int opcode, int fd, boolean fixedFile, MemorySegment buffer, long position, int bufIndex,
            Completion completion) {
        requireBuffer(buffer);
        if (opcode == IoUringOps.OP_READ || opcode == IoUringOps.OP_READ_FIXED) {
            requireWritable(buffer, "read buffer");
        }
        checkPosition(position);
        boolean fixedBuffer = opcode == IoUringOps.OP_READ_FIXED || opcode == IoUringOps.OP_WRITE_FIXED;
        if (fixedBuffer && (bufIndex < 0 || bufIndex > 0xffff)) {
            throw new IllegalArgumentException("bufIndex must be in [0, 65535]: " + bufIndex);
        }
        int index = nextSqe(opcode, completion);
        long userData = nextUserData();
        if (opcode == IoUringOps.OP_READ_FIXED) {
            IoUringOps.prepReadFixed(ring, index, fd, buffer, position, bufIndex, userData);
        } else if (opcode == IoUringOps.OP_WRITE_FIXED) {
            IoUringOps.prepWriteFixed(ring, index, fd, buffer, position, bufIndex, userData);
        } else if (opcode == IoUringOps.OP_READ) {
            IoUringOps.prepRead(ring, index, fd, buffer, position, userData);
        } else {
            IoUringOps.prepWrite(ring, index, fd, buffer, position, userData);
        }
        if (fixedFile) {
            IoUringOps.addFlags(ring, index, IoUringOps.SQE_FIXED_FILE);
        }
        return claim(index, completion, buffer);
    }

    /**
     * Queues an {@code fsync} or {@code fdatasync}.
     *
     * @param fd         the file
     * @param dataSync   true for {@code fdatasync} semantics
     * @param completion receives 0 or {@code -errno}
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code fd} is closed
     */
    public long fsync(Fd fd, boolean dataSync, Completion completion) throws IOException {
        startQueueing();
        int raw = fd.intValue();
        int index = nextSqe(IoUringOps.OP_FSYNC, completion);
        long userData = nextUserData();
        IoUringOps.prepFsync(ring, index, raw, dataSync, userData);
        return claim(index, completion, null);
    }

    /**
     * Queues a timer ({@code IORING_OP_TIMEOUT} with count 0).
     *
     * @param delayNs    the delay, >= 0
     * @param completion receives {@code -ETIME} when the time passes, or {@code -ECANCELED}
     * @return the request id
     */
    public long timeout(long delayNs, Completion completion) {
        startQueueing();
        if (delayNs < 0) {
            throw new IllegalArgumentException("delayNs must be >= 0: " + delayNs);
        }
        int index = nextSqe(IoUringOps.OP_TIMEOUT, completion);
        long userData = nextUserData();
        MemorySegment ts = timespec(userData);
        IoUringOps.writeTimespec(ts, delayNs);
        IoUringOps.prepTimeout(ring, index, ts, 0, 0, userData);
        return claim(index, completion, null);
    }

    /**
     * Bounds the request queued just before with a {@code IORING_OP_LINK_TIMEOUT}; that request is linked to it
     * ({@code IOSQE_IO_LINK}) here. When the time passes first, the request completes with {@code -ECANCELED}
     * (or its own error, e.g. {@code -EINTR}) and this completion with {@code -ETIME}; otherwise this completion
     * gets {@code -ECANCELED}.
     *
     * @param delayNs    the bound, >= 0
     * @param completion receives {@code -ETIME} or {@code -ECANCELED}
     * @return the request id of the timeout
     * @throws IllegalStateException when no request was queued since the last {@link #submit()}
     */
    public long linkTimeout(long delayNs, Completion completion) {
        startQueueing();
        Objects.requireNonNull(completion, "completion");
        checkOpen();
        if (delayNs < 0) {
            throw new IllegalArgumentException("delayNs must be >= 0: " + delayNs);
        }
        int target = requireUnsubmittedPrevious("linkTimeout");
        requireOp(IoUringOps.OP_LINK_TIMEOUT);
        requireFreeForChain("linkTimeout");
        int index = nextSqe(IoUringOps.OP_LINK_TIMEOUT, completion); // the check above left room: no submission
        long userData = nextUserData();
        MemorySegment ts = timespec(userData);
        IoUringOps.writeTimespec(ts, delayNs);
        IoUringOps.prepLinkTimeout(ring, index, ts, 0, userData);
        IoUringOps.addFlags(ring, target, IoUringOps.SQE_IO_LINK); // last: a refused timeout leaves no link behind
        return claim(index, completion, null);
    }

    /**
     * Links the request queued just before to the next one ({@code IOSQE_IO_LINK}): the next starts only after
     * it completes successfully; when it fails (or a read/write is short) every later request of the chain
     * completes with {@code -ECANCELED}. When the next request is refused (its call throws), no link is made:
     * this request runs alone, and the request queued after the refused one is not linked to it; call
     * {@code link()} again before retrying to keep the chain.
     *
     * @return this ring
     * @throws IllegalStateException when no request was queued since the last {@link #submit()}
     */
    public IoUring link() {
        requireUnsubmittedPrevious("link");
        requireFreeForChain("link");
        chain = CHAIN_LINKED; // the flag is written when the next request is queued, so a refused one writes none
        return this;
    }

    /**
     * Makes sure the next {@code count} requests fit the SQ without an intermediate submission, submitting what
     * is queued if needed. Call it before a chain of {@link #link()}ed requests: a chain must reach the kernel in
     * one submission, so a chain that does not fit is refused instead of being split.
     *
     * @param count SQEs needed, in [1, {@link #sqEntries()}]
     * @throws IllegalStateException when the kernel does not free enough SQEs
     */
    public void reserve(int count) {
        checkOpen();
        if (count < 1 || count > sqEntries) {
            throw new IllegalArgumentException("count must be in [1, " + sqEntries + "]: " + count);
        }
        if (chain == CHAIN_FOLLOWER) {
            chain = CHAIN_NONE; // the request meant to follow link() was refused: that chain is over
        }
        if (freeSqes() >= count) {
            return;
        }
        if (chain == CHAIN_LINKED) {
            throw new IllegalStateException("reserve() inside an open link chain: reserve before its first request");
        }
        makeRoom(count);
    }

    private int freeSqes() {
        return sqEntries - (sqTail - ring.getSqHeadAcquire()); // acquire: pairs with the kernel consuming SQEs
    }

    private void requireFreeForChain(String what) {
        if (freeSqes() < 1) {
            throw new IllegalStateException(what + "(): the SQ is full and a link chain cannot be split across "
                    + "submissions; call reserve(n) before queuing a chain of n requests");
        }
    }

    private int requireUnsubmittedPrevious(String what) {
        checkOwner();
        if (lastPrepared < 0 || sqTail == published) {
            throw new IllegalStateException(what + "() needs a request queued since the last submit()");
        }
        return lastPrepared;
    }

    /**
     * Queues an {@code IORING_OP_ASYNC_CANCEL} for request {@code requestId}.
     *
     * @param requestId  an id returned by this ring
     * @param completion receives 0 (cancelled), {@code -ENOENT} (not found, e.g. already done) or
     *                   {@code -EALREADY} (already running; it will complete on its own)
     * @return the request id of the cancel
     */
    public long cancel(long requestId, Completion completion) {
        startQueueing();
        int index = nextSqe(IoUringOps.OP_ASYNC_CANCEL, completion);
        long userData = nextUserData();
        IoUringOps.prepCancel(ring, index, requestId, 0, userData);
        return claim(index, completion, null);
    }

    /**
     * Queues an accept on a listening socket.
     *
     * @param listener   the listening socket
     * @param multishot  true to keep accepting (Linux 5.19); each CQE carries a new fd and, while the request
     *                   stays armed, {@link IoUringOps#CQE_F_MORE}
     * @param completion receives each accepted fd (non-blocking, close-on-exec) or {@code -errno}
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code listener} is closed
     */
    public long accept(Fd listener, boolean multishot, Completion completion) throws IOException {
        startQueueing();
        int raw = listener.intValue();
        int index = nextSqe(IoUringOps.OP_ACCEPT, completion);
        long userData = nextUserData();
        IoUringOps.prepAccept(ring, index, raw, Sockets.NONBLOCK, multishot, userData);
        return claim(index, completion, null);
    }

    /**
     * Queues a receive into all of {@code buffer}.
     *
     * @param socket     a connected socket
     * @param buffer     native memory; kept reachable until the completion
     * @param completion receives the bytes received (0 at end of stream) or {@code -errno}
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code socket} is closed
     */
    public long recv(Fd socket, MemorySegment buffer, Completion completion) throws IOException {
        startQueueing();
        int raw = requireFd(socket, "socket");
        requireBuffer(buffer);
        requireWritable(buffer, "recv buffer");
        int index = nextSqe(IoUringOps.OP_RECV, completion);
        long userData = nextUserData();
        IoUringOps.prepRecv(ring, index, raw, buffer, 0, userData);
        return claim(index, completion, buffer);
    }

    /**
     * Queues a send of all of {@code buffer} ({@code MSG_NOSIGNAL}).
     *
     * @param socket     a connected socket
     * @param buffer     native memory; kept reachable until the completion
     * @param completion receives the bytes sent (possibly fewer) or {@code -errno}
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code socket} is closed
     */
    public long send(Fd socket, MemorySegment buffer, Completion completion) throws IOException {
        startQueueing();
        int raw = requireFd(socket, "socket");
        requireBuffer(buffer);
        int index = nextSqe(IoUringOps.OP_SEND, completion);
        long userData = nextUserData();
        IoUringOps.prepSend(ring, index, raw, buffer, Sockets.NO_SIGNAL, userData);
        return claim(index, completion, buffer);
    }

    /**
     * Queues a read that fills {@code buffers} in order ({@code IORING_OP_READV}). Allocates the iovec array
     * from an automatic arena; both stay reachable until the completion.
     *
     * @param fd         the file
     * @param buffers    1 to {@link IoUringOps#MAX_IOVECS} live native segments
     * @param position   the file offset, or -1 for the file position (pipes, sockets)
     * @param completion receives the bytes read in total (0 at end of file) or {@code -errno}
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code fd} is closed
     */
    public long readv(Fd fd, MemorySegment[] buffers, long position, Completion completion) throws IOException {
        startQueueing();
        return vectored(IoUringOps.OP_READV, fd, buffers, position, completion);
    }

    /**
     * Queues a write that gathers {@code buffers} in order ({@code IORING_OP_WRITEV}). Allocates the iovec array
     * from an automatic arena; both stay reachable until the completion.
     *
     * @param fd         the file
     * @param buffers    1 to {@link IoUringOps#MAX_IOVECS} live native segments
     * @param position   the file offset, or -1 for the file position
     * @param completion receives the bytes written in total or {@code -errno}
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code fd} is closed
     */
    public long writev(Fd fd, MemorySegment[] buffers, long position, Completion completion) throws IOException {
        startQueueing();
        return vectored(IoUringOps.OP_WRITEV, fd, buffers, position, completion);
    }

    private long vectored(int opcode, Fd fd, MemorySegment[] buffers, long position, Completion completion)
            throws IOException {
        int raw = requireFd(fd, "fd");
        begin(opcode, completion);
        checkPosition(position);
        MemorySegment[] held = Objects.requireNonNull(buffers, "buffers").clone(); // later edits cannot race us
        if (opcode == IoUringOps.OP_READV) {
            for (MemorySegment b : held) {
                if (b != null) { // a null one is refused by iovecs below
                    requireWritable(b, "readv buffer");
                }
            }
        }
        MemorySegment iovecs = IoUringOps.iovecs(Arena.ofAuto(), held);
        int index = peekSqe();
        long userData = nextUserData();
        if (opcode == IoUringOps.OP_READV) {
            IoUringOps.prepReadv(ring, index, raw, iovecs, held.length, position, userData);
        } else {
            IoUringOps.prepWritev(ring, index, raw, iovecs, held.length, position, userData);
        }
        return claim(index, completion, new Object[] {iovecs, held});
    }

    /**
     * Queues an {@code fallocate} ({@code IORING_OP_FALLOCATE}, Linux 5.6).
     *
     * @param fd         the file, open for writing
     * @param modes      the modes; empty allocates and extends the size
     * @param position   the start, >= 0
     * @param length     the bytes, > 0
     * @param completion receives 0 or {@code -errno} ({@code -EOPNOTSUPP} when the file system lacks a mode)
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code fd} is closed
     */
    public long fallocate(Fd fd, Set<Fd.FallocateMode> modes, long position, long length, Completion completion)
            throws IOException {
        startQueueing();
        int raw = requireFd(fd, "fd");
        begin(IoUringOps.OP_FALLOCATE, completion);
        // Set.copyOf refuses a null mode here, and a caller editing its set later cannot race the prep below.
        Set<Fd.FallocateMode> checked = Set.copyOf(Objects.requireNonNull(modes, "modes"));
        if (position < 0 || length <= 0) {
            throw new IllegalArgumentException("position must be >= 0 and length > 0: " + position + ", " + length);
        }
        int index = peekSqe();
        long userData = nextUserData();
        IoUringOps.prepFallocate(ring, index, raw, checked, position, length, userData);
        return claim(index, completion, null);
    }

    /**
     * Queues an {@code openat} relative to the working directory ({@code IORING_OP_OPENAT}, Linux 5.6).
     *
     * @param path       the file
     * @param flags      the open flags; {@code O_CLOEXEC} is always added
     * @param mode       permission bits for created files, e.g. {@code 0644}
     * @param completion receives the new descriptor (take ownership with {@link Fd#adopt}) or {@code -errno}
     * @return the request id
     */
    public long openAt(Path path, Set<OpenFlag> flags, int mode, Completion completion) {
        startQueueing();
        Objects.requireNonNull(path, "path");
        return openAt(IoUringOps.AT_FDCWD, null, path.toString(), flags, mode, completion);
    }

    /**
     * Queues an {@code openat} relative to a directory ({@code IORING_OP_OPENAT}, Linux 5.6).
     *
     * @param directory  the directory {@code name} is relative to (an absolute name ignores it)
     * @param name       the path
     * @param flags      the open flags; {@code O_CLOEXEC} is always added
     * @param mode       permission bits for created files
     * @param completion receives the new descriptor (take ownership with {@link Fd#adopt}) or {@code -errno}
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code directory} is closed
     */
    public long openAt(Fd directory, String name, Set<OpenFlag> flags, int mode, Completion completion)
            throws IOException {
        startQueueing();
        return openAt(requireFd(directory, "directory"), directory, name, flags, mode, completion);
    }

    private long openAt(int dirFd, Fd directory, String name, Set<OpenFlag> flags, int mode,
            Completion completion) {
        begin(IoUringOps.OP_OPENAT, completion);
        Objects.requireNonNull(flags, "flags");
        MemorySegment path = cString(name, "name");
        int index = peekSqe();
        long userData = nextUserData();
        IoUringOps.prepOpenat(ring, index, dirFd, path, flags, mode, userData);
        // The directory stays reachable too: a Cleaner on it must not close the number under the kernel.
        return claim(index, completion, directory == null ? path : new Object[] {path, directory});
    }

    /**
     * Queues a {@code close} of {@code fd} ({@code IORING_OP_CLOSE}, Linux 5.6). {@code fd} is released at once
     * ({@link Fd#release()}): it reads as closed and the ring owns the number from here on.
     *
     * @param fd         the descriptor to close
     * @param completion receives 0 or {@code -errno}
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code fd} is already closed
     */
    public long close(Fd fd, Completion completion) throws IOException {
        startQueueing();
        requireFd(fd, "fd");
        begin(IoUringOps.OP_CLOSE, completion);
        int index = peekSqe();
        long userData = nextUserData();
        int raw = fd.release(); // last fallible step: once released, the number is ours to close
        IoUringOps.prepClose(ring, index, raw, userData);
        return claim(index, completion, null);
    }

    /**
     * Queues a {@code statx} of a path ({@code IORING_OP_STATX}, Linux 5.6), following symbolic links; read the
     * result with {@link #statxResult} once the completion reports 0.
     *
     * @param path        the file
     * @param statxBuffer {@link IoUringOps#STATX_BYTES} bytes or more of 8-byte aligned native memory; kept
     *                    reachable until the completion
     * @param completion  receives 0 or {@code -errno}
     * @return the request id
     */
    public long statx(Path path, MemorySegment statxBuffer, Completion completion) {
        startQueueing();
        Objects.requireNonNull(path, "path");
        return statx(IoUringOps.AT_FDCWD, null, path.toString(), statxBuffer, completion);
    }

    /**
     * Queues a {@code statx} of an open file ({@code AT_EMPTY_PATH}); read the result with {@link #statxResult}.
     *
     * @param fd          the file
     * @param statxBuffer {@link IoUringOps#STATX_BYTES} bytes or more of 8-byte aligned native memory; kept
     *                    reachable until the completion
     * @param completion  receives 0 or {@code -errno}
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code fd} is closed
     */
    public long statx(Fd fd, MemorySegment statxBuffer, Completion completion) throws IOException {
        startQueueing();
        return statx(requireFd(fd, "fd"), fd, "", statxBuffer, completion);
    }

    private long statx(int dirFd, Fd file, String name, MemorySegment statxBuffer, Completion completion) {
        begin(IoUringOps.OP_STATX, completion);
        IoUringOps.checkStatxBuffer(statxBuffer);
        MemorySegment path = cString(name, "path");
        int index = peekSqe();
        long userData = nextUserData();
        IoUringOps.prepStatx(ring, index, dirFd, path, file != null, statxBuffer, userData);
        return claim(index, completion, new Object[] {path, statxBuffer, file});
    }

    /**
     * Reads what a completed {@link #statx} wrote.
     *
     * @param statxBuffer the buffer given to {@link #statx}
     * @return the file's attributes
     */
    public static Statx statxResult(MemorySegment statxBuffer) {
        return IoUringOps.readStatx(statxBuffer);
    }

    /**
     * Queues a {@code connect} ({@code IORING_OP_CONNECT}, Linux 5.5). The socket may be blocking or not.
     *
     * @param socket     a socket of the address's family
     * @param address    a resolved {@link java.net.InetSocketAddress} or a
     *                   {@link java.net.UnixDomainSocketAddress}
     * @param completion receives 0 or {@code -errno} (e.g. {@code -ECONNREFUSED})
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code socket} is closed
     */
    public long connect(Fd socket, SocketAddress address, Completion completion) throws IOException {
        startQueueing();
        int raw = requireFd(socket, "socket");
        begin(IoUringOps.OP_CONNECT, completion);
        MemorySegment sockaddr = Arena.ofAuto().allocate(SOCKADDR_BYTES, Long.BYTES);
        int length = Sockets.writeAddress(address, sockaddr);
        int index = peekSqe();
        long userData = nextUserData();
        IoUringOps.prepConnect(ring, index, raw, sockaddr, length, userData);
        return claim(index, completion, sockaddr);
    }

    /**
     * Queues a zero-copy send of all of {@code buffer} ({@code IORING_OP_SEND_ZC}, Linux 6.0,
     * {@code MSG_NOSIGNAL}). The completion runs twice: first with the bytes sent (or {@code -errno}) and
     * {@link IoUringOps#CQE_F_MORE} in the flags, then, once the kernel no longer reads the buffer, with
     * {@link IoUringOps#CQE_F_NOTIF}. Without {@code CQE_F_MORE} in the first call no notification follows.
     * The ring keeps the buffer reachable until the last call; do not change its bytes before it.
     *
     * @param socket     a connected socket
     * @param buffer     native memory
     * @param completion receives the result, then the notification
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code socket} is closed
     */
    public long sendZeroCopy(Fd socket, MemorySegment buffer, Completion completion) throws IOException {
        startQueueing();
        int raw = requireFd(socket, "socket");
        begin(IoUringOps.OP_SEND_ZC, completion);
        requireBuffer(buffer);
        int index = peekSqe();
        long userData = nextUserData();
        IoUringOps.prepSendZc(ring, index, raw, buffer, Sockets.NO_SIGNAL, userData);
        return claim(index, completion, buffer);
    }

    /**
     * Queues a {@code splice} of up to {@code length} bytes between two descriptors, one of them a pipe
     * ({@code IORING_OP_SPLICE}, Linux 5.7).
     *
     * @param in         the source
     * @param inOffset   the source offset, or -1 (a pipe, or the file position)
     * @param out        the destination
     * @param outOffset  the destination offset, or -1
     * @param length     the most bytes to move, > 0
     * @param flags      {@link ZeroCopy#MOVE}, {@link ZeroCopy#NONBLOCK}, {@link ZeroCopy#MORE} bits
     * @param completion receives the bytes moved (0: end of input) or {@code -errno} ({@code -EINVAL} when
     *                   neither side is a pipe, {@code -ESPIPE} for an offset on a pipe)
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code in} or {@code out} is closed
     */
    public long splice(Fd in, long inOffset, Fd out, long outOffset, int length, int flags, Completion completion)
            throws IOException {
        startQueueing();
        int rawIn = requireFd(in, "in");
        int rawOut = requireFd(out, "out");
        begin(IoUringOps.OP_SPLICE, completion);
        checkPosition(inOffset);
        checkPosition(outOffset);
        if (length <= 0) {
            throw new IllegalArgumentException("length must be > 0: " + length);
        }
        if ((flags & ~(ZeroCopy.MOVE | ZeroCopy.NONBLOCK | ZeroCopy.MORE)) != 0) {
            throw new IllegalArgumentException("splice flags may only hold MOVE, NONBLOCK, MORE: 0x"
                    + Integer.toHexString(flags));
        }
        int index = peekSqe();
        long userData = nextUserData();
        IoUringOps.prepSplice(ring, index, rawIn, inOffset, rawOut, outOffset, length, flags, userData);
        return claim(index, completion, null);
    }

    /**
     * Queues a readiness poll ({@code IORING_OP_POLL_ADD}); cancel it with {@link #cancel}.
     *
     * @param fd         the descriptor to watch
     * @param events     {@link dev.panamax.ffm.Epoll#IN}, {@link dev.panamax.ffm.Epoll#OUT}, ... bits, not 0
     * @param multishot  true to stay armed (Linux 5.13): one call per readiness change, with
     *                   {@link IoUringOps#CQE_F_MORE} while armed
     * @param completion receives the ready events or {@code -errno}
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code fd} is closed
     */
    public long pollAdd(Fd fd, int events, boolean multishot, Completion completion) throws IOException {
        startQueueing();
        int raw = requireFd(fd, "fd");
        begin(IoUringOps.OP_POLL_ADD, completion);
        if (events == 0) {
            throw new IllegalArgumentException("events must name at least one event");
        }
        int index = peekSqe();
        long userData = nextUserData();
        IoUringOps.prepPollAdd(ring, index, raw, events, multishot, userData);
        return claim(index, completion, null);
    }

    /**
     * Registers a provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}, Linux 5.19) of {@code entries}
     * buffers of {@code bufferBytes} each, all handed to the kernel, for {@link #recv(Fd, BufferRing, boolean,
     * Completion)}. Closing this ring closes it too.
     *
     * @param groupId     the buffer group id, in [0, 65535], unique on this ring
     * @param entries     the buffer count, a power of two in [1, 32768]
     * @param bufferBytes the size of each buffer, > 0
     * @return the buffer ring
     * @throws IOException ErrnoException EEXIST when the group is taken, EINVAL on kernels before 5.19
     */
    public BufferRing registerBufferRing(int groupId, int entries, int bufferBytes) throws IOException {
        checkOpen();
        BufferRing group = BufferRing.register(this, ring, groupId, entries, bufferBytes);
        bufferRings.add(group);
        return group;
    }

    /**
     * Queues a receive into a buffer the kernel takes from {@code buffers} when data arrives
     * ({@code IOSQE_BUFFER_SELECT}). Each completion with data carries {@link IoUringOps#CQE_F_BUFFER}: read it
     * with {@link BufferRing#received}, then give the buffer back with {@link BufferRing#recycle}. With every
     * buffer lent out the completion gets {@code -ENOBUFS}.
     *
     * @param socket     a connected socket
     * @param buffers    a buffer ring of this ring
     * @param multishot  true to stay armed ({@code IORING_RECV_MULTISHOT}, Linux 6.0): one call per chunk, with
     *                   {@link IoUringOps#CQE_F_MORE} while armed
     * @param completion receives the bytes received (0 at end of stream) or {@code -errno}
     * @return the request id
     * @throws java.nio.channels.ClosedChannelException if {@code socket} is closed
     */
    public long recv(Fd socket, BufferRing buffers, boolean multishot, Completion completion) throws IOException {
        startQueueing();
        int raw = requireFd(socket, "socket");
        begin(IoUringOps.OP_RECV, completion);
        Objects.requireNonNull(buffers, "buffers");
        buffers.checkUsableBy(this);
        int index = peekSqe();
        long userData = nextUserData();
        IoUringOps.prepRecvBufferSelect(ring, index, raw, buffers.groupId(), 0, multishot, userData);
        return claim(index, completion, buffers);
    }

    private static int requireFd(Fd fd, String what) throws ClosedChannelException {
        return Objects.requireNonNull(fd, what).intValue();
    }

    /** The kernel writes into read buffers: a read-only view promises its memory does not change through it. */
    private static void requireWritable(MemorySegment buffer, String what) {
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException(what + " is a read-only segment, and the kernel would write into it");
        }
    }

    private static void requireBuffer(MemorySegment buffer) {
        Objects.requireNonNull(buffer, "buffer");
        if (!buffer.isNative()) {
            throw new IllegalArgumentException("buffer must be native memory (allocate it from an Arena): "
                    + buffer);
        }
        if (!buffer.scope().isAlive()) {
            throw new IllegalStateException("buffer is already closed (its arena was closed)");
        }
        if (buffer.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("one io_uring request moves at most 2^31 - 1 bytes: "
                    + buffer.byteSize());
        }
    }

    private static void checkPosition(long position) {
        if (position < -1) {
            throw new IllegalArgumentException("position must be >= 0, or -1 for the file position: " + position);
        }
    }

    private static MemorySegment cString(String text, String what) {
        Objects.requireNonNull(text, what);
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL character: " + text);
        }
        return Arena.ofAuto().allocateFrom(text);
    }

    /**
     * Registers buffers for {@link #readFixed}/{@link #writeFixed}; the kernel pins them until
     * {@link #unregisterBuffers()} or {@link #close()}, and this ring keeps them reachable as long.
     *
     * @param buffers native segments
     * @throws IOException ErrnoException e.g. EBUSY when buffers are registered, ENOMEM over RLIMIT_MEMLOCK
     */
    public void registerBuffers(MemorySegment... buffers) throws IOException {
        checkOpen();
        IoUringOps.registerBuffers(ring, buffers);
        registeredBuffers = buffers.clone();
    }

    /**
     * Unregisters the buffers of {@link #registerBuffers}.
     *
     * @throws IOException ErrnoException ENXIO when none are registered
     */
    public void unregisterBuffers() throws IOException {
        checkOpen();
        IoUringOps.unregisterBuffers(ring);
        registeredBuffers = null;
    }

    /**
     * Registers files for {@link #readRegisteredFile}/{@link #writeRegisteredFile}.
     *
     * @param fds open descriptors; index {@code i} is {@code fds[i]}
     * @throws IOException ErrnoException e.g. EBUSY when files are registered
     */
    public void registerFiles(Fd... fds) throws IOException {
        checkOpen();
        IoUringOps.registerFiles(ring, fds);
    }

    /**
     * Unregisters the files of {@link #registerFiles}.
     *
     * @throws IOException ErrnoException ENXIO when none are registered
     */
    public void unregisterFiles() throws IOException {
        checkOpen();
        IoUringOps.unregisterFiles(ring);
    }

    /**
     * Hands every queued SQE to the kernel in one {@code io_uring_enter} (or wakes the SQPOLL thread).
     *
     * @return the number of SQEs the kernel consumed
     * @throws IOException ErrnoException when {@code io_uring_enter} fails
     */
    public int submit() throws IOException {
        checkOpen();
        return enter(0);
    }

    /**
     * Submits and waits until at least {@code minComplete} CQEs are available (not reaped: call {@link #reap()}).
     *
     * @param minComplete CQEs to wait for, >= 0
     * @return the number of SQEs the kernel consumed
     * @throws IOException ErrnoException when {@code io_uring_enter} fails
     */
    public int submitAndWait(int minComplete) throws IOException {
        checkOpen();
        if (minComplete < 0) {
            throw new IllegalArgumentException("minComplete must be >= 0: " + minComplete);
        }
        return enter(minComplete);
    }

    /**
     * Submits, waits for at least {@code minComplete} completions, and runs them.
     *
     * @param minComplete completions to wait for, >= 0 (capped at {@link #inFlight()})
     * @return the completions run
     * @throws IOException ErrnoException when {@code io_uring_enter} fails
     */
    public int await(int minComplete) throws IOException {
        checkOpen();
        int want = Math.min(minComplete, inFlight);
        int done = 0;
        enter(0);
        done += reap();
        while (done < want) {
            enter(1);
            done += reap();
        }
        return done;
    }

    private int enter(int minComplete) throws IOException {
        checkOwner();
        int toSubmit = sqTail - published;
        if (toSubmit > 0) {
            ring.setSqTailRelease(sqTail); // release: the SQE writes before it are visible to the kernel
            published = sqTail;
            chain = CHAIN_NONE; // a chain still waiting for its next request ends here: its last SQE runs alone
        }
        int flags = 0;
        if (minComplete > 0 || (ring.setupFlags() & IoUringOps.SETUP_DEFER_TASKRUN) != 0) {
            flags |= IoUringOps.ENTER_GETEVENTS; // DEFER_TASKRUN posts completions only when we ask for events
        }
        if (sqPoll) {
            // The tail store must be visible before NEED_WAKEUP is read, or the poller may sleep on our SQEs:
            // liburing sq_ring_needs_enter (liburing-2.8 src/queue.c) puts a full barrier here too.
            VarHandle.fullFence();
            // acquire: pairs with the SQPOLL thread setting NEED_WAKEUP before it sleeps
            if ((ring.getSqFlagsAcquire() & IoUringOps.SQ_NEED_WAKEUP) != 0) {
                flags |= IoUringOps.ENTER_SQ_WAKEUP;
            }
            if (minComplete == 0 && flags == 0) {
                return toSubmit; // the polling thread picks the SQEs up by itself
            }
        }
        int kernelSubmit = sqPoll ? 0 : pendingInKernelView();
        for (int attempt = 0; ; attempt++) {
            int r = IoUringSyscalls.enter(ring.fd(), kernelSubmit, minComplete, flags);
            if (r >= 0) {
                return r;
            }
            if (r == IoUringSyscalls.AGAIN && attempt < SUBMIT_RETRIES) {
                reap(); // EBUSY/EAGAIN: the CQ backlog is full; make room and retry
                kernelSubmit = sqPoll ? 0 : pendingInKernelView();
                continue;
            }
            if (r == IoUringSyscalls.INTERRUPTED) {
                return 0;
            }
            throw new IOException("io_uring_enter kept returning EAGAIN/EBUSY after " + attempt
                    + " attempts with the completion queue drained: the kernel has no resources for more requests");
        }
    }

    /**
     * Tells, without waiting, whether completions are ready for {@link #reap()}. It reads the rings' shared memory
     * and enters the kernel ({@code io_uring_enter} with {@code GETEVENTS} and no minimum, which does not sleep) only
     * when the kernel has flagged completions it still holds: {@code IORING_SQ_TASKRUN} (with
     * {@code DEFER_TASKRUN} or {@code COOP_TASKRUN} a finished request waits as task work until this thread enters
     * the kernel; {@link #open} asks for the flag) or {@code IORING_SQ_CQ_OVERFLOW}. A thread can therefore call it
     * in a busy-poll loop: while nothing completes it costs a few loads and no system call. Queued SQEs are not
     * submitted ({@link #submit()} does that) and no completion runs.
     *
     * @return true when at least one CQE waits in the completion queue
     * @throws IOException ErrnoException when {@code io_uring_enter} fails
     * @see <a href="https://github.com/axboe/liburing/blob/liburing-2.8/src/queue.c">liburing-2.8 src/queue.c:
     *      {@code cq_ring_needs_flush}, the same test before it enters</a>
     */
    public boolean peekCompletions() throws IOException {
        checkOpen();
        if (ring.getCqTailAcquire() != ring.getCqHead()) { // acquire: a CQE seen here is fully written
            return true;
        }
        // acquire: pairs with the kernel setting TASKRUN after it queued the task work that posts the CQE
        int kernelFlags = ring.getSqFlagsAcquire();
        if ((kernelFlags & (IoUringOps.SQ_TASKRUN | IoUringOps.SQ_CQ_OVERFLOW)) == 0 && !peekMustEnter) {
            return false;
        }
        // GETEVENTS with min 0 runs the pending task work and flushes a backlog into the CQ, then returns at once.
        // EBUSY/EAGAIN or EINTR leave the CQ as it is; the caller peeks again.
        IoUringSyscalls.enter(ring.fd(), 0, 0, IoUringOps.ENTER_GETEVENTS);
        return ring.getCqTailAcquire() != ring.getCqHead();
    }

    private int pendingInKernelView() {
        return published - ring.getSqHeadAcquire(); // acquire: pairs with the kernel's store after consuming SQEs
    }

    /**
     * Runs the completions of every available CQE, first flushing the kernel's overflow backlog if
     * {@code IORING_SQ_CQ_OVERFLOW} is set. Does not wait.
     *
     * @return the number of CQEs consumed
     * @throws IOException ErrnoException when flushing the backlog fails; IOException when completions were lost
     *                     (kernels without {@code IORING_FEAT_NODROP})
     */
    public int reap() throws IOException {
        checkOwner();
        if (reaping) {
            throw new IllegalStateException("reap() called from a completion: completions run inside reap()");
        }
        reaping = true;
        try {
            int total = 0;
            while (true) {
                total += drainCq();
                // acquire: the kernel raises CQ_OVERFLOW after parking CQEs in its backlog
                if ((ring.getSqFlagsAcquire() & IoUringOps.SQ_CQ_OVERFLOW) == 0) {
                    break;
                }
                overflowFlushes++;
                // GETEVENTS with min 0 flushes the kernel's overflow list into the CQ we just emptied.
                IoUringSyscalls.enter(ring.fd(), 0, 0, IoUringOps.ENTER_GETEVENTS);
            }
            if (!noDrop) {
                int dropped = ring.getCqOverflowOpaque();
                if (dropped != lastDropCount) {
                    lastDropCount = dropped;
                    throw new IOException("the kernel dropped " + dropped + " completions (CQ overflow without "
                            + "IORING_FEAT_NODROP); use a larger cqEntries or reap more often");
                }
            }
            return total;
        } finally {
            reaping = false;
        }
    }

    private int drainCq() {
        int head = ring.getCqHead(); // plain: only the owner writes the CQ head
        int tail = ring.getCqTailAcquire(); // acquire: the CQEs before the tail are fully written
        int n = 0;
        while (head != tail) {
            long userData = IoUringOps.cqeUserData(ring, head);
            int result = IoUringOps.cqeResult(ring, head);
            int flags = IoUringOps.cqeFlags(ring, head);
            head++;
            ring.setCqHeadRelease(head); // release: our CQE reads complete before the kernel may reuse the slot
            n++;
            dispatch(userData, result, flags);
            if (head == tail) {
                tail = ring.getCqTailAcquire(); // acquire: more CQEs may have arrived meanwhile
            }
        }
        return n;
    }

    private void dispatch(long userData, int result, int flags) {
        if (userData == INTERNAL) {
            return;
        }
        int slot = (int) userData;
        int generation = (int) (userData >>> 32);
        if (slot < 0 || slot >= capacity || generations[slot] != generation || completions[slot] == null) {
            return; // stale: the slot was already released
        }
        Completion completion = completions[slot];
        if ((flags & IoUringOps.CQE_F_BUFFER) != 0 && keepAlive[slot] instanceof BufferRing group) {
            group.lend(IoUringOps.cqeBufferId(flags)); // the application owns the buffer until recycle()
        }
        try {
            completion.complete(result, flags); // the buffer stays reachable while its completion runs
        } catch (RuntimeException | Error e) {
            if (!closed) {
                throw e;
            }
            // Inside close(): it must go on reaping and unmap the ring, then throw this.
            closeFailure = addFailure(closeFailure, e);
        } finally {
            if ((flags & IoUringOps.CQE_F_MORE) == 0) {
                release(slot);
            }
        }
    }

    // The first step of every queuing call, before anything that may refuse it: the call after link() continues
    // the chain; a call that finds the chain still at FOLLOWER knows that the one before it was refused.
    private void startQueueing() {
        checkOwner();
        chain = chain == CHAIN_LINKED ? CHAIN_FOLLOWER : CHAIN_NONE;
    }

    private int nextSqe(int opcode, Completion completion) {
        begin(opcode, completion);
        return peekSqe();
    }

    // Every check that needs no SQE: a request refused here leaves the SQ untouched.
    private void begin(int opcode, Completion completion) {
        Objects.requireNonNull(completion, "completion");
        checkOpen();
        requireOp(opcode);
    }

    private void requireOp(int opcode) {
        if (!supportedOps.contains(opcode)) {
            throw new UnsupportedOperationException(IoUringOps.opcodeName(opcode) + " is not supported by this "
                    + "kernel (Linux " + kernelRelease() + "); it needs a newer kernel");
        }
    }

    // The SQ index the next request will fill, after making room; only claim() takes it, so an exception while
    // the SQE is filled leaves the tail where it was and the next request overwrites the half-written entry.
    private int peekSqe() {
        if (freeSqes() < 1) {
            if (chain != CHAIN_NONE) {
                throw new IllegalStateException("the SQ is full inside a link chain; call reserve(n) before "
                        + "queuing a chain of n requests");
            }
            makeRoom(1); // may run completions (reap on EBUSY), which may queue requests: peek the tail after it
        }
        return sqTail;
    }

    // The user data claim() will give the next request; grows the tables now, while failing takes nothing.
    private long nextUserData() {
        if (freeCount == 0) {
            grow();
        }
        int slot = freeSlots[freeCount - 1];
        return ((long) generations[slot] << 32) | slot;
    }

    // Takes the SQE at index (filled) and the slot of nextUserData(); nothing here throws, so a request is either
    // fully queued or leaves the SQ and the in-flight tables untouched.
    private long claim(int index, Completion completion, Object held) {
        long userData = attach(completion, held);
        claimSqe(index);
        return userData;
    }

    // Takes the SQE at index (from peekSqe, filled) for the next submit.
    private void claimSqe(int index) {
        assert index == sqTail;
        if (chain == CHAIN_FOLLOWER) {
            IoUringOps.addFlags(ring, lastPrepared, IoUringOps.SQE_IO_LINK); // link()'s flag, now that we follow
        }
        chain = CHAIN_NONE;
        sqTail = index + 1;
        lastPrepared = index;
    }

    private void makeRoom(int count) {
        try {
            enter(0);
            long deadline = System.nanoTime() + SQ_WAIT_TIMEOUT_NS;
            while (sqPoll && freeSqes() < count && System.nanoTime() - deadline < 0) {
                // SQ_WAIT returns once the poller has taken SQEs in its private head; the shared SQ head it
                // publishes after the batch may still lag, so wait again until our acquire read sees the room.
                // acquire: pairs with the SQPOLL thread setting NEED_WAKEUP before it sleeps
                int wake = (ring.getSqFlagsAcquire() & IoUringOps.SQ_NEED_WAKEUP) != 0 ? IoUringOps.ENTER_SQ_WAKEUP : 0;
                IoUringSyscalls.enter(ring.fd(), 0, 0, IoUringOps.ENTER_SQ_WAIT | wake);
            }
        } catch (IOException e) {
            throw new IllegalStateException("the submission queue is full (" + sqEntries + " SQEs) and "
                    + "submitting it failed: " + e.getMessage(), e);
        }
        if (freeSqes() < count) {
            throw new IllegalStateException("the submission queue is full (" + sqEntries + " SQEs) and the "
                    + "kernel did not consume any; reap completions or use a larger ring");
        }
    }

    // After nextUserData(): a free slot exists, and completion was checked by begin().
    private long attach(Completion completion, Object held) {
        int slot = freeSlots[--freeCount];
        completions[slot] = completion;
        keepAlive[slot] = held;
        if (held instanceof BufferRing group) {
            group.users++;
        }
        inFlight++;
        return ((long) generations[slot] << 32) | slot;
    }

    private void release(int slot) {
        completions[slot] = null;
        if (keepAlive[slot] instanceof BufferRing group) {
            group.users--;
        }
        keepAlive[slot] = null;
        generations[slot]++;
        freeSlots[freeCount++] = slot;
        inFlight--;
    }

    private void grow() {
        int old = capacity;
        int next = old + CHUNK;
        if (next > MAX_IN_FLIGHT) {
            throw new IllegalStateException("more than " + MAX_IN_FLIGHT + " requests in flight");
        }
        // Allocated first: a failure leaves the tables as they were.
        MemorySegment chunk = arena.allocate(IoUringOps.TIMESPEC_BYTES * CHUNK, Long.BYTES);
        completions = Arrays.copyOf(completions, next);
        keepAlive = Arrays.copyOf(keepAlive, next);
        generations = Arrays.copyOf(generations, next);
        freeSlots = Arrays.copyOf(freeSlots, next);
        for (int i = next - 1; i >= old; i--) {
            freeSlots[freeCount++] = i;
        }
        timespecChunks.add(chunk);
        capacity = next;
    }

    private MemorySegment timespec(long userData) {
        int slot = (int) userData;
        return timespecChunks.get(slot / CHUNK).asSlice((slot % CHUNK) * IoUringOps.TIMESPEC_BYTES,
                IoUringOps.TIMESPEC_BYTES);
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("io_uring is owned by thread " + owner.getName() + ", called from "
                    + Thread.currentThread().getName());
        }
    }

    private void checkOpen() {
        checkOwner();
        if (closed) {
            throw new IllegalStateException("io_uring is closed");
        }
    }

    private static String kernelRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "unknown version";
        }
    }

    /**
     * Cancels every request in flight, waits (up to 10 s) for their completions, which run with their results
     * ({@code -ECANCELED} for those cancelled), then unmaps the ring and closes its fd. Idempotent. A completion
     * that throws does not stop this: the others still run, the ring is still unmapped, and then the first
     * exception a completion threw is thrown, with the later ones suppressed.
     *
     * @throws IOException when requests were still in flight after the wait (the ring is then left mapped, so the
     *                     kernel cannot write into freed memory), or when closing the fd fails
     */
    @Override
    public void close() throws IOException {
        checkOwner();
        if (closed) {
            return;
        }
        if (reaping) {
            throw new IllegalStateException("close() called from a completion");
        }
        closed = true; // from here dispatch() collects what completions throw into closeFailure
        Throwable failure = null;
        try {
            drainInFlight();
            unmap();
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
        }
        if (closeFailure != null) {
            failure = addFailure(closeFailure, failure); // the completion's came first
            closeFailure = null;
        }
        if (failure instanceof IOException e) {
            throw e;
        } else if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        }
    }

    private static Throwable addFailure(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        if (next != null && next != first) {
            first.addSuppressed(next);
        }
        return first;
    }

    private void drainInFlight() throws IOException {
        if (inFlight == 0) {
            return;
        }
        cancelAll();
        long deadline = System.nanoTime() + CLOSE_TIMEOUT_NS;
        MemorySegment tick = arena.allocate(IoUringOps.TIMESPEC_BYTES, Long.BYTES);
        IoUringOps.writeTimespec(tick, CLOSE_TICK_NS);
        while (inFlight > 0 && System.nanoTime() - deadline < 0) {
            // A request the cancel cannot end (a SEND_ZC notification waiting for the peer) must not block
            // this wait forever: an internal timer bounds each io_uring_enter.
            int index = peekSqe();
            IoUringOps.prepTimeout(ring, index, tick, 0, 0, INTERNAL);
            claimSqe(index);
            enter(1);
            reap();
        }
        if (inFlight > 0) {
            throw new IOException(inFlight + " io_uring requests still in flight 10 s after cancelling them; "
                    + "the ring stays mapped");
        }
    }

    private void unmap() throws IOException {
        registeredBuffers = null;
        try {
            for (BufferRing group : bufferRings) {
                group.closeWithRing(); // nothing is in flight any more, so no request can still pick a buffer
            }
        } finally {
            bufferRings.clear();
            try {
                ring.close();
            } finally {
                arena.close(); // after the ring: an SQPOLL thread may read a timespec until the ring is gone
            }
        }
    }

    void forget(BufferRing group) {
        bufferRings.remove(group);
    }

    void checkOwnerOpen() {
        checkOpen();
    }

    private void cancelAll() throws IOException {
        enter(0); // hand prepared SQEs to the kernel first: a cancel cannot find an SQE it has not seen
        for (int slot = 0; slot < capacity; slot++) {
            if (completions[slot] != null) {
                long userData = ((long) generations[slot] << 32) | slot;
                int index = peekSqe();
                IoUringOps.prepCancel(ring, index, userData, 0, INTERNAL);
                claimSqe(index);
            }
        }
        enter(0);
    }
}
