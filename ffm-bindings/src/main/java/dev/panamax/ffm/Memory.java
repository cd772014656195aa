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
import dev.panamax.ffm.internal.uapi.memfd_h;
import dev.panamax.ffm.internal.uapi.mman_h;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Objects;
import java.util.Set;

/**
 * Virtual memory syscalls: {@code mmap} into an owning {@link MappedRegion}, {@code mprotect}, {@code madvise},
 * {@code mlock}, {@code mincore} and {@code memfd_create}. Addresses given as segments must be page-aligned
 * where the kernel requires it; this is checked before the call.
 */
public final class Memory {

    private static final long PAGE_SIZE = pageSizeFromKernel();

    private Memory() {
    }

    private static long pageSizeFromKernel() {
        // getpagesize() reads AT_PAGESZ from the auxiliary vector the kernel passed at exec.
        MethodHandle getpagesize = Native.libc("getpagesize", FunctionDescriptor.of(Native.C_INT), false);
        try {
            return (int) getpagesize.invokeExact();
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    /**
     * Returns the base page size the kernel uses for this process (4 KiB on x86_64; 4, 16 or 64 KiB on aarch64).
     *
     * @return the page size in bytes
     * @see <a href="https://man7.org/linux/man-pages/man2/getpagesize.2.html">getpagesize(2)</a>
     */
    public static long pageSize() {
        return PAGE_SIZE;
    }

    /** Transparent huge page modes of {@code /sys/kernel/mm/transparent_hugepage/enabled}. */
    public enum ThpMode {
        /** The kernel has no transparent huge pages (CONFIG_TRANSPARENT_HUGEPAGE off): not supported. */
        UNSUPPORTED,
        /** Supported but disabled by the administrator. */
        NEVER,
        /** Only ranges advised with {@link Advice#HUGEPAGE} get huge pages. */
        MADVISE,
        /** Every large enough anonymous mapping may get huge pages. */
        ALWAYS
    }

    /**
     * Returns the transparent huge page mode, read from sysfs on each call (the administrator may change it).
     *
     * @return the mode; {@link ThpMode#UNSUPPORTED} when the kernel has none
     */
    public static ThpMode transparentHugePageMode() {
        String mode = Probes.thpMode();
        return mode == null ? ThpMode.UNSUPPORTED : switch (mode) {
            case "always" -> ThpMode.ALWAYS;
            case "madvise" -> ThpMode.MADVISE;
            case "never" -> ThpMode.NEVER;
            default -> ThpMode.UNSUPPORTED;
        };
    }

    /**
     * Returns the size of a PMD-level transparent huge page, the largest one a fault in an anonymous mapping may
     * back at once: 2 MiB with 4 KiB base pages, 32 MiB with 16 KiB, 512 MiB with 64 KiB (one page table of
     * {@code pageSize / 8} entries). Read from {@code /sys/kernel/mm/transparent_hugepage/hpage_pmd_size}; where a
     * kernel lacks that file, that page-table arithmetic gives it.
     *
     * @return the size in bytes; 0 when the kernel has no transparent huge pages ({@link ThpMode#UNSUPPORTED})
     */
    public static long transparentHugePageSize() {
        return Probes.thpMode() == null ? 0 : Probes.thpPmdSize(PAGE_SIZE);
    }

    /** Page protections of {@link #mapAnonymous}, {@link #mapFile} and {@link #mprotect}; none is PROT_NONE. */
    public enum Protection {
        /** PROT_READ. */
        READ(mman_h.PROT_READ()),
        /** PROT_WRITE. */
        WRITE(mman_h.PROT_WRITE()),
        /** PROT_EXEC. */
        EXEC(mman_h.PROT_EXEC());

        private final int bits;

        Protection(long bits) {
            this.bits = (int) bits;
        }

        static int toBits(Set<Protection> set) {
            int bits = mman_h.PROT_NONE();
            for (Protection p : set) {
                bits |= p.bits;
            }
            return bits;
        }
    }

    /** Mapping flags; without {@link #SHARED} a mapping is MAP_PRIVATE (copy-on-write). */
    public enum MapFlag {
        /** MAP_SHARED: writes are visible to other mappings of the same memory, across processes. */
        SHARED(mman_h.MAP_SHARED()),
        /** MAP_NORESERVE: no swap reservation; a write may then fail with SIGBUS under memory pressure. */
        NORESERVE(mman_h.MAP_NORESERVE()),
        /** MAP_HUGETLB: back with huge pages from the hugetlbfs pool (see {@link Feature#HUGE_PAGES}). */
        HUGETLB(mman_h.MAP_HUGETLB()),
        /** MAP_POPULATE: fault every page in now. */
        POPULATE(mman_h.MAP_POPULATE());

        private final int bits;

        MapFlag(long bits) {
            this.bits = (int) bits;
        }

        static int toBits(Set<MapFlag> set) {
            int bits = set.contains(SHARED) ? 0 : mman_h.MAP_PRIVATE();
            for (MapFlag f : set) {
                bits |= f.bits;
            }
            return bits;
        }
    }

    /**
     * Maps anonymous memory (zero-filled).
     *
     * @param length     the length in bytes, {@code > 0}; with {@link MapFlag#HUGETLB} a multiple of the huge
     *                   page size
     * @param protection the protections
     * @param flags      the flags
     * @return the owning region
     * @throws ErrnoException ENOMEM (with HUGETLB: an empty huge page pool), EINVAL
     * @see <a href="https://man7.org/linux/man-pages/man2/mmap.2.html">mmap(2)</a>
     */
    public static MappedRegion mapAnonymous(long length, Set<Protection> protection, Set<MapFlag> flags)
            throws ErrnoException {
        checkLength(length, flags);
        return map(length, Protection.toBits(protection), MapFlag.toBits(flags) | mman_h.MAP_ANONYMOUS(),
                -1, 0);
    }

    /**
     * Maps a file.
     *
     * @param fd         the open file (opened for reading, and for writing when sharing writes)
     * @param offset     the file offset, a multiple of {@link #pageSize()}
     * @param length     the length in bytes, {@code > 0}; access past the file's end raises SIGBUS in C and
     *                   an {@link InternalError} in Java
     * @param protection the protections
     * @param flags      the flags
     * @return the owning region
     * @throws IOException ErrnoException (EACCES, ENODEV), ClosedChannelException if {@code fd} is closed
     * @see <a href="https://man7.org/linux/man-pages/man2/mmap.2.html">mmap(2)</a>
     */
    public static MappedRegion mapFile(Fd fd, long offset, long length, Set<Protection> protection,
                                       Set<MapFlag> flags) throws IOException {
        checkLength(length, flags);
        if (offset < 0 || offset % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("file offset must be >= 0 and a multiple of the page size "
                    + PAGE_SIZE + ", got " + offset);
        }
        return map(length, Protection.toBits(protection), MapFlag.toBits(flags), fd.fd(), offset);
    }

    private static void checkLength(long length, Set<MapFlag> flags) {
        if (length <= 0) {
            throw new IllegalArgumentException("mapping length must be > 0, got " + length);
        }
        if (flags.contains(MapFlag.HUGETLB)) {
            long huge = Probes.hugePageSize();
            if (huge > 0 && length % huge != 0) {
                throw new IllegalArgumentException("a MAP_HUGETLB length must be a multiple of the huge page size "
                        + huge + ", got " + length);
            }
        }
    }

    private static MappedRegion map(long length, int prot, int flags, int fd, long offset) throws ErrnoException {
        MemorySegment es = ErrnoState.current();
        long address = Check.result(Syscalls.mmap(es, MemorySegment.NULL, length, prot, flags, fd, offset), es,
                "mmap");
        return new MappedRegion(address, length);
    }

    /**
     * Changes the protection of pages.
     *
     * @param pages      page-aligned native memory inside a mapping
     * @param protection the new protections
     * @throws ErrnoException ENOMEM if part of the range is not mapped, EACCES
     * @see <a href="https://man7.org/linux/man-pages/man2/mprotect.2.html">mprotect(2)</a>
     */
    public static void mprotect(MemorySegment pages, Set<Protection> protection) throws ErrnoException {
        checkPages("mprotect range", pages);
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.mprotect(es, pages, pages.byteSize(), Protection.toBits(protection)), es,
                "mprotect");
    }

    /** {@code madvise} advice. */
    public enum Advice {
        /** MADV_NORMAL: default read-ahead. */
        NORMAL(mman_h.MADV_NORMAL()),
        /** MADV_RANDOM: no read-ahead. */
        RANDOM(mman_h.MADV_RANDOM()),
        /** MADV_SEQUENTIAL: aggressive read-ahead, early reclaim. */
        SEQUENTIAL(mman_h.MADV_SEQUENTIAL()),
        /** MADV_WILLNEED: start reading the range in. */
        WILLNEED(mman_h.MADV_WILLNEED()),
        /** MADV_DONTNEED: drop the pages now; private anonymous memory reads back as zeros. */
        DONTNEED(mman_h.MADV_DONTNEED()),
        /** MADV_FREE: the kernel may drop the pages lazily unless written again (private anonymous only). */
        FREE(mman_h.MADV_FREE()),
        /** MADV_HUGEPAGE: back with transparent huge pages (see {@link Feature#TRANSPARENT_HUGE_PAGES}). */
        HUGEPAGE(mman_h.MADV_HUGEPAGE()),
        /** MADV_NOHUGEPAGE: never back with transparent huge pages. */
        NOHUGEPAGE(mman_h.MADV_NOHUGEPAGE()),
        /** MADV_POPULATE_READ: fault the pages in readable (Linux 5.14). */
        POPULATE_READ(mman_h.MADV_POPULATE_READ()),
        /** MADV_POPULATE_WRITE: fault the pages in writable, breaking copy-on-write (Linux 5.14). */
        POPULATE_WRITE(mman_h.MADV_POPULATE_WRITE());

        private final int value;

        Advice(long value) {
            this.value = (int) value;
        }
    }

    /**
     * Gives the kernel advice about a range.
     *
     * @param pages  page-aligned native memory inside a mapping
     * @param advice the advice
     * @throws ErrnoException EINVAL (advice unsupported for this mapping, e.g. HUGEPAGE without THP), ENOMEM
     * @throws IllegalArgumentException for a range that is not page-aligned, or a read-only view given
     *                                  {@link Advice#DONTNEED} or {@link Advice#FREE}, which may zero it
     * @see <a href="https://man7.org/linux/man-pages/man2/madvise.2.html">madvise(2)</a>
     */
    public static void madvise(MemorySegment pages, Advice advice) throws ErrnoException {
        checkPages("madvise range", pages);
        Objects.requireNonNull(advice, "advice");
        if (advice == Advice.DONTNEED || advice == Advice.FREE) { // the range may read back as zeros
            Words.checkWritable("madvise(" + advice + ") range", pages);
        }
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.madvise(es, pages, pages.byteSize(), advice.value), es, "madvise");
    }

