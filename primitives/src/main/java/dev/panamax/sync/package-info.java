/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Futex-based synchronization primitives for one JVM and for processes sharing memory.
 *
 * <p>Conventions of this package:
 * <ul>
 *   <li>Every primitive keeps its state in 32-bit words in native memory: memory it owns (in-process mode,
 *       {@code FUTEX_PRIVATE_FLAG} operations) or a caller's segment and offset ({@code inShared} factories,
 *       shared futex operations, usable across processes that map the same file or memfd). Region sizes are
 *       given by each class's {@code BYTES} constant; words are validated (native, alive, writable, in bounds,
 *       aligned) before first use.</li>
 *   <li>Acquiring operations have acquire semantics and releasing operations release semantics, stated per
 *       method in the JDK's access-mode vocabulary ({@code VarHandle#getAcquire}, {@code VarHandle#setRelease}).</li>
 *   <li>Futex protocol results (EAGAIN, EINTR, ETIMEDOUT) are control flow, never exceptions; misuse (unlock by a
 *       non-owner, bad segments, a virtual thread on a robust lock) throws an unchecked exception naming the rule;
 *       a syscall failing outside the protocol throws {@link java.io.UncheckedIOException} wrapping the
 *       bindings' {@code ErrnoException}.</li>
 *   <li>Deadlines are absolute {@code CLOCK_MONOTONIC} nanoseconds, the clock {@link System#nanoTime()} reads on
 *       Linux, so spurious wake-ups never stretch a timeout.</li>
 * </ul>
 */
package dev.panamax.sync;
