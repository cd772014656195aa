/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.alloc;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.ThreadMXBean;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks that operations allocate nothing on the Java heap once compiled: runs rounds of {@value #OPS_PER_ROUND}
 * calls of each operation, counting the calling thread's allocated bytes, until one round in which no operation
 * allocated a byte, and fails after {@value #MAX_ROUNDS} rounds with the last round's counts. Skips when the JVM
 * cannot count, or when C2 is off: only its escape analysis removes the JDK's own temporaries around downcalls.
 */
final class AllocationRounds {

    static final int OPS_PER_ROUND = 10_000;
    static final int MAX_ROUNDS = 200;

    /** One operation under test. */
    interface Op {
        void run() throws Exception;
    }

    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final List<String> names = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();

    AllocationRounds() {
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

    void assertNothingAllocated() throws Exception {
        long[] lastRound = new long[ops.size()];
        for (int round = 0; round < MAX_ROUNDS; round++) {
            long total = 0;
            for (int i = 0; i < ops.size(); i++) {
                lastRound[i] = allocatedBy(ops.get(i));
                total += lastRound[i];
            }
            if (total == 0) {
                return; // a whole round of each operation without a byte allocated
            }
        }
        StringBuilder counts = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            counts.append(i == 0 ? "" : ", ").append(names.get(i)).append(' ').append(lastRound[i]);
        }
        fail("after " + MAX_ROUNDS + " rounds of " + OPS_PER_ROUND + " calls each, the last round still allocated "
                + "(bytes): " + counts);
    }

    private long allocatedBy(Op op) throws Exception {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < OPS_PER_ROUND; i++) {
            op.run();
        }
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
