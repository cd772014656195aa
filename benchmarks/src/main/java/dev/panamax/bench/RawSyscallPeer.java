/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import dev.panamax.ffm.internal.uapi.unistd_h;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** The baseline a user would write by hand: a plain FFM downcall to {@code long syscall(long, ...)}. */
@SuppressForbidden("the raw-FFM peer is what panamax's binding is measured against")
final class RawSyscallPeer {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final FunctionDescriptor SYSCALL0 =
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);
    static final MethodHandle GETPPID = link(false);
    static final MethodHandle GETPPID_CRITICAL = link(true);
    static final long NR_GETPPID = unistd_h.__NR_getppid();

    private RawSyscallPeer() {
    }

    @SuppressWarnings("restricted")
    private static MethodHandle link(boolean critical) {
        var symbol = LINKER.defaultLookup().find("syscall").orElseThrow();
        return critical
                ? LINKER.downcallHandle(symbol, SYSCALL0, Linker.Option.firstVariadicArg(1),
                        Linker.Option.critical(false))
                : LINKER.downcallHandle(symbol, SYSCALL0, Linker.Option.firstVariadicArg(1));
    }

    static long getppid() {
        try {
            return (long) GETPPID.invokeExact(NR_GETPPID);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }

    static long getppidCritical() {
        try {
            return (long) GETPPID_CRITICAL.invokeExact(NR_GETPPID);
        } catch (Throwable t) {
            throw new AssertionError("should not reach here", t);
        }
    }
}
