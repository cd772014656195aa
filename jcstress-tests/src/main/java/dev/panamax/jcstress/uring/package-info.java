/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * SQ/CQ index publication tests of {@code IoUringSyscalls.Ring} on a real io_uring.
 */
package dev.panamax.jcstress.uring;
