/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Futex-based synchronization primitives: mutexes, conditions, semaphores and events that work inside one JVM
 * and between processes sharing memory, plus robust (owner-death aware) and priority-inheritance mutexes
 * ({@code dev.panamax.sync}); thread placement: native threads with their name, stack, CPUs, scheduling and NUMA
 * memory policy applied before user code, CPU affinity, and the CPU topology read from {@code /sys}
 * ({@code dev.panamax.thread}).
 * Native access is granted to {@code dev.panamax.ffm}, which performs every syscall.
 */
module dev.panamax.sync {
    requires transitive dev.panamax.ffm;

    exports dev.panamax.sync;
    exports dev.panamax.thread;
}
