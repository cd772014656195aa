/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Group-commit acknowledgement tests of {@code DurableLog}.
 */
package dev.panamax.jcstress.log;
