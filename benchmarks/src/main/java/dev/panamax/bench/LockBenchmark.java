/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import dev.panamax.sync.FutexMutex;
import dev.panamax.sync.SpinLock;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;

/**
 * panamax's locks against the JDK's, all in one run through {@code @Param impl}: uncontended lock+unlock,
 * two threads contending on a shared counter (short critical section), and handoff — two threads that take
 * turns, so every acquisition follows the other thread's release.
 *
 * <p>handoff is the latency benchmark: with {@code -jvmArgsAppend -Dpanamax.bench.latency.dir=DIR} (as
 * {@code panamax bench} runs it) each handoff operation is also recorded in a {@link LatencyLog}, whose percentile
 * distribution the report draws as curves; without the property nothing extra runs.
 *
 * <p>{@code futex} is {@code new FutexMutex()}: release-store unlock where {@code membarrier} is available (see
 * {@link FutexMutex.UnlockMode}), spinning up to {@link FutexMutex#DEFAULT_SPIN_LIMIT} hints; {@code futexExchange}
 * the same with the exchange unlock every shared mutex uses; {@code futexAdaptive} {@link FutexMutex#adaptive()}.
 *
 * <p>Targets (issue "primitives"): futex uncontended ≤ 1.0× ReentrantLock; futex 2-thread contended throughput
 * ≥ 1.3× ReentrantLock; spin contended ≥ 1.5× ReentrantLock.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar LockBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsPrepend = {"--enable-native-access=ALL-UNNAMED"})
public class LockBenchmark {

    /** The lock under test. */
    @Param({"futex", "futexExchange", "futexAdaptive", "spin", "reentrant", "synchronized", "stamped"})
    public String impl;

    private CriticalSection section;
    private long counter;         // plain: only touched inside the critical section under test
    private int turn;             // plain: only touched inside the critical section under test

    /** Runs one increment, or one turn-taking attempt, inside the lock under test. */
    abstract static class CriticalSection {
        abstract void increment(LockBenchmark b);

        abstract boolean takeTurn(LockBenchmark b, int me);
    }

    static final class LockSection extends CriticalSection {
        private final Lock lock;

        LockSection(Lock lock) {
            this.lock = lock;
        }

        @Override
        void increment(LockBenchmark b) {
            lock.lock();
            try {
                b.counter++;
            } finally {
                lock.unlock();
            }
        }

        @Override
        boolean takeTurn(LockBenchmark b, int me) {
            lock.lock();
            try {
                return b.flip(me);
            } finally {
                lock.unlock();
            }
        }
    }

    static final class SynchronizedSection extends CriticalSection {
        private final Object monitor = new Object();

        @Override
        void increment(LockBenchmark b) {
            synchronized (monitor) {
                b.counter++;
            }
        }

        @Override
        boolean takeTurn(LockBenchmark b, int me) {
            synchronized (monitor) {
                return b.flip(me);
            }
        }
    }

    static final class StampedSection extends CriticalSection {
        private final StampedLock lock = new StampedLock();

        @Override
        void increment(LockBenchmark b) {
            long stamp = lock.writeLock();
            try {
                b.counter++;
            } finally {
                lock.unlockWrite(stamp);
            }
        }

        @Override
        boolean takeTurn(LockBenchmark b, int me) {
            long stamp = lock.writeLock();
            try {
                return b.flip(me);
            } finally {
                lock.unlockWrite(stamp);
            }
        }
    }

    private boolean flip(int me) {
        if (turn != me) {
            return false;
        }
        turn = 1 - me;
        return true;
    }

    @Setup
    public void setUp() {
        section = switch (impl) {
            case "futex" -> new LockSection(new FutexMutex());
            case "futexExchange" -> new LockSection(
                    FutexMutex.withUnlock(FutexMutex.UnlockMode.EXCHANGE, FutexMutex.DEFAULT_SPIN_LIMIT));
            case "futexAdaptive" -> new LockSection(FutexMutex.adaptive());
            case "spin" -> new LockSection(new SpinLock());
            case "reentrant" -> new LockSection(new ReentrantLock());
            case "synchronized" -> new SynchronizedSection();
            case "stamped" -> new StampedSection();
            default -> throw new IllegalArgumentException("unknown impl " + impl);
        };
        counter = 0;
        turn = 0;
    }

    /** One thread, lock + increment + unlock: the uncontended fast path. */
    @Benchmark
    @Threads(1)
    public void uncontended() {
        section.increment(this);
    }

    /** Two threads increment one counter: throughput under contention with a short critical section. */
    @Benchmark
    @Threads(2)
    public void contended() {
        section.increment(this);
    }

    /**
     * Thread 0 of the handoff pair: returns once it took its turn, i.e. after thread 1 released.
     *
     * @param control JMH's control, to stop waiting when the iteration ends
     * @param latency this thread's latency recorder, idle unless {@link LatencyLog#ENABLED}
     */
    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public void handoffPing(Control control, LatencyLog.Recorder latency) {
        final long startNs = latency.start();
        // The partner stops at the end of the iteration; stop waiting for it then.
        while (!section.takeTurn(this, 0) && !control.stopMeasurement) {
            Thread.onSpinWait();
        }
        latency.stop(startNs, control);
    }

    /**
     * Thread 1 of the handoff pair.
     *
     * @param control JMH's control, to stop waiting when the iteration ends
     * @param latency this thread's latency recorder, idle unless {@link LatencyLog#ENABLED}
     */
    @Benchmark
    @Group("handoff")
    @GroupThreads(1)
    public void handoffPong(Control control, LatencyLog.Recorder latency) {
        final long startNs = latency.start();
        // The partner stops at the end of the iteration; stop waiting for it then.
        while (!section.takeTurn(this, 1) && !control.stopMeasurement) {
            Thread.onSpinWait();
        }
        latency.stop(startNs, control);
    }

    public static void main(String[] args) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(LockBenchmark.class.getSimpleName())
                .shouldFailOnError(true)
                .build();
        new Runner(options).run();
    }
}
