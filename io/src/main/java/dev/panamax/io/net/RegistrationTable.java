/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The live registrations of an {@link EventLoop}, found from their epoll data word without allocating: a map keyed by
 * boxed {@code Long}s would allocate one per ready fd once ids pass the JDK's small cache of boxes.
 */
final class RegistrationTable {

    /*
     * Overview. An id (the epoll data word) is a slot index in its low 32 bits and that slot's generation in its high
     * 32 bits. Generations start at 1 and skip 0, so an id is at least 2^32 and never one of the loop's own words (0
     * and 1); a slot reused after a cancel gets the next generation, so an event still queued for the old
     * registration finds a different id in the slot and is dropped.
     *
     * Writers (register and cancel, from any thread) hold the lock. The loop thread reads without it: slots is
     * replaced (grown) only under the lock and published by its volatile write; its elements are stored with
     * setRelease (publish) or setVolatile (remove) under the lock and loaded with getVolatile, so the loop sees a
     * registration fully built, and a removal and the loop's dispatchingId form a Dekker pair (EventLoop). A lookup
     * that loaded the array just before a growth may still find a registration that a cancel has since removed
     * from the new array, as a lookup running just before that cancel would.
     */

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Registration[].class);
    private static final int INITIAL_SLOTS = 16;

    private final ReentrantLock lock = new ReentrantLock();
    private volatile Registration[] slots = new Registration[INITIAL_SLOTS]; // replaced under lock, read by the loop
    private int[] generations = new int[INITIAL_SLOTS]; // guarded by lock: each slot's current generation
    private int[] freeSlots = new int[INITIAL_SLOTS]; // guarded by lock: a stack of slots neither reserved nor used
    private int freeCount; // guarded by lock
    private int capacity; // guarded by lock: slots handed out so far, reserved, used or free

    /**
     * Reserves a slot and returns the id a registration in it gets; {@link #publish} fills it.
     *
     * @return the id, at least 2^32
     */
    long reserve() {
        lock.lock();
        try {
            int slot;
            if (freeCount > 0) {
                slot = freeSlots[--freeCount];
            } else {
                if (capacity == slots.length) {
                    grow();
                }
                slot = capacity++;
            }
            int generation = generations[slot] + 1;
            generations[slot] = generation == 0 ? 1 : generation; // 0 would make ids 0 and 1, the loop's own words
            return id(slot, generations[slot]);
        } finally {
            lock.unlock();
        }
    }

    /** Makes {@code r}, whose id came from {@link #reserve}, visible to {@link #get}. */
    void publish(Registration r) {
        lock.lock();
        try {
            SLOT.setRelease(slots, slot(r.id), r); // release: the loop's acquire load sees r fully built
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes {@code r} and frees its slot.
     *
     * @return true if {@code r} was there (published and not yet removed)
     */
    boolean remove(Registration r) {
        lock.lock();
        try {
            Registration[] table = slots;
            int slot = slot(r.id);
            if (table[slot] != r) {
                return false;
            }
            // volatile: with the loop's volatile load in get(), one half of EventLoop's Dekker pair on dispatchingId
            // (cancel removes then reads it, the loop writes it then looks up): either sees the other
            SLOT.setVolatile(table, slot, (Registration) null);
            freeSlots[freeCount++] = slot;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The registration with this id, allocation-free.
     *
     * @param id an epoll data word
     * @return the registration, or null if it was removed (or the word is not an id of this table)
     */
    Registration get(long id) {
        Registration[] table = slots;
        long slot = id & 0xffff_ffffL;
        if (slot >= table.length) {
            return null;
        }
        // volatile: pairs with publish()'s release, and with remove()'s volatile store (see remove)
        Registration r = (Registration) SLOT.getVolatile(table, (int) slot);
        return r != null && r.id == id ? r : null;
    }

    /** Removes every registration. */
    void clear() {
        lock.lock();
        try {
            Registration[] table = slots;
            for (int slot = 0; slot < capacity; slot++) {
                if (table[slot] != null) {
                    SLOT.setRelease(table, slot, (Registration) null);
                    freeSlots[freeCount++] = slot;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void grow() {
        int length = slots.length * 2;
        generations = Arrays.copyOf(generations, length);
        freeSlots = Arrays.copyOf(freeSlots, length);
        slots = Arrays.copyOf(slots, length); // last: the volatile write publishes the copied elements
    }

    private static long id(int slot, int generation) {
        return ((long) generation << 32) | slot;
    }

    private static int slot(long id) {
        return (int) id;
    }
}
