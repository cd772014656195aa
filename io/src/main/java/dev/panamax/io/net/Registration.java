/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import dev.panamax.ffm.Epoll;
import dev.panamax.ffm.Fd;

import java.io.IOException;

/** An fd watched by an {@link EventLoop}; {@link #cancel()} stops the watch. */
public final class Registration {

    private final EventLoop loop;
    final long id;
    private final Fd fd;
    private final EventLoop.Trigger trigger;
    private final boolean exclusive;
    final EventLoop.Handler handler;
    private volatile int interest; // written by modify() (any thread), read for diagnostics
    private Object attachment; // loop thread only, by convention

    Registration(EventLoop loop, long id, Fd fd, EventLoop.Trigger trigger, boolean exclusive,
            EventLoop.Handler handler, int interest) {
        this.loop = loop;
        this.id = id;
        this.fd = fd;
        this.trigger = trigger;
        this.exclusive = exclusive;
        this.handler = handler;
        this.interest = interest;
    }

    int epollEvents(int wanted) {
        return wanted | (trigger == EventLoop.Trigger.EDGE ? Epoll.ET : 0) | (exclusive ? Epoll.EXCLUSIVE : 0);
    }

    /**
     * The watched fd.
     *
     * @return the fd
     */
    public Fd fd() {
        return fd;
    }

    /**
     * The loop that watches it.
     *
     * @return the loop
     */
    public EventLoop loop() {
        return loop;
    }

    /**
     * The current interest bits.
     *
     * @return {@link Epoll#IN}, {@link Epoll#OUT}, ... bits
     */
    public int interest() {
        return interest;
    }

    /**
     * Changes the interest bits ({@code EPOLL_CTL_MOD}), e.g. to add {@link Epoll#OUT} while output is pending.
     *
     * @param newInterest the new bits
     * @throws IOException ErrnoException from {@code epoll_ctl}
     * @throws IllegalStateException for an {@code EPOLLEXCLUSIVE} registration (the kernel refuses MOD), or once
     *                               this registration is cancelled or its loop has stopped
     */
    public void modify(int newInterest) throws IOException {
        if (exclusive) {
            throw new IllegalStateException("an EPOLLEXCLUSIVE registration cannot be modified (EPOLL_CTL_MOD "
                    + "gives EINVAL); cancel it and register again");
        }
        synchronized (this) { // with cancel(): no DEL, and so no new registration of the fd, between check and MOD
            loop.modify(this, newInterest);
            interest = newInterest;
        }
    }

    /**
     * Stops watching the fd. Idempotent; does not close the fd. Once it returns the handler is not called again.
     * On a thread that is no event loop's it also returns only once a call of the handler in progress has returned,
     * so the fd may then be closed (it must not be called from a thread the handler waits for). On another
     * {@link EventLoop}'s thread it returns at once, so that two loops cancelling each other's registrations cannot
     * wait for each other: close the fd on this registration's own loop ({@link EventLoop#execute}).
     *
     * @throws IOException ErrnoException from {@code epoll_ctl}
     */
    public void cancel() throws IOException {
        synchronized (this) {
            loop.cancel(this);
        }
        loop.awaitHandler(this); // without the lock: the running handler may still modify or cancel this
    }

    /**
     * Attaches a per-connection object (loop thread only).
     *
     * @param value the object
     */
    public void attach(Object value) {
        attachment = value;
    }

    /**
     * The attached object.
     *
     * @return the object, or null
     */
    public Object attachment() {
        return attachment;
    }
}
