/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Linking and errno plumbing shared by the generated holders and the typed API. Not exported: nothing outside
 * {@code dev.panamax.ffm} links native code.
 */
package dev.panamax.ffm.internal;
