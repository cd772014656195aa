/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.ErrnoState;
import dev.panamax.ffm.internal.Native;
import dev.panamax.ffm.internal.uapi.Syscalls;
import dev.panamax.ffm.internal.uapi.robust_list;
import dev.panamax.ffm.internal.uapi.robust_list_head;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Objects;

/**
 * The calling thread's kernel robust-futex list, as glibc registered it for every pthread: link a lock word's
 * list entry in while the thread holds the lock, and the kernel marks the word {@code FUTEX_OWNER_DIED} and
 * wakes a waiter if the thread dies (exit, or its process killed) while holding it.
 *
 * <p>The entry of a word at byte offset {@code w} sits at {@code w - futexOffset} (the list head's
 * {@code futex_offset}, which glibc sets to the distance between {@code __lock} and {@code __list.__next} in
 * {@code pthread_mutex_t}); glibc's list is doubly linked, its {@code __prev} pointer 8 bytes before the entry.
 * A lock region must therefore reserve {@link #bytesFromWord()} bytes from its word, 8-byte aligned. This class
 * maintains both pointers exactly as glibc's {@code ENQUEUE_MUTEX}/{@code DEQUEUE_MUTEX} do, so glibc's own robust
 * mutexes can share the list.
 *
 * <p>Only the owning thread may touch its list: every method acts on the calling thread's list and refuses
 * virtual threads, whose carrier (and so whose list) may change between lock and unlock.
 *
 * @see <a href="https://docs.kernel.org/locking/robust-futex-ABI.html">robust-futex-ABI</a>
 * @see <a href="https://man7.org/linux/man-pages/man2/get_robust_list.2.html">get_robust_list(2)</a>
 */
public final class RobustList {

    /*
     * Overview. get_robust_list(0, &head, &len) returns the address of the calling thread's struct
     * robust_list_head inside glibc's struct pthread, preceded by glibc's robust_prev slot:
     *
     *   head - 8:  robust_prev      (the __prev of the list head, written by ENQUEUE into an empty list)
     *   head + 0:  list.next        entry pointer; the head itself when the list is empty; bit 0 = PI
     *   head + 8:  futex_offset     word address - entry address (negative: -32 for glibc on LP64)
     *   head + 16: list_op_pending  entry being locked or unlocked, 0 otherwise
     *
     *   entry - 8: __prev           previous entry (or head), used only by glibc's DEQUEUE
     *   entry + 0: __next           next entry (or head)
     *
     * The kernel reads the list only when the thread exits, on the same CPU context, so the stores need no
     * hardware ordering against other threads; they must only be emitted in program order, which the release
     * stores below enforce against compiler reordering (glibc uses asm("" ::: "memory") for the same purpose).
     *
     * Closed segments. An entry lives in the caller's segment, which the caller may close (munmap, free) while
     * the entry is linked. Each thread therefore keeps a Java-side record (ThreadList.linked) of the entries it
     * linked, with their segments and the __next it last wrote into each. Every operation first unlinks the
     * recorded entries whose segment's scope is no longer alive, without reading or writing their memory: the
     * predecessor is found by walking from the head (through live memory only), the successor is the recorded
     * __next, and the two are joined (pred->next = succ, succ->prev = pred). The recorded __next is exact unless
     * glibc dequeued its own mutex right behind ours; then that mutex's __prev no longer points back at ours, and
     * the list is cut there rather than joined to an entry that has left it (telling the two apart reads that
     * mutex's __prev, so its memory must still be mapped). Neighbours that are our own entries
     * are always reached through their segments, so a close racing with an operation throws
     * IllegalStateException instead of writing unmapped memory.
     *
     * What cannot be guaranteed: nothing in the JDK tells us when a segment is closed, so between the close and
     * this thread's next operation here the kernel's list still leads into the closed range. If the thread exits
     * in that window the kernel's walk faults on the entry and stops (the kernel reads with get_user: it does not
     * crash), so older locks behind it are not marked FUTEX_OWNER_DIED; if the range was mapped again meanwhile,
     * the kernel reads whatever is there and marks a word only if it holds this thread's TID. glibc's own robust
     * mutexes on this thread write their neighbours' pointers, and may write into a closed entry in that window.
     */

