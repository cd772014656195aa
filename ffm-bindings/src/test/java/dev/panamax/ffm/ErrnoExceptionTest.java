/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ErrnoExceptionTest {

    @Test
    void shouldNameErrnoAndSyscallWhenErrnoIsKnown() {
        ErrnoException e = new ErrnoException("io_uring_setup", Errno.EINVAL.value());
        assertEquals("EINVAL (io_uring_setup): Invalid argument", e.getMessage());
        assertEquals("io_uring_setup", e.syscall());
        assertSame(Errno.EINVAL, e.errno());
        assertEquals(Errno.EINVAL.value(), e.errnoValue());
        assertInstanceOf(IOException.class, e);
    }

    @Test
    void shouldSayUnknownErrorWhenErrnoIsNotInTheTable() {
        ErrnoException e = new ErrnoException("name", 999);
        assertEquals("errno 999 (name): Unknown error 999", e.getMessage());
        assertNull(e.errno());
        assertEquals(999, e.errnoValue());
    }
}
