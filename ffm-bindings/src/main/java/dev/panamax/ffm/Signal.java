/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.uapi.signal_h;

/**
 * Signals for {@link Processes#kill}, {@link Processes#tgkill}, {@link Processes#pidfdSendSignal} and the parent
 * death signal. Numbers come from the generated per-arch tables.
 */
public enum Signal {
    /** The null signal of kill(2): nothing is sent, only existence and permission are checked. */
    NULL(0),
    /** SIGHUP. */
    HUP(signal_h.SIGHUP()),
    /** SIGINT. */
    INT(signal_h.SIGINT()),
    /** SIGQUIT. */
    QUIT(signal_h.SIGQUIT()),
    /** SIGKILL. */
    KILL(signal_h.SIGKILL()),
    /** SIGUSR1. */
    USR1(signal_h.SIGUSR1()),
    /** SIGUSR2. */
    USR2(signal_h.SIGUSR2()),
    /** SIGPIPE. */
    PIPE(signal_h.SIGPIPE()),
    /** SIGALRM. */
    ALRM(signal_h.SIGALRM()),
    /** SIGTERM. */
    TERM(signal_h.SIGTERM()),
    /** SIGCHLD. */
    CHLD(signal_h.SIGCHLD()),
    /** SIGCONT. */
    CONT(signal_h.SIGCONT()),
    /** SIGSTOP. */
    STOP(signal_h.SIGSTOP()),
    /** SIGWINCH. */
    WINCH(signal_h.SIGWINCH());

    private final int number;

    Signal(long number) {
        this.number = (int) number;
    }

    /**
     * Returns the signal number on this architecture.
     *
     * @return the number, 0 for {@link #NULL}
     */
    public int number() {
        return number;
    }

    /**
     * Returns the constant for a signal number.
     *
     * @param number a signal number
     * @return the constant, or null if this enum has none for it
     */
    public static Signal of(int number) {
        for (Signal s : values()) {
            if (s.number == number) {
                return s;
            }
        }
        return null;
    }
}
