/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.uapi.epoll_event;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.nio.channels.ClosedChannelException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpollTest {

    private static final long SECOND_NS = 1_000_000_000L;

    /** Waits until at least one event arrives, retrying EINTR, failing after {@code deadlineNs} (monotonic). */
    private static int awaitEvents(Epoll epoll, Epoll.Events events, long deadlineNs) throws Exception {
        while (true) {
            long left = deadlineNs - TimerFd.monotonicNanos();
            assertTrue(left > 0, "no event before the deadline");
            int n = epoll.awaitNanos(events, left);
            if (n > 0) {
                return n;
            }
        }
    }

    @Test
    void shouldReportEventFdReadableWhenCounterIsWritten() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Epoll epoll = Epoll.create();
             EventFd eventFd = EventFd.create(0, EventFd.NONBLOCK)) {
            Epoll.Events events = Epoll.Events.allocate(arena, 4);
            epoll.add(eventFd.fd(), Epoll.IN, 0xDEAD_BEEF_CAFE_F00DL);
            assertEquals(0, epoll.await(events, 0), "nothing ready before the write");

            assertTrue(eventFd.write(5));
            assertTrue(eventFd.write(2));
            assertEquals(1, epoll.await(events, 10_000));
            assertEquals(Epoll.IN, events.events(0) & Epoll.IN);
            assertEquals(0xDEAD_BEEF_CAFE_F00DL, events.data(0), "the 64-bit data word survives the layout");

            assertEquals(7, eventFd.read(), "the counter sums the writes");
            assertEquals(0, epoll.await(events, 0), "drained: no longer readable");
        }
    }

    @Test
    void shouldReturnZeroNotThrowWhenNonBlockingEventFdIsEmpty() throws Exception {
        try (EventFd eventFd = EventFd.create(0, EventFd.NONBLOCK)) {
            assertEquals(0, eventFd.read(), "EAGAIN comes back as 0");
            assertTrue(eventFd.write(1));
            assertEquals(1, eventFd.read());
            assertEquals(0, eventFd.read());
        }
    }

    @Test
    void shouldTakeOneAtATimeWhenSemaphore() throws Exception {
        try (EventFd eventFd = EventFd.create(3, EventFd.NONBLOCK | EventFd.SEMAPHORE)) {
            assertEquals(1, eventFd.read());
            assertEquals(1, eventFd.read());
            assertEquals(1, eventFd.read());
            assertEquals(0, eventFd.read());
        }
    }

    @Test
    void shouldReturnFalseWhenWriteWouldOverflowCounter() throws Exception {
        try (EventFd eventFd = EventFd.create(0, EventFd.NONBLOCK)) {
            assertTrue(eventFd.write(EventFd.MAX_VALUE));
            assertFalse(eventFd.write(1), "EAGAIN: the counter cannot pass 2^64 - 2");
            assertEquals(EventFd.MAX_VALUE, eventFd.read());
        }
    }

    @Test
    void shouldReportTimerFdReadableWhenRelativeTimerExpires() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Epoll epoll = Epoll.create();
             TimerFd timer = TimerFd.create(TimerFd.Clock.MONOTONIC, TimerFd.NONBLOCK)) {
            Epoll.Events events = Epoll.Events.allocate(arena, 2);
            epoll.add(timer.fd(), Epoll.IN, 42);
            assertEquals(0, timer.read(), "not armed: nothing to read");
            // A long timer to read its remaining time (a 20 ms one may expire while a loaded machine deschedules
            // this thread), then the short one whose expiry the test waits for.
            timer.setRelative(10 * SECOND_NS, 0);
            long remaining = timer.remainingNanos();
            assertTrue(remaining > 0 && remaining <= 10 * SECOND_NS, "remaining " + remaining);
            long start = TimerFd.monotonicNanos();
            timer.setRelative(20_000_000L, 0);

            assertEquals(1, awaitEvents(epoll, events, start + 10 * SECOND_NS));
            assertTrue(TimerFd.monotonicNanos() - start >= 20_000_000L, "never before the timer");
            assertEquals(42, events.data(0));
            assertEquals(1, timer.read(), "one expiry of a one-shot timer");
            assertEquals(0, timer.remainingNanos(), "one-shot timer is disarmed after expiry");
        }
    }

    @Test
    void shouldExpireAtDeadlineWhenArmedAbsolute() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Epoll epoll = Epoll.create();
             TimerFd timer = TimerFd.create(TimerFd.Clock.MONOTONIC, TimerFd.NONBLOCK)) {
            Epoll.Events events = Epoll.Events.allocate(arena, 1);
            epoll.add(timer.fd(), Epoll.IN, 7);
            long deadline = TimerFd.monotonicNanos() + 15_000_000L;
            timer.setAbsolute(deadline, 1_000_000L);
            assertEquals(1_000_000L, timer.intervalNanos());
            assertEquals(1, awaitEvents(epoll, events, deadline + 10 * SECOND_NS));
            assertTrue(TimerFd.monotonicNanos() >= deadline);
            assertTrue(timer.read() >= 1);
            timer.disarm();
            assertEquals(0, timer.remainingNanos());
            assertEquals(0, timer.intervalNanos());
        }
    }

    @Test
    void shouldTimeOutWithZeroEventsWhenNothingIsReady() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Epoll epoll = Epoll.create();
             EventFd eventFd = EventFd.create(0, 0)) {
            Epoll.Events events = Epoll.Events.allocate(arena, 1);
            epoll.add(eventFd.fd(), Epoll.IN, 1);
            long start = TimerFd.monotonicNanos();
            assertEquals(0, epoll.awaitNanos(events, 2_000_000L));
            assertTrue(TimerFd.monotonicNanos() - start >= 2_000_000L, "waited the timeout");
            assertEquals(0, epoll.await(events, 1));
        }
    }

    @Test
    void shouldModifyAndDeleteInterestWhenAsked() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Epoll epoll = Epoll.create();
             EventFd eventFd = EventFd.create(1, EventFd.NONBLOCK)) {
            Epoll.Events events = Epoll.Events.allocate(arena, 1);
            epoll.add(eventFd.fd(), Epoll.OUT, 1);
            assertEquals(1, epoll.await(events, 0));
            assertEquals(1, events.data(0));
            epoll.modify(eventFd.fd(), Epoll.IN, 2);
            assertEquals(1, epoll.await(events, 0));
            assertEquals(2, events.data(0));
            epoll.delete(eventFd.fd());
            assertEquals(0, epoll.await(events, 0));
            ErrnoException e = assertThrows(ErrnoException.class, () -> epoll.delete(eventFd.fd()));
            assertEquals("ENOENT (epoll_ctl): No such file or directory", e.getMessage());
        }
    }

    @Test
    void shouldLayOutEventsAsTheKernelDoesOnThisArch() {
        if (Arch.current() == Arch.X86_64) {
            assertEquals(12, epoll_event.sizeof(), "packed on x86_64");
            assertEquals(4, epoll_event.data$offset());
        } else {
            assertEquals(16, epoll_event.sizeof());
            assertEquals(8, epoll_event.data$offset());
        }
    }

    @Test
    void shouldRejectBadArgumentsBeforeAnySyscall() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> Epoll.Events.allocate(arena, 0));
            assertThrows(IllegalArgumentException.class, () -> Epoll.Events.allocate(arena, -1));
            assertThrows(IllegalArgumentException.class, () -> Epoll.Events.allocate(arena, Integer.MAX_VALUE));
            Epoll.Events events = Epoll.Events.allocate(arena, 2);
            assertThrows(IndexOutOfBoundsException.class, () -> events.data(2));
            assertThrows(IndexOutOfBoundsException.class, () -> events.events(-1));
            try (Epoll epoll = Epoll.create()) {
                assertThrows(IllegalArgumentException.class, () -> epoll.await(events, -2));
            }
            assertThrows(IllegalArgumentException.class, () -> EventFd.create(-1, 0));
            assertThrows(IllegalArgumentException.class, () -> EventFd.create(1L << 32, 0));
            assertThrows(IllegalArgumentException.class, () -> EventFd.create(0, 0x4000_0000));
            try (EventFd eventFd = EventFd.create(0, EventFd.NONBLOCK)) {
                assertThrows(IllegalArgumentException.class, () -> eventFd.write(-1L));
            }
            try (TimerFd timer = TimerFd.create(TimerFd.Clock.MONOTONIC, 0)) {
                assertThrows(IllegalArgumentException.class, () -> timer.setRelative(0, 0));
                assertThrows(IllegalArgumentException.class, () -> timer.setRelative(1, -1));
                assertThrows(IllegalArgumentException.class, () -> timer.setAbsolute(-5, 0));
            }
        }
    }

    @Test
    void shouldThrowClosedChannelWhenUsedAfterClose() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            Epoll.Events events = Epoll.Events.allocate(arena, 1);
            Epoll epoll = Epoll.create();
            EventFd eventFd = EventFd.create(0, 0);
            epoll.close();
            eventFd.close();
            assertThrows(ClosedChannelException.class, () -> epoll.await(events, 0));
            assertThrows(ClosedChannelException.class, eventFd::read);
            assertThrows(ClosedChannelException.class, () -> eventFd.write(1));
        }
    }
}
