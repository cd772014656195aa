/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Networking on an epoll {@link dev.panamax.io.net.EventLoop}: readiness handlers, cross-thread tasks and
 * timerfd timers on one loop thread; on an io_uring {@link dev.panamax.io.net.UringLoop}: completions and
 * cross-thread tasks on the thread that owns the ring; and {@link dev.panamax.io.net.Tcp} helpers for non-blocking
 * sockets. Conventions: handlers, completions, tasks and timers run on the loop thread and must not block; fds
 * registered with or used by a loop are not owned by it. Both loops block when idle unless {@link
 * dev.panamax.io.net.LoopOptions} gives them a busy-poll budget, which trades a spinning core for wake-up latency.
 */
package dev.panamax.io.net;
