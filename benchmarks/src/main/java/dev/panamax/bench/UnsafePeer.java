/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;

/**
 * {@code sun.misc.Unsafe.allocateMemory}/{@code freeMemory} as a benchmark peer: the peer issue #4 names, what JVM
 * libraries that predate FFM use for off-heap memory (glibc malloc underneath, plus the JVM's own bookkeeping).
 * Looked up by reflection, so no source file names the class that JEP 471 deprecates; the handles are bound to the
 * singleton and held in static finals, so the JIT inlines them like a direct call.
 *
 * <p>On JDK 24 and later the first call prints the JVM's one-line warning about Unsafe memory access (JEP 498).
 */
@SuppressForbidden("benchmark peer: Unsafe.allocateMemory/freeMemory is the reference the allocator issue names")
final class UnsafePeer {

    private static final MethodHandle ALLOCATE;
    private static final MethodHandle FREE;

    static {
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field field = type.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Object unsafe = field.get(null);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ALLOCATE = lookup.findVirtual(type, "allocateMemory", MethodType.methodType(long.class, long.class))
                    .bindTo(unsafe);
            FREE = lookup.findVirtual(type, "freeMemory", MethodType.methodType(void.class, long.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private UnsafePeer() {
    }

    static long allocate(long size) {
        try {
            return (long) ALLOCATE.invokeExact(size);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    static void free(long address) {
        try {
            FREE.invokeExact(address);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }
}
