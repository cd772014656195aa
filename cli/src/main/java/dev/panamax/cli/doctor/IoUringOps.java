/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.doctor;

import java.util.List;

/**
 * Display names of the io_uring opcodes ({@code enum io_uring_op}), indexed by number, for the doctor's list of
 * supported operations. The bindings export the probe's opcode numbers but not their names; a test compares this
 * table with the generated {@code io_uring_h} constants so that the two cannot drift apart.
 *
 * @see <a href="https://github.com/torvalds/linux/blob/v6.12/include/uapi/linux/io_uring.h">io_uring.h (v6.12)</a>
 */
final class IoUringOps {

    /** {@code IORING_OP_<name>} for opcode = index, up to {@code IORING_OP_LISTEN} (Linux 6.11). */
    static final List<String> NAMES = List.of(
            "NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED", "POLL_ADD", "POLL_REMOVE",
            "SYNC_FILE_RANGE", "SENDMSG", "RECVMSG", "TIMEOUT", "TIMEOUT_REMOVE", "ACCEPT", "ASYNC_CANCEL",
            "LINK_TIMEOUT", "CONNECT", "FALLOCATE", "OPENAT", "CLOSE", "FILES_UPDATE", "STATX", "READ", "WRITE",
            "FADVISE", "MADVISE", "SEND", "RECV", "OPENAT2", "EPOLL_CTL", "SPLICE", "PROVIDE_BUFFERS",
            "REMOVE_BUFFERS", "TEE", "SHUTDOWN", "RENAMEAT", "UNLINKAT", "MKDIRAT", "SYMLINKAT", "LINKAT", "MSG_RING",
            "FSETXATTR", "SETXATTR", "FGETXATTR", "GETXATTR", "SOCKET", "URING_CMD", "SEND_ZC", "SENDMSG_ZC",
            "READ_MULTISHOT", "WAITID", "FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_WAITV", "FIXED_FD_INSTALL", "FTRUNCATE",
            "BIND", "LISTEN");

    private IoUringOps() {
    }

    /** Returns the name of an opcode, or {@code OP_<n>} for one newer than this table. */
    static String name(int opcode) {
        return opcode >= 0 && opcode < NAMES.size() ? NAMES.get(opcode) : "OP_" + opcode;
    }
}
