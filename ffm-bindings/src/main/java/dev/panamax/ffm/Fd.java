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
import dev.panamax.ffm.internal.uapi.falloc_h;
import dev.panamax.ffm.internal.uapi.fcntl_h;
import dev.panamax.ffm.internal.uapi.fs_h;
import dev.panamax.ffm.internal.uapi.iovec;
import dev.panamax.ffm.internal.uapi.open_how;
import dev.panamax.ffm.internal.uapi.stat_h;
import dev.panamax.ffm.internal.uapi.statx;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.ref.Reference;
import java.lang.invoke.VarHandle;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * An owned Linux file descriptor and the file syscalls on it. Closing is idempotent; any call on a closed
 * {@code Fd} throws {@link ClosedChannelException} before reaching the kernel. Buffers are native
 * {@link MemorySegment}s; offsets and lengths are checked against them first.
 *
 * <p>Reads and writes return the byte count, or {@link #AGAIN} (EAGAIN: a non-blocking descriptor or
 * {@code RWF_NOWAIT} had nothing ready) or {@link #INTERRUPTED} (EINTR); every other errno throws
 * {@link ErrnoException}.
 *
 * <p>Closing while another thread is inside a call on the same {@code Fd} is a race as in C: the number may be
 * reused by a later {@code open}. Close only once every user is done.
 */
public final class Fd implements AutoCloseable {

    /** EAGAIN as a read/write result: nothing was ready. */
    public static final int AGAIN = Check.AGAIN;
    /** EINTR as a read/write result: a signal handler ran before any byte moved. */
    public static final int INTERRUPTED = Check.INTERRUPTED;

    private static final int AT_FDCWD = fcntl_h.AT_FDCWD();
    private static final int SCRATCH_IOVECS = (int) (Scratch.SIZE / iovec.sizeof());
    private static final VarHandle FD;

    static {
        try {
            FD = MethodHandles.lookup().findVarHandle(Fd.class, "fd", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int fd; // -1 once closed; written by close() with getAndSet, read by every call

    private Fd(int fd) {
        this.fd = fd;
    }

    /**
     * Takes ownership of a raw descriptor obtained elsewhere; {@link #close()} will close it.
     *
     * @param fd the descriptor number, {@code >= 0}
     * @return the owner
     * @throws IllegalArgumentException if {@code fd < 0}
     */
    public static Fd adopt(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("file descriptor must be >= 0, got " + fd);
        }
        return new Fd(fd);
    }

    /**
     * Returns the descriptor number, for passing to other syscalls (io_uring, epoll).
     *
     * @return the number
     * @throws ClosedChannelException if closed
     */
    public int intValue() throws ClosedChannelException {
        return fd();
    }

    /**
     * Tells whether {@link #close()} has been called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return fd < 0;
    }

    int fd() throws ClosedChannelException {
        int fd = this.fd;
        if (fd < 0) {
            throw new ClosedChannelException();
        }
        return fd;
    }

    /**
     * Closes the descriptor; later calls are no-ops.
     *
     * @throws ErrnoException EBADF if the number was not an open descriptor, EIO if deferred write-back failed
     * @see <a href="https://man7.org/linux/man-pages/man2/close.2.html">close(2)</a>
     */
    @Override
    public void close() throws ErrnoException {
        int old = (int) FD.getAndSet(this, -1);
        if (old >= 0) {
            MemorySegment es = ErrnoState.current();
            // Linux frees the number even when close fails (EINTR included): never retry.
            Check.result(Syscalls.close(es, old), es, "close");
        }
    }

    /**
     * Gives up ownership without closing: returns the number and marks this {@code Fd} closed, so that
     * {@link #close()} does nothing and every other call throws {@link ClosedChannelException}. For handing the
     * descriptor to something that closes it itself, such as an io_uring {@code IORING_OP_CLOSE}.
     *
     * @return the descriptor number, now owned by the caller
     * @throws ClosedChannelException if already closed or released
     */
    public int release() throws ClosedChannelException {
        int old = (int) FD.getAndSet(this, -1);
        if (old < 0) {
            throw new ClosedChannelException();
        }
        return old;
    }

    /**
     * Opens a file relative to the working directory ({@code openat(AT_FDCWD, ...)}).
     *
     * @param path  the file
     * @param flags the flags; {@code O_CLOEXEC} is always added
     * @param mode  permission bits for {@link OpenFlag#CREATE} / {@link OpenFlag#TMPFILE}, e.g. {@code 0644}
     * @return the open descriptor
     * @throws ErrnoException ENOENT, EEXIST, EINVAL (e.g. O_DIRECT on a file system without it), ...
     * @see <a href="https://man7.org/linux/man-pages/man2/openat.2.html">openat(2)</a>
     */
    public static Fd open(Path path, Set<OpenFlag> flags, int mode) throws ErrnoException {
        return openat(AT_FDCWD, path.toString(), flags, mode);
    }

    /**
     * Opens a file relative to this directory descriptor ({@code openat}).
     *
     * @param name  the path, relative to this directory (an absolute path ignores it)
     * @param flags the flags; {@code O_CLOEXEC} is always added
     * @param mode  permission bits for created files
     * @return the open descriptor
     * @throws IOException ErrnoException from the kernel, ClosedChannelException if this is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/openat.2.html">openat(2)</a>
     */
    public Fd openAt(String name, Set<OpenFlag> flags, int mode) throws IOException {
        return openat(fd(), name, flags, mode);
    }

    private static Fd openat(int dirFd, String name, Set<OpenFlag> flags, int mode) throws ErrnoException {
        Objects.requireNonNull(name, "name");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(name);
            MemorySegment es = ErrnoState.current();
            return new Fd(Check.intResult(Syscalls.openat(es, dirFd, path, OpenFlag.toBits(flags), mode), es,
                    "openat"));
        }
    }

    /** {@code RESOLVE_*} restrictions of {@link #openat2}. */
    public enum Resolve {
        /** RESOLVE_NO_XDEV: do not cross mount points. */
        NO_XDEV(fcntl_h.RESOLVE_NO_XDEV()),
        /** RESOLVE_NO_MAGICLINKS: refuse {@code /proc/self/fd}-style links. */
        NO_MAGICLINKS(fcntl_h.RESOLVE_NO_MAGICLINKS()),
        /** RESOLVE_NO_SYMLINKS: refuse every symbolic link (ELOOP). */
        NO_SYMLINKS(fcntl_h.RESOLVE_NO_SYMLINKS()),
        /** RESOLVE_BENEATH: refuse paths escaping the directory (EXDEV). */
        BENEATH(fcntl_h.RESOLVE_BENEATH()),
        /** RESOLVE_IN_ROOT: treat the directory as the root. */
        IN_ROOT(fcntl_h.RESOLVE_IN_ROOT()),
        /** RESOLVE_CACHED: only from the dentry cache, else EAGAIN (thrown, as open has no retry protocol). */
        CACHED(fcntl_h.RESOLVE_CACHED());

        private final long bits;

        Resolve(long bits) {
            this.bits = bits;
        }
    }

    /**
     * Opens a file relative to this directory with path-resolution restrictions ({@code openat2}, Linux 5.6).
     *
     * @param name    the path, relative to this directory
     * @param flags   the open flags; {@code O_CLOEXEC} is always added
     * @param mode    permission bits for created files, 0 otherwise (the kernel rejects a mode without O_CREAT)
     * @param resolve the restrictions
     * @return the open descriptor
     * @throws IOException ErrnoException (EXDEV when {@link Resolve#BENEATH} is violated, ELOOP, E2BIG, ...),
     *                     ClosedChannelException if this is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/openat2.2.html">openat2(2)</a>
     */
    public Fd openat2(String name, Set<OpenFlag> flags, int mode, Set<Resolve> resolve) throws IOException {
        Objects.requireNonNull(name, "name");
        int dirFd = fd();
        long resolveBits = 0;
        for (Resolve r : resolve) {
            resolveBits |= r.bits;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(name);
            MemorySegment how = open_how.allocate(arena);
            open_how.flags(how, Integer.toUnsignedLong(OpenFlag.toBits(flags)));
            open_how.mode(how, mode);
            open_how.resolve(how, resolveBits);
            MemorySegment es = ErrnoState.current();
            return new Fd(Check.intResult(Syscalls.openat2(es, dirFd, path, how, open_how.sizeof()), es,
                    "openat2"));
        }
    }

    /**
     * Reads into {@code buffer[offset, offset + length)} at the file position.
     *
     * @param buffer native memory
     * @param offset where in {@code buffer} the bytes go
     * @param length the most bytes to read
     * @return the bytes read (0 at end of file), {@link #AGAIN} or {@link #INTERRUPTED}
     * @throws IOException ErrnoException from the kernel, ClosedChannelException if closed
     * @see <a href="https://man7.org/linux/man-pages/man2/read.2.html">read(2)</a>
     */
    public long read(MemorySegment buffer, long offset, long length) throws IOException {
        MemorySegment buf = Words.slice("read buffer", buffer, offset, length);
        Words.checkWritable("read buffer", buf);
        int fd = fd();
        MemorySegment es = ErrnoState.current();
        return Check.orAgainOrInterrupted(Syscalls.read(es, fd, buf, length), es, "read");
    }

    /**
     * Writes {@code buffer[offset, offset + length)} at the file position.
     *
     * @param buffer native memory
     * @param offset where in {@code buffer} the bytes start
     * @param length the bytes to write
     * @return the bytes written (possibly fewer), {@link #AGAIN} or {@link #INTERRUPTED}
     * @throws IOException ErrnoException from the kernel, ClosedChannelException if closed
     * @see <a href="https://man7.org/linux/man-pages/man2/write.2.html">write(2)</a>
     */
    public long write(MemorySegment buffer, long offset, long length) throws IOException {
        MemorySegment buf = Words.slice("write buffer", buffer, offset, length);
        int fd = fd();
        MemorySegment es = ErrnoState.current();
        return Check.orAgainOrInterrupted(Syscalls.write(es, fd, buf, length), es, "write");
    }

    /**
     * Reads into {@code buffer[offset, offset + length)} from file position {@code position}, leaving the file
     * position unchanged.
     *
     * @param buffer   native memory
     * @param offset   where in {@code buffer} the bytes go
     * @param length   the most bytes to read
     * @param position the file offset, {@code >= 0}
     * @return the bytes read (0 at end of file), {@link #AGAIN} or {@link #INTERRUPTED}
     * @throws IOException ErrnoException from the kernel (EINVAL for misaligned O_DIRECT), ClosedChannelException
     * @see <a href="https://man7.org/linux/man-pages/man2/pread.2.html">pread(2)</a>
     */
    public long pread(MemorySegment buffer, long offset, long length, long position) throws IOException {
        MemorySegment buf = Words.slice("pread buffer", buffer, offset, length);
        Words.checkWritable("pread buffer", buf);
        Words.checkNonNegative("position", position);
        int fd = fd();
        MemorySegment es = ErrnoState.current();
        return Check.orAgainOrInterrupted(Syscalls.pread64(es, fd, buf, length, position), es, "pread64");
    }

    /**
     * Writes {@code buffer[offset, offset + length)} at file position {@code position}.
     *
     * @param buffer   native memory
     * @param offset   where in {@code buffer} the bytes start
     * @param length   the bytes to write
     * @param position the file offset, {@code >= 0}
     * @return the bytes written, {@link #AGAIN} or {@link #INTERRUPTED}
     * @throws IOException ErrnoException from the kernel (EINVAL for misaligned O_DIRECT), ClosedChannelException
     * @see <a href="https://man7.org/linux/man-pages/man2/pwrite.2.html">pwrite(2)</a>
     */
    public long pwrite(MemorySegment buffer, long offset, long length, long position) throws IOException {
        MemorySegment buf = Words.slice("pwrite buffer", buffer, offset, length);
        Words.checkNonNegative("position", position);
        int fd = fd();
        MemorySegment es = ErrnoState.current();
        return Check.orAgainOrInterrupted(Syscalls.pwrite64(es, fd, buf, length, position), es, "pwrite64");
    }

    /** {@code RWF_*} per-call flags of {@link #preadv2} and {@link #pwritev2}. */
    public enum RwFlag {
        /** RWF_HIPRI: high-priority (polled) I/O where the device supports it. */
        HIPRI(fs_h.RWF_HIPRI()),
        /** RWF_DSYNC: this write is O_DSYNC. */
        DSYNC(fs_h.RWF_DSYNC()),
        /** RWF_SYNC: this write is O_SYNC. */
        SYNC(fs_h.RWF_SYNC()),
        /** RWF_NOWAIT: return {@link #AGAIN} instead of blocking (data not cached, locks held). */
        NOWAIT(fs_h.RWF_NOWAIT()),
        /** RWF_APPEND: this write appends. */
        APPEND(fs_h.RWF_APPEND());

        private static final RwFlag[] VALUES = values();

        private final int bits;

        RwFlag(long bits) {
            this.bits = (int) bits;
        }

        static int toBits(Set<RwFlag> flags) {
            int bits = 0;
            for (RwFlag f : VALUES) {
                if (flags.contains(f)) {
                    bits |= f.bits;
                }
            }
            return bits;
        }
    }

    /**
     * Reads into each buffer in turn from file position {@code position} ({@code preadv}).
     *
     * @param buffers  native buffers, each filled completely before the next; at most 16 avoid any allocation
     * @param position the file offset, {@code >= 0}
     * @return the total bytes read, {@link #AGAIN} or {@link #INTERRUPTED}
     * @throws IOException ErrnoException from the kernel, ClosedChannelException if closed
     * @see <a href="https://man7.org/linux/man-pages/man2/preadv.2.html">preadv(2)</a>
     */
    public long preadv(MemorySegment[] buffers, long position) throws IOException {
        return vectored(buffers, position, 0, false, false);
    }

    /**
     * Writes each buffer in turn at file position {@code position} ({@code pwritev}).
     *
     * @param buffers  native buffers; at most 16 avoid any allocation
     * @param position the file offset, {@code >= 0}
     * @return the total bytes written, {@link #AGAIN} or {@link #INTERRUPTED}
     * @throws IOException ErrnoException from the kernel, ClosedChannelException if closed
     * @see <a href="https://man7.org/linux/man-pages/man2/pwritev.2.html">pwritev(2)</a>
     */
    public long pwritev(MemorySegment[] buffers, long position) throws IOException {
        return vectored(buffers, position, 0, true, false);
    }

    /**
     * Like {@link #preadv} with per-call flags ({@code preadv2}, Linux 4.6).
     *
     * @param buffers  native buffers
     * @param position the file offset, {@code >= 0} ({@code -1} is not accepted: use {@link #read})
     * @param flags    the {@code RWF_*} flags
     * @return the total bytes read, {@link #AGAIN} (e.g. {@link RwFlag#NOWAIT}) or {@link #INTERRUPTED}
     * @throws IOException ErrnoException (EOPNOTSUPP for an unsupported flag), ClosedChannelException
     * @see <a href="https://man7.org/linux/man-pages/man2/preadv2.2.html">preadv2(2)</a>
     */
    public long preadv2(MemorySegment[] buffers, long position, Set<RwFlag> flags) throws IOException {
        return vectored(buffers, position, RwFlag.toBits(flags), false, true);
    }

    /**
     * Like {@link #pwritev} with per-call flags ({@code pwritev2}, Linux 4.6), e.g. {@link RwFlag#DSYNC} to make
     * one write durable without {@code O_DSYNC} on the descriptor.
     *
     * @param buffers  native buffers
     * @param position the file offset, {@code >= 0}
     * @param flags    the {@code RWF_*} flags
     * @return the total bytes written, {@link #AGAIN} or {@link #INTERRUPTED}
     * @throws IOException ErrnoException (EOPNOTSUPP for an unsupported flag), ClosedChannelException
     * @see <a href="https://man7.org/linux/man-pages/man2/pwritev2.2.html">pwritev2(2)</a>
     */
    public long pwritev2(MemorySegment[] buffers, long position, Set<RwFlag> flags) throws IOException {
        return vectored(buffers, position, RwFlag.toBits(flags), true, true);
    }

    private long vectored(MemorySegment[] buffers, long position, int flags, boolean write, boolean v2)
            throws IOException {
        Words.checkNonNegative("position", position);
        if (buffers.length == 0) {
            throw new IllegalArgumentException("at least one buffer is needed");
        }
        for (int i = 0; i < buffers.length; i++) {
            Words.checkNative("buffer", i, buffers[i]);
            if (!write) {
                Words.checkWritable("buffer", i, buffers[i]);
            }
        }
        int fd = fd();
        Arena arena = buffers.length <= SCRATCH_IOVECS ? null : Arena.ofConfined();
        try {
            MemorySegment iov = arena == null ? Scratch.current() : arena.allocate(iovec.layout(), buffers.length);
            for (int i = 0; i < buffers.length; i++) {
                long entry = i * iovec.sizeof(); // offsets, not slices: no segment object per element
                iov.set(iovec.iov_base$layout(), entry + iovec.iov_base$offset(), buffers[i]);
                iov.set(iovec.iov_len$layout(), entry + iovec.iov_len$offset(), buffers[i].byteSize());
            }
            MemorySegment es = ErrnoState.current();
            // pos_l/pos_h split a 64-bit offset for 32-bit ABIs; on LP64 pos_l carries it all and pos_h is 0.
            long raw;
            String name;
            if (write) {
                name = v2 ? "pwritev2" : "pwritev";
                raw = v2 ? Syscalls.pwritev2(es, fd, iov, buffers.length, position, 0, flags)
                        : Syscalls.pwritev(es, fd, iov, buffers.length, position, 0);
            } else {
                name = v2 ? "preadv2" : "preadv";
                raw = v2 ? Syscalls.preadv2(es, fd, iov, buffers.length, position, 0, flags)
                        : Syscalls.preadv(es, fd, iov, buffers.length, position, 0);
            }
            long result = Check.orAgainOrInterrupted(raw, es, name);
            Reference.reachabilityFence(buffers); // the iovecs hold raw addresses of these
            return result;
        } finally {
            if (arena != null) {
                arena.close();
            }
        }
    }

    /**
     * Makes the file's data, and the metadata needed to read it, durable.
     *
     * @throws IOException ErrnoException (EIO on a write-back error), ClosedChannelException if closed
     * @see <a href="https://man7.org/linux/man-pages/man2/fdatasync.2.html">fdatasync(2)</a>
     */
    public void fdatasync() throws IOException {
        int fd = fd();
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.fdatasync(es, fd), es, "fdatasync");
    }

    /**
     * Makes the file's data and all its metadata durable.
     *
     * @throws IOException ErrnoException (EIO on a write-back error), ClosedChannelException if closed
     * @see <a href="https://man7.org/linux/man-pages/man2/fsync.2.html">fsync(2)</a>
     */
    public void fsync() throws IOException {
        int fd = fd();
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.fsync(es, fd), es, "fsync");
    }

    /**
     * Starts and/or waits for write-back of a byte range ({@code sync_file_range}). Not a durability guarantee:
     * no metadata and no device cache flush.
     *
     * @param position   the start, {@code >= 0}
     * @param length     the bytes, {@code >= 0}; 0 means to the end of the file
     * @param waitBefore SYNC_FILE_RANGE_WAIT_BEFORE: wait for write-back already in flight
     * @param write      SYNC_FILE_RANGE_WRITE: start write-back of dirty pages
     * @param waitAfter  SYNC_FILE_RANGE_WAIT_AFTER: wait for the write-back to finish
     * @throws IOException ErrnoException from the kernel, ClosedChannelException if closed
     * @see <a href="https://man7.org/linux/man-pages/man2/sync_file_range.2.html">sync_file_range(2)</a>
     */
    public void syncFileRange(long position, long length, boolean waitBefore, boolean write, boolean waitAfter)
            throws IOException {
        Words.checkNonNegative("position", position);
        Words.checkNonNegative("length", length);
        int flags = (waitBefore ? fcntl_h.SYNC_FILE_RANGE_WAIT_BEFORE() : 0)
                | (write ? fcntl_h.SYNC_FILE_RANGE_WRITE() : 0)
                | (waitAfter ? fcntl_h.SYNC_FILE_RANGE_WAIT_AFTER() : 0);
        int fd = fd();
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.sync_file_range(es, fd, position, length, flags), es, "sync_file_range");
    }

    /** Modes of {@link #fallocate}. */
    public enum FallocateMode {
        /** FALLOC_FL_KEEP_SIZE: allocate blocks past the end without changing the file size. */
        KEEP_SIZE(falloc_h.FALLOC_FL_KEEP_SIZE()),
        /** FALLOC_FL_PUNCH_HOLE: free the range (reads return zeros); needs {@link #KEEP_SIZE}. */
        PUNCH_HOLE(falloc_h.FALLOC_FL_PUNCH_HOLE()),
        /** FALLOC_FL_ZERO_RANGE: zero the range, allocating unwritten extents. */
        ZERO_RANGE(falloc_h.FALLOC_FL_ZERO_RANGE()),
        /** FALLOC_FL_COLLAPSE_RANGE: remove the range, shifting the rest down (block-aligned). */
        COLLAPSE_RANGE(falloc_h.FALLOC_FL_COLLAPSE_RANGE()),
        /** FALLOC_FL_INSERT_RANGE: insert a hole, shifting the rest up (block-aligned). */
        INSERT_RANGE(falloc_h.FALLOC_FL_INSERT_RANGE());

        private final int bits;

        FallocateMode(long bits) {
            this.bits = (int) bits;
        }
    }

    /**
     * Allocates, or with modes manipulates, the file's blocks in a range.
     *
     * @param modes    the modes; empty allocates and extends the size
     * @param position the start, {@code >= 0}
     * @param length   the bytes, {@code > 0}
     * @throws IOException ErrnoException (EOPNOTSUPP if the file system lacks the mode, ENOSPC),
     *                     ClosedChannelException if closed
     * @see <a href="https://man7.org/linux/man-pages/man2/fallocate.2.html">fallocate(2)</a>
     */
    public void fallocate(Set<FallocateMode> modes, long position, long length) throws IOException {
        Words.checkNonNegative("position", position);
        if (length <= 0) {
            throw new IllegalArgumentException("length must be > 0, got " + length);
        }
        int mode = fallocateBits(modes);
        int fd = fd();
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.fallocate(es, fd, mode, position, length), es, "fallocate");
    }

    /** The {@code mode} argument of {@code fallocate} for a set of modes (also used by io_uring). */
    static int fallocateBits(Set<FallocateMode> modes) {
        Objects.requireNonNull(modes, "modes");
        int mode = 0;
        for (FallocateMode m : modes) {
            mode |= m.bits;
        }
        return mode;
    }

    /**
     * Sets the file size.
     *
     * @param length the new size, {@code >= 0}
     * @throws IOException ErrnoException (EINVAL if not open for writing), ClosedChannelException if closed
     * @see <a href="https://man7.org/linux/man-pages/man2/ftruncate.2.html">ftruncate(2)</a>
     */
    public void ftruncate(long length) throws IOException {
        Words.checkNonNegative("length", length);
        int fd = fd();
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.ftruncate(es, fd, length), es, "ftruncate");
    }

    /**
     * Returns where data starts at or after {@code offset} ({@code lseek} with {@code SEEK_DATA}), or -1 when only
     * holes follow to the end of the file, or {@code offset} is at or past it (ENXIO). Lets a reader skip what reads
     * as zeros without reading it: ext4 and xfs count extents preallocated and never written (and not in the page
     * cache) as holes; a file system that does not track holes answers {@code offset} itself. Moves the
     * descriptor's file offset, as lseek does; positional reads and writes do not use it.
     *
     * @param offset where to look from, {@code >= 0}
     * @return the offset of the next data, or -1
     * @throws IOException ErrnoException from the kernel (ESPIPE on a pipe or socket), ClosedChannelException if
     *                     closed
     * @see <a href="https://man7.org/linux/man-pages/man2/lseek.2.html">lseek(2)</a>
     */
    public long seekData(long offset) throws IOException {
        return seek(offset, fs_h.SEEK_DATA());
    }

    /**
     * Returns where the next hole starts at or after {@code offset} ({@code lseek} with {@code SEEK_HOLE}): the end
     * of the data run {@code offset} is in, the end of the file at the latest (an implicit hole), or -1 when
     * {@code offset} is at or past the end (ENXIO). See {@link #seekData(long)} for what counts as a hole.
     *
     * @param offset where to look from, {@code >= 0}
     * @return the offset of the next hole, or -1
     * @throws IOException ErrnoException from the kernel (ESPIPE on a pipe or socket), ClosedChannelException if
     *                     closed
     * @see <a href="https://man7.org/linux/man-pages/man2/lseek.2.html">lseek(2)</a>
     */
    public long seekHole(long offset) throws IOException {
        return seek(offset, fs_h.SEEK_HOLE());
    }

    private long seek(long offset, int whence) throws IOException {
        Words.checkNonNegative("offset", offset);
        int fd = fd();
        MemorySegment es = ErrnoState.current();
        long at = Syscalls.lseek(es, fd, offset, whence);
        if (at == -1 && Check.lastErrno(es) == Errno.ENXIO.value()) {
            return -1;
        }
        return Check.result(at, es, "lseek");
    }

    /**
     * Returns the file's attributes, including its O_DIRECT alignment ({@code statx} with
     * {@code AT_EMPTY_PATH}).
     *
     * @return the attributes
     * @throws IOException ErrnoException from the kernel, ClosedChannelException if closed
     * @see <a href="https://man7.org/linux/man-pages/man2/statx.2.html">statx(2)</a>
     */
    public Statx statx() throws IOException {
        return statx(fd(), "", fcntl_h.AT_EMPTY_PATH());
    }

    /**
     * Returns a file's attributes ({@code statx}), following symbolic links.
     *
     * @param path the file
     * @return the attributes
     * @throws ErrnoException ENOENT if it does not exist
     * @see <a href="https://man7.org/linux/man-pages/man2/statx.2.html">statx(2)</a>
     */
    public static Statx statx(Path path) throws ErrnoException {
        return statx(AT_FDCWD, path.toString(), 0);
    }

    private static Statx statx(int dirFd, String name, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(name);
            MemorySegment buf = statx.allocate(arena);
            int mask = stat_h.STATX_BASIC_STATS() | stat_h.STATX_DIOALIGN();
            MemorySegment es = ErrnoState.current();
            Check.result(Syscalls.statx(es, dirFd, path, flags, mask, buf), es, "statx");
            return Statx.read(buf);
        }
    }

    /**
     * Renames a file atomically, optionally refusing to replace or exchanging the two ({@code renameat2}).
     *
     * @param from     the existing path
     * @param to       the new path
     * @param noReplace RENAME_NOREPLACE: fail with EEXIST if {@code to} exists
     * @param exchange RENAME_EXCHANGE: swap {@code from} and {@code to} (both must exist)
     * @throws ErrnoException EEXIST, ENOENT, EINVAL (file system without the flag), ...
     * @see <a href="https://man7.org/linux/man-pages/man2/renameat2.2.html">renameat2(2)</a>
     */
    public static void rename(Path from, Path to, boolean noReplace, boolean exchange) throws ErrnoException {
        if (noReplace && exchange) {
            throw new IllegalArgumentException("RENAME_NOREPLACE and RENAME_EXCHANGE exclude each other");
        }
        int flags = (noReplace ? fs_h.RENAME_NOREPLACE() : 0) | (exchange ? fs_h.RENAME_EXCHANGE() : 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocateFrom(from.toString());
            MemorySegment b = arena.allocateFrom(to.toString());
            MemorySegment es = ErrnoState.current();
            Check.result(Syscalls.renameat2(es, AT_FDCWD, a, AT_FDCWD, b, flags), es, "renameat2");
        }
    }

    /**
     * Removes a file or an empty directory ({@code unlinkat}).
     *
     * @param path      the path
     * @param directory true to remove a directory ({@code AT_REMOVEDIR})
     * @throws ErrnoException ENOENT, ENOTEMPTY, EISDIR, ...
     * @see <a href="https://man7.org/linux/man-pages/man2/unlinkat.2.html">unlinkat(2)</a>
     */
    public static void unlink(Path path, boolean directory) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(path.toString());
            MemorySegment es = ErrnoState.current();
            Check.result(Syscalls.unlinkat(es, AT_FDCWD, p, directory ? fcntl_h.AT_REMOVEDIR() : 0), es,
                    "unlinkat");
        }
    }

    /**
     * Creates a directory ({@code mkdirat}).
     *
     * @param path the new directory
     * @param mode permission bits, e.g. {@code 0755} (masked by the umask)
     * @throws ErrnoException EEXIST, ENOENT, ...
     * @see <a href="https://man7.org/linux/man-pages/man2/mkdirat.2.html">mkdirat(2)</a>
     */
    public static void mkdir(Path path, int mode) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(path.toString());
            MemorySegment es = ErrnoState.current();
            Check.result(Syscalls.mkdirat(es, AT_FDCWD, p, mode), es, "mkdirat");
        }
    }

    /**
     * Makes a directory's entries durable (after creating, renaming or removing files in it): opens it
     * read-only with {@code O_DIRECTORY}, {@code fsync}s and closes it.
     *
     * @param directory the directory
     * @throws IOException ErrnoException (ENOTDIR, EIO)
     * @see <a href="https://man7.org/linux/man-pages/man2/fsync.2.html">fsync(2)</a>
     */
    public static void fsyncDirectory(Path directory) throws IOException {
        try (Fd dir = open(directory, Set.of(OpenFlag.DIRECTORY), 0)) {
            dir.fsync();
        }
    }

    @Override
    public String toString() {
        int fd = this.fd;
        return fd < 0 ? "Fd[closed]" : "Fd[" + fd + "]";
    }
}
