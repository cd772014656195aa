/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.DirectIo;
import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.IoUringSyscalls;
import dev.panamax.ffm.Memory;
import dev.panamax.ffm.OpenFlag;
import dev.panamax.sync.FutexMutex;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * An append-only record log in a directory, durable at a chosen {@link Durability} rung, with group commit and
 * crash recovery.
 *
 * <p>{@link #append(byte[])} returns the record's sequence number (1, 2, 3, ... across the life of the log) only
 * once the record is durable at the log's rung: after the {@code pwrite} for {@link Durability#WRITE}, after the
 * {@code fdatasync}/{@code fsync} that covers it, or after the synchronous write for the {@code O_DSYNC},
 * {@code O_DIRECT} and {@code O_SYNC} rungs. Concurrent appenders share that work: one of them (the leader)
 * writes everything staged so far with one {@code pwrite} and one flush, then wakes the others. With
 * {@link LogOptions#withIoUring(boolean)} the write and the flush of a batch go to the kernel together, as one
 * io_uring submission of a write linked to an fsync; the leader still acknowledges only after the fsync's
 * completion.
 *
 * <p>{@link #open} runs recovery: every record is verified (magic, length, sequence, CRC32C); the first one that
 * fails and everything after it is cut, and {@link #recoveryReport()} says what was cut. A record is never
 * returned by a reader unless it verified. A record longer than {@link LogOptions#maxRecordBytes()} is not damage
 * by itself: if it verifies, {@link #open} refuses with {@link RecordTooLargeException} and cuts nothing. What the
 * last opener may have left only in the page cache (a WRITE log, a crash) counts as unflushed: a log opened at a
 * flushing or open-flag rung flushes each kept segment and the directory before {@code open} returns (one flush
 * per segment), a WRITE log at its first flush.
 *
 * <p>Over its life a log is read with {@link #reader(long)} (what is durable now) or {@link #follow(long)} (and
 * what becomes durable later, waited for with {@link #awaitDurable(long, long, java.util.concurrent.TimeUnit)});
 * made durable in one step after appends at a lower rung with {@link #sync(Durability)}; and kept from growing
 * without bound with {@link #truncateBefore(long)}, which removes whole segments once a checkpoint covers them.
 *
 * <p>A failed write or flush is fatal: every later append throws {@link LogFailedException} with the first
 * failure as its cause; nothing is retried (see the package documentation). The directory is locked against a
 * second opener, in this process or another, for the life of the log: an fcntl record lock on its {@code LOCK}
 * file taken through {@link FileChannel#tryLock()}. Like every POSIX record lock it is released when the process
 * closes <em>any</em> descriptor of that file, so a second open in this process is refused before it opens
 * {@code LOCK} (the logs open here are known by the file's device and inode, whatever path reached them), and
 * nothing else in the process should open {@code LOCK}. Close a log when done with it: one dropped without
 * {@link #close()} keeps its files and its lock until the garbage collector finds it unreachable, as a
 * {@link FileChannel} does; they are then released, and the directory reads as after a crash.
 *
 * <p>Thread safety: all methods may be called from any thread. Payload segments are read only by the calling
 * thread, so confined segments are fine.
 */
public final class DurableLog implements AutoCloseable {

    /*
     * Overview.
     *
     * Files: the directory holds LOCK (held with an fcntl lock through FileChannel.tryLock) and segment files
     * named by their first sequence number (RecordFormat). Only the last segment is written; a new one is
     * created (fallocate, zero fill, header, fsync, directory fsync) when the next record would not fit. With
     * preallocation, once the current segment is half full a background thread (Preparer) makes the next file
     * ready under the name NEXT (fallocate, zero fill, fsync): rolling over then costs writing the header,
     * fdatasync, a rename and a directory fsync. NEXT is never a segment: recovery deletes a leftover one.
     * A WRITE log skips that fdatasync and directory fsync (lazy roll-over). Segments left with bytes written but
     * not flushed (WRITE batches, a lazy header) are remembered, and the first batch that flushes flushes them
     * and the directory too before anyone is acknowledged (flushEarlier): recovery cuts at the first segment it
     * cannot read, so a durable record must never sit behind a segment that power loss could tear.
     *
     * Staging and group commit (RocksDB's write group, with a shared buffer instead of a writer queue):
     *
     *   appender:  lock; stage frame into buffers[active] at stagedEnd (payload copied, then checksummed from
     *              the copy); seq = nextSequence++; staged++;
     *              while durableSequence < seq: if the running leader took seq (a follower): add this thread to
     *              parked[buffer staged into], unlock, park until durableSequence >= seq (or failure), and leave
     *              without the lock; else if a leader runs, await acked[buffer staged into]; else lead();
     *              staged--; unlock (if still held)
     *   lead():    gather (below); take buffers[active] with everything staged; switch staging to the other
     *              buffer; unlock; flush step; lock; durableSequence = last staged sequence of the batch;
     *              unpark parked[batch buffer] (exactly the batch's followers); if records wait in the other
     *              buffer, signal one of them to lead the next batch
     *   flush step (the flusher): either pwrite the batch, then fdatasync/fsync if any staged record asked for
     *              it (two syscalls); or, with io_uring and a flush needed, one submission of a WRITE SQE
     *              linked to an FSYNC SQE on the segment's ring, waiting for both CQEs (a short write breaks the
     *              link, the sync completes with ECANCELED: the rest is written and synced by syscall)
     *
     * Gathering: the appenders a flush acknowledges append again at once in a busy log, but they wake only after
     * the next leader would have cut its batch, so without gathering batches alternate between two halves of
     * the appenders. A leader whose batch needs a flush (or a synchronous write) therefore first waits, lock
     * released, until no acknowledged appender is left inside append (staged, the appenders between staging and
     * return, equals the records staged and not yet taken): by then most of them have staged again. The wait is
     * bounded by half the last flush's duration, and a single appender never waits (its own record is all that
     * is staged). WRITE batches are cut at once. The leader parks while it gathers (lock released); an appender
     * staging wakes it when the count is reached, and a follower leaving lock-free wakes it to count again.
     *
     * Followers leave lock-free: with a Condition, signalAll hands the woken followers to the lock one after
     * the other, each waking the next on unlock, so on few cores the last of eight returns, and stages again,
     * long after the flush: that chain was most of the gathering wait. A parked follower needs nothing guarded
     * to leave: durableSequence and failure are volatile, staged is atomic, and the leader counts appends for
     * the whole batch. The leader unparks them under the lock after setting durableSequence; a follower adds
     * itself to parked[] under the lock before unlocking, so an unpark is never lost (park returns at once if
     * the permit was given first). Only the running batch's appenders park: those of the next batch wait on
     * acked[] under the lock, as one of them is signalled to lead.
     *
     * Only one leader runs at a time (leaderActive), so the buffer it writes is never the one being staged
     * into, and two buffers suffice. Every record a leader takes was staged, under the lock, before the leader
     * took the batch, so the flush that follows the pwrite covers its bytes: nobody is acknowledged before a
     * flush covering their bytes has returned. Appenders wait on a Condition with awaitUninterruptibly: once
     * bytes are staged, leaving early would abandon a record that may still become durable.
     *
     * File offsets: bufferBase is the file offset of byte 0 of the staging buffer; stagedEnd the offset just
     * past the last staged byte. Without O_DIRECT a batch writes [bufferBase, stagedEnd) exactly. With
     * O_DIRECT, bufferBase is block-aligned and a batch writes [bufferBase, alignUp(stagedEnd)) with the tail
     * padded with zeros; the partial last block is copied to the front of the next buffer (the carry) and
     * rewritten, extended, by the next batch. A torn rewrite of that block leaves each sector either old or
     * new, and both hold the same bytes for the records already acknowledged.
     *
     * Page padding (page-cache writes): a batch whose last page no earlier batch touched is written on through
     * the end of that page, the bytes past stagedEnd as zeros, so each page-cache page is first written whole.
     * A write that covers only part of a page the file's cache does not hold yet costs the kernel more than
     * writing the whole page (ext4 prepares the rest of the new page): 8 KiB WRITE appends went from 259-264k to
     * 288-289k per second (alternating JMH runs, benchmarks/results/2026-11-26-ladder-s5.md). The zeros land
     * where the next records go, which already reads as zeros (preallocated, or past the end of the file), and
     * recovery stops at an all-zero header, so readers and recovery see nothing new; small records pad once per
     * page.
     *
     * All mutable fields are guarded by `lock`, except as noted at each field: durableSequence and failure are
     * also volatile for lock-free reads, and staged is an AtomicInteger. A segment's
     * ring (UringFile on its borrowed writer fd) is created and closed under the lock with no leader running,
     * and used by the leader only while leaderActive, so the lock orders every use before its close.
     */

    private static final int FLUSH_NONE = 0;
    private static final int FLUSH_DATA = 1;
    private static final int FLUSH_ALL = 2;
    private static final String LOCK_FILE = "LOCK";
    private static final String NEXT_FILE = "NEXT";
    private static final String CLEAN_FILE = "CLEAN";
    private static final int CLEAN_MAX_BYTES = 256;
    private static final long MAX_GATHER_NANOS = 1_000_000;
    private static final long STAGING_BYTES = 1024 * 1024;
    private static final int FILE_MODE = 0644;
    private static final long ZERO_CHUNK_BYTES = 256 * 1024;
    private static final int RING_UNUSED = 0;
    private static final int RING_LINKED = 1;
    private static final int RING_SHORT = 2;

    // The fileKey (device, inode) of the LOCK file of every log open in this process, so aliases of a directory
    // (symlinks, other spellings) meet. A second opener must be refused before it opens a descriptor of LOCK:
    // closing any descriptor of a file drops every fcntl lock this process holds on it, the first opener's too.
    private static final Set<Object> OPEN_LOCK_FILES = new HashSet<>(); // guarded by itself

    private final Path directory;
    private final LogOptions options;
    private final Durability durability;
    private final String fallbackReason;
    private final Resources resources; // what close(), or the Cleaner once this log is unreachable, releases
    private final Cleaner.Cleanable cleanable; // registered last in the constructor: a failed open releases itself
    private final Arena arena; // resources.arena
    private final MemorySegment[] buffers;
    private final long bufferBytes;
    private final long blockBytes;
    private final long tailBytes; // room a batch may need past stagedEnd: the O_DIRECT block, else the page padding
    private final boolean direct;
    private final boolean uring;
    private final RecoveryReport recovery;

    // A FutexMutex spins (bounded) before it sleeps: appenders hold the lock for about a microsecond to stage, and
    // on few cores a ReentrantLock parked the losers, so each needed a wake-up before the gathering leader could cut
    // its batch (8 appenders at FDATASYNC on 2 vCPUs: 27.2k against 25.7k records/s, 3 alternating runs).
    private final Lock lock = new FutexMutex();
    private final Condition changed = lock.newCondition();
    private final Condition[] acked = {lock.newCondition(), lock.newCondition()}; // appenders, by staging buffer
    private final MemorySegment zeros; // null without zero fill: a chunk of zeros, never written
    // ByteBuffer views of buffers, made once (null past 2 GiB): checksumming a staged payload allocates nothing.
    private final ByteBuffer[] stagingViews; // guarded by lock: position and limit change per record
    private final CRC32C checksum = new CRC32C(); // guarded by lock
    private final MemorySegment padding; // tailBytes of zeros, never written: more than any padding needs
    private final byte[] checksumScratch = new byte[RecordFormat.CHECKSUMMED_HEADER_BYTES]; // guarded by lock

    private final List<Segment> segments; // resources.segments, guarded by lock; last one is being written
    private Segment current; // guarded by lock
    private int active; // guarded by lock: index of the staging buffer
    private long bufferBase; // guarded by lock
    private long stagedEnd; // guarded by lock
    private long nextSequence; // guarded by lock
    private long stagedSequence; // guarded by lock: last sequence staged
    private long takenSequence; // guarded by lock: last sequence taken into a batch by a leader
    private final AtomicInteger staged = new AtomicInteger(); // appenders between staging and returning: raised
                                                               // under lock, lowered by a follower leaving lock-free
    private volatile boolean gathering; // written under lock; read by followers leaving lock-free, to wake gatherer
    private volatile Thread gatherer; // written under lock with gathering; the leader parked while gathering
    private final List<List<Thread>> parked = List.of(new ArrayList<>(), new ArrayList<>()); // guarded by lock:
                                                  // followers of the running batch, by its buffer, parked lock-free
    private long lastSyncNanos; // guarded by lock: how long the last flushed or synchronous batch took
    private boolean prepareRefused; // guarded by lock: no thread could be started for it, until the next roll-over
    private final List<Path> unflushedRetired = new ArrayList<>(); // guarded by lock: see flushEarlier
    private boolean directoryUnsynced; // guarded by lock: a segment's name is not yet durable (lazy roll-over)
    private volatile long durableSequence; // written under lock by the leader; read lock-free by lastSequence()
    private long flushedData; // guarded by lock: last sequence of the last batch whose flush (any kind) returned
    private long flushedAll; // guarded by lock: the same for batches flushed with fsync
    private int flushNeed; // guarded by lock: strongest flush asked for by a staged record
    private boolean leaderActive; // guarded by lock
    private volatile LogFailedException failure; // written under lock: the first write or flush failure, fatal;
                                                 // read lock-free by parked followers
    private volatile boolean closed; // written under lock by close(); read lock-free for the early check
    private LogReader.View finalView; // guarded by lock: set by close() once the appends in flight are done
    private long appends; // guarded by lock
    private long batches; // guarded by lock
    private long writeCalls; // guarded by lock
    private long flushCalls; // guarded by lock
    private long syncedWrites; // guarded by lock
    private long maxBatch; // guarded by lock
    private long uringSubmissions; // guarded by lock

    /** One segment file: its first sequence, its path, and (for the last one) the descriptor written. */
    private static final class Segment {
        final long firstSequence;
        final Path path;
        Fd writer; // guarded by the log's lock; null once the segment is complete
        UringFile ring; // guarded by the log's lock (see the overview); null without io_uring or once complete
        long durableEnd; // guarded by the log's lock: offset past the last durable record
        boolean unflushed; // guarded by the log's lock: bytes written (WRITE batches, a lazy header) not yet flushed

        Segment(long firstSequence, Path path, long durableEnd) {
            this.firstSequence = firstSequence;
            this.path = path;
            this.durableEnd = durableEnd;
        }
    }

    /**
     * What a log holds that the JVM does not free with it: its claim on LOCK (the entry in OPEN_LOCK_FILES, the
     * fcntl lock and its descriptor), the segments' descriptors and rings, the thread preparing the next segment,
     * and the staging arena. close() releases them; for a log dropped without close() the Cleaner does, as the JDK
     * closes the descriptor of an unreachable FileChannel, so that the directory can be opened again in this
     * process. Holds nothing that reaches the log, which could then never become unreachable.
     */
    private static final class Resources implements Runnable {
        private static final Cleaner CLEANER = Cleaner.create(Thread.ofPlatform().name("panamax-log-cleaner")
                .factory());

        final Path directory;
        final Lock lock; // the log's: the Cleaner takes it, so it sees the fields below as the last holder left them
        final FileChannel lockChannel; // held here, so the JDK's own cleaning of it cannot drop the lock earlier
        final FileLock fileLock;
        final Object lockFileKey; // the log's entry in OPEN_LOCK_FILES, removed once LOCK's descriptor is closed
        final Arena arena;
        final List<Segment> segments = new ArrayList<>(); // guarded by lock
        Preparer preparer; // guarded by lock: the next segment being made ready, or null
        Fd flushOverride; // guarded by lock: test hook, flushes go to this descriptor instead
        boolean released; // guarded by lock: set by release(), so the Cleaner after close() does nothing

        Resources(Path directory, Lock lock, FileChannel lockChannel, FileLock fileLock, Object lockFileKey) {
            this.directory = directory;
            this.lock = lock;
            this.lockChannel = lockChannel;
            this.fileLock = fileLock;
            this.lockFileKey = lockFileKey;
            this.arena = Arena.ofShared();
        }

        /** The Cleaner's action: the log became unreachable, so no thread is inside it, and close() never ran. */
        @Override
        public void run() {
            lock.lock();
            try {
                if (released) {
                    return;
                }
                System.getLogger("dev.panamax.io").log(System.Logger.Level.WARNING, "panamax log " + directory
                        + " became unreachable without close(); releasing its files and its lock (it is left as "
                        + "after a crash: the next open recovers it)");
                release();
            } catch (IOException | RuntimeException e) {
                System.getLogger("dev.panamax.io").log(System.Logger.Level.WARNING, "panamax log " + directory
                        + ": releasing the files of the unclosed log failed (" + e.getMessage() + ")", e);
            } finally {
                lock.unlock();
            }
        }

        /**
         * Lock held. Stops the preparer, closes the segments, the test hook's descriptor and the arena, then
         * releases LOCK. Once only: later calls, the Cleaner's after close() among them, do nothing.
         */
        void release() throws IOException {
            if (released) {
                return;
            }
            released = true;
            try {
                try {
                    stopPreparer(); // joins the preparing thread before the arena holding its zeros closes
                } finally {
                    closeSegments();
                }
            } finally {
                try {
                    if (flushOverride != null) {
                        flushOverride.close();
                    }
                } finally {
                    try {
                        arena.close();
                    } finally {
                        releaseLockFile(fileLock, lockChannel, lockFileKey);
                    }
                }
            }
        }

        /** Lock held. Stops a preparation in progress, waits for its thread, and removes its file. */
        void stopPreparer() throws IOException {
            Preparer p = preparer;
            preparer = null;
            if (p != null) {
                p.cancelled = true;
                p.await();
                Files.deleteIfExists(p.path);
            }
        }

        /** Lock held, no leader running. Retires every segment still open. */
        void closeSegments() throws IOException {
            IOException first = null;
            for (Segment s : segments) {
                if (s.writer != null || s.ring != null) {
                    try {
                        retire(s);
                    } catch (IOException e) {
                        first = first == null ? e : first;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    private DurableLog(Path directory, LogOptions options, FileChannel lockChannel, FileLock fileLock,
                       Object lockFileKey) throws IOException {
        this.directory = directory;
        this.options = options;
        this.resources = new Resources(directory, lock, lockChannel, fileLock, lockFileKey);
        this.arena = resources.arena;
        this.segments = resources.segments;
        Durability rung = options.durability();
        String fallback = null;
        long block = 1;
        long memAlign = 8;
        if (rung == Durability.DIRECT) {
            DirectIo probe = DirectIo.probe(directory);
            if (!probe.isAvailable()) {
                if (!options.directFallback()) {
                    throw new DirectIoUnavailableException("cannot open log " + directory + " at DIRECT: "
                            + probe.unavailabilityCause() + " (or choose another rung, or enable "
                            + "LogOptions.withDirectFallback to run at DSYNC)", null);
                }
                fallback = "DIRECT requested but " + probe.unavailabilityCause() + "; running at DSYNC (O_DSYNC "
                        + "through the page cache)";
                rung = Durability.DSYNC;
                System.getLogger("dev.panamax.io").log(System.Logger.Level.WARNING,
                        "panamax log " + directory + ": " + fallback);
            } else {
                block = probe.offsetAlignment();
                memAlign = Math.max(probe.memoryAlignment(), block);
            }
        }
        boolean ring = false;
        if (options.ioUring()) {
            String why = null;
            if (rung.openMode() != Durability.OpenMode.BUFFERED) {
                why = "io_uring flushing requested but " + rung + " makes each write durable by its open flags; "
                        + "writes use pwrite (io_uring serves the WRITE, FDATASYNC and FSYNC rungs)";
            } else if (!IoUringSyscalls.FEATURE.isAvailable()) {
                why = "io_uring flushing requested but unavailable: " + IoUringSyscalls.FEATURE.unavailabilityCause()
                        + "; flushing with pwrite + fdatasync/fsync syscalls";
            } else {
                ring = true;
            }
            if (why != null) {
                fallback = fallback == null ? why : fallback + "; " + why;
                System.getLogger("dev.panamax.io").log(System.Logger.Level.WARNING,
                        "panamax log " + directory + ": " + why);
            }
        }
        this.uring = ring;
        this.durability = rung;
        this.fallbackReason = fallback;
        this.direct = rung == Durability.DIRECT;
        this.blockBytes = block;
        this.tailBytes = direct ? block : Memory.pageSize();
        long need = Math.max(STAGING_BYTES, RecordFormat.frameBytes(options.maxRecordBytes()));
        this.bufferBytes = alignUp(need + 2 * tailBytes, Math.max(block, 4096));
        try {
            long alignment = Math.max(memAlign, 4096);
            this.buffers = new MemorySegment[] {arena.allocate(bufferBytes, alignment),
                arena.allocate(bufferBytes, alignment)};
            this.zeros = options.zeroFill() ? arena.allocate(ZERO_CHUNK_BYTES) : null; // allocate() zeroes memory
            this.padding = arena.allocate(tailBytes); // allocate() zeroes memory
            this.stagingViews = bufferBytes <= Integer.MAX_VALUE
                    ? new ByteBuffer[] {buffers[0].asByteBuffer(), buffers[1].asByteBuffer()} : null;
            this.recovery = recover();
        } catch (IOException | RuntimeException | Error e) {
            try {
                resources.closeSegments(); // no preparer yet: only appends start one
            } catch (IOException | RuntimeException closing) {
                e.addSuppressed(closing); // the cause of the failed open stays the exception
            } finally {
                arena.close();
            }
            throw e;
        }
        this.cleanable = Resources.CLEANER.register(this, resources);
    }

    /**
     * Opens (creating if needed) the log in {@code directory} with {@link LogOptions#defaults()}.
     *
     * @param directory the log's directory; created if missing
     * @return the open log, recovered
     * @throws IOException see {@link #open(Path, LogOptions)}
     */
    public static DurableLog open(Path directory) throws IOException {
        return open(directory, LogOptions.defaults());
    }

    /**
     * Opens (creating if needed) the log in {@code directory}, locks it, and runs recovery.
     *
     * @param directory the log's directory; created if missing
     * @param options   durability rung, segment size, record limit
     * @return the open log; see {@link #recoveryReport()} for what recovery cut
     * @throws LogLockedException           if another opener holds the directory
     * @throws NotALogException             if {@code directory} is not a directory, or holds a segment-named file
     *                                      that is not a panamax segment
     * @throws RecordTooLargeException     if the log holds a record, intact, longer than
     *                                      {@link LogOptions#maxRecordBytes()}: nothing is cut; open it with a
     *                                      limit of at least {@link RecordTooLargeException#recordBytes()}
     * @throws DirectIoUnavailableException for {@link Durability#DIRECT} where the file system refuses
     *                                      O_DIRECT and no fallback is configured
     * @throws IOException                  for other I/O failures ({@link ErrnoException} from a syscall)
     */
    public static DurableLog open(Path directory, LogOptions options) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(options, "options");
        Path dir = directory.toAbsolutePath();
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
            throw new NotALogException(dir + " is not a directory: a DurableLog lives in a directory of its own",
                    null);
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Fd.fsyncDirectory(dir.getParent());
        }
        Path lockPath = dir.resolve(LOCK_FILE);
        Object key = registerOpen(dir, lockPath);
        FileChannel channel = null;
        FileLock fileLock = null;
        try {
            channel = FileChannel.open(lockPath, StandardOpenOption.WRITE);
            try {
                fileLock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                // Locked through a channel that is no log's (logs are refused above); closing ours drops that
                // lock, which is why nothing else in the process may open LOCK.
                throw new LogLockedException("log " + dir + ": " + lockPath + " is locked through another channel "
                        + "in this process; nothing but DurableLog may open it", e);
            }
            if (fileLock == null) {
                throw new LogLockedException("log " + dir + " is locked by another process (fcntl lock on "
                        + lockPath + "); only one opener at a time", null);
            }
            return new DurableLog(dir, options, channel, fileLock, key);
        } catch (IOException | RuntimeException | Error e) {
            try {
                releaseLockFile(fileLock, channel, key);
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Releases the fcntl lock on LOCK (if taken), closes its channel even when the release fails (the descriptor
     * must not leak), then frees the key: after the release, so a later opener here finds LOCK unlocked.
     */
    private static void releaseLockFile(FileLock fileLock, FileChannel channel, Object key) throws IOException {
        try {
            try {
                if (fileLock != null) {
                    fileLock.release();
                }
            } finally {
                if (channel != null) {
                    channel.close();
                }
            }
        } finally {
            unregisterOpen(key);
        }
    }

    /**
     * Claims the log whose lock file is {@code lockPath} for an opener in this process, creating the file if it is
     * missing, without opening a descriptor of an existing one (see {@link #OPEN_LOCK_FILES}).
     *
     * @return the key to pass to {@link #unregisterOpen(Object)}
     * @throws LogLockedException if a log open in this process holds that lock file
     */
    private static Object registerOpen(Path dir, Path lockPath) throws IOException {
        synchronized (OPEN_LOCK_FILES) {
            // Under the registry's monitor: the creating descriptor is closed before anyone here can lock the file.
            try {
                Files.createFile(lockPath); // O_CREAT|O_EXCL: a new file carries no lock that closing could drop
            } catch (FileAlreadyExistsException exists) {
                // Kept: stat below, never open, until this opener is known to be the only one here.
            }
            Object key = Files.readAttributes(lockPath, BasicFileAttributes.class).fileKey();
            if (key == null) {
                throw new IOException("log " + dir + ": the file system gives " + lockPath + " no file key (device "
                        + "and inode) to tell whether this process has the log open already");
            }
            if (!OPEN_LOCK_FILES.add(key)) {
                throw new LogLockedException("log " + dir + " is already open in this process (lock on " + lockPath
                        + "); close it first (a log dropped without close() keeps it until the garbage collector "
                        + "finds that log unreachable)", null);
            }
            return key;
        }
    }

    /** Releases a claim of {@link #registerOpen}: after close, or after a failed open. */
    private static void unregisterOpen(Object key) {
        synchronized (OPEN_LOCK_FILES) {
            OPEN_LOCK_FILES.remove(key);
        }
    }

    // ---------------------------------------------------------------------------------------------- recovery

    /** What a clean close vouched for: every byte written was flushed, and the log ended here. */
    private record CleanClose(String segment, long end, long lastSequence) {
    }

    private RecoveryReport recover() throws IOException {
        // A next segment that was being prepared when the last opener stopped: never a segment, remade on demand.
        Files.deleteIfExists(directory.resolve(NEXT_FILE));
        CleanClose clean = takeCleanMark();
        List<long[]> found = new ArrayList<>();
        try (Stream<Path> list = Files.list(directory)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                long first = RecordFormat.parseSegmentFileName(p.getFileName().toString());
                if (first >= 0) {
                    found.add(new long[] {first});
                }
            }
        }
        found.sort((a, b) -> Long.compare(a[0], b[0]));
        List<String> problems = new ArrayList<>();
        long truncated = 0;
        long dropped = 0;
        int droppedSegments = 0;
        boolean cut = false;
        boolean removedAny = false;
        long expected = found.isEmpty() ? 1 : found.get(0)[0];
        long firstKept = expected;
        long records = 0;
        try (Arena scratch = Arena.ofConfined()) {
            long windowBytes = RecordFormat.frameBytes(options.maxRecordBytes()) + STAGING_BYTES;
            MemorySegment window = scratch.allocate(windowBytes);
            for (int i = 0; i < found.size(); i++) {
                long nameSequence = found.get(i)[0];
                Path path = directory.resolve(RecordFormat.segmentFileName(nameSequence));
                String name = path.getFileName().toString();
                if (!cut && nameSequence != expected) {
                    cut = true;
                    problems.add(name + ": starts at sequence " + nameSequence
                            + " but the previous segment ended before " + expected);
                }
                SegmentScan scan;
                try (Fd fd = Fd.open(path, Set.of(OpenFlag.READ), 0)) {
                    long trustedEnd = clean != null && clean.segment().equals(name) ? clean.end() : -1;
                    scan = SegmentScan.scan(new FdSource(fd), name, nameSequence, options.maxRecordBytes(),
                            window, trustedEnd);
                } catch (RecordTooLargeException e) {
                    if (!cut) {
                        throw e; // nothing is changed before the cut: the open is refused with every file as it was
                    }
                    scan = null; // removed below with the rest after the cut, whatever its records hold
                }
                if (cut || scan.outcome() == SegmentScan.Outcome.NO_HEADER) { // scan is null only after the cut
                    if (scan == null) {
                        problems.add(name + ": removed, it follows the cut (records not counted: one is longer "
                                + "than the record limit)");
                    } else if (!cut && i != found.size() - 1) {
                        problems.add(scan.problem() + " but later segments exist");
                        cut = true;
                    } else if (!cut) {
                        problems.add(scan.problem() + "; removed");
                    } else {
                        problems.add(name + ": removed, it follows the cut (" + scan.records() + " records)");
                        dropped += scan.records();
                        truncated += scan.validEnd() + scan.cutBytes();
                    }
                    Fd.unlink(path, false);
                    removedAny = true;
                    droppedSegments++;
                    continue;
                }
                long end = scan.validEnd();
                if (scan.outcome() != SegmentScan.Outcome.CLEAN) {
                    cut = true;
                    problems.add(scan.problem() + (scan.outcome() == SegmentScan.Outcome.CORRUPT
                            ? "; " + scan.intactDropped()
                                    + " intact records after it dropped too (point-in-time cut)"
                            : "; torn tail") + ", " + scan.cutBytes() + " bytes cut");
                    truncated += scan.cutBytes();
                    dropped += scan.intactDropped();
                    cutTail(path, end);
                }
                segments.add(new Segment(nameSequence, path, end));
                records += scan.records();
                expected = scan.nextSequence();
            }
        }
        if (!segments.isEmpty()) {
            firstKept = segments.get(0).firstSequence;
        }
        if (removedAny) {
            Fd.fsyncDirectory(directory);
        }
        boolean cleanEnd = clean != null && problems.isEmpty() && !segments.isEmpty()
                && segments.getLast().path.getFileName().toString().equals(clean.segment())
                && segments.getLast().durableEnd == clean.end() && expected - 1 == clean.lastSequence();
        long flushedThrough = cleanEnd ? expected - 1 : settleKeptSegments(firstKept, expected);
        nextSequence = expected;
        stagedSequence = expected - 1;
        takenSequence = expected - 1;
        durableSequence = expected - 1;
        flushedData = flushedThrough;
        flushedAll = flushedThrough;
        if (segments.isEmpty()) {
            createSegment(expected);
        } else {
            resume(segments.get(segments.size() - 1));
        }
        return new RecoveryReport(firstKept, expected - 1, records, segments.size(), truncated, dropped,
                droppedSegments, problems);
    }

    /**
     * Makes the kept segments count as flushed only once they are. What the last opener wrote may still sit
     * only in the page cache (a WRITE log, or a crash before its flush); a record acknowledged at a flushing
     * rung must never sit behind a segment that power loss could tear. A log opened at a flushing or
     * open-flag rung flushes each kept segment and the directory now, since an {@code O_DSYNC} write covers
     * only its own bytes; a WRITE log marks them unflushed, for its first {@link #sync} or flushing append (see
     * flushEarlier), and pays nothing until then.
     *
     * @return the last sequence a flush is known to cover
     */
    private long settleKeptSegments(long firstKept, long expected) throws IOException {
        if (segments.isEmpty()) {
            return expected - 1;
        }
        if (durability == Durability.WRITE) {
            for (int i = 0; i + 1 < segments.size(); i++) {
                unflushedRetired.add(segments.get(i).path);
            }
            segments.getLast().unflushed = true;
            directoryUnsynced = true;
            return firstKept - 1;
        }
        boolean all = durability == Durability.FSYNC || durability == Durability.SYNC;
        List<Path> kept = segments.stream().map(s -> s.path).toList();
        flushEarlier(kept, true, !all);
        flushCalls += kept.size() + 1;
        return expected - 1;
    }

    /**
     * Reads and removes the mark a clean close left, durably, before anything is written: from then on this
     * opener's unflushed writes may lie past the end the mark names, so a crash must leave no mark behind.
     *
     * @return what the mark vouched for, or null if there was none (or it does not parse)
     */
    private CleanClose takeCleanMark() throws IOException {
        Path mark = directory.resolve(CLEAN_FILE);
        byte[] text;
        try (var in = Files.newInputStream(mark)) {
            text = in.readNBytes(CLEAN_MAX_BYTES);
        } catch (NoSuchFileException e) {
            return null;
        }
        Files.delete(mark);
        Fd.fsyncDirectory(directory);
        String[] parts = new String(text, StandardCharsets.US_ASCII).strip().split(" ");
        try {
            if (parts.length == 3 && RecordFormat.parseSegmentFileName(parts[0]) >= 0) {
                return new CleanClose(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            }
        } catch (NumberFormatException e) {
            // not a mark this code wrote: recover without it
        }
        return null;
    }

    /**
     * Lock held, nothing more to write. Leaves the clean-close mark when everything written was flushed (a log at
     * a flushing or open-flag rung, or a WRITE log synced last): the next open then trusts this end, skipping the
     * read of the last segment's tail (all of it when zero-filled) and the flush of every kept segment. A mark
     * that cannot be written only costs the next open that work.
     */
    private void markCleanClose() {
        if (failure != null || current == null || current.unflushed || !unflushedRetired.isEmpty()
                || directoryUnsynced || stagedSequence != durableSequence) {
            return;
        }
        String mark = current.path.getFileName() + " " + current.durableEnd + " " + durableSequence + "\n";
        try {
            AtomicFile.replace(directory.resolve(CLEAN_FILE), mark.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            System.getLogger("dev.panamax.io").log(System.Logger.Level.WARNING, "panamax log " + directory
                    + ": cannot leave the clean-close mark (" + e.getMessage() + "); the next open checks the tail",
                    e);
        }
    }

    /** Cuts a segment at {@code end}: the torn or corrupt bytes become zeros, durably, before any append. */
    private void cutTail(Path path, long end) throws IOException {
        try (Fd fd = Fd.open(path, Set.of(OpenFlag.WRITE), 0)) {
            long size = fd.statx().size();
            if (zeros != null && size > end) {
                zeroFill(fd, zeros, end, size, null); // keeps the blocks written, see LogOptions.withZeroFill
            } else {
                fd.ftruncate(end);
                if (options.preallocate() && options.segmentBytes() > end) {
                    preallocate(fd, end, options.segmentBytes());
                }
            }
            fd.fsync();
        }
    }

    /** Reopens the last segment for appending at its verified end. */
    private void resume(Segment last) throws IOException {
        current = last;
        last.writer = openWriter(last.path);
        attachRing(last);
        long end = last.durableEnd;
        if (direct) {
            bufferBase = alignDown(end, blockBytes);
            try (Fd fd = Fd.open(last.path, Set.of(OpenFlag.READ), 0)) {
                readFully(fd, buffers[active], end - bufferBase, bufferBase);
            }
        } else {
            bufferBase = end;
        }
        stagedEnd = end;
    }

    /** Creates, preallocates and durably initialises a segment, then makes it the one being written. */
    private void createSegment(long firstSequence) throws IOException {
        Path path = directory.resolve(RecordFormat.segmentFileName(firstSequence));
        MemorySegment header = buffers[active];
        RecordFormat.encodeSegmentHeader(header, firstSequence);
        Path ready = takePrepared();
        // A WRITE log promises nothing across power loss: its header and name are made durable by the first
        // flush asked for per call, if any (see flushEarlier), not by every roll-over.
        boolean lazy = ready != null && durability == Durability.WRITE;
        if (ready != null) {
            // Size and extents (zeroed where zero-filled) were made durable by the preparer: only the header is new.
            try (Fd init = Fd.open(ready, Set.of(OpenFlag.WRITE), 0)) {
                writeFully(init, header, RecordFormat.SEGMENT_HEADER_BYTES, 0);
                if (!lazy) {
                    init.fdatasync();
                }
            }
            renameNoReplace(ready, path);
        } else {
            try (Fd init = Fd.open(path, EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE, OpenFlag.EXCLUSIVE),
                    FILE_MODE)) {
                if (options.preallocate()) {
                    preallocate(init, 0, options.segmentBytes());
                }
                if (zeros != null) {
                    zeroFill(init, zeros, RecordFormat.SEGMENT_HEADER_BYTES, options.segmentBytes(), null);
                }
                writeFully(init, header, RecordFormat.SEGMENT_HEADER_BYTES, 0);
                // Header, size and extents durable before any record: steady-state fdatasync has no size to write.
                init.fsync();
            }
        }
        if (lazy) {
            directoryUnsynced = true;
        } else {
            Fd.fsyncDirectory(directory);
        }
        Segment segment = new Segment(firstSequence, path, RecordFormat.SEGMENT_HEADER_BYTES);
        segment.unflushed = lazy;
        try {
            segment.writer = openWriter(path);
            attachRing(segment);
        } catch (IOException | RuntimeException e) {
            segments.add(segment);
            throw e;
        }
        if (current != null && current.writer != null) {
            if (current.unflushed) {
                unflushedRetired.add(current.path);
            }
            retire(current);
        }
        segments.add(segment);
        current = segment;
        // With O_DIRECT the header is the start of the first block, carried and rewritten by the first batch.
        bufferBase = direct ? 0 : RecordFormat.SEGMENT_HEADER_BYTES;
        stagedEnd = RecordFormat.SEGMENT_HEADER_BYTES;
    }

    /**
     * Allocates {@code [from, to)}. Where the file system has no {@code fallocate} (ramfs, some FUSE), the size
     * is still set with {@code ftruncate}: appends then never change the file size, though blocks are allocated
     * as they are written.
     */
    private static void preallocate(Fd fd, long from, long to) throws IOException {
        try {
            fd.fallocate(Set.of(), from, to - from);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EOPNOTSUPP) {
                throw e;
            }
            fd.ftruncate(to);
        }
    }

    /**
     * Writes zeros over {@code [from, to)} so that later writes land on written, not unwritten, extents: on ext4
     * and xfs a flush after writing into an unwritten extent must also journal its conversion (see
     * {@link LogOptions#withZeroFill(boolean)}). Stops early, leaving the rest unwritten, once {@code stop} is
     * cancelled.
     */
    private static void zeroFill(Fd fd, MemorySegment zeros, long from, long to, Preparer stop) throws IOException {
        for (long pos = from; pos < to; pos += zeros.byteSize()) {
            if (stop != null && stop.cancelled) {
                return;
            }
            writeFully(fd, zeros, Math.min(zeros.byteSize(), to - pos), pos);
        }
    }

    /**
     * Makes the next segment file ready in the background, under {@link #NEXT_FILE}: created, preallocated,
     * zero-filled when the log zero-fills, and fsynced unless the log rolls over lazily (WRITE). The header is
     * written when it becomes a segment.
     */
    private static final class Preparer implements Runnable {
        final Path path;
        final long bytes;
        final MemorySegment zeros; // null: preallocate only; read-only, owned by the log's arena
        final boolean sync; // false for a lazily rolled WRITE log: flushEarlier makes the file durable if asked
        final Thread thread;
        volatile boolean cancelled; // written by the log under its lock, read by the preparing thread per chunk
        Throwable error; // written by the preparing thread; read by the log after thread.join()

        Preparer(Path path, long bytes, MemorySegment zeros, boolean sync) {
            this.path = path;
            this.bytes = bytes;
            this.zeros = zeros;
            this.sync = sync;
            this.thread = Thread.ofPlatform().daemon().name("panamax-log-prepare").unstarted(this);
        }

        @Override
        public void run() {
            try {
                Files.deleteIfExists(path);
                try (Fd fd = Fd.open(path, EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE, OpenFlag.EXCLUSIVE),
                        FILE_MODE)) {
                    preallocate(fd, 0, bytes);
                    if (zeros != null) {
                        zeroFill(fd, zeros, 0, bytes, this);
                    }
                    if (sync && !cancelled) {
                        fd.fsync();
                    }
                }
            } catch (IOException | RuntimeException | Error e) {
                error = e;
            }
        }

        /** Waits for the preparing thread to end, uninterruptibly (an interrupt is kept for the caller). */
        void await() {
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Lock held. Starts preparing the next segment once the current one is half full, if not started yet. */
    private void maybePrepare() {
        if (resources.preparer == null && !prepareRefused && options.preallocate()
                && stagedEnd > options.segmentBytes() / 2 && !closed) {
            // Under heavy page-cache writing an fsync can take longer than the segment takes to fill: a WRITE log,
            // rolled lazily, leaves its new segments unsynced until a flush is asked for (see flushEarlier).
            Preparer p = new Preparer(directory.resolve(NEXT_FILE), options.segmentBytes(), zeros,
                    durability != Durability.WRITE);
            try {
                p.thread.start();
                resources.preparer = p;
            } catch (OutOfMemoryError | RuntimeException e) {
                prepareRefused = true;
                // No thread to spare: the appender's record is staged and must not see a failure it would retry;
                // the roll-over creates the segment in the appender's thread instead (takePrepared finds none).
                System.getLogger("dev.panamax.io").log(System.Logger.Level.WARNING, "panamax log " + directory
                        + ": cannot start the thread that prepares the next segment (" + e + "); the roll-over "
                        + "will create it in the appender's thread");
            }
        }
    }

    /**
     * Lock held. Waits for the next segment being prepared and returns its path, or null if none was started or
     * preparing it failed (then logged: the caller creates the segment itself).
     */
    private Path takePrepared() throws IOException {
        Preparer p = resources.preparer;
        resources.preparer = null;
        prepareRefused = false;
        if (p == null) {
            return null;
        }
        p.await();
        if (p.error == null) {
            return p.path;
        }
        System.getLogger("dev.panamax.io").log(System.Logger.Level.WARNING, "panamax log " + directory
                + ": preparing the next segment in the background failed (" + p.error.getMessage()
                + "); creating it in the appender's thread", p.error);
        Files.deleteIfExists(p.path);
        return null;
    }

    /** Renames a prepared file to its segment name, never replacing a file (as the create path's O_EXCL). */
    private static void renameNoReplace(Path from, Path to) throws IOException {
        try {
            Fd.rename(from, to, true, false);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EINVAL) {
                throw e;
            }
            // A file system without RENAME_NOREPLACE: the directory is locked, so check, then rename.
            if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                throw new java.nio.file.FileAlreadyExistsException(to.toString());
            }
            Fd.rename(from, to, false, false);
        }
    }

    /** With io_uring: starts the ring that writes and flushes the segment's batches, on its borrowed writer. */
    private void attachRing(Segment segment) throws IOException {
        if (uring) {
            segment.ring = UringFile.wrapBorrowed(segment.writer, UringFile.Engine.URING);
        }
    }

    /** Lock held, no leader running. Stops a segment's ring, then closes its writer; both are set to null. */
    private static void retire(Segment segment) throws IOException {
        UringFile ring = segment.ring;
        Fd writer = segment.writer;
        segment.ring = null;
        segment.writer = null;
        try {
            if (ring != null) {
                ring.close();
            }
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
    }

    private Fd openWriter(Path path) throws IOException {
        Set<OpenFlag> flags = EnumSet.of(OpenFlag.WRITE);
        switch (durability.openMode()) {
            case BUFFERED -> { }
            case DSYNC -> flags.add(OpenFlag.DSYNC);
            case DIRECT -> {
                flags.add(OpenFlag.DIRECT);
                flags.add(OpenFlag.DSYNC);
            }
            case SYNC -> flags.add(OpenFlag.SYNC);
            default -> throw new AssertionError("should not reach here");
        }
        try {
            return Fd.open(path, flags, 0);
        } catch (ErrnoException e) {
            if (direct && e.errno() == Errno.EINVAL) {
                throw new DirectIoUnavailableException(path + ": O_DIRECT refused (" + e.getMessage() + ")", e);
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------------------------------------- appends

    /**
     * Appends a record and waits until it is durable at the log's rung.
     *
     * @param payload the record's bytes, at most {@link LogOptions#maxRecordBytes()}
     * @return the record's sequence number
     * @throws LogFailedException    if this or an earlier write or flush failed; the log accepts nothing more
     * @throws IOException           for other I/O failures while rolling to a new segment
     * @throws IllegalArgumentException if the payload is larger than the record limit
     * @throws IllegalStateException if the log is closed
     */
    public long append(byte[] payload) throws IOException {
        Objects.requireNonNull(payload, "payload");
        return appendRecord(null, payload, durability);
    }

    /**
     * Appends a record and waits until it is durable at {@code rung}.
     *
     * @param payload the record's bytes
     * @param rung    the rung to wait for; see {@link #append(MemorySegment, Durability)}
     * @return the record's sequence number
     * @throws IOException see {@link #append(MemorySegment, Durability)}
     */
    public long append(byte[] payload, Durability rung) throws IOException {
        Objects.requireNonNull(payload, "payload");
        return appendRecord(null, payload, rung);
    }

    /**
     * Appends a record and waits until it is durable at the log's rung.
     *
     * @param payload the record's bytes (heap or native; read only by the calling thread)
     * @return the record's sequence number
     * @throws IOException see {@link #append(MemorySegment, Durability)}
     */
    public long append(MemorySegment payload) throws IOException {
        return append(payload, durability);
    }

    /**
     * Appends a record and waits until it is durable at {@code rung}. A log opened at {@link Durability#WRITE},
     * {@link Durability#FDATASYNC} or {@link Durability#FSYNC} accepts any of those three per call; a log opened
     * with an open-flag rung ({@code DSYNC}, {@code DIRECT}, {@code SYNC}) writes every record synchronously and
     * accepts its own rung, the flush-call rungs (adding the flush) and {@link Durability#WRITE}. Other
     * combinations would need the file opened with other flags and are refused.
     *
     * @param payload the record's bytes (heap or native; read only by the calling thread)
     * @param rung    the rung to wait for
     * @return the record's sequence number
     * @throws LogFailedException       if this or an earlier write or flush failed; the log accepts nothing more
     * @throws IOException              for other I/O failures while rolling to a new segment
     * @throws IllegalArgumentException if the payload exceeds the record limit or the rung is not available
     * @throws IllegalStateException    if the log is closed
     */
    public long append(MemorySegment payload, Durability rung) throws IOException {
        Objects.requireNonNull(payload, "payload");
        return appendRecord(payload, null, rung);
    }

    /**
     * The appends' common path, for a payload in {@code segment} or in {@code array} (the other null). A
     * {@code byte[]} is copied as it is (no heap segment over it) and the checksum state and views are the log's
     * own, used under the lock: once compiled, an append allocates nothing (DurableLogAllocationTest).
     */
    private long appendRecord(MemorySegment segment, byte[] array, Durability rung) throws IOException {
        Objects.requireNonNull(rung, "rung");
        long size = array != null ? array.length : segment.byteSize();
        if (size > options.maxRecordBytes()) {
            throw new IllegalArgumentException("record of " + size + " bytes exceeds the limit of "
                    + options.maxRecordBytes() + " bytes of log " + directory);
        }
        if (rung.openMode() != Durability.OpenMode.BUFFERED && rung != durability) {
            throw new IllegalArgumentException("log " + directory + " is open at " + durability
                    + (fallbackReason != null ? " (" + fallbackReason + ")" : "") + "; a " + rung
                    + " append needs the file opened for " + rung + ": open the log at that rung");
        }
        if (closed) {
            throw closedError();
        }
        long frame = RecordFormat.frameBytes(size);
        int need = rung == Durability.FSYNC ? FLUSH_ALL : rung == Durability.FDATASYNC ? FLUSH_DATA : FLUSH_NONE;
        lock.lock();
        boolean locked = true;
        try {
            ensureWritable();
            while (true) {
                if (needsRoll(frame)) {
                    roll(frame);
                } else if (stagedEnd + frame - bufferBase > bufferBytes - tailBytes) {
                    waitOrLead();
                } else {
                    break;
                }
                ensureWritable();
            }
            long sequence = nextSequence;
            int mine = active;
            long at = stagedEnd - bufferBase;
            long payloadAt = at + RecordFormat.RECORD_HEADER_BYTES;
            // The checksum is taken from the staged copy, so a record always matches its checksum, even when its
            // caller changes the payload meanwhile (a mismatch would cut it, and every record after it, at
            // recovery). In this thread: a confined payload segment is read by its owner.
            if (array != null) {
                MemorySegment.copy(array, 0, buffers[mine], ValueLayout.JAVA_BYTE, payloadAt, array.length);
            } else {
                MemorySegment.copy(segment, 0, buffers[mine], payloadAt, size);
            }
            checksum.reset();
            ByteBuffer view = stagingViews != null ? stagingViews[mine].clear() : null;
            if (view != null) {
                checksum.update(view.limit((int) (payloadAt + size)).position((int) payloadAt));
            } else {
                checksum.update(buffers[mine].asSlice(payloadAt, size).asByteBuffer());
            }
            RecordFormat.encodeHeader(buffers[mine], at, sequence, (int) size, checksum, checksumScratch);
            nextSequence = sequence + 1; // only once staged: a payload that fails to copy leaves no gap
            stagedEnd += frame;
            stagedSequence = sequence;
            flushNeed = Math.max(flushNeed, need);
            staged.incrementAndGet();
            try {
                signalIfGathered();
                maybePrepare();
                while (durableSequence < sequence) {
                    if (failure != null) {
                        throw new LogFailedException("record " + sequence + " not acknowledged: "
                                + failure.getMessage(), failure.getCause());
                    }
                    if (leaderActive && sequence <= takenSequence) {
                        // In the running batch: wait without the lock, and leave without it once acknowledged,
                        // so the acknowledged followers do not pass the lock from one to the next to return.
                        parked.get(mine).add(Thread.currentThread());
                        lock.unlock();
                        locked = false;
                        awaitDurable(sequence);
                        if (durableSequence >= sequence) {
                            break;
                        }
                        lock.lock(); // failed: throw under the lock, as every other appender does
                        locked = true;
                    } else if (leaderActive) {
                        acked[mine].awaitUninterruptibly();
                    } else {
                        lead(true);
                    }
                }
            } finally {
                staged.decrementAndGet();
                if (locked) {
                    signalIfGathered();
                } else if (gathering) {
                    LockSupport.unpark(gatherer); // it counts again under the lock
                }
            }
            return sequence;
        } finally {
            if (locked) {
                lock.unlock();
            }
            Reference.reachabilityFence(this); // a leader writes with the lock released: no Cleaner meanwhile
        }
    }

    /**
     * Makes every record already appended durable at {@code rung} without appending one: the durability point of
     * a log written at {@link Durability#WRITE} (a checkpoint, the end of a batch of work, a client's commit).
     * Flushes the segment being written and every earlier one left unflushed, and the directory where a segment's
     * name is not durable yet, with one {@code fdatasync} ({@code fsync} for {@link Durability#FSYNC}) each, or
     * nothing when an earlier flush of that kind already covers them. Waits for a batch being written first, so
     * the flush covers every record whose append has returned; records still being appended may or may not be
     * covered (their own appends say when they are durable).
     *
     * @param rung {@link Durability#FDATASYNC} or {@link Durability#FSYNC}
     * @return the sequence of the last record the flush covers (every record up to it is durable at
     *         {@code rung}); {@code firstSequence() - 1} when the log holds none
     * @throws IllegalArgumentException if {@code rung} is not a flush-call rung
     * @throws LogFailedException       if this flush or an earlier write or flush failed; the log accepts nothing
     *                                  more (a failed flush is never retried)
     * @throws IllegalStateException    if the log is closed
     */
    public long sync(Durability rung) throws IOException {
        Objects.requireNonNull(rung, "rung");
        if (!rung.usesFlushCall()) {
            throw new IllegalArgumentException("sync(" + rung + ") on log " + directory
                    + ": only FDATASYNC and FSYNC name a flush; the other rungs are how records are written");
        }
        boolean all = rung == Durability.FSYNC;
        lock.lock();
        try {
            awaitNoLeader();
            final long covered = durableSequence; // every write up to it has returned: no leader runs
            final Segment segment = current;
            boolean needed = segment.unflushed || !unflushedRetired.isEmpty() || directoryUnsynced
                    || (all && flushedAll < covered);
            if (!needed) {
                return covered;
            }
            final List<Path> earlier = List.copyOf(unflushedRetired);
            final boolean syncDirectory = directoryUnsynced;
            final Fd flushFd = resources.flushOverride != null ? resources.flushOverride : segment.writer;
            unflushedRetired.clear(); // a failure below is fatal: nothing is flushed after it anyway
            directoryUnsynced = false;
            leaderActive = true; // appenders stage meanwhile and wait; the next batch starts after this flush
            Throwable error = null;
            lock.unlock();
            try {
                if (all) {
                    flushFd.fsync();
                } else {
                    flushFd.fdatasync();
                }
                flushEarlier(earlier, syncDirectory, !all);
            } catch (IOException | RuntimeException | Error e) {
                error = e;
            } finally {
                lock.lock();
            }
            leaderActive = false;
            if (error == null) {
                segment.unflushed = false;
                flushCalls += 1 + earlier.size() + (syncDirectory ? 1 : 0);
                flushedData = Math.max(flushedData, covered);
                if (all) {
                    flushedAll = Math.max(flushedAll, covered);
                }
            } else {
                fail(new LogFailedException("log " + directory + " failed: sync(" + rung + ") through record "
                        + covered + " failed (" + error.getMessage() + "); the log refuses all further writes and "
                        + "never retries a failed flush: the kernel may have dropped the dirty pages. Reopen the "
                        + "log to recover", error));
            }
            if (error == null && stagedSequence != takenSequence) {
                acked[active].signal(); // one appender staged meanwhile leads the next batch
            }
            changed.signalAll();
            if (failure != null) {
                throw new LogFailedException(failure.getMessage(), failure.getCause());
            }
            return covered;
        } finally {
            lock.unlock();
            Reference.reachabilityFence(this); // the flush runs with the lock released: no Cleaner meanwhile
        }
    }

    /**
     * Lock not held. Parks until {@code sequence} is durable or the log failed, uninterruptibly (an interrupt is
     * kept for the caller): the leader unparks the followers of its batch after its flush.
     */
    private void awaitDurable(long sequence) {
        boolean interrupted = false;
        while (durableSequence < sequence && failure == null) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lock held. Wakes the followers parked on a batch of {@code buffer}. */
    private void unparkFollowers(int buffer) {
        List<Thread> list = parked.get(buffer);
        for (int i = 0; i < list.size(); i++) { // indexed: an iterator is an allocation per batch
            LockSupport.unpark(list.get(i));
        }
        list.clear();
    }

    /** Lock held. Wakes a gathering leader once every appender inside has a record waiting to be taken. */
    private void signalIfGathered() {
        if (gathering && stagedSequence - takenSequence >= staged.get()) {
            LockSupport.unpark(gatherer);
        }
    }

    /** Lock held. Becomes the leader if none runs, else waits for the running one to finish. */
    private void waitOrLead() throws IOException {
        if (leaderActive) {
            changed.awaitUninterruptibly();
        } else {
            lead(false);
        }
    }

    /**
     * Lock held on entry and exit, released while gathering and writing.
     *
     * @param gather whether to wait for the appenders just acknowledged to stage again first (see the overview):
     *               only an appender whose own record is staged gathers
     */
    private void lead(boolean gather) throws IOException {
        if (stagedSequence == durableSequence || failure != null) {
            return;
        }
        leaderActive = true;
        if (gather && (flushNeed != FLUSH_NONE || durability.openMode() != Durability.OpenMode.BUFFERED)
                && stagedSequence - takenSequence < staged.get()) {
            long deadline = System.nanoTime() + Math.min(lastSyncNanos / 2, MAX_GATHER_NANOS);
            gatherer = Thread.currentThread();
            gathering = true;
            try {
                // Interrupted: the interrupt is kept for the caller, and the batch is cut now.
                while (stagedSequence - takenSequence < staged.get() && failure == null
                        && !Thread.currentThread().isInterrupted()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    lock.unlock();
                    try {
                        LockSupport.parkNanos(this, left); // unparked by a follower staging again or leaving
                    } finally {
                        lock.lock();
                    }
                }
            } finally {
                gathering = false;
                gatherer = null;
            }
        }
        final MemorySegment batch = buffers[active];
        final long base = bufferBase;
        final long end = stagedEnd;
        final long last = stagedSequence;
        final long first = durableSequence + 1;
        final int need = flushNeed;
        final int batchBuffer = active;
        final boolean syncs = need != FLUSH_NONE || durability.openMode() != Durability.OpenMode.BUFFERED;
        final List<Path> earlier = need == FLUSH_NONE || unflushedRetired.isEmpty() ? List.of()
                : List.copyOf(unflushedRetired);
        final boolean syncDirectory = need != FLUSH_NONE && directoryUnsynced;
        if (need != FLUSH_NONE) {
            unflushedRetired.clear(); // a failure below is fatal: nothing is flushed after it anyway
            directoryUnsynced = false;
        }
        final Segment segment = current;
        final Fd writer = segment.writer;
        final Fd flushFd = resources.flushOverride != null ? resources.flushOverride : writer;
        // The test hook's flushes go to another fd: only the two-call path can do that.
        final UringFile ring = need != FLUSH_NONE && resources.flushOverride == null ? segment.ring : null;
        int next = 1 - active;
        long nextBase = direct ? alignDown(end, blockBytes) : end;
        if (direct) {
            MemorySegment.copy(batch, nextBase - base, buffers[next], 0, end - nextBase);
        }
        active = next;
        bufferBase = nextBase;
        flushNeed = FLUSH_NONE;
        takenSequence = last;
        Throwable error = null;
        int ringOutcome = RING_UNUSED;
        long started = syncs ? System.nanoTime() : 0;
        lock.unlock();
        try {
            long length = end - base;
            long padded = direct ? alignUp(end, blockBytes) - base : pagePaddedEnd(base, end) - base;
            if (padded > length) {
                MemorySegment.copy(padding, 0, batch, length, padded - length); // no slice to allocate
                length = padded;
            }
            if (ring != null && length <= Integer.MAX_VALUE) {
                ringOutcome = flushThroughRing(ring, writer, batch, length, base, need == FLUSH_DATA);
            } else {
                writeFully(writer, batch, length, base);
                if (need == FLUSH_DATA) {
                    flushFd.fdatasync();
                } else if (need == FLUSH_ALL) {
                    flushFd.fsync();
                }
            }
            flushEarlier(earlier, syncDirectory, need == FLUSH_DATA);
        } catch (IOException | RuntimeException | Error e) {
            error = e;
        } finally {
            lock.lock();
        }
        leaderActive = false;
        if (syncs) {
            lastSyncNanos = System.nanoTime() - started;
        }
        if (error == null) {
            durableSequence = last;
            segment.durableEnd = end;
            // A flush covers the whole file; a page-cache write leaves it to be flushed.
            segment.unflushed = need == FLUSH_NONE
                    && (durability.openMode() == Durability.OpenMode.BUFFERED || segment.unflushed);
            flushCalls += earlier.size() + (syncDirectory ? 1 : 0);
            appends += last - first + 1; // every one of them returns: counted here, as some leave lock-free
            batches++;
            writeCalls++;
            if (durability.openMode() != Durability.OpenMode.BUFFERED) {
                syncedWrites++;
            }
            if (need != FLUSH_NONE) {
                flushCalls++;
                // The flush began after the batch's write returned, and covers it and every batch before it.
                flushedData = last;
                if (need == FLUSH_ALL) {
                    flushedAll = last;
                }
            }
            if (ringOutcome != RING_UNUSED) {
                uringSubmissions++;
                if (ringOutcome == RING_SHORT) {
                    writeCalls++; // the pwrite that finished the short write
                }
            }
            maxBatch = Math.max(maxBatch, last - first + 1);
        } else {
            String what = need == FLUSH_NONE ? "write" : "write or flush";
            failure = new LogFailedException("log " + directory + " failed: " + what + " of records " + first + ".."
                    + last + " to " + segment.path.getFileName() + " failed (" + error.getMessage()
                    + "); the log refuses all further writes and never retries a failed flush: the kernel may "
                    + "have dropped the dirty pages. Reopen the log to recover", error);
            acked[1 - batchBuffer].signalAll(); // nothing more will be written: everyone waiting must see it
            unparkFollowers(1 - batchBuffer);
        }
        acked[batchBuffer].signalAll(); // appenders of this batch still waiting under the lock (none, normally)
        unparkFollowers(batchBuffer); // exactly the appenders of this batch
        if (error == null && stagedSequence != takenSequence) {
            acked[active].signal(); // one appender of the next batch leads it
        }
        changed.signalAll(); // appenders rolling over or waiting for buffer space, and close()
        if (error instanceof RuntimeException re) {
            throw re;
        }
        if (error instanceof Error er) {
            throw er;
        }
    }

    /**
     * Flushes what a flush of the current segment does not cover: earlier segments holding bytes written without
     * a flush (WRITE appends, a lazily written header) and the directory after a lazy roll-over. A record is
     * acknowledged at a flushing rung only once everything before it is durable too: recovery cuts at the first
     * segment it cannot read, so an unflushed earlier segment lost to power would take this record with it.
     */
    private void flushEarlier(List<Path> earlier, boolean syncDirectory, boolean dataOnly) throws IOException {
        for (int i = 0; i < earlier.size(); i++) { // indexed: an iterator is an allocation per batch
            try (Fd fd = Fd.open(earlier.get(i), Set.of(OpenFlag.READ), 0)) {
                if (dataOnly) {
                    fd.fdatasync();
                } else {
                    fd.fsync();
                }
            }
        }
        if (syncDirectory) {
            Fd.fsyncDirectory(directory);
        }
    }

    /**
     * The io_uring flush step: one submission of a write linked to an fsync ({@code IORING_FSYNC_DATASYNC} when
     * {@code dataOnly}), waiting (uninterruptibly: the kernel owns the buffer until both complete) for the sync's
     * completion. A short write cancels the linked sync; the rest is then written with {@code pwrite} and flushed
     * with a separate syscall. Any other failure, of the write or of the sync, is thrown: the caller makes it fatal.
     *
     * @return {@link #RING_LINKED}, or {@link #RING_SHORT} when the syscalls had to finish
     */
    private static int flushThroughRing(UringFile ring, Fd writer, MemorySegment batch, long length, long base,
            boolean dataOnly) throws IOException {
        try {
            ring.writeAndSync(batch.asSlice(0, length), base, dataOnly).join();
            return RING_LINKED;
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ShortWriteException shortWrite) {
                long done = shortWrite.written();
                try {
                    writeFully(writer, batch.asSlice(done), length - done, base + done);
                    if (dataOnly) {
                        writer.fdatasync();
                    } else {
                        writer.fsync();
                    }
                } catch (IOException | RuntimeException failed) {
                    failed.addSuppressed(shortWrite); // says the ring's write came back short first
                    throw failed;
                }
                return RING_SHORT;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error er) {
                throw er;
            }
            throw new IOException("io_uring write and sync failed", cause);
        }
    }

    /**
     * Lock held. Writes out everything staged for the current segment, then starts the next one, unless another
     * appender rolled while this one waited and the frame now fits.
     */
    private void roll(long frame) throws IOException {
        while (leaderActive || stagedSequence != durableSequence) {
            waitOrLead();
            ensureWritable();
        }
        if (!needsRoll(frame)) {
            return;
        }
        try {
            createSegment(nextSequence);
        } catch (IOException | RuntimeException e) {
            throw fail(new LogFailedException("log " + directory + " failed: cannot start a new segment ("
                    + e.getMessage() + ")", e));
        }
    }

    /**
     * Where a page-cache batch of {@code [base, end)} stops writing (see page padding in the overview): the end of
     * its last page when no earlier batch reached that page (the previous one ended at {@code base}, padded), else
     * {@code end}; never past the segment.
     */
    private long pagePaddedEnd(long base, long end) {
        long pageEnd = alignUp(end, tailBytes);
        return pageEnd > alignUp(base, tailBytes) ? Math.max(end, Math.min(pageEnd, options.segmentBytes())) : end;
    }

    /** Lock held. Whether a frame of this size no longer fits the current segment (with O_DIRECT padding). */
    private boolean needsRoll(long frame) {
        return alignUp(stagedEnd + frame, blockBytes) > options.segmentBytes();
    }

    /**
     * Lock held. Waits until no leader runs (every batch taken is written, and flushed if it asked), failing
     * if the log closes or fails first.
     */
    private void awaitNoLeader() throws LogFailedException {
        ensureWritable();
        while (leaderActive) {
            changed.awaitUninterruptibly();
            ensureWritable();
        }
    }

    /** Lock held. Makes {@code f} the log's fatal failure and wakes every appender and waiter to see it. */
    private LogFailedException fail(LogFailedException f) {
        failure = f;
        acked[0].signalAll();
        acked[1].signalAll();
        changed.signalAll();
        return f;
    }

    private void ensureWritable() throws LogFailedException {
        if (closed) {
            throw closedError();
        }
        if (failure != null) {
            throw new LogFailedException(failure.getMessage(), failure.getCause());
        }
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("DurableLog " + directory + " is closed");
    }

    // ---------------------------------------------------------------------------------------------- reading

    /**
     * Opens a reader over the records durable now, from {@code fromSequence} on. Records appended later are
     * not seen by this reader.
     *
     * @param fromSequence the first sequence number wanted; earlier records are skipped
     * @return the reader, to be closed
     * @throws IllegalStateException if the log is closed
     */
    public LogReader reader(long fromSequence) {
        if (closed) {
            throw closedError();
        }
        return new LogReader(view(), fromSequence, options.maxRecordBytes(), null);
    }

    /**
     * Opens a reader that follows the log from {@code fromSequence} on: it reads the records durable now, and
     * once it has caught up ({@link LogReader#next()} returns null) a later {@code next()} returns the records made
     * durable since, in order, from the open segment files, without reopening what it has read. The consumer of a
     * log (a replica, an index builder) reads to the end, then waits with
     * {@link #awaitDurable(long, long, TimeUnit)} for the sequence after the last one it got. Once the log is
     * closed the follower still returns every record that was durable at close; after the last of them
     * {@code next()} throws {@link IllegalStateException} instead of returning null, since nothing more will come.
     *
     * @param fromSequence the first sequence number wanted; earlier records are skipped
     * @return the reader, to be closed, confined to the calling thread
     * @throws IllegalStateException if the log is closed
     */
    public LogReader follow(long fromSequence) {
        if (closed) {
            throw closedError();
        }
        return new LogReader(view(), fromSequence, options.maxRecordBytes(), this);
    }

    /**
     * The segments with their durable ends and the last durable sequence, taken together; once closed, the final
     * view taken by {@link #close()} (its {@code closed()} is true).
     */
    LogReader.View view() {
        lock.lock();
        try {
            return finalView != null ? finalView : new LogReader.View(viewParts(), durableSequence, false);
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. The segments with their durable ends. */
    private List<LogReader.Part> viewParts() {
        List<LogReader.Part> parts = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            parts.add(new LogReader.Part(s.path, s.firstSequence, s.durableEnd));
        }
        return parts;
    }

    /**
     * Waits until record {@code sequence} is durable at the log's rung ({@link #lastSequence()} reaches it), for a
     * consumer following the log (see {@link #follow(long)}).
     *
     * @param sequence the record to wait for
     * @param timeout  how long to wait at most
     * @param unit     the unit of {@code timeout}
     * @return true once the record is durable, also after the log closed for a record durable by then (a follower
     *         still reads it); false if the time ran out first
     * @throws InterruptedException  if the thread is interrupted while waiting
     * @throws LogFailedException    if a write or flush failed: nothing more becomes durable
     * @throws IllegalStateException if the log is closed, or closes while waiting, before the record is durable:
     *                               nothing more becomes durable
     */
    public boolean awaitDurable(long sequence, long timeout, TimeUnit unit) throws InterruptedException,
            LogFailedException {
        Objects.requireNonNull(unit, "unit");
        if (durableSequence >= sequence) {
            return true;
        }
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (durableSequence < sequence) {
                if (finalView != null) {
                    throw closedError(); // not before: close() lets the appends in flight become durable first
                }
                if (failure != null) {
                    throw new LogFailedException(failure.getMessage(), failure.getCause());
                }
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos); // every batch signals changed when it is acknowledged
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads all durable records into a list (for tests and small logs).
     *
     * @return the records in sequence order
     * @throws IOException if a file cannot be read or a record fails verification
     */
    public List<LogRecord> readAll() throws IOException {
        List<LogRecord> out = new ArrayList<>();
        try (LogReader r = reader(0)) {
            for (LogRecord rec = r.next(); rec != null; rec = r.next()) {
                out.add(rec);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------- retention

    /**
     * Removes the segments whose records all precede {@code sequence}: what a database does with its write-ahead
     * log once a checkpoint covers it. Whole segments go, oldest first, so records before {@code sequence} that
     * share a segment with later ones stay until a later call removes that segment, and the segment being written
     * always stays. When this returns the removal is durable: the directory is fsynced, so neither a crash nor power
     * loss brings a removed segment back (without it, ext4 brings them back after power loss while data-only
     * flushes of the current segment commit nothing else, as the power-loss test shows). Appenders wait while the
     * files go; a flush in progress finishes first.
     *
     * <p>Readers opened before this call keep the segment they are reading (the file stays readable through
     * their descriptor) but fail with {@link NoSuchFileException} when they reach a removed one. A reader opened
     * afterwards starts at {@link #firstSequence()}; the sequence of each record tells a consumer where it is.
     *
     * @param sequence the first record to keep: between 1 and {@link #lastSequence()} + 1
     * @return the first sequence the log still holds ({@link #firstSequence()})
     * @throws IllegalArgumentException if {@code sequence} is below 1 or past the next record after the durable
     *                                  ones (records not durable yet are never removed)
     * @throws LogFailedException       if an earlier write or flush failed, or the directory fsync after the
     *                                  removal fails (fatal like any failed flush: see the package documentation)
     * @throws IOException              if a segment cannot be removed (the ones before it are gone)
     * @throws IllegalStateException    if the log is closed
     */
    public long truncateBefore(long sequence) throws IOException {
        lock.lock();
        try {
            // A running leader may flush retired segments by name (flushEarlier): none may vanish under it.
            awaitNoLeader();
            if (sequence < 1 || sequence > durableSequence + 1) {
                throw new IllegalArgumentException("truncateBefore(" + sequence + ") on log " + directory
                        + ": the sequence must be between 1 and " + (durableSequence + 1)
                        + " (the record after the last durable one)");
            }
            // Held to the directory fsync: appenders wait, and no leader starts and copies the names it flushes.
            int removed = 0;
            IOException unlinkError = null;
            while (segments.size() > 1 && segments.get(1).firstSequence <= sequence) {
                Segment victim = segments.get(0);
                try {
                    Fd.unlink(victim.path, false);
                } catch (IOException e) {
                    unlinkError = e;
                    break;
                }
                segments.remove(0);
                unflushedRetired.remove(victim.path);
                removed++;
            }
            if (removed > 0) {
                try {
                    syncDirectoryAfterRemoval();
                } catch (LogFailedException e) {
                    if (unlinkError != null) {
                        e.addSuppressed(unlinkError);
                    }
                    throw e;
                }
            }
            if (unlinkError != null) {
                throw unlinkError;
            }
            return segments.get(0).firstSequence;
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. Makes segment removals durable; a failure is fatal, as for any flush the log depends on. */
    private void syncDirectoryAfterRemoval() throws IOException {
        try {
            Fd.fsyncDirectory(directory);
        } catch (IOException | RuntimeException e) {
            throw fail(new LogFailedException("log " + directory + " failed: the directory fsync after removing "
                    + "segments failed (" + e.getMessage() + "); the kernel may have dropped the directory's "
                    + "pending entries, so the log refuses all further writes and never retries. Reopen the log "
                    + "to recover", e));
        }
    }

    /**
     * Returns the sequence number of the first record the log holds: 1, or later once
     * {@link #truncateBefore(long)} (or recovery of a log truncated before) removed segments. On a log with no
     * records yet it is the sequence the next append gets.
     *
     * @return the first sequence still held
     * @throws IllegalStateException if the log is closed
     */
    public long firstSequence() {
        lock.lock();
        try {
            if (closed) {
                throw closedError();
            }
            return segments.get(0).firstSequence;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------- state

    /**
     * Returns the sequence number of the last durable record, with memory effects as specified by
     * {@link java.lang.invoke.VarHandle#getVolatile}.
     *
     * @return the sequence, or {@code firstSequence - 1} of an empty log
     */
    public long lastSequence() {
        return durableSequence;
    }

    /**
     * Returns the rung the log runs at: the one asked for, or {@link Durability#DSYNC} after a reported
     * fallback from {@link Durability#DIRECT}.
     *
     * @return the effective rung
     */
    public Durability durability() {
        return durability;
    }

    /**
     * Returns why the log runs below the rung asked for, or without the io_uring flushing asked for, if it does.
     *
     * @return the reason, or empty
     */
    public Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }

    /**
     * Tells whether batches that need a flush are written and flushed through io_uring (a write linked to an
     * fsync, one submission): asked for with {@link LogOptions#withIoUring(boolean)} and available here.
     *
     * @return true if io_uring flushes; false for the two syscalls (see {@link #fallbackReason()} when asked)
     */
    public boolean usesIoUring() {
        return uring;
    }

    /**
     * Returns the write granularity: the O_DIRECT offset alignment for {@link Durability#DIRECT}, else 1.
     *
     * @return bytes
     */
    public long blockBytes() {
        return blockBytes;
    }

    /**
     * Returns what recovery found and cut when the log was opened.
     *
     * @return the report
     */
    public RecoveryReport recoveryReport() {
        return recovery;
    }

    /**
     * Returns the log's directory.
     *
     * @return the absolute path
     */
    public Path directory() {
        return directory;
    }

    /**
     * Returns the group-commit counters since the log was opened.
     *
     * @return a snapshot
     */
    public LogStats stats() {
        lock.lock();
        try {
            return new LogStats(appends, batches, writeCalls, flushCalls, syncedWrites, maxBatch, uringSubmissions);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for appends in flight, then closes the files and releases the directory lock. Idempotent.
     *
     * @throws IOException if closing a descriptor fails
     */
    @Override
    public void close() throws IOException {
        try {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                while (failure == null && (leaderActive || stagedSequence != durableSequence)) {
                    changed.awaitUninterruptibly();
                }
                while (leaderActive) {
                    changed.awaitUninterruptibly();
                }
                // Followers drain what is durable now; nothing more will become durable, as awaitDurable says.
                finalView = new LogReader.View(List.copyOf(viewParts()), durableSequence, true);
                changed.signalAll();
                try {
                    try {
                        resources.stopPreparer();
                    } finally {
                        resources.closeSegments();
                    }
                    markCleanClose(); // with the files flushed and closed, and LOCK still held
                } finally {
                    resources.release(); // what is left: the test hook's descriptor, the arena, then LOCK
                }
            } finally {
                lock.unlock();
            }
            cleanable.clean(); // released already: this only unregisters it
        } finally {
            Reference.reachabilityFence(this); // the Cleaner must not release what this close is releasing
        }
    }

    /**
     * Test hook: the highest sequence that a returned flush covered, that is the last record whose write had
     * returned when the flush began: of any flush, or with {@code fsyncOnly} of an {@code fsync}. Every record
     * acknowledged at {@link Durability#FDATASYNC} (at {@link Durability#FSYNC}) is at or below it.
     */
    long flushedThroughForTest(boolean fsyncOnly) {
        lock.lock();
        try {
            return fsyncOnly ? flushedAll : flushedData;
        } finally {
            lock.unlock();
        }
    }

    /** Test hook: the log's lock, for a test to hold while an appender waits for it. */
    Lock lockForTest() {
        return lock;
    }

    /**
     * Test hook: sends every later flush to {@code /dev/null}, where {@code fdatasync}/{@code fsync} fail with
     * EINVAL, so the fatal-flush path runs against a real kernel error.
     */
    void redirectFlushesToDevNullForTest() throws IOException {
        lock.lock();
        try {
            resources.flushOverride = Fd.open(Path.of("/dev/null"), Set.of(OpenFlag.WRITE), 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Test hook: sends every later io_uring write-and-sync pair to {@code /dev/null} on a ring of its own, where the
     * write succeeds and the linked fsync completes with EINVAL, so the fatal path runs on a real failed sync CQE.
     */
    void redirectRingToDevNullForTest() throws IOException {
        lock.lock();
        try {
            while (leaderActive) {
                changed.awaitUninterruptibly();
            }
            if (current.ring == null) {
                throw new IllegalStateException("log " + directory + " does not flush through io_uring");
            }
            current.ring.close();
            current.ring = UringFile.open(Path.of("/dev/null"), Set.of(OpenFlag.WRITE), 0, UringFile.Engine.URING);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "DurableLog[" + directory + ", " + durability + (uring ? " via io_uring" : "") + ", last="
                + durableSequence + "]";
    }

    // ---------------------------------------------------------------------------------------------- helpers

    static long alignDown(long value, long alignment) {
        return value - value % alignment;
    }

    static long alignUp(long value, long alignment) {
        long r = value % alignment;
        return r == 0 ? value : value + alignment - r;
    }

    /** pwrite until every byte is written; EINTR (nothing written) is retried, it is not a failed flush. */
    static void writeFully(Fd fd, MemorySegment buffer, long length, long position) throws IOException {
        long done = 0;
        while (done < length) {
            long n = fd.pwrite(buffer, done, length - done, position + done);
            if (n == Fd.INTERRUPTED) {
                continue;
            }
            if (n <= 0) {
                throw new IOException("pwrite wrote " + n + " bytes at offset " + (position + done));
            }
            done += n;
        }
    }

    /** pread until {@code length} bytes or the end of the file. */
    static long readFully(Fd fd, MemorySegment buffer, long length, long position) throws IOException {
        long done = 0;
        while (done < length) {
            long n = fd.pread(buffer, done, length - done, position + done);
            if (n == Fd.INTERRUPTED) {
                continue;
            }
            if (n == 0) {
                break;
            }
            if (n < 0) {
                throw new IOException("pread returned " + n + " at offset " + (position + done));
            }
            done += n;
        }
        return done;
    }

    /** A {@link ByteSource} over a descriptor. */
    static final class FdSource implements ByteSource {
        private final Fd fd;

        FdSource(Fd fd) {
            this.fd = fd;
        }

        @Override
        public long size() throws IOException {
            return fd.statx().size();
        }

        @Override
        public long read(long position, MemorySegment dst) throws IOException {
            return readFully(fd, dst, dst.byteSize(), position);
        }

        @Override
        public List<long[]> dataRuns(long from, long to) throws IOException {
            // Preallocated extents never written are holes. All runs are found before any is read: a read's
            // readahead caches zero pages past it, which SEEK_DATA would then report as data.
            List<long[]> runs = new ArrayList<>();
            long at = from;
            while (at < to) {
                long start = fd.seekData(at);
                if (start < 0 || start >= to) {
                    break;
                }
                long end = fd.seekHole(start);
                end = end < 0 ? to : Math.min(end, to);
                runs.add(new long[] {start, end});
                at = end;
            }
            return runs;
        }
    }
}