    private static final long PREV_BYTES = 8;
    private static final long HEAD_LIST = PREV_BYTES + robust_list_head.list$offset() + robust_list.next$offset();
    private static final long HEAD_FUTEX_OFFSET = PREV_BYTES + robust_list_head.futex_offset$offset();
    private static final long HEAD_PENDING = PREV_BYTES + robust_list_head.list_op_pending$offset();
    private static final long HEAD_BYTES = PREV_BYTES + robust_list_head.sizeof();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final long PI_BIT = 1;
    private static final int LIST_LIMIT = 2048; // the kernel's ROBUST_LIST_LIMIT: a longer walk is in a cycle

    private static final ThreadLocal<ThreadList> LIST = new ThreadLocal<>();
    private static final long FUTEX_OFFSET;
    private static final String UNAVAILABLE;

    static {
        long futexOffset = 0;
        String cause;
        try {
            // Any thread's head will do (glibc gives all the same futex_offset); this one may be a carrier.
            futexOffset = (long) LONG.get(lookUpHead(), HEAD_FUTEX_OFFSET);
            cause = futexOffset < -PREV_BYTES && futexOffset % 8 == 0 ? null
                    : "unrecognized robust list layout (futex_offset " + futexOffset + "): the C library is not "
                    + "glibc on LP64";
        } catch (UnsupportedOperationException | IllegalCallerException e) {
            cause = e.getMessage();
        }
        FUTEX_OFFSET = futexOffset;
        UNAVAILABLE = cause;
    }

    private RobustList() {
    }

    /**
     * Tells whether the kernel supports robust futexes and the C library registered a list this class can share.
     *
     * @return true if {@link #link} and friends can be used
     */
    public static boolean isAvailable() {
        return UNAVAILABLE == null;
    }

    /**
     * Says why robust lists cannot be used, or {@code null} when they can.
     *
     * @return the cause, naming the syscall or the C library
     */
    public static String unavailabilityCause() {
        return UNAVAILABLE;
    }

    /**
     * Throws unless robust lists can be used.
     *
     * @throws UnsupportedOperationException with {@link #unavailabilityCause()} as its message
     */
    public static void ensureAvailable() {
        if (UNAVAILABLE != null) {
            throw new UnsupportedOperationException("robust futex lists unavailable: " + UNAVAILABLE);
        }
    }

    /**
     * The number of bytes a lock region must reserve from its word for the word's list entry and its
     * {@code __prev} pointer ({@code 8 - futex_offset}: 40 with glibc on LP64).
     *
     * @return the bytes from the word to the end of its entry
     * @throws UnsupportedOperationException if robust lists are unavailable
     */
    public static long bytesFromWord() {
        ensureAvailable();
        return PREV_BYTES - FUTEX_OFFSET;
    }

    /**
     * Records the word's entry as the calling thread's {@code list_op_pending}: call before trying to acquire and
     * before releasing, so that the kernel also examines a word whose list operation the thread died in.
     *
     * @param segment    native memory holding the lock region
     * @param wordOffset byte offset of the 8-byte aligned lock word
     * @throws UnsupportedOperationException if robust lists are unavailable or the caller is a virtual thread
     * @throws IllegalArgumentException      if the region is not native or misaligned
     * @throws IndexOutOfBoundsException     if the region does not fit in the segment
     */
    public static void setPending(MemorySegment segment, long wordOffset) {
        long entry = entryAddress(segment, wordOffset);
        ThreadList list = list();
        list.unlinkClosed();
        LONG.setRelease(list.head, HEAD_PENDING, entry);
    }

