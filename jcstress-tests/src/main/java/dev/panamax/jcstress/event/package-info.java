/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * No-lost-wake-up and publication tests of {@code FutexEvent}.
 */
package dev.panamax.jcstress.event;
