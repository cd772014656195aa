/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm.internal.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.ffm.Arch;
import dev.panamax.ffm.Errno;

import java.lang.reflect.Field;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * Pins facts of both per-arch tables that the kernel ABI fixes and that are easy to get wrong by assuming
 * x86_64 everywhere (values from the kernel's arch headers).
 */
class ArchTablesTest {

    private static final Class<?> X86_UNISTD = dev.panamax.ffm.internal.uapi.x86_64.unistd_h.class;
    private static final Class<?> ARM_UNISTD = dev.panamax.ffm.internal.uapi.aarch64.unistd_h.class;

    @Test
    void shouldSwapDirectAndDirectoryFlagsWhenComparingArches() {
        assertEquals(0x4000, dev.panamax.ffm.internal.uapi.x86_64.fcntl_h.O_DIRECT);
        assertEquals(0x10000, dev.panamax.ffm.internal.uapi.aarch64.fcntl_h.O_DIRECT);
        assertEquals(0x10000, dev.panamax.ffm.internal.uapi.x86_64.fcntl_h.O_DIRECTORY);
        assertEquals(0x4000, dev.panamax.ffm.internal.uapi.aarch64.fcntl_h.O_DIRECTORY);
        assertEquals(0x20000, dev.panamax.ffm.internal.uapi.x86_64.fcntl_h.O_NOFOLLOW);
        assertEquals(0x8000, dev.panamax.ffm.internal.uapi.aarch64.fcntl_h.O_NOFOLLOW);
        assertEquals(0x410000, dev.panamax.ffm.internal.uapi.x86_64.fcntl_h.O_TMPFILE);
        assertEquals(0x404000, dev.panamax.ffm.internal.uapi.aarch64.fcntl_h.O_TMPFILE);
        assertEquals(-100, dev.panamax.ffm.internal.uapi.x86_64.fcntl_h.AT_FDCWD);
        assertEquals(-100, dev.panamax.ffm.internal.uapi.aarch64.fcntl_h.AT_FDCWD);
    }

    @Test
    void shouldPackEpollEventOnX86OnlyWhenComparingLayouts() {
        assertEquals(12L, dev.panamax.ffm.internal.uapi.x86_64.Layouts.epoll_event$SIZEOF);
        assertEquals(4L, dev.panamax.ffm.internal.uapi.x86_64.Layouts.epoll_event$data$OFFSET);
        assertEquals(12L, dev.panamax.ffm.internal.uapi.x86_64.Layouts.epoll_event.byteSize());
        assertEquals(16L, dev.panamax.ffm.internal.uapi.aarch64.Layouts.epoll_event$SIZEOF);
        assertEquals(8L, dev.panamax.ffm.internal.uapi.aarch64.Layouts.epoll_event$data$OFFSET);
        assertEquals(16L, dev.panamax.ffm.internal.uapi.aarch64.Layouts.epoll_event.byteSize());
    }

    @Test
    void shouldUseArchSyscallNumbersWhenTablesDiffer() {
        assertEquals(202, dev.panamax.ffm.internal.uapi.x86_64.unistd_h.__NR_futex);
        assertEquals(98, dev.panamax.ffm.internal.uapi.aarch64.unistd_h.__NR_futex);
        assertEquals(9, dev.panamax.ffm.internal.uapi.x86_64.unistd_h.__NR_mmap);
        assertEquals(222, dev.panamax.ffm.internal.uapi.aarch64.unistd_h.__NR_mmap);
        assertEquals(39, dev.panamax.ffm.internal.uapi.x86_64.unistd_h.__NR_getpid);
        assertEquals(172, dev.panamax.ffm.internal.uapi.aarch64.unistd_h.__NR_getpid);
    }

    @Test
    void shouldShareUnifiedSyscallNumbersWhenAddedAfterTableUnification() {
        // From 424 on, new syscalls have one number on every arch.
        assertEquals(425, dev.panamax.ffm.internal.uapi.x86_64.unistd_h.__NR_io_uring_setup);
        assertEquals(425, dev.panamax.ffm.internal.uapi.aarch64.unistd_h.__NR_io_uring_setup);
        assertEquals(449, dev.panamax.ffm.internal.uapi.x86_64.unistd_h.__NR_futex_waitv);
        assertEquals(449, dev.panamax.ffm.internal.uapi.aarch64.unistd_h.__NR_futex_waitv);
        assertEquals(454, dev.panamax.ffm.internal.uapi.x86_64.unistd_h.__NR_futex_wake);
        assertEquals(455, dev.panamax.ffm.internal.uapi.aarch64.unistd_h.__NR_futex_wait);
        assertEquals(456, dev.panamax.ffm.internal.uapi.aarch64.unistd_h.__NR_futex_requeue);
    }

    @Test
    void shouldLackLegacySyscallsWhenArchUsesGenericTable() throws ReflectiveOperationException {
        for (String legacy : new String[] {"__NR_open", "__NR_epoll_wait", "__NR_fork", "__NR_pipe", "__NR_poll"}) {
            assertFalse(hasField(ARM_UNISTD, legacy), "aarch64 has no " + legacy);
            assertTrue(hasField(X86_UNISTD, legacy), "x86_64 has " + legacy);
            assertFalse(hasMethod(unistd_h.class, legacy), "the facade offers only common syscalls: " + legacy);
        }
        assertEquals(2, X86_UNISTD.getField("__NR_open").getInt(null));
    }

    @Test
    void shouldMatchIoUringAbiWhenReadingLayouts() {
        for (Class<?> layouts : new Class<?>[] {dev.panamax.ffm.internal.uapi.x86_64.Layouts.class,
                dev.panamax.ffm.internal.uapi.aarch64.Layouts.class}) {
            assertEquals(64L, constant(layouts, "io_uring_sqe$SIZEOF"));
            assertEquals(32L, constant(layouts, "io_uring_sqe$user_data$OFFSET"));
            assertEquals(8L, constant(layouts, "io_uring_sqe$addr2$OFFSET"));
            assertEquals(44L, constant(layouts, "io_uring_sqe$file_index$OFFSET"));
            assertEquals(16L, constant(layouts, "io_uring_cqe$SIZEOF"));
            assertEquals(8L, constant(layouts, "io_uring_cqe$res$OFFSET"));
            assertEquals(120L, constant(layouts, "io_uring_params$SIZEOF"));
            assertEquals(40L, constant(layouts, "io_uring_params$sq_off$OFFSET"));
            assertEquals(256L, constant(layouts, "statx$SIZEOF"));
            assertEquals(24L, constant(layouts, "open_how$SIZEOF"));
            assertEquals(88L, constant(layouts, "clone_args$SIZEOF"));
            assertEquals(24L, constant(layouts, "futex_waitv$SIZEOF"));
        }
    }

    @Test
    void shouldSelectX86TableWhenRunningOnX86() {
        assumeTrue(Arch.current() == Arch.X86_64, "this JVM is not x86_64");
        assertEquals(0x4000, fcntl_h.O_DIRECT());
        assertEquals(202, unistd_h.__NR_futex());
        assertEquals(12L, epoll_event.sizeof());
        assertEquals(4L, epoll_event.data$offset());
        assertSame(dev.panamax.ffm.internal.uapi.x86_64.Layouts.epoll_event, epoll_event.layout());
    }

    @Test
    void shouldSelectAarch64TableWhenRunningOnAarch64() {
        assumeTrue(Arch.current() == Arch.AARCH64, "this JVM is not aarch64");
        assertEquals(0x10000, fcntl_h.O_DIRECT());
        assertEquals(98, unistd_h.__NR_futex());
        assertEquals(16L, epoll_event.sizeof());
        assertSame(dev.panamax.ffm.internal.uapi.aarch64.Layouts.epoll_event, epoll_event.layout());
    }

    @Test
    void shouldLookUpErrnoByValueWhenKnown() {
        assertEquals(Errno.EINVAL, Errno.of(22));
        assertEquals("Invalid argument", Errno.EINVAL.message());
        assertEquals(11, Errno.EAGAIN.value());
        assertEquals(133, Errno.EHWPOISON.value());
        assertNull(Errno.of(0));
        assertNull(Errno.of(41));
        assertNull(Errno.of(-1));
        assertNull(Errno.of(134));
        assertTrue(Arrays.stream(Errno.values()).noneMatch(e -> e.name().equals("EWOULDBLOCK")));
        for (Errno e : Errno.values()) {
            assertSame(e, Errno.of(e.value()));
        }
    }

    private static long constant(Class<?> c, String name) {
        try {
            return c.getField(name).getLong(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(c.getName() + " lacks " + name, e);
        }
    }

    private static boolean hasField(Class<?> c, String name) {
        for (Field f : c.getFields()) {
            if (f.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasMethod(Class<?> c, String name) {
        return Arrays.stream(c.getMethods()).anyMatch(m -> m.getName().equals(name));
    }
}
