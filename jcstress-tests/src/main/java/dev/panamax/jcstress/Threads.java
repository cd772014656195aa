/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.jcstress;

import java.util.concurrent.CountDownLatch;

/**
 * Helpers for actors that run part of their work on a second thread, a virtual one (to reach the primitives'
 * park/unpark path) or a platform one (to put a second sleeper on the same word), or that wait for another thread
 * without letting an interrupt end the wait.
 */
public final class Threads {

    private Threads() {
    }

    /**
     * Runs {@code task} on a new virtual thread and waits for it to end.
     *
     * @param task the work, typically a blocking acquisition
     */
    public static void onVirtualThread(Runnable task) {
        join(Thread.ofVirtual().start(task));
    }

    /**
     * Starts {@code task} on a new daemon platform thread.
     *
     * @param task the work
     * @return the started thread
     */
    public static Thread startPlatform(Runnable task) {
        return Thread.ofPlatform().daemon(true).start(task);
    }

    /**
     * Waits for {@code thread} to end, ignoring interrupts (a stress actor is never interrupted) and keeping the
     * interrupt status.
     *
     * @param thread the thread to wait for
     */
    public static void join(Thread thread) {
        uninterruptibly(thread::join);
    }

    /**
     * Waits for {@code latch} to reach zero, ignoring interrupts and keeping the interrupt status: only the count
     * ends the wait, so an actor whose latch is never counted down stays stuck and its test reports STALE.
     *
     * @param latch the latch to wait for
     */
    public static void await(CountDownLatch latch) {
        uninterruptibly(latch::await);
    }

    /** A blocking call that may be interrupted. */
    private interface Blocking {
        void run() throws InterruptedException;
    }

    private static void uninterruptibly(Blocking call) {
        boolean interrupted = false;
        while (true) {
            try {
                call.run();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
