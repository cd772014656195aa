/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Networking on an epoll {@link dev.panamax.io.net.EventLoop}: readiness handlers, cross-thread tasks and
 * timerfd timers on one loop thread, and {@link dev.panamax.io.net.Tcp} helpers for non-blocking sockets.
 * Conventions: handlers, tasks and timers run on the loop thread and must not block; registered fds are not
 * owned by the loop.
 */
package dev.panamax.io.net;
