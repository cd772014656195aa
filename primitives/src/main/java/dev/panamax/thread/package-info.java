/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Thread placement: {@link dev.panamax.thread.NativeThread} (OS threads whose name, stack, CPU set, scheduling
 * policy and NUMA memory policy are in effect before user code runs), {@link dev.panamax.thread.Affinity} (pin and
 * unpin threads, read the current CPU) and {@link dev.panamax.thread.CpuTopology} with
 * {@link dev.panamax.thread.NumaNodes} (packages, cores, SMT siblings, caches and NUMA nodes read from {@code /sys},
 * through a {@link dev.panamax.thread.HostFs} that tests point at a fake tree). CPU sets are
 * {@link java.util.BitSet}s or {@link dev.panamax.ffm.CpuSet}s, so machines with more than 64 CPUs need no special
 * case. NUMA memory placement of ranges ({@code mbind}, {@code move_pages}) is {@link dev.panamax.ffm.Numa}'s.
 */
package dev.panamax.thread;
