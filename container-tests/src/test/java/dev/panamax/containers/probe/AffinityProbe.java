/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.containers.probe;

import dev.panamax.ffm.CpuSet;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.NativeThreads;
import dev.panamax.ffm.Sched;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs in a container: tries to pin this thread to CPU {@code args[0]} with {@code Sched.setAffinity}, then starts
 * a {@code NativeThreads} thread pinned to CPU {@code args[1]} and one pinned to {@code args[0]}. Prints one
 * {@code key=value} line per fact; a refusal prints the exception's class and message, so the test sees exactly
 * what a user would.
 */
public final class AffinityProbe {

    private AffinityProbe() {
    }

    /**
     * Entry point.
     *
     * @param args the forbidden CPU and the allowed CPU
     * @throws Exception when a step fails in a way the test does not expect (stack trace on stderr, exit 1)
     */
    public static void main(String[] args) throws Exception {
        int forbidden = Integer.parseInt(args[0]);
        int allowed = Integer.parseInt(args[1]);
        System.out.println("online=" + CpuSet.online());
        System.out.println("affinity.before=" + Sched.getAffinity(0));
        try {
            Sched.setAffinity(0, CpuSet.of(forbidden));
            System.out.println("setAffinity=ok");
        } catch (ErrnoException | IllegalArgumentException e) {
            System.out.println("setAffinity=" + describe(e));
        }
        System.out.println("affinity.after=" + Sched.getAffinity(0));

        AtomicReference<String> seen = new AtomicReference<>();
        NativeThreads.Handle t = NativeThreads.start(
                () -> seen.set(Sched.currentCpu() + " affinity " + affinityOrError()),
                NativeThreads.Config.DEFAULT.withName("pinned-" + allowed).withCpus(CpuSet.of(allowed)));
        t.join();
        System.out.println("thread.allowed=" + seen.get());

        try {
            NativeThreads.Handle bad = NativeThreads.start(() -> System.out.println("thread.forbidden.ran=true"),
                    NativeThreads.Config.DEFAULT.withName("pinned-" + forbidden).withCpus(CpuSet.of(forbidden)));
            bad.join();
            System.out.println("thread.forbidden=ok");
        } catch (ErrnoException | IllegalArgumentException | ExecutionException e) {
            System.out.println("thread.forbidden=" + describe(e));
        }
    }

    private static String affinityOrError() {
        try {
            return Sched.getAffinity(0).toString();
        } catch (ErrnoException e) {
            return describe(e);
        }
    }

    private static String describe(Exception e) {
        String errno = e instanceof ErrnoException ee ? " [errno " + ee.errno() + "]" : "";
        return e.getClass().getSimpleName() + ": " + e.getMessage() + errno;
    }
}
