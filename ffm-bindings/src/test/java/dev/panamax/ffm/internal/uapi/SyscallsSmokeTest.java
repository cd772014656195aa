/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm.internal.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.internal.ErrnoState;
import dev.panamax.ffm.internal.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Calls generated syscall holders against the real kernel. */
class SyscallsSmokeTest {

    @Test
    void shouldReturnOwnPidWhenCallingGetpid() {
        assertEquals(ProcessHandle.current().pid(), Syscalls.getpid(ErrnoState.current()));
    }

    @Test
    void shouldReportEbadfWhenClosingInvalidFd() {
        MemorySegment errno = ErrnoState.current();
        assertEquals(-1L, Syscalls.close(errno, -1));
        assertEquals(Errno.EBADF, Errno.of(Native.errno(errno)));
    }

    @Test
    void shouldPassNegativeDirfdSignExtendedWhenOpeningRelativeToCwd() {
        // AT_FDCWD is -100: a zero-extended int would reach the kernel as 4294967196 and fail with EBADF.
        MemorySegment errno = ErrnoState.current();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(".", StandardCharsets.UTF_8);
            long fd = Syscalls.openat(errno, fcntl_h.AT_FDCWD(), path, fcntl_h.O_RDONLY() | fcntl_h.O_DIRECTORY()
                    | fcntl_h.O_CLOEXEC(), 0);
            assertTrue(fd >= 0, () -> "openat(AT_FDCWD, \".\") failed: " + Errno.of(Native.errno(errno)));
            assertEquals(0L, Syscalls.close(errno, (int) fd));
        }
    }

    @Test
    void shouldReturnEagainWhenFutexWordDiffersFromExpected() {
        MemorySegment errno = ErrnoState.current();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(Native.C_INT);
            word.set(Native.C_INT, 0, 7);
            int op = futex_h.FUTEX_WAIT() | futex_h.FUTEX_PRIVATE_FLAG();
            // The kernel compares the word with val before sleeping: 8 != 7, so it returns at once.
            assertEquals(-1L, Syscalls.futex(errno, word, op, 8, MemorySegment.NULL, MemorySegment.NULL, 0));
            assertEquals(Errno.EAGAIN, Errno.of(Native.errno(errno)));
            assertEquals(0L, Syscalls.futex(errno, word, futex_h.FUTEX_WAKE() | futex_h.FUTEX_PRIVATE_FLAG(), 1,
                    MemorySegment.NULL, MemorySegment.NULL, 0));
        }
    }

    @Test
    void shouldWakeNobodyWhenCallingFutex2WakeWithoutWaiters() {
        MemorySegment errno = ErrnoState.current();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(Native.C_INT);
            long woken = Syscalls.futex_wake(errno, word, futex_h.FUTEX_BITSET_MATCH_ANY() & 0xFFFFFFFFL, 1,
                    futex_h.FUTEX2_SIZE_U32() | futex_h.FUTEX2_PRIVATE());
            assumeTrue(woken != -1 || Native.errno(errno) != Errno.ENOSYS.value(),
                    "futex_wake(2) (futex2, Linux 6.7) is not implemented by this kernel");
            assertEquals(0L, woken, () -> "futex_wake failed: " + Errno.of(Native.errno(errno)));
        }
    }

    @Test
    void shouldFillUtsnameWhenCallingCriticalUname() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment uts = utsname.allocate(arena);
            assertEquals(0L, Syscalls.uname(ErrnoState.current(), uts));
            assertEquals("Linux", utsname.sysname(uts).getString(0, StandardCharsets.US_ASCII));
            String machine = utsname.machine(uts).getString(0, StandardCharsets.US_ASCII);
            assertEquals(System.getProperty("os.arch").equals("amd64") ? "x86_64" : "aarch64", machine);
        }
    }
}