    /**
     * Clears the calling thread's {@code list_op_pending}, after a lock or unlock completed.
     *
     * @throws UnsupportedOperationException if robust lists are unavailable or the caller is a virtual thread
     */
    public static void clearPending() {
        ensureAvailable();
        LONG.setRelease(list().head, HEAD_PENDING, 0L);
    }

    /**
     * Unlinks from the calling thread's list every entry that {@link #link} put there and whose segment has since
     * been closed, without touching the closed memory; the other operations do this first, on their own.
     *
     * @return the number of entries unlinked
     * @throws UnsupportedOperationException if robust lists are unavailable or the caller is a virtual thread
     */
    public static int unlinkClosed() {
        ensureAvailable();
        return list().unlinkClosed();
    }

    /**
     * Links the word's entry at the front of the calling thread's list; call once the thread holds the lock, and
     * only while the entry is not linked.
     *
     * @param segment    native memory holding the lock region
     * @param wordOffset byte offset of the 8-byte aligned lock word
     * @throws UnsupportedOperationException if robust lists are unavailable or the caller is a virtual thread
     * @throws IllegalArgumentException      if the region is not native or misaligned
     * @throws IndexOutOfBoundsException     if the region does not fit in the segment
     */
    public static void link(MemorySegment segment, long wordOffset) {
        long entry = entryAddress(segment, wordOffset);
        long entryInSegment = wordOffset - FUTEX_OFFSET;
        ThreadList list = list();
        list.unlinkClosed();
        long first = (long) LONG.get(list.head, HEAD_LIST);
        // As glibc's ENQUEUE_MUTEX_BOTH: entry->next = first; entry->prev = head; first->prev = entry; head = entry.
        // The entry is written first, through its segment: if that was closed, this throws with the list untouched.
        LONG.set(segment, entryInSegment, first);
        LONG.set(segment, entryInSegment - PREV_BYTES, list.headAddress);
        list.setPrev(first & ~PI_BIT, entry);
        list.linked.add(list.record(segment, entryInSegment, entry, first));
        LONG.setRelease(list.head, HEAD_LIST, entry); // publish the entry only once its pointers are written
    }

    /**
     * Unlinks the word's entry from the calling thread's list; call before releasing the lock, with
     * {@link #setPending} in effect.
     *
     * @param segment    native memory holding the lock region
     * @param wordOffset byte offset of the 8-byte aligned lock word
     * @throws UnsupportedOperationException if robust lists are unavailable or the caller is a virtual thread
     * @throws IllegalArgumentException      if the region is not native or misaligned
     * @throws IndexOutOfBoundsException     if the region does not fit in the segment
     * @throws IllegalStateException         if the entry is not linked, or the segment is closed
     */
    public static void unlink(MemorySegment segment, long wordOffset) {
        long entry = entryAddress(segment, wordOffset);
        long entryInSegment = wordOffset - FUTEX_OFFSET;
        ThreadList list = list();
        list.unlinkClosed();
        long next = (long) LONG.get(segment, entryInSegment);
        long prev = (long) LONG.get(segment, entryInSegment - PREV_BYTES);
        if (next == 0 || prev == 0) {
            throw new IllegalStateException("robust list entry of the word at offset " + wordOffset + " is not linked");
        }
        // As glibc's DEQUEUE_MUTEX: next->prev = prev; prev->next = next; then clear the entry.
        list.setPrev(next & ~PI_BIT, prev);
        list.setNext(prev & ~PI_BIT, next); // the list skips the entry from here on
        list.forget(entry);
        LONG.set(segment, entryInSegment - PREV_BYTES, 0L);
        LONG.setRelease(segment, entryInSegment, 0L);
    }

