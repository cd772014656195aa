/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * glibc {@code malloc}/{@code free} as a benchmark peer: what a C or JNI service would use. Linked here rather than
 * in ffm-bindings because panamax itself never calls malloc; the addresses stay raw (zero-length segments).
 */
@SuppressForbidden("benchmark peer: glibc malloc linked directly, as a C caller would use it")
final class MallocPeer {

    private static final MethodHandle MALLOC;
    private static final MethodHandle FREE;
    // Every address, so that malloc and raw-address peers write their one byte like the segment peers do.
    private static final MemorySegment EVERYTHING = everything();

    static {
        Linker linker = Linker.nativeLinker();
        MALLOC = downcall(linker, "malloc", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        FREE = downcall(linker, "free", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
    }

    private MallocPeer() {
    }

    @SuppressWarnings("restricted")
    private static MethodHandle downcall(Linker linker, String name, FunctionDescriptor desc) {
        MemorySegment symbol = linker.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc does not export " + name));
        return linker.downcallHandle(symbol, desc, Linker.Option.critical(false));
    }

    @SuppressWarnings("restricted")
    private static MemorySegment everything() {
        return MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    }

    /** Writes one byte at a raw address (a malloc result or an {@code allocateAddress} result). */
    static void poke(long address, byte value) {
        EVERYTHING.set(ValueLayout.JAVA_BYTE, address, value);
    }

    /** Writes one long at a raw address (8-byte aligned: every allocator here aligns to at least 8). */
    static void pokeLong(long address, long value) {
        EVERYTHING.set(ValueLayout.JAVA_LONG, address, value);
    }

    /** Reads one long at a raw address (8-byte aligned, as for {@link #pokeLong}). */
    static long peekLong(long address) {
        return EVERYTHING.get(ValueLayout.JAVA_LONG, address);
    }

    static MemorySegment malloc(long size) {
        try {
            return (MemorySegment) MALLOC.invokeExact(size);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    static void free(MemorySegment address) {
        try {
            FREE.invokeExact(address);
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }
}
