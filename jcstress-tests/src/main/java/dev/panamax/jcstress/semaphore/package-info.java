/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Permit exclusion and no-lost-wake-up tests of {@code FutexSemaphore}: one and two sleepers, platform and virtual
 * threads, timed acquisition.
 */
package dev.panamax.jcstress.semaphore;
