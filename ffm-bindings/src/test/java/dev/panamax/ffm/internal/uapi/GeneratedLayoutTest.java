/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm.internal.uapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.panamax.ffm.Arch;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Checks every generated struct class against the gcc-measured constants of the running arch: the facade's
 * {@code sizeof()}, {@code layout()} and each {@code x$offset()} must equal {@code Layouts.<struct>$SIZEOF} and
 * {@code Layouts.<struct>$<member>$OFFSET}.
 */
class GeneratedLayoutTest {

    private static final List<String> REQUIRED = List.of("io_uring_params", "io_sqring_offsets",
            "io_cqring_offsets", "io_uring_sqe", "io_uring_cqe", "io_uring_probe", "io_uring_probe_op",
            "io_uring_buf_reg", "io_uring_buf", "io_uring_rsrc_register", "io_uring_files_update", "epoll_event",
            "statx", "statx_timestamp", "sockaddr_in", "sockaddr_in6", "sockaddr_un", "timespec", "itimerspec",
            "open_how", "clone_args", "robust_list_head", "robust_list", "futex_waitv", "iovec", "sched_param",
            "utsname", "rlimit", "linger");

    private static Class<?> archLayouts() {
        return Arch.current() == Arch.X86_64 ? dev.panamax.ffm.internal.uapi.x86_64.Layouts.class
                : dev.panamax.ffm.internal.uapi.aarch64.Layouts.class;
    }

    private static List<String> structNames(Class<?> layouts) {
        List<String> names = new ArrayList<>();
        for (Field f : layouts.getFields()) {
            if (f.getName().endsWith("$SIZEOF")) {
                names.add(f.getName().substring(0, f.getName().length() - "$SIZEOF".length()));
            }
        }
        return names;
    }

    @Test
    void shouldMatchMeasuredSizeAndOffsetsWhenCheckingEveryStruct() throws ReflectiveOperationException {
        Class<?> layouts = archLayouts();
        List<String> structs = structNames(layouts);
        assertTrue(structs.containsAll(REQUIRED), "missing structs: " + REQUIRED + " vs " + structs);
        int members = 0;
        for (String name : structs) {
            Class<?> facade = Class.forName(GeneratedLayoutTest.class.getPackageName() + "." + name);
            long sizeof = layouts.getField(name + "$SIZEOF").getLong(null);
            long alignof = layouts.getField(name + "$ALIGNOF").getLong(null);
            StructLayout layout = (StructLayout) facade.getMethod("layout").invoke(null);
            assertEquals(sizeof, (long) facade.getMethod("sizeof").invoke(null), name);
            assertEquals(sizeof, layout.byteSize(), name);
            assertEquals(alignof, layout.byteAlignment(), name);
            String prefix = name + "$";
            for (Field f : layouts.getFields()) {
                String fn = f.getName();
                if (!fn.startsWith(prefix) || !fn.endsWith("$OFFSET")) {
                    continue;
                }
                String member = fn.substring(prefix.length(), fn.length() - "$OFFSET".length());
                Method offset = facade.getMethod(member + "$offset");
                assertEquals(f.getLong(null), (long) offset.invoke(null), name + "." + member);
                members++;
            }
        }
        assertTrue(members > 150, "expected the members of every struct, checked " + members);
    }

    @Test
    void shouldReproduceMeasuredOffsetsWhenReadingEitherArchLayout() throws ReflectiveOperationException {
        for (Class<?> layouts : new Class<?>[] {dev.panamax.ffm.internal.uapi.x86_64.Layouts.class,
                dev.panamax.ffm.internal.uapi.aarch64.Layouts.class}) {
            for (String name : structNames(layouts)) {
                StructLayout layout = (StructLayout) layouts.getField(name).get(null);
                assertEquals(layouts.getField(name + "$SIZEOF").getLong(null), layout.byteSize(), name);
                assertEquals(layouts.getField(name + "$ALIGNOF").getLong(null), layout.byteAlignment(), name);
                String prefix = name + "$";
                for (Field f : layouts.getFields()) {
                    String fn = f.getName();
                    if (fn.startsWith(prefix) && fn.endsWith("$OFFSET")) {
                        String member = fn.substring(prefix.length(), fn.length() - "$OFFSET".length());
                        long found = offsetOf(layout, member, 0L);
                        // Flexible array members have no layout element (offset -1): they must end the struct.
                        long expected = f.getLong(null);
                        if (found < 0) {
                            assertTrue(expected <= layout.byteSize(), layouts.getName() + " " + fn);
                        } else {
                            assertEquals(expected, found, layouts.getName() + " " + fn);
                        }
                    }
                }
            }
        }
    }

    /** Offset of a member named {@code name}, looking into anonymous unions; -1 when absent. */
    private static long offsetOf(GroupLayout group, String name, long base) {
        long pos = base;
        for (MemoryLayout m : group.memberLayouts()) {
            if (m.name().filter(name::equals).isPresent()) {
                return pos;
            }
            if (m instanceof UnionLayout u && m.name().orElse("").startsWith("$anon$")) {
                long inner = offsetOf(u, name, pos);
                if (inner >= 0) {
                    return inner;
                }
            }
            if (group instanceof StructLayout) {
                pos += m.byteSize();
            }
        }
        return -1;
    }

    @Test
    void shouldRoundTripMemberValuesWhenUsingAccessors() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sqe = io_uring_sqe.allocate(arena);
            io_uring_sqe.opcode(sqe, (byte) 22);
            io_uring_sqe.fd(sqe, -7);
            io_uring_sqe.addr2(sqe, 0x1122334455667788L);
            io_uring_sqe.user_data(sqe, -1L);
            io_uring_sqe.splice_fd_in(sqe, 9);
            assertEquals(22, io_uring_sqe.opcode(sqe));
            assertEquals(-7, io_uring_sqe.fd(sqe));
            // off and addr2 are one union member in C: both names read the same bytes.
            assertEquals(0x1122334455667788L, io_uring_sqe.off(sqe));
            assertEquals(0x55667788, io_uring_sqe.cmd_op(sqe));
            assertEquals(-1L, sqe.get(java.lang.foreign.ValueLayout.JAVA_LONG, 32));
            assertEquals(9, io_uring_sqe.file_index(sqe));

            MemorySegment ev = epoll_event.allocateArray(2, arena);
            epoll_event.events(epoll_event.asSlice(ev, 1), 0x1);
            epoll_event.data(epoll_event.asSlice(ev, 1), 42L);
            assertEquals(42L, ev.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED,
                    epoll_event.sizeof() + epoll_event.data$offset()));

            MemorySegment params = io_uring_params.allocate(arena);
            io_uring_params.resv(params, 2, 5);
            assertEquals(5, io_uring_params.resv(params, 2));
            assertEquals(io_uring_params.sq_off$offset(), io_uring_params.sq_off(params).address() - params.address());
        }
    }

    @Test
    void shouldRejectOutOfRangeIndexWhenAccessingArrayMember() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = io_uring_params.allocate(arena);
            org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                    () -> io_uring_params.resv(params, 3));
        }
    }

    @Test
    void shouldKeepStaticTablesImmutableWhenGenerated() {
        for (Class<?> c : new Class<?>[] {archLayouts(), io_uring_sqe.class, Syscalls.class, fcntl_h.class}) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    assertTrue(Modifier.isFinal(f.getModifiers()), c.getSimpleName() + "." + f.getName());
                    assertFalse(f.getType().isArray(), c.getSimpleName() + "." + f.getName());
                }
            }
        }
    }
}