    /** Validates the region and returns the absolute address of the word's entry. */
    private static long entryAddress(MemorySegment segment, long wordOffset) {
        ensureAvailable();
        Objects.requireNonNull(segment, "segment");
        if (!segment.isNative()) {
            throw new IllegalArgumentException("a robust lock region must be in native memory");
        }
        // Checked before any address reaches the kernel's list or list_op_pending: the kernel reads them when the
        // thread exits, and a freed address there would have it set FUTEX_OWNER_DIED in whatever lives there now.
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("the robust lock region's segment is already closed");
        }
        if (!segment.isAccessibleBy(Thread.currentThread())) {
            throw new WrongThreadException("the robust lock region's segment is confined to another thread");
        }
        long end = wordOffset - FUTEX_OFFSET + 8;
        if (wordOffset < 0 || end > segment.byteSize()) {
            throw new IndexOutOfBoundsException("robust lock region needs " + (end - wordOffset)
                    + " bytes from offset " + wordOffset + " in a segment of " + segment.byteSize());
        }
        long word = segment.address() + wordOffset;
        if ((word & 7) != 0) {
            throw new IllegalArgumentException("robust lock word 0x" + Long.toHexString(word)
                    + " is not 8-byte aligned");
        }
        return word - FUTEX_OFFSET;
    }

    /** An 8-byte pointer slot at a kernel-list address that this thread's list leads to. */
    private static MemorySegment slot(long address) {
        return Native.sized(MemorySegment.ofAddress(address), 8);
    }

    /** The calling thread's list: its head and the record of the entries this class linked into it. */
    private static ThreadList list() {
        if (Thread.currentThread().isVirtual()) {
            throw new UnsupportedOperationException("robust lists belong to OS threads: a virtual thread may change "
                    + "carrier between lock and unlock; use a platform thread");
        }
        ThreadList list = LIST.get();
        if (list == null) {
            list = new ThreadList(lookUpHead());
            LIST.set(list);
        }
        return list;
    }

    /**
     * An entry this class linked, as recorded by its thread; only that thread reads or writes it. Reused once
     * unlinked (see {@link ThreadList#record}), hence the fields are not final.
     */
    private static final class Linked {
        MemorySegment segment; // null while spare
        long entryInSegment;
        long entry;
        long next; // plain, owning thread only: the entry's __next as this class last wrote it

        boolean isClosed() {
            return !segment.scope().isAlive();
        }
    }

    /**
     * One thread's list. Addresses are those of a node's __next (the head's list.next); its __prev is 8 bytes
     * before. Our own entries are read and written through their segments, the head through its slot, and any
     * other node (a glibc mutex of this thread) through a raw pointer.
     */
    private static final class ThreadList {
        final MemorySegment head; // from robust_prev to the end of robust_list_head; glibc owns it for the thread
        final long headAddress;
        final ArrayList<Linked> linked = new ArrayList<>(); // owning thread only
        // Owning thread only: records of unlinked entries, reused so that locking a robust mutex allocates nothing;
        // never more than the most entries this thread has had linked at once.
        private final ArrayList<Linked> spare = new ArrayList<>();

        ThreadList(MemorySegment head) {
            this.head = head;
            this.headAddress = head.address() + PREV_BYTES;
        }

        /** A record of a newly linked entry, a spare one if there is one. */
        Linked record(MemorySegment segment, long entryInSegment, long entry, long next) {
            Linked l = spare.isEmpty() ? new Linked() : spare.remove(spare.size() - 1);
            l.segment = segment;
            l.entryInSegment = entryInSegment;
            l.entry = entry;
            l.next = next;
            return l;
        }

        Linked find(long address) {
            for (int i = linked.size() - 1; i >= 0; i--) {
                Linked l = linked.get(i);
                if (l.entry == address) {
                    return l;
                }
            }
            return null;
        }

        void forget(long entry) {
            Linked l = find(entry);
            if (l != null) {
                linked.remove(l);
                l.segment = null; // a spare record keeps no segment reachable
                spare.add(l);
            }
        }

        long readNext(long address) {
            if (address == headAddress) {
                return (long) LONG.get(head, HEAD_LIST);
            }
            Linked l = find(address);
            return l != null ? (long) LONG.get(l.segment, l.entryInSegment) : (long) LONG.get(slot(address), 0L);
        }

        long readPrev(long address) {
            if (address == headAddress) {
                return (long) LONG.get(head, 0L);
            }
            Linked l = find(address);
            return l != null ? (long) LONG.get(l.segment, l.entryInSegment - PREV_BYTES)
                    : (long) LONG.get(slot(address - PREV_BYTES), 0L);
        }

        void setNext(long address, long next) {
            if (address == headAddress) {
                LONG.setRelease(head, HEAD_LIST, next);
                return;
            }
            Linked l = find(address);
            if (l != null) {
                LONG.setRelease(l.segment, l.entryInSegment, next);
                l.next = next;
            } else {
                LONG.setRelease(slot(address), 0L, next);
            }
        }

        void setPrev(long address, long prev) {
            if (address == headAddress) {
                LONG.set(head, 0L, prev);
                return;
            }
            Linked l = find(address);
            if (l != null) {
                LONG.set(l.segment, l.entryInSegment - PREV_BYTES, prev);
            } else {
                LONG.set(slot(address - PREV_BYTES), 0L, prev);
            }
        }

        /** Unlinks the recorded entries whose segment is closed, touching only live memory (see the overview). */
        int unlinkClosed() {
            boolean anyClosed = false;
            for (int i = 0; i < linked.size() && !anyClosed; i++) {
                anyClosed = linked.get(i).isClosed();
            }
            if (!anyClosed) {
                return 0;
            }
            int unlinked = 0;
            long node = headAddress; // never a closed entry: its __next is readable
            for (int steps = 0; steps < LIST_LIMIT; steps++) {
                long next = readNext(node) & ~PI_BIT;
                if (next == headAddress || next == 0) {
                    break;
                }
                Linked closed = find(next);
                if (closed == null || !closed.isClosed()) {
                    node = next;
                    continue;
                }
                linked.remove(closed);
                unlinked++;
                long after = closed.next;
                long succ = after & ~PI_BIT;
                // Only a glibc DEQUEUE of the mutex behind ours can have changed our entry's __next since we wrote
                // it; that mutex then no longer points back at ours, and we cut the list rather than rejoin it.
                boolean exact = succ == headAddress || find(succ) != null || readPrev(succ) == closed.entry;
                if (!exact) {
                    after = headAddress;
                    succ = headAddress;
                }
                setNext(node, after);
                Linked ours = find(succ);
                if (ours == null || !ours.isClosed()) {
                    setPrev(succ, node); // a closed successor is cut out next, its __prev unread
                }
                // node stays: its new successor may be closed too.
            }
            // Recorded entries the walk did not reach are not on the list any more: forget them.
            unlinked += linked.size();
            linked.removeIf(Linked::isClosed);
            unlinked -= linked.size();
            return unlinked;
        }
    }

    private static MemorySegment lookUpHead() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment headPtr = arena.allocate(Native.C_POINTER);
            MemorySegment lenPtr = arena.allocate(Native.C_SIZE_T);
            MemorySegment es = ErrnoState.current();
            if (Syscalls.get_robust_list(es, 0, headPtr, lenPtr) == -1) {
                Errno errno = Errno.of(Native.errno(es));
                throw new UnsupportedOperationException("get_robust_list failed: " + errno + " (" + errno.message()
                        + "); the kernel lacks robust futexes (CONFIG_FUTEX) or a seccomp filter refuses them");
            }
            long address = headPtr.get(ValueLayout.JAVA_LONG, 0);
            long len = lenPtr.get(ValueLayout.JAVA_LONG, 0);
            if (address == 0 || len != robust_list_head.sizeof()) {
                throw new UnsupportedOperationException("no robust list registered for this thread (head 0x"
                        + Long.toHexString(address) + ", len " + len + "): the C library is not glibc");
            }
            return Native.sized(MemorySegment.ofAddress(address - PREV_BYTES), HEAD_BYTES);
        }
    }
}
