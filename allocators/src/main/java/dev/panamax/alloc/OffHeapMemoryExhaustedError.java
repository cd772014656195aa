/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import java.io.Serial;

/**
 * An {@link OffHeapAllocator} could not get memory: its configured limit is reached, or the kernel refused a
 * mapping ({@code mmap} failing with {@code ENOMEM}, e.g. under {@code vm.overcommit_memory=2} or an address-space
 * {@code ulimit}). The heap is not involved; catching it and freeing off-heap memory is a valid recovery.
 *
 * <p>A cgroup memory limit is enforced by the kernel when pages are first touched, not when they are reserved:
 * set {@link OffHeapAllocator.Builder#limitBytes(long)} below the cgroup's {@code memory.max} so that this error is
 * thrown before the kernel's OOM killer acts (the builder defaults the limit to {@code memory.max} when it is set).
 */
public final class OffHeapMemoryExhaustedError extends OutOfMemoryError {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message what was requested and which limit refused it
     */
    public OffHeapMemoryExhaustedError(String message) {
        super(message);
    }

    /**
     * Creates the error with the kernel's refusal as its cause.
     *
     * @param message what was requested
     * @param cause   the failed mapping call
     */
    public OffHeapMemoryExhaustedError(String message, Throwable cause) {
        super(message);
        initCause(cause);
    }
}
