/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Mutual exclusion and acquire/release visibility tests of {@code SpinLock}.
 */
package dev.panamax.jcstress.spinlock;
