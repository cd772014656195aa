/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.thread;

import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Sched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A child JVM that asks for SCHED_FIFO; run without CAP_SYS_NICE to see the refusal as a user would. */
final class SchedChild {

    private SchedChild() {
    }

    public static void main(String[] args) throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        try {
            NativeThread.builder().scheduler(Sched.Policy.FIFO, 10).start(() -> ran.set(true)).join();
            System.out.println("STARTED");
        } catch (ErrnoException e) {
            System.out.println("REFUSED " + e.errno() + " " + e.getMessage());
        }
        System.out.println(ran.get() ? "TASK-RAN" : "TASK-NOT-RUN");
    }

    /** The child's command: this class with the same java binary and class path, behind {@code prefix}. */
    static ProcessBuilder builder(List<String> prefix) {
        List<String> command = new ArrayList<>(prefix);
        command.add(System.getProperty("panamax.test.java", ProcessHandle.current().info().command().orElseThrow()));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SchedChild.class.getName());
        return new ProcessBuilder(command).redirectErrorStream(true);
    }
}
