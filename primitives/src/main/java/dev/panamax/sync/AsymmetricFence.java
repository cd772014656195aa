/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Processes;
import dev.panamax.ffm.Processes.MembarrierCommand;

import java.io.UncheckedIOException;

/**
 * The heavy side of an asymmetric Dekker handshake: {@code membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)}, which
 * runs a full memory barrier on every CPU currently running a thread of this process (a descheduled thread passed
 * one when it was switched out). A fast path may then do "store X; load Y" with no fence at all, provided the slow
 * path does "store Y; {@link #heavy()}; load X": either the fast path's load sees Y, or the slow path's load sees
 * X. Registration happens once per process, in this class's initializer.
 */
final class AsymmetricFence {

    /** The system property that, set to {@code false}, keeps every mutex on the exchange unlock. */
    static final String PROPERTY = "panamax.sync.asymmetricFence";

    /** Null if {@link #heavy()} works; otherwise why not, for users and {@code panamax doctor}. */
    static final String UNAVAILABLE_REASON = register();

    private AsymmetricFence() {
    }

    static boolean isAvailable() {
        return UNAVAILABLE_REASON == null;
    }

    /** Issues the process-wide barrier; only valid when {@link #isAvailable()}. */
    static void heavy() {
        try {
            Processes.membarrier(MembarrierCommand.PRIVATE_EXPEDITED);
        } catch (ErrnoException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String register() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"))) {
            return "disabled by -D" + PROPERTY + "=false";
        }
        try {
            int supported = Processes.membarrierQuery();
            if ((supported & MembarrierCommand.PRIVATE_EXPEDITED.bit()) == 0) {
                return "the kernel does not offer membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) (Linux >= 4.14)";
            }
            Processes.membarrier(MembarrierCommand.REGISTER_PRIVATE_EXPEDITED);
            return null;
        } catch (ErrnoException e) {
            return "membarrier refused (" + e.getMessage() + "): seccomp, emulation or an old kernel";
        }
    }
}
