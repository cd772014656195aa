/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.Bitmask;
import dev.panamax.ffm.internal.Check;
import dev.panamax.ffm.internal.ErrnoState;
import dev.panamax.ffm.internal.Native;
import dev.panamax.ffm.internal.Words;
import dev.panamax.ffm.internal.uapi.Syscalls;
import dev.panamax.ffm.internal.uapi.mempolicy_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * NUMA memory placement: memory policies of ranges ({@code mbind}) and threads ({@code set_mempolicy}), where
 * pages are ({@code get_mempolicy}, {@code move_pages}), and the online nodes. Check {@link Feature#NUMA} first:
 * containers and emulators often refuse these calls.
 */
public final class Numa {

    private static final int LONG_BYTES = (int) Native.C_LONG.byteSize();
    /** Bits in the node masks passed to the kernel: must cover nr_node_ids (MAX_NUMNODES is at most 1024). */
    private static final int MASK_BITS = 1024;

    private Numa() {
    }

    /**
     * Returns the nodes the kernel lists in {@code /sys/devices/system/node/online}.
     *
     * @return the online nodes
     */
    public static NodeSet onlineNodes() {
        return NodeSet.online();
    }

    /**
     * Returns the number of online nodes (1 on a machine without NUMA).
     *
     * @return the count
     */
    public static int nodeCount() {
        return onlineNodes().size();
    }

    /** Memory policy modes. */
    public enum Policy {
        /** MPOL_DEFAULT: fall back to the thread policy, or allocate on the local node. */
        DEFAULT(mempolicy_h.MPOL_DEFAULT()),
        /** MPOL_PREFERRED: prefer one node, fall back to others. */
        PREFERRED(mempolicy_h.MPOL_PREFERRED()),
        /** MPOL_BIND: only the given nodes. */
        BIND(mempolicy_h.MPOL_BIND()),
        /** MPOL_INTERLEAVE: round-robin pages over the nodes. */
        INTERLEAVE(mempolicy_h.MPOL_INTERLEAVE()),
        /** MPOL_LOCAL: the node of the CPU that faults the page. */
        LOCAL(mempolicy_h.MPOL_LOCAL()),
        /** MPOL_PREFERRED_MANY: prefer a set of nodes (Linux 5.15). */
        PREFERRED_MANY(mempolicy_h.MPOL_PREFERRED_MANY()),
        /** MPOL_WEIGHTED_INTERLEAVE: interleave by per-node weights from sysfs (Linux 6.9). */
        WEIGHTED_INTERLEAVE(mempolicy_h.MPOL_WEIGHTED_INTERLEAVE());

        private final int mode;

        Policy(long mode) {
            this.mode = (int) mode;
        }

        static Policy of(int mode) {
            for (Policy p : values()) {
                if (p.mode == mode) {
                    return p;
                }
            }
            throw new IllegalStateException("unknown memory policy mode " + mode + " from the kernel");
        }
    }

    /**
     * A memory policy as the kernel reports it.
     *
     * @param policy the mode
     * @param nodes  the nodes it names (empty for DEFAULT and LOCAL)
     */
    public record MemPolicy(Policy policy, NodeSet nodes) {
    }

    /**
     * Sets the memory policy of a page-aligned range ({@code mbind}).
     *
     * @param pages  page-aligned native memory inside a mapping
     * @param policy the mode
     * @param nodes  the nodes, each online; empty only for DEFAULT and LOCAL
     * @param move   MPOL_MF_MOVE | MPOL_MF_STRICT: move existing pages, fail with EIO if some cannot be moved
     * @throws IllegalArgumentException if a node is not online
     * @throws ErrnoException           EINVAL, EIO, ENOSYS/EPERM where NUMA calls are unavailable
     * @see <a href="https://man7.org/linux/man-pages/man2/mbind.2.html">mbind(2)</a>
     */
    public static void mbind(MemorySegment pages, Policy policy, NodeSet nodes, boolean move) throws ErrnoException {
        Memory.checkPages("mbind range", pages);
        checkNodes(nodes);
        int flags = move ? mempolicy_h.MPOL_MF_MOVE() | mempolicy_h.MPOL_MF_STRICT() : 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = nodeMask(arena, nodes);
            MemorySegment es = ErrnoState.current();
            // The kernel reads maxnode - 1 bits (mm/mempolicy.c get_nodes), hence the + 1 as in libnuma.
            Check.result(Syscalls.mbind(es, pages, pages.byteSize(), Objects.requireNonNull(policy).mode, mask,
                    MASK_BITS + 1, flags), es, "mbind");
        }
    }

    /**
     * Sets the calling thread's memory policy ({@code set_mempolicy}).
     *
     * @param policy the mode
     * @param nodes  the nodes, each online; empty only for DEFAULT and LOCAL
     * @throws IllegalArgumentException if a node is not online
     * @throws ErrnoException           EINVAL, ENOSYS/EPERM where NUMA calls are unavailable
     * @see <a href="https://man7.org/linux/man-pages/man2/set_mempolicy.2.html">set_mempolicy(2)</a>
     */
    public static void setThreadPolicy(Policy policy, NodeSet nodes) throws ErrnoException {
        checkNodes(nodes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = nodeMask(arena, nodes);
            MemorySegment es = ErrnoState.current();
            Check.result(Syscalls.set_mempolicy(es, Objects.requireNonNull(policy).mode, mask, MASK_BITS + 1), es,
                    "set_mempolicy");
        }
    }

    /**
     * Returns the calling thread's memory policy ({@code get_mempolicy} without flags).
     *
     * @return the policy
     * @throws ErrnoException ENOSYS/EPERM where NUMA calls are unavailable
     * @see <a href="https://man7.org/linux/man-pages/man2/get_mempolicy.2.html">get_mempolicy(2)</a>
     */
    public static MemPolicy threadPolicy() throws ErrnoException {
        return getMempolicy(MemorySegment.NULL, 0);
    }

    /**
     * Returns the policy of the range holding {@code address} ({@code get_mempolicy} with {@code MPOL_F_ADDR}).
     *
     * @param address native memory inside a mapping
     * @return the policy
     * @throws ErrnoException EFAULT if not mapped, ENOSYS/EPERM where NUMA calls are unavailable
     * @see <a href="https://man7.org/linux/man-pages/man2/get_mempolicy.2.html">get_mempolicy(2)</a>
     */
    public static MemPolicy policyOf(MemorySegment address) throws ErrnoException {
        Words.checkNative("address", address);
        return getMempolicy(address, mempolicy_h.MPOL_F_ADDR());
    }

    private static MemPolicy getMempolicy(MemorySegment address, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mode = arena.allocate(Native.C_INT);
            MemorySegment mask = arena.allocate(MASK_BITS / Byte.SIZE, LONG_BYTES);
            MemorySegment es = ErrnoState.current();
            Check.result(Syscalls.get_mempolicy(es, mode, mask, MASK_BITS, address, flags), es, "get_mempolicy");
            int m = mode.get(Native.C_INT, 0) & ~mempolicy_h.MPOL_MODE_FLAGS();
            return new MemPolicy(Policy.of(m), NodeSet.fromWords(Bitmask.read(mask, mask.byteSize())));
        }
    }

    /**
     * Returns the node holding the page at {@code address}, faulting it in if needed ({@code get_mempolicy}
     * with {@code MPOL_F_NODE | MPOL_F_ADDR}).
     *
     * @param address native memory inside a mapping
     * @return the node number
     * @throws ErrnoException EFAULT if not mapped, ENOSYS/EPERM where NUMA calls are unavailable
     * @see <a href="https://man7.org/linux/man-pages/man2/get_mempolicy.2.html">get_mempolicy(2)</a>
     */
    public static int nodeOf(MemorySegment address) throws ErrnoException {
        Words.checkNative("address", address);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment node = arena.allocate(Native.C_INT);
            MemorySegment es = ErrnoState.current();
            Check.result(Syscalls.get_mempolicy(es, node, MemorySegment.NULL, 0, address,
                    mempolicy_h.MPOL_F_NODE() | mempolicy_h.MPOL_F_ADDR()), es, "get_mempolicy");
            return node.get(Native.C_INT, 0);
        }
    }

    /**
     * Returns, for each page of a range, the node holding it, or a negated errno for a page that is not present
     * ({@code -ENOENT}) or cannot be queried ({@code -EFAULT}); {@code move_pages} in query mode (nodes NULL).
     *
     * @param pages page-aligned native memory inside a mapping
     * @return one entry per page
     * @throws ErrnoException ENOSYS/EPERM where NUMA calls are unavailable
     * @see <a href="https://man7.org/linux/man-pages/man2/move_pages.2.html">move_pages(2)</a>
     */
    public static int[] pageNodes(MemorySegment pages) throws ErrnoException {
        Memory.checkPages("move_pages range", pages);
        long pageSize = Memory.pageSize();
        int count = Math.toIntExact((pages.byteSize() + pageSize - 1) / pageSize);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addresses = arena.allocate(Native.C_POINTER, count);
            for (int i = 0; i < count; i++) {
                addresses.setAtIndex(Native.C_POINTER, i, pages.asSlice(i * pageSize, 0));
            }
            MemorySegment status = arena.allocate(Native.C_INT, count);
            MemorySegment es = ErrnoState.current();
            Check.result(Syscalls.move_pages(es, 0, count, addresses, MemorySegment.NULL, status, 0), es,
                    "move_pages");
            return status.toArray(Native.C_INT);
        }
    }

    private static void checkNodes(NodeSet nodes) {
        NodeSet online = NodeSet.online();
        NodeSet offline = nodes.minus(online);
        if (!offline.isEmpty()) {
            throw new IllegalArgumentException("NUMA nodes " + offline + " are not online (online: " + online + ")");
        }
        if (nodes.bitLength() > MASK_BITS) {
            throw new IllegalArgumentException("NUMA node numbers must be < " + MASK_BITS);
        }
    }

    private static MemorySegment nodeMask(Arena arena, NodeSet nodes) {
        MemorySegment mask = arena.allocate(MASK_BITS / Byte.SIZE, LONG_BYTES);
        Bitmask.write(nodes.words(), mask);
        return mask;
    }
}
