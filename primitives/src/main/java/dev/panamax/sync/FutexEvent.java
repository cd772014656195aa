/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.sync;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * A one-shot event (a latch of count one) on a 32-bit futex word: threads {@link #await()} until some thread,
 * in this or another process, calls {@link #set()}; once set it stays set. Setting makes a syscall only when a
 * thread may be sleeping.
 *
 * <p>Memory ordering: {@link #set()} has the memory effects of {@code VarHandle#getAndSet}, which include those of
 * {@code VarHandle#setRelease}; an {@link #await()} or {@link #isSet()} that observes the event set has the
 * memory effects of {@code VarHandle#getAcquire}: everything written before {@code set()} is visible after it.
 *
 * <p>Virtual threads park on an in-process event and pin their carrier in the kernel on a shared one. Interrupts
 * are noticed within {@value FutexMutex#INTERRUPT_POLL_MS} ms by platform threads.
 */
public final class FutexEvent {

    /*
     * Overview.
     *
     *   word (32 bits):  0 = UNSET, 1 = UNSET and a thread may sleep, 2 = SET (final)
     *
     *   await: loop { s = getAcquire; if s == SET: done; if s == UNSET: CAS UNSET -> WAITING; sleep while WAITING }
     *   set:   if getAndSet(SET) == WAITING: wake all
     *
     * A sleeper always advertises itself (WAITING) before the kernel's or WaitSite's check, and set() reads the
     * previous value in the same atomic exchange, so set() skips the wake only when no one can be asleep.
     */

    /** The number of bytes a shared event occupies at its offset: one 4-byte aligned word. */
    public static final long BYTES = 4;

    private static final int UNSET = 0;
    private static final int WAITING = 1;
    private static final int SET = 2;

    private final Word word;
    private final WaitSite site;

    /** Creates an unset in-process event. */
    public FutexEvent() {
        this(new Word(Word.allocateOwned(BYTES, BYTES), 0), false);
    }

    private FutexEvent(Word word, boolean shared) {
        this.word = word;
        this.site = new WaitSite(word, shared);
    }

    /**
     * Creates an event over a word of a caller's native segment, zero (unset) when first used.
     *
     * @param segment native memory holding the word, typically a {@code MAP_SHARED} mapping
     * @param offset  byte offset of the 4-byte aligned word
     * @return an event over that word
     * @throws IllegalArgumentException  if the segment is on the heap or read-only, or the word misaligned
     * @throws IllegalStateException     if the segment is already closed
     * @throws IndexOutOfBoundsException if the word is not inside the segment
     */
    public static FutexEvent inShared(MemorySegment segment, long offset) {
        Word.check(segment, offset, BYTES, BYTES);
        return new FutexEvent(new Word(segment, offset), true);
    }

    /** Sets the event and wakes every waiter; later calls do nothing. */
    public void set() {
        if (word.getAndSet(SET) == WAITING) {
            site.wakeAll();
        }
    }

    /**
     * Tells whether the event is set, with the memory effects of {@code VarHandle#getAcquire}.
     *
     * @return true once {@link #set()} has been called
     */
    public boolean isSet() {
        return word.getAcquire() == SET;
    }

    /**
     * Waits until the event is set.
     *
     * @throws InterruptedException if interrupted on entry or while waiting (status cleared)
     */
    public void await() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        await(WaitSite.NO_DEADLINE);
    }

    /**
     * Waits until the event is set or the timeout elapses; a zero or negative timeout only checks.
     *
     * @param timeout the longest wait
     * @param unit    the unit of {@code timeout}
     * @return true if the event is set, false if the deadline passed
     * @throws InterruptedException if interrupted on entry or while waiting (status cleared)
     */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        long timeoutNs = unit.toNanos(timeout);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (isSet()) {
            return true;
        }
        return timeoutNs > 0 && await(WaitSite.deadlineAfter(timeoutNs));
    }

    private boolean await(long deadlineNs) throws InterruptedException {
        final Word word = this.word;
        while (true) {
            int s = word.getAcquire();
            if (s == SET) {
                return true;
            }
            if (s == UNSET && word.compareAndExchange(UNSET, WAITING) != UNSET) {
                continue;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (WaitSite.passed(deadlineNs)) {
                return false;
            }
            site.await(WAITING, deadlineNs, true);
        }
    }
}
