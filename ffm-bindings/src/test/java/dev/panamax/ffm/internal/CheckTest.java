/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm.internal;

import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.internal.uapi.Syscalls;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CheckTest {

    @Test
    void shouldThrowNamedErrnoWhenSyscallFails() {
        MemorySegment es = ErrnoState.current();
        long raw = Syscalls.close(es, Integer.MAX_VALUE); // never an open descriptor
        ErrnoException e = assertThrows(ErrnoException.class, () -> Check.result(raw, es, "close"));
        assertSame(Errno.EBADF, e.errno());
        assertEquals("close", e.syscall());
        assertEquals("EBADF (close): " + Errno.EBADF.message(), e.getMessage());
    }

    @Test
    void shouldReturnResultWhenSyscallSucceeds() throws ErrnoException {
        MemorySegment es = ErrnoState.current();
        assertEquals(ProcessHandle.current().pid(), Check.result(Syscalls.getpid(es), es, "getpid"));
    }

    @Test
    void shouldReturnAgainWhenErrnoIsEagain() throws ErrnoException {
        MemorySegment es = ErrnoState.current();
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment word = arena.allocate(Integer.BYTES, Integer.BYTES);
            word.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 1);
            // FUTEX_WAIT on a word that does not hold the expected value fails with EAGAIN at once.
            long raw = Syscalls.futex(es, word, dev.panamax.ffm.internal.uapi.futex_h.FUTEX_WAIT(), 0,
                    MemorySegment.NULL, MemorySegment.NULL, 0);
            assertEquals(Check.AGAIN, Check.futexResult(raw, es, "futex"));
            assertEquals(Check.AGAIN, Check.orAgainOrInterrupted(raw, es, "futex"));
            assertEquals(-Errno.EAGAIN.value(), Check.AGAIN);
        }
    }
}
