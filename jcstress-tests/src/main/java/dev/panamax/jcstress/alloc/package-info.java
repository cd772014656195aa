/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Cross-thread free and racing double-free tests of {@code OffHeapAllocator}.
 */
package dev.panamax.jcstress.alloc;
