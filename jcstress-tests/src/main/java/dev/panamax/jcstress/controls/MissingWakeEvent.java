/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress.controls;

import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Futex;

import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A deliberately broken event, for negative controls only: {@link #await()} sleeps in {@code FUTEX_WAIT} like
 * {@code FutexEvent}, but {@link #set()} changes the word and never calls {@code FUTEX_WAKE}.
 */
final class MissingWakeEvent {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final int UNSET = 0;
    private static final int WAITING = 1;
    private static final int SET = 2;


    private final MemorySegment word = Arena.ofAuto().allocate(4, 4); // volatile accesses; the futex word

    void await() {
        while (true) {
            int s = (int) INT.getVolatile(word, 0L);
            if (s == SET) {
                return;
            }
            if (s == UNSET && (int) INT.compareAndExchange(word, 0L, UNSET, WAITING) != UNSET) {
                continue;
            }
            try {
                Futex.wait(word, 0, WAITING, false);
            } catch (ErrnoException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    void set() {
        INT.setVolatile(word, 0L, SET); // the bug: a sleeper that advertised WAITING is never woken
    }
}
