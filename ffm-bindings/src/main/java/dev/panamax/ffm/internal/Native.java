/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm.internal;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The one place panamax links native code. Every restricted call of the FFM API sits in one of the small
 * methods below, each annotated {@code @SuppressWarnings("restricted")}; generated holders and the typed API
 * call these and never touch {@link Linker} themselves.
 */
public final class Native {

    private static final Linker LINKER = Linker.nativeLinker();

    /** C {@code char}, from the platform linker's canonical layouts. */
    public static final ValueLayout.OfByte C_CHAR = (ValueLayout.OfByte) LINKER.canonicalLayouts().get("char");
    /** C {@code short}. */
    public static final ValueLayout.OfShort C_SHORT = (ValueLayout.OfShort) LINKER.canonicalLayouts().get("short");
    /** C {@code int}. */
    public static final ValueLayout.OfInt C_INT = (ValueLayout.OfInt) LINKER.canonicalLayouts().get("int");
    /** C {@code long}: 64 bits on both supported arches (LP64), taken from the linker, never assumed. */
    public static final ValueLayout.OfLong C_LONG = (ValueLayout.OfLong) LINKER.canonicalLayouts().get("long");
    /** C {@code long long}. */
    public static final ValueLayout.OfLong C_LONG_LONG =
            (ValueLayout.OfLong) LINKER.canonicalLayouts().get("long long");
    /** C {@code size_t}. */
    public static final ValueLayout.OfLong C_SIZE_T = (ValueLayout.OfLong) LINKER.canonicalLayouts().get("size_t");
    /** C pointer; returned addresses are zero-length until {@link #sized} gives them the extent the call implies. */
    public static final AddressLayout C_POINTER = (AddressLayout) LINKER.canonicalLayouts().get("void*");

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MemorySegment SYSCALL = libcSymbol("syscall");

    private Native() {
    }

    /** The layout of the per-call capture segment that {@link Linker.Option#captureCallState} fills. */
    public static StructLayout captureLayout() {
        return CAPTURE_LAYOUT;
    }

    /** Reads errno from a capture segment filled by a downcall linked with errno capture. */
    public static int errno(MemorySegment captureState) {
        return (int) ERRNO.get(captureState, 0L);
    }

    /**
     * Links {@code long syscall(long nr, args...)} for one syscall, with errno capture, and binds {@code nr}.
     * The returned handle has type {@code (MemorySegment captureState, args...) -> long}.
     *
     * @param nr       the syscall number from the generated table of this arch
     * @param args     the syscall's own arguments (each promoted to the C types the kernel reads)
     * @param critical true only for calls that never block: the JVM then skips the thread-state transition
     */
    public static MethodHandle syscall(long nr, MemoryLayout[] args, boolean critical) {
        MemoryLayout[] all = new MemoryLayout[args.length + 1];
        all[0] = C_LONG;
        System.arraycopy(args, 0, all, 1, args.length);
        FunctionDescriptor desc = FunctionDescriptor.of(C_LONG, all);
        // syscall(2) is variadic: the variadic part starts right after the number.
        MethodHandle handle = critical
                ? downcall(SYSCALL, desc, Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO,
                        Linker.Option.critical(false))
                : downcall(SYSCALL, desc, Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO);
        // Capture segment is parameter 0, the syscall number parameter 1.
        return MethodHandles.insertArguments(handle, 1, nr);
    }

    /**
     * Links a libc function by name.
     *
     * @param captureErrno whether the handle takes a capture segment as its first parameter
     */
    public static MethodHandle libc(String name, FunctionDescriptor desc, boolean captureErrno) {
        MemorySegment symbol = libcSymbol(name);
        return captureErrno ? downcall(symbol, desc, CAPTURE_ERRNO) : downcall(symbol, desc);
    }

    /** Whether libc exports {@code name} (glibc wrappers appear with versions, e.g. {@code futex_waitv} never). */
    public static boolean hasLibcSymbol(String name) {
        return LINKER.defaultLookup().find(name).isPresent();
    }

    /** Creates an upcall stub for {@code target} living as long as {@code arena}. */
    @SuppressWarnings("restricted")
    public static MemorySegment upcall(MethodHandle target, FunctionDescriptor desc, Arena arena) {
        NativeAccessCheck.ensureEnabled();
        try {
            return LINKER.upcallStub(target, desc, arena);
        } catch (IllegalCallerException e) {
            throw NativeAccessCheck.denied(e);
        }
    }

    /**
     * Gives a raw kernel address a size. Only for addresses the kernel just returned (mmap, io_uring rings),
     * whose extent the caller knows from the same call.
     */
    @SuppressWarnings("restricted")
    public static MemorySegment sized(MemorySegment address, long byteSize) {
        return address.reinterpret(byteSize);
    }

    /** Like {@link #sized(MemorySegment, long)}, attached to an arena with a cleanup action run on its close. */
    @SuppressWarnings("restricted")
    public static MemorySegment sized(MemorySegment address, long byteSize, Arena arena,
                                      java.util.function.Consumer<MemorySegment> cleanup) {
        return address.reinterpret(byteSize, arena, cleanup);
    }

    @SuppressWarnings("restricted")
    private static MethodHandle downcall(MemorySegment symbol, FunctionDescriptor desc, Linker.Option... options) {
        NativeAccessCheck.ensureEnabled();
        try {
            return LINKER.downcallHandle(symbol, desc, options);
        } catch (IllegalCallerException e) {
            throw NativeAccessCheck.denied(e);
        }
    }

    private static MemorySegment libcSymbol(String name) {
        SymbolLookup lookup = LINKER.defaultLookup();
        return lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc does not export " + name));
    }
}
