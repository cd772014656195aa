/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm.internal.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
