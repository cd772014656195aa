/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * io_uring at the level an event loop needs: {@link dev.panamax.io.uring.IoUring} owns one ring on one thread,
 * batches submissions, reaps completions (flushing the kernel's overflow backlog), links requests, bounds them
 * with timeouts and cancels them, over the file, socket and pipe operations listed there; a
 * {@link dev.panamax.io.uring.BufferRing} lends the kernel receive buffers on demand. Conventions: every method
 * runs on the ring's owner thread; results are the kernel's (a count, or a negated errno); buffers stay reachable
 * until their request's last completion.
 */
package dev.panamax.io.uring;