    /**
     * Locks the pages of a range in RAM, faulting them in.
     *
     * @param memory native memory inside a mapping (the kernel rounds to whole pages)
     * @throws ErrnoException ENOMEM or EPERM past RLIMIT_MEMLOCK without CAP_IPC_LOCK
     * @see <a href="https://man7.org/linux/man-pages/man2/mlock.2.html">mlock(2)</a>
     */
    public static void mlock(MemorySegment memory) throws ErrnoException {
        Words.checkNative("mlock range", memory);
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.mlock(es, memory, memory.byteSize()), es, "mlock");
    }

    /**
     * Unlocks the pages of a range.
     *
     * @param memory native memory inside a mapping
     * @throws ErrnoException ENOMEM if part of the range is not mapped
     * @see <a href="https://man7.org/linux/man-pages/man2/munlock.2.html">munlock(2)</a>
     */
    public static void munlock(MemorySegment memory) throws ErrnoException {
        Words.checkNative("munlock range", memory);
        MemorySegment es = ErrnoState.current();
        Check.result(Syscalls.munlock(es, memory, memory.byteSize()), es, "munlock");
    }

    /**
     * Counts the pages of a range resident in RAM ({@code mincore}).
     *
     * @param pages page-aligned native memory inside a mapping
     * @return the number of resident pages, out of {@code ceil(byteSize / pageSize)}
     * @throws ErrnoException ENOMEM if part of the range is not mapped
     * @see <a href="https://man7.org/linux/man-pages/man2/mincore.2.html">mincore(2)</a>
     */
    public static long residentPages(MemorySegment pages) throws ErrnoException {
        checkPages("mincore range", pages);
        long count = (pages.byteSize() + PAGE_SIZE - 1) / PAGE_SIZE;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vec = arena.allocate(Math.max(1, count));
            MemorySegment es = ErrnoState.current();
            Check.result(Syscalls.mincore(es, pages, pages.byteSize(), vec), es, "mincore");
            long resident = 0;
            for (long i = 0; i < count; i++) {
                resident += vec.get(ValueLayout.JAVA_BYTE, i) & 1; // bit 0: resident; the others are reserved
            }
            return resident;
        }
    }

    /**
     * Creates an anonymous file in RAM ({@code memfd_create}, with {@code MFD_CLOEXEC}), e.g. to share memory
     * with another process through {@link #mapFile} and {@link MapFlag#SHARED}.
     *
     * @param name         a name for {@code /proc/self/fd} listings (at most 249 bytes)
     * @param allowSealing MFD_ALLOW_SEALING: allow {@code F_ADD_SEALS}
     * @return the descriptor of an empty file; size it with {@link Fd#ftruncate}
     * @throws ErrnoException EINVAL for a long name, EMFILE
     * @see <a href="https://man7.org/linux/man-pages/man2/memfd_create.2.html">memfd_create(2)</a>
     */
    public static Fd memfdCreate(String name, boolean allowSealing) throws ErrnoException {
        Objects.requireNonNull(name, "name");
        int flags = memfd_h.MFD_CLOEXEC() | (allowSealing ? memfd_h.MFD_ALLOW_SEALING() : 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cname = arena.allocateFrom(name);
            MemorySegment es = ErrnoState.current();
            return Fd.adopt(Check.intResult(Syscalls.memfd_create(es, cname, flags), es, "memfd_create"));
        }
    }

    static void checkPages(String what, MemorySegment pages) {
        Words.checkNative(what, pages);
        Words.checkAligned(what, pages, 0, PAGE_SIZE);
    }
}
