/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * An off-heap allocator: {@link dev.panamax.alloc.OffHeapAllocator}.
 *
 * <p>Conventions of this package:
 * <ul>
 *   <li>Native memory is reached only through the sized segments of {@code dev.panamax.ffm} mappings; every segment
 *       handed out is a bounds-checked slice of one, never a reinterpreted address.</li>
 *   <li>Allocator state lives on the heap, beside the memory it describes (buddy page arrays, slab bitmaps), so a
 *       stray write through a raw address cannot corrupt it and free pages stay untouched after a purge.</li>
 *   <li>Misuse (bad sizes, double, foreign or interior frees, use after close) throws
 *       {@link java.lang.IllegalArgumentException} or {@link java.lang.IllegalStateException}; running out of memory
 *       throws {@link dev.panamax.alloc.OffHeapMemoryExhaustedError}.</li>
 *   <li>Locks are {@link java.util.concurrent.locks.ReentrantLock}s, taken in the order registry, size-class
 *       central list, page heap, and never the other way.</li>
 * </ul>
 */
package dev.panamax.alloc;
