/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Typed Linux syscalls: {@link dev.panamax.ffm.Futex}, {@link dev.panamax.ffm.Memory} and
 * {@link dev.panamax.ffm.MappedRegion}, {@link dev.panamax.ffm.Fd}, {@link dev.panamax.ffm.Sched},
 * {@link dev.panamax.ffm.Numa}, {@link dev.panamax.ffm.Processes}, and the probed {@link dev.panamax.ffm.Feature}s.
 *
 * <p>Conventions of this package:
 * <ul>
 *   <li>Every binding is one syscall, linked from the generated per-arch tables; its Javadoc links the man page.</li>
 *   <li>Arguments are checked before the call: native memory as a {@link java.lang.foreign.MemorySegment} (heap
 *       segments are refused), offsets and lengths inside the segment, alignment, closed state. Misuse throws
 *       an unchecked exception ({@link java.lang.IllegalArgumentException},
 *       {@link java.lang.IndexOutOfBoundsException}, {@link java.lang.IllegalStateException}).</li>
 *   <li>A kernel error throws the checked {@link dev.panamax.ffm.ErrnoException}, named like
 *       {@code EINVAL (mbind): Invalid argument}; a closed {@link dev.panamax.ffm.Fd} throws
 *       {@link java.nio.channels.ClosedChannelException}.</li>
 *   <li>Errnos that are part of a call's protocol are results, not exceptions: EAGAIN and EINTR (and ETIMEDOUT for
 *       futex waits) come back as negative codes such as {@link dev.panamax.ffm.Futex#TIMED_OUT} and
 *       {@link dev.panamax.ffm.Fd#AGAIN}, without allocating.</li>
 *   <li>Timed calls and small out-parameters use per-thread native scratch memory, so hot calls allocate
 *       nothing after a thread's first call.</li>
 *   <li>Deadlines are absolute CLOCK_MONOTONIC nanoseconds ({@link dev.panamax.ffm.Processes#clockMonotonicNanos()});
 *       timeouts are relative nanoseconds; units are in the parameter names.</li>
 * </ul>
 */
package dev.panamax.ffm;
