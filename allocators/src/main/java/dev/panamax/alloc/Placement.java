/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

/**
 * Where an arena's pages go: transparent huge pages or not, and the NUMA node they are bound to (-1: none).
 *
 * @param hugePages whether regions are advised {@code MADV_HUGEPAGE}
 * @param numaNode  the node regions are bound to with {@code mbind(MPOL_BIND)}, or -1 for the default policy
 */
record Placement(boolean hugePages, int numaNode) {
}
