/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.Check;
import dev.panamax.ffm.internal.ErrnoState;
import dev.panamax.ffm.internal.Native;
import dev.panamax.ffm.internal.Words;
import dev.panamax.ffm.internal.uapi.Syscalls;
import dev.panamax.ffm.internal.uapi.io_cqring_offsets;
import dev.panamax.ffm.internal.uapi.io_sqring_offsets;
import dev.panamax.ffm.internal.uapi.io_uring_cqe;
import dev.panamax.ffm.internal.uapi.io_uring_h;
import dev.panamax.ffm.internal.uapi.io_uring_params;
import dev.panamax.ffm.internal.uapi.io_uring_probe;
import dev.panamax.ffm.internal.uapi.io_uring_probe_op;
import dev.panamax.ffm.internal.uapi.io_uring_sqe;
import dev.panamax.ffm.internal.uapi.mman_h;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The three io_uring syscalls and the mapping of a ring's shared memory, without any queueing policy: the
 * building blocks of an io_uring event loop. Callers fill SQEs and read CQEs through the generated
 * {@code io_uring_sqe}/{@code io_uring_cqe} layouts at the offsets {@link Ring} hands out, and publish indices
 * with the acquire/release accessors of {@link Ring}.
 *
 * <p>Whether io_uring can be used here at all (kernel support, {@code kernel.io_uring_disabled}, seccomp,
 * {@code RLIMIT_MEMLOCK}) is answered by {@link #FEATURE}; switch it off with
 * {@code -Dpanamax.iouring.disable=true}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/io_uring.7.html">io_uring(7)</a>
 */
public final class IoUringSyscalls {

    /*
     * Overview.
     *
     * io_uring_setup returns an fd and fills io_uring_params with the ring sizes and the offsets of the index
     * words inside the SQ and CQ ring mappings (liburing src/setup.c io_uring_mmap, tag liburing-2.8:
     * https://github.com/axboe/liburing/blob/liburing-2.8/src/setup.c). Three mappings of the fd exist:
     *
     *   IORING_OFF_SQ_RING  head, tail, ring_mask, ring_entries, flags, dropped, array[sq_entries] (u32 each)
     *   IORING_OFF_CQ_RING  head, tail, ring_mask, ring_entries, overflow, flags, cqes[cq_entries]
     *   IORING_OFF_SQES     io_uring_sqe[sq_entries] (64 bytes, 128 with IORING_SETUP_SQE128)
     *
     * With IORING_FEAT_SINGLE_MMAP (5.4+) the SQ and CQ rings are one mapping, sized for the larger. With
     * IORING_SETUP_NO_SQARRAY (6.6+) there is no array; otherwise Ring fills array[i] = i once, so SQE slot
     * (tail & mask) is consumed in order and callers never touch the indirection.
     *
     * Index ownership (single issuer): the application writes SQ tail and CQ head with release, the kernel writes
     * SQ head and CQ tail, read here with acquire. Indices are free-running u32 that wrap; the slot is
     * index & ring_mask.
     *
     * Each mapping is a segment of one shared Arena with an munmap cleanup; Ring.close() closes the arena (every
     * segment handed out becomes inaccessible before its memory goes) and then the ring fd.
     */

    /**
     * The largest ring the kernel accepts without {@code IORING_SETUP_CLAMP} ({@code IORING_MAX_ENTRIES}, kernel
     * internal, not UAPI).
     *
     * @see <a href="https://github.com/torvalds/linux/blob/v6.12/io_uring/io_uring.c#L126">io_uring.c IORING_MAX_ENTRIES</a>
     */
    public static final int MAX_ENTRIES = 32768;

    /** io_uring's availability: supported by the kernel, enabled by the sysctl, allowed by seccomp and limits. */
    public static final Feature FEATURE = new Feature("iouring", IoUringProbe::probe);

    /** {@link #enter} result: EAGAIN or EBUSY: reap completions and retry. */
    public static final int AGAIN = Check.AGAIN;
    /** {@link #enter} result: EINTR, a signal ended the wait. */
    public static final int INTERRUPTED = Check.INTERRUPTED;

    private static final int UNSUPPORTED_ENTER_FLAGS =
            io_uring_h.IORING_ENTER_EXT_ARG() | io_uring_h.IORING_ENTER_REGISTERED_RING();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private IoUringSyscalls() {
    }

    /**
     * Creates an io_uring instance. This is the raw call: the kernel validates {@code entries} (0 or more than
     * {@link #MAX_ENTRIES} without {@code IORING_SETUP_CLAMP} give {@code EINVAL}) and rounds it up to a power
     * of two; {@link #open} is the checked way to get a mapped ring.
     *
     * @param entries number of SQ entries requested
     * @param params  an {@code io_uring_params} the caller filled (flags, sq_thread_cpu, ...), zeroed elsewhere;
     *                the kernel writes the sizes, features and ring offsets back into it
     * @return the ring file descriptor
     * @throws ErrnoException        e.g. {@code EINVAL (io_uring_setup): Invalid argument}
     * @throws IllegalArgumentException when {@code params} is smaller than {@code io_uring_params}
     * @see <a href="https://man7.org/linux/man-pages/man2/io_uring_setup.2.html">io_uring_setup(2)</a>
     */
    public static Fd setup(int entries, MemorySegment params) throws ErrnoException {
        requireSize(params, io_uring_params.sizeof(), "params");
        MemorySegment errno = ErrnoState.current();
        return Fd.adopt(Check.intResult(Syscalls.io_uring_setup(errno, entries, params), errno, "io_uring_setup"));
    }

    /**
     * Submits SQEs and/or waits for completions. Allocation-free.
     *
     * @param ring        the ring fd
     * @param toSubmit    SQEs published since the last call
     * @param minComplete completions to wait for when {@code flags} has {@code IORING_ENTER_GETEVENTS}
     * @param flags       {@code IORING_ENTER_*} bits; a signal mask, {@code IORING_ENTER_EXT_ARG} and
     *                    {@code IORING_ENTER_REGISTERED_RING} are not supported
     * @return the number of SQEs consumed, or {@link #AGAIN} (the kernel lacks resources or the CQ ring
     *         overflowed: reap completions and retry) or {@link #INTERRUPTED} (a signal ended the wait)
     * @throws ErrnoException for any other errno, e.g. {@code EBADR} when completions were dropped
     * @see <a href="https://man7.org/linux/man-pages/man2/io_uring_enter.2.html">io_uring_enter(2)</a>
     */
    public static int enter(Fd ring, int toSubmit, int minComplete, int flags) throws IOException {
        if (toSubmit < 0 || minComplete < 0) {
            throw new IllegalArgumentException("toSubmit and minComplete must be >= 0: " + toSubmit + ", "
                    + minComplete);
        }
        if ((flags & UNSUPPORTED_ENTER_FLAGS) != 0) {
            // EXT_ARG would make the kernel read argp (passed as NULL); REGISTERED_RING turns fd into an index.
            throw new IllegalArgumentException("IORING_ENTER_EXT_ARG and IORING_ENTER_REGISTERED_RING are not "
                    + "supported: 0x" + Integer.toHexString(flags));
        }
        MemorySegment errno = ErrnoState.current();
        long raw = Syscalls.io_uring_enter(errno, ring.fd(), toSubmit, minComplete, flags, MemorySegment.NULL, 0L);
        if (raw == -1 && Native.errno(errno) == Errno.EBUSY.value()) {
            return AGAIN; // EBUSY: overflowed CQEs are backlogged in the kernel (IORING_FEAT_NODROP), reap first
        }
        return (int) Check.orAgainOrInterrupted(raw, errno, "io_uring_enter");
    }

    /**
     * Registers resources with a ring or queries it ({@code IORING_REGISTER_*}).
     *
     * @param ring   the ring fd
     * @param opcode the {@code IORING_REGISTER_*} operation
     * @param arg    the operation's argument ({@link MemorySegment#NULL} where none)
     * @param nrArgs the number of elements in {@code arg}, as the operation defines it
     * @return the operation's non-negative result
     * @throws ErrnoException when the kernel refuses
     * @see <a href="https://man7.org/linux/man-pages/man2/io_uring_register.2.html">io_uring_register(2)</a>
     */
    public static int register(Fd ring, int opcode, MemorySegment arg, int nrArgs) throws IOException {
        Objects.requireNonNull(arg, "arg (use MemorySegment.NULL)");
        if (!arg.equals(MemorySegment.NULL)) {
            Words.checkNative("arg", arg);
        }
        if (nrArgs < 0) {
            throw new IllegalArgumentException("nrArgs must be >= 0: " + nrArgs);
        }
        MemorySegment errno = ErrnoState.current();
        return Check.intResult(Syscalls.io_uring_register(errno, ring.fd(), opcode, arg, nrArgs), errno,
                "io_uring_register");
    }

    /**
     * Creates a ring of {@code entries} SQEs and maps its memory.
     *
     * @param entries a power of two in [1, {@link #MAX_ENTRIES}]
     * @param flags   {@code IORING_SETUP_*} bits; {@code IORING_SETUP_NO_MMAP} is not supported
     * @return the mapped ring, owning its fd
     * @throws ErrnoException           when the kernel refuses ({@link #FEATURE} says why in words)
     * @throws IllegalArgumentException when {@code entries} or {@code flags} are invalid
     */
    public static Ring open(int entries, int flags) throws IOException {
        if (entries <= 0 || entries > MAX_ENTRIES || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("io_uring entries must be a power of two in [1, " + MAX_ENTRIES
                    + "]: " + entries);
        }
        if ((flags & io_uring_h.IORING_SETUP_NO_MMAP()) != 0) {
            throw new IllegalArgumentException("IORING_SETUP_NO_MMAP rings are not supported");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = io_uring_params.allocate(arena);
            io_uring_params.flags(params, flags);
            Fd fd = setup(entries, params);
            try {
                return map(fd, params);
            } catch (ErrnoException | RuntimeException | Error e) {
                closeQuietly(fd, e);
                throw e;
            }
        }
    }

    /**
     * Maps the rings of an fd from {@link #setup}. On success the returned ring owns {@code fd}.
     *
     * @param fd     the ring fd
     * @param params the {@code io_uring_params} that {@link #setup} filled
     * @return the mapped ring
     * @throws ErrnoException when {@code mmap} fails (ENOMEM: {@code RLIMIT_MEMLOCK} on kernels before 5.12)
     * @see <a href="https://man7.org/linux/man-pages/man2/mmap.2.html">mmap(2)</a>
     */
    public static Ring map(Fd fd, MemorySegment params) throws IOException {
        Objects.requireNonNull(fd, "fd");
        requireSize(params, io_uring_params.sizeof(), "params");
        int setupFlags = io_uring_params.flags(params);
        if ((setupFlags & io_uring_h.IORING_SETUP_NO_MMAP()) != 0) {
            throw new IllegalArgumentException("IORING_SETUP_NO_MMAP rings are not supported");
        }
        return new Ring(fd, params);
    }

    /**
     * Asks a ring which operations this kernel supports ({@code IORING_REGISTER_PROBE}, Linux 5.6).
     *
     * @param ring the ring fd
     * @return the supported {@code IORING_OP_*} opcodes, ascending
     * @throws ErrnoException when the kernel refuses (EINVAL before 5.6)
     */
    public static Set<Integer> probe(Fd ring) throws IOException {
        // The kernel fills at most 256 ops (opcodes are a u8) and requires the rest of the struct zeroed.
        int capacity = 256;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment probe = arena.allocate(io_uring_probe.sizeof() + capacity * io_uring_probe_op.sizeof(),
                    io_uring_probe.layout().byteAlignment());
            register(ring, io_uring_h.IORING_REGISTER_PROBE(), probe, capacity);
            int opsLen = Byte.toUnsignedInt(io_uring_probe.ops_len(probe));
            int supportedFlag = io_uring_h.IO_URING_OP_SUPPORTED();
            Set<Integer> ops = new TreeSet<>();
            for (int i = 0; i < opsLen; i++) {
                MemorySegment op = probe.asSlice(io_uring_probe.ops$offset() + i * io_uring_probe_op.sizeof(),
                        io_uring_probe_op.sizeof());
                if ((Short.toUnsignedInt(io_uring_probe_op.flags(op)) & supportedFlag) != 0) {
                    ops.add(Byte.toUnsignedInt(io_uring_probe_op.op(op)));
                }
            }
            return Collections.unmodifiableSet(ops);
        }
    }

    /**
     * Probes the running kernel with a throw-away ring of 2 entries.
     *
     * @return the supported {@code IORING_OP_*} opcodes, ascending
     * @throws ErrnoException when io_uring cannot be used ({@link #FEATURE} explains why)
     */
    public static Set<Integer> probe() throws IOException {
        try (Ring ring = open(2, 0)) {
            return probe(ring.fd());
        }
    }

    private static void requireSize(MemorySegment segment, long bytes, String what) {
        Objects.requireNonNull(segment, what);
        Words.checkNative(what, segment);
        if (segment.byteSize() < bytes) {
            throw new IllegalArgumentException(what + " must be at least " + bytes + " bytes: " + segment.byteSize());
        }
    }

    private static void closeQuietly(Fd fd, Throwable pending) {
        try {
            fd.close();
        } catch (Exception e) {
            pending.addSuppressed(e);
        }
    }

    /**
     * A mapped io_uring: its fd, the SQ ring, the CQ ring and the SQE array, with the index words at the offsets
     * the kernel reported. Single issuer: one thread at a time submits, one thread at a time reaps.
     *
     * <p>Submitting: write the SQE at {@link #sqeOffset(int) sqeOffset(tail)}, then
     * {@link #setSqTailRelease(int) setSqTailRelease(tail + 1)} and {@link IoUringSyscalls#enter enter}.
     * Reaping: while {@code head != } {@link #getCqTailAcquire()}, read the CQE at
     * {@link #cqeOffset(int) cqeOffset(head)}, then {@link #setCqHeadRelease(int) setCqHeadRelease(head + 1)}.
     */
    public static final class Ring implements AutoCloseable {

        private final Fd fd;
        private final Arena arena;
        private final int setupFlags;
        private final int features;
        private final int sqEntries;
        private final int cqEntries;
        private final MemorySegment sqRing;
        private final MemorySegment cqRing;
        private final MemorySegment sqes;
        private final long sqeBytes;
        private final long cqeBytes;
        private final int sqMask;
        private final int cqMask;
        private final long kernelSqHead; // offsets in sqRing / cqRing of the index words named in the overview
        private final long sqTail;
        private final long kernelSqFlags;
        private final long kernelSqDropped;
        private final long cqHead;
        private final long kernelCqTail;
        private final long kernelCqOverflow;
        private final long cqesOffset;

        private Ring(Fd fd, MemorySegment params) throws IOException {
            this.fd = fd;
            this.setupFlags = io_uring_params.flags(params);
            this.features = io_uring_params.features(params);
            this.sqEntries = io_uring_params.sq_entries(params);
            this.cqEntries = io_uring_params.cq_entries(params);
            long sqOff = io_uring_params.sq_off$offset();
            long cqOff = io_uring_params.cq_off$offset();
            long sqArray = Integer.toUnsignedLong(params.get(ValueLayout.JAVA_INT,
                    sqOff + io_sqring_offsets.array$offset()));
            this.cqesOffset = Integer.toUnsignedLong(params.get(ValueLayout.JAVA_INT,
                    cqOff + io_cqring_offsets.cqes$offset()));
            this.kernelSqHead = u32(params, sqOff + io_sqring_offsets.head$offset());
            this.sqTail = u32(params, sqOff + io_sqring_offsets.tail$offset());
            this.kernelSqFlags = u32(params, sqOff + io_sqring_offsets.flags$offset());
            this.kernelSqDropped = u32(params, sqOff + io_sqring_offsets.dropped$offset());
            this.cqHead = u32(params, cqOff + io_cqring_offsets.head$offset());
            this.kernelCqTail = u32(params, cqOff + io_cqring_offsets.tail$offset());
            this.kernelCqOverflow = u32(params, cqOff + io_cqring_offsets.overflow$offset());
            long sqMaskOffset = u32(params, sqOff + io_sqring_offsets.ring_mask$offset());
            long cqMaskOffset = u32(params, cqOff + io_cqring_offsets.ring_mask$offset());

            boolean noSqArray = (setupFlags & io_uring_h.IORING_SETUP_NO_SQARRAY()) != 0;
            this.sqeBytes = io_uring_sqe.sizeof() * ((setupFlags & io_uring_h.IORING_SETUP_SQE128()) != 0 ? 2 : 1);
            this.cqeBytes = io_uring_cqe.sizeof() * ((setupFlags & io_uring_h.IORING_SETUP_CQE32()) != 0 ? 2 : 1);
            long sqRingBytes = noSqArray ? 0 : sqArray + Integer.toUnsignedLong(sqEntries) * Integer.BYTES;
            long cqRingBytes = cqesOffset + Integer.toUnsignedLong(cqEntries) * cqeBytes;
            boolean single = (features & io_uring_h.IORING_FEAT_SINGLE_MMAP()) != 0;
            if (!single && noSqArray) {
                throw new IllegalStateException("IORING_SETUP_NO_SQARRAY without IORING_FEAT_SINGLE_MMAP");
            }
            if (single) {
                sqRingBytes = Math.max(sqRingBytes, cqRingBytes); // one mapping holds both rings
                cqRingBytes = sqRingBytes;
            }

            Arena shared = Arena.ofShared();
            try {
                this.sqRing = mmap(fd, sqRingBytes, io_uring_h.IORING_OFF_SQ_RING(), shared);
                this.cqRing = single ? sqRing : mmap(fd, cqRingBytes, io_uring_h.IORING_OFF_CQ_RING(), shared);
                this.sqes = mmap(fd, sqeBytes * Integer.toUnsignedLong(sqEntries), io_uring_h.IORING_OFF_SQES(),
                        shared);
            } catch (ErrnoException | RuntimeException | Error e) {
                shared.close();
                throw e;
            }
            this.arena = shared;
            this.sqMask = sqRing.get(ValueLayout.JAVA_INT, sqMaskOffset);
            this.cqMask = cqRing.get(ValueLayout.JAVA_INT, cqMaskOffset);
            if (!noSqArray) {
                for (int i = 0; i < sqEntries; i++) {
                    sqRing.set(ValueLayout.JAVA_INT, sqArray + (long) i * Integer.BYTES, i); // identity indirection
                }
            }
        }

        private static long u32(MemorySegment params, long offset) {
            return Integer.toUnsignedLong(params.get(ValueLayout.JAVA_INT, offset));
        }

        private static MemorySegment mmap(Fd fd, long bytes, long offset, Arena arena) throws IOException {
            MemorySegment errno = ErrnoState.current();
            long address = Check.result(Syscalls.mmap(errno, MemorySegment.NULL, bytes,
                    mman_h.PROT_READ() | mman_h.PROT_WRITE(), mman_h.MAP_SHARED() | mman_h.MAP_POPULATE(),
                    fd.fd(), offset), errno, "mmap");
            return Native.sized(MemorySegment.ofAddress(address), bytes, arena, s -> munmap(s.address(), bytes));
        }

        private static void munmap(long address, long bytes) {
            // Runs from Arena.close(); the range is ours, so munmap cannot fail but with EINVAL on a bug.
            Syscalls.munmap(ErrnoState.current(), MemorySegment.ofAddress(address), bytes);
        }

        /**
         * The ring fd, owned by this ring.
         *
         * @return the fd
         */
        public Fd fd() {
            return fd;
        }

        /**
         * The {@code IORING_SETUP_*} flags the ring was created with.
         *
         * @return the flags
         */
        public int setupFlags() {
            return setupFlags;
        }

        /**
         * The {@code IORING_FEAT_*} bits the kernel reported.
         *
         * @return the features
         */
        public int features() {
            return features;
        }

        /**
         * The number of SQEs (a power of two).
         *
         * @return the SQ size
         */
        public int sqEntries() {
            return sqEntries;
        }

        /**
         * The number of CQEs (twice {@link #sqEntries()} unless {@code IORING_SETUP_CQSIZE}).
         *
         * @return the CQ size
         */
        public int cqEntries() {
            return cqEntries;
        }

        /**
         * The SQ ring mapping (shared with the kernel).
         *
         * @return the segment, {@code sq_off.array + 4 * sq_entries} bytes or more
         */
        public MemorySegment sqRing() {
            return sqRing;
        }

        /**
         * The CQ ring mapping (shared with the kernel; the same segment as {@link #sqRing()} with
         * {@code IORING_FEAT_SINGLE_MMAP}).
         *
         * @return the segment, {@code cq_off.cqes + cqeBytes * cq_entries} bytes or more
         */
        public MemorySegment cqRing() {
            return cqRing;
        }

        /**
         * The SQE array mapping.
         *
         * @return the segment, {@code sqeBytes * sq_entries} bytes
         */
        public MemorySegment sqes() {
            return sqes;
        }

        /**
         * The size of one SQE (64, or 128 with {@code IORING_SETUP_SQE128}).
         *
         * @return bytes per SQE
         */
        public long sqeBytes() {
            return sqeBytes;
        }

        /**
         * The size of one CQE (16, or 32 with {@code IORING_SETUP_CQE32}).
         *
         * @return bytes per CQE
         */
        public long cqeBytes() {
            return cqeBytes;
        }

        /**
         * The offset in {@link #sqes()} of the SQE for a free-running SQ index.
         *
         * @param index an SQ tail value
         * @return the byte offset of slot {@code index & ring_mask}
         */
        public long sqeOffset(int index) {
            return (index & sqMask) * sqeBytes;
        }

        /**
         * The offset in {@link #cqRing()} of the CQE for a free-running CQ index.
         *
         * @param index a CQ head value
         * @return the byte offset of slot {@code index & ring_mask}
         */
        public long cqeOffset(int index) {
            return cqesOffset + (index & cqMask) * cqeBytes;
        }

        /**
         * The SQ head, written by the kernel as it consumes SQEs, with memory effects as specified by
         * {@link VarHandle#getAcquire}: SQE slots before it may be reused.
         *
         * @return the SQ head
         */
        public int getSqHeadAcquire() {
            return (int) INT.getAcquire(sqRing, kernelSqHead);
        }

        /**
         * The SQ tail, written only by this application: a plain read by the submitting thread.
         *
         * @return the SQ tail
         */
        public int getSqTail() {
            return (int) INT.get(sqRing, sqTail);
        }

        /**
         * Publishes SQEs up to {@code tail} to the kernel, with memory effects as specified by
         * {@link VarHandle#setRelease}: the SQE writes before it are visible to the kernel once it reads the tail.
         *
         * @param tail the new SQ tail
         */
        public void setSqTailRelease(int tail) {
            INT.setRelease(sqRing, sqTail, tail);
        }

        /**
         * The SQ ring flags ({@code IORING_SQ_NEED_WAKEUP}, {@code IORING_SQ_CQ_OVERFLOW}), written by the kernel,
         * with memory effects as specified by {@link VarHandle#getAcquire}.
         *
         * @return the flags
         */
        public int getSqFlagsAcquire() {
            return (int) INT.getAcquire(sqRing, kernelSqFlags);
        }

        /**
         * The count of invalid SQEs the kernel dropped, an opaque read of a kernel-written counter.
         *
         * @return the dropped count
         */
        public int getSqDroppedOpaque() {
            return (int) INT.getOpaque(sqRing, kernelSqDropped);
        }

        /**
         * The CQ tail, written by the kernel as it posts CQEs, with memory effects as specified by
         * {@link VarHandle#getAcquire}: the CQEs before it are fully written.
         *
         * @return the CQ tail
         */
        public int getCqTailAcquire() {
            return (int) INT.getAcquire(cqRing, kernelCqTail);
        }

        /**
         * The CQ head, written only by this application: a plain read by the reaping thread.
         *
         * @return the CQ head
         */
        public int getCqHead() {
            return (int) INT.get(cqRing, cqHead);
        }

        /**
         * Returns CQE slots up to {@code head} to the kernel, with memory effects as specified by
         * {@link VarHandle#setRelease}: the CQE reads before it complete before the kernel may overwrite the
         * slots.
         *
         * @param head the new CQ head
         */
        public void setCqHeadRelease(int head) {
            INT.setRelease(cqRing, cqHead, head);
        }

        /**
         * The count of CQEs lost to a full CQ ring (kernels without {@code IORING_FEAT_NODROP}), an opaque read
         * of a kernel-written counter.
         *
         * @return the overflow count
         */
        public int getCqOverflowOpaque() {
            return (int) INT.getOpaque(cqRing, kernelCqOverflow);
        }

        /**
         * Unmaps the rings (every segment from this ring becomes inaccessible) and closes the fd. Idempotent.
         *
         * @throws ErrnoException when closing the fd fails
         */
        @Override
        public void close() throws ErrnoException {
            if (arena.scope().isAlive()) {
                arena.close();
            }
            fd.close();
        }
    }
}
