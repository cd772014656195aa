/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * No-lost-wake-up tests of {@code FutexCondition}: signal and signalAll (requeue onto the mutex word) against a
 * predicate loop, with platform and virtual-thread waiters.
 */
package dev.panamax.jcstress.condition;
