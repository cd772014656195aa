/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Mutual exclusion, acquire/release visibility and no-lost-wake-up tests of {@code FutexMutex}: every pair of
 * acquisition methods, the default, adaptive and shared modes, platform and virtual threads.
 */
package dev.panamax.jcstress.mutex;
