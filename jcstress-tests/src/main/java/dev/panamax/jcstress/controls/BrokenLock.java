/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.controls;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A deliberately broken lock, for negative controls only: {@link #lock()} checks that the lock is free and then
 * sets it in two separate steps, so two threads can both pass the check; {@link #unlock()} is a plain store.
 */
final class BrokenLock {

    private static final VarHandle LOCKED;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(BrokenLock.class, "locked", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private boolean locked; // opaque reads and a volatile write in lock(), a plain write in unlock(): racy on purpose

    void lock() {
        while ((boolean) LOCKED.getOpaque(this)) {
            Thread.onSpinWait(); // opaque so the JIT cannot hoist the read out of the loop and spin forever
        }
        LOCKED.setVolatile(this, true); // the bug: check-then-set instead of one compare-and-set
    }

    void unlock() {
        locked = false;
    }
}
