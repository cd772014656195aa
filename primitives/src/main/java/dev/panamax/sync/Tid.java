/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import dev.panamax.ffm.Processes;

/** The kernel thread id of the calling platform thread, asked once per thread. */
final class Tid {

    private static final ThreadLocal<Integer> TID = ThreadLocal.withInitial(Processes::gettid);

    private Tid() {
    }

    /** Returns the calling thread's TID; refuses virtual threads, whose TID is their current carrier's. */
    static int current(String what) {
        if (Thread.currentThread().isVirtual()) {
            throw new UnsupportedOperationException(what + " records the owner's kernel thread id, which a virtual "
                    + "thread does not have (its carrier may change while it holds the lock): use a platform thread");
        }
        return TID.get();
    }
}
