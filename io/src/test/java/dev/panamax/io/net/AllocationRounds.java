/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.ThreadMXBean;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks that a thread allocates nothing on the Java heap once compiled: runs rounds of {@code opsPerRound} calls
 * of each operation on the calling thread, counting the bytes the watched thread (a loop's, or the caller itself)
 * allocated meanwhile, until one round in which no operation made it allocate a byte, and fails after
 * {@value #MAX_ROUNDS} rounds with the last round's counts. Skips when the JVM cannot count, or when C2 is off:
 * only its escape analysis removes the JDK's own temporaries around downcalls.
 */
final class AllocationRounds {

    static final int MAX_ROUNDS = 200;

    /** One operation under test, run on the calling thread; it returns once the watched thread has done its part. */
    interface Op {
        void run() throws Exception;
    }

    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final int opsPerRound;
    private final List<String> names = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();

    AllocationRounds(int opsPerRound) {
        this.opsPerRound = opsPerRound;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count the bytes each thread allocates");
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        assumeTrue(vm.getVMOption("UseCompiler").getValue().equals("true")
                && vm.getVMOption("TieredStopAtLevel").getValue().equals("4"),
                "C2 is off (-Xint or -XX:TieredStopAtLevel below 4): only its escape analysis removes the JDK's "
                        + "temporaries");
    }

    AllocationRounds add(String name, Op op) {
        names.add(name);
        ops.add(op);
        return this;
    }

    /** Asserts that {@code watched} (alive: a loop's thread, or the calling thread) comes to allocate nothing. */
    void assertNothingAllocatedBy(Thread watched) throws Exception {
        long id = watched.threadId();
        long[] lastRound = new long[ops.size()];
        for (int round = 0; round < MAX_ROUNDS; round++) {
            long total = 0;
            for (int i = 0; i < ops.size(); i++) {
                long before = threads.getThreadAllocatedBytes(id);
                for (int n = 0; n < opsPerRound; n++) {
                    ops.get(i).run();
                }
                lastRound[i] = threads.getThreadAllocatedBytes(id) - before;
                total += lastRound[i];
            }
            if (total == 0) {
                return; // a whole round of each operation without a byte allocated by the watched thread
            }
        }
        StringBuilder counts = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            counts.append(i == 0 ? "" : ", ").append(names.get(i)).append(' ').append(lastRound[i]);
        }
        fail("after " + MAX_ROUNDS + " rounds of " + opsPerRound + " operations each, the watched thread "
                + "still allocated in the last round (bytes): " + counts);
    }
}
