/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Cross-thread task submission of the event loops: a task handed to a sleeping loop always wakes it.
 */
package dev.panamax.jcstress.loop;
