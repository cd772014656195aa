/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.testing;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.ThreadMXBean;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks that a thread allocates nothing on the Java heap once compiled: runs rounds of {@code opsPerRound} calls
 * of each operation on the calling thread, counting the bytes the watched thread (the caller itself, or a loop's
 * that the operations drive) allocated meanwhile, until one round in which no operation made it allocate a byte,
 * and fails after {@value #MAX_ROUNDS} rounds with the last round's counts. Skips when the JVM cannot count, or
 * when C2 is off: only its escape analysis removes the JDK's own temporaries around downcalls.
 *
 * <p>Shared by every module's tests: the build adds {@code build-support/test-java} to their test sources.
 */
public final class AllocationRounds {

    /** Rounds run before giving up. */
    public static final int MAX_ROUNDS = 200;
    /** Calls of each operation per round, unless the constructor says otherwise. */
    public static final int OPS_PER_ROUND = 10_000;

    /** One operation under test, run on the calling thread; it returns once the watched thread has done its part. */
    public interface Op {
        /**
         * Runs the operation once.
         *
         * @throws Exception if it fails
         */
        void run() throws Exception;
    }

    private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final int opsPerRound;
    private final List<String> names = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();

    /** Rounds of {@value #OPS_PER_ROUND} calls; skips the calling test where nothing can be measured. */
    public AllocationRounds() {
        this(OPS_PER_ROUND);
    }

    /**
     * Rounds of {@code opsPerRound} calls; skips the calling test where nothing can be measured.
     *
     * @param opsPerRound calls of each operation per round
     */
    public AllocationRounds(int opsPerRound) {
        if (opsPerRound < 1) {
            throw new IllegalArgumentException("opsPerRound must be positive: " + opsPerRound);
        }
        this.opsPerRound = opsPerRound;
        assumeMeasurable();
    }

    /** Skips the calling test, saying why, where allocated bytes cannot be counted or C2 is off. */
    public static void assumeMeasurable() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count the bytes each thread allocates");
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        assumeTrue(vm.getVMOption("UseCompiler").getValue().equals("true")
                && vm.getVMOption("TieredStopAtLevel").getValue().equals("4"),
                "C2 is off (-Xint or -XX:TieredStopAtLevel below 4): only its escape analysis removes the JDK's "
                        + "temporaries");
    }

    /**
     * Adds an operation.
     *
     * @param name what the failure message calls it
     * @param op   the operation
     * @return this
     */
    public AllocationRounds add(String name, Op op) {
        names.add(name);
        ops.add(op);
        return this;
    }

    /**
     * Asserts that the calling thread comes to allocate nothing running the operations.
     *
     * @throws Exception if an operation fails
     */
    public void assertNothingAllocated() throws Exception {
        assertNothingAllocatedBy(Thread.currentThread());
    }

    /**
     * Asserts that {@code watched} (alive: the calling thread, or a loop's) comes to allocate nothing while the
     * calling thread runs the operations.
     *
     * @param watched the thread whose allocations count
     * @throws Exception if an operation fails
     */
    public void assertNothingAllocatedBy(Thread watched) throws Exception {
        long id = watched.threadId();
        long[] lastRound = new long[ops.size()];
        for (int round = 0; round < MAX_ROUNDS; round++) {
            long total = 0;
            for (int i = 0; i < ops.size(); i++) {
                long before = threads.getThreadAllocatedBytes(id);
                Op op = ops.get(i);
                for (int n = 0; n < opsPerRound; n++) {
                    op.run();
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
        fail("after " + MAX_ROUNDS + " rounds of " + opsPerRound + " calls of each operation, the watched thread "
                + "still allocated in the last round (bytes): " + counts);
    }
}
