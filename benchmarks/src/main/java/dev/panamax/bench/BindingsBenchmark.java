/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import dev.panamax.ffm.Processes;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.concurrent.TimeUnit;

/**
 * The cost of a trivial syscall ({@code getppid}) through panamax's public binding — errno captured into the
 * per-thread segment, result checked — against a raw FFM downcall to {@code syscall(2)} written by hand, with and
 * without {@code Linker.Option.critical}. Target: panamax ≤ 1.1× {@code raw}, and 0 B/op under {@code -prof gc}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar BindingsBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsPrepend = {"--enable-native-access=ALL-UNNAMED"})
public class BindingsBenchmark {

    /** Which implementation of {@code getppid} to call. */
    @Param({"panamax", "raw", "rawCritical"})
    public String impl;

    private GetPpid call;

    @FunctionalInterface
    interface GetPpid {
        long getppid();
    }

    @Setup
    public void setUp() {
        call = switch (impl) {
            case "panamax" -> Processes::getppid;
            case "raw" -> RawSyscallPeer::getppid;
            case "rawCritical" -> RawSyscallPeer::getppidCritical;
            default -> throw new IllegalArgumentException("unknown impl " + impl);
        };
        long expected = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        if (call.getppid() != expected) {
            throw new IllegalStateException(impl + " returned " + call.getppid() + ", expected ppid " + expected);
        }
    }

    @Benchmark
    public long getppid() {
        return call.getppid();
    }

    public static void main(String[] args) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(BindingsBenchmark.class.getSimpleName())
                .shouldFailOnError(true)
                .build();
        new Runner(options).run();
    }
}
