/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.bench;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One benchmark suite of {@code panamax bench}: a JMH class in {@code benchmarks.jar} that measures panamax and its
 * peers in the same run, selected by one {@code @Param}. This class is the one place that says which values of that
 * parameter are panamax's own; every other value is a peer.
 *
 * @param name the suite's name on the command line, such as {@code locks}
 * @param className the simple name of the JMH class, such as {@code LockBenchmark}
 * @param implParam the {@code @Param} that selects the implementation, such as {@code impl}
 * @param panamaxImpls the values of {@code implParam} that are panamax's own
 */
public record Suite(String name, String className, String implParam, Set<String> panamaxImpls) {

    /** The package of every benchmark class in {@code benchmarks.jar}. */
    public static final String PACKAGE = "dev.panamax.bench";

    private static final List<Suite> ALL = List.of(
            new Suite("locks", "LockBenchmark", "impl", Set.of("futex", "futexAdaptive", "spin")),
            new Suite("alloc", "AllocatorBenchmark", "peer", Set.of("panamax", "panamaxStripes")),
            new Suite("io", "IoBenchmark", "impl", Set.of("panamax")),
            new Suite("ladder", "LadderBenchmark", "impl", Set.of("panamax")),
            new Suite("bindings", "BindingsBenchmark", "impl", Set.of("panamax")));

    /**
     * Checks the components.
     *
     * @param name the suite's name
     * @param className the JMH class
     * @param implParam the implementation parameter
     * @param panamaxImpls panamax's values of it
     */
    public Suite {
        panamaxImpls = Set.copyOf(panamaxImpls);
    }

    /**
     * Returns every suite, in the order {@code bench all} runs them.
     *
     * @return the suites
     */
    public static List<Suite> all() {
        return ALL;
    }

    /**
     * Finds a suite by its command-line name.
     *
     * @param name such as {@code locks}
     * @return the suite, or empty when there is none of that name
     */
    public static Optional<Suite> named(String name) {
        return ALL.stream().filter(s -> s.name.equals(name)).findFirst();
    }

    /**
     * Finds the suite a JMH benchmark belongs to.
     *
     * @param benchmark the benchmark's full name, such as {@code dev.panamax.bench.LockBenchmark.contended}
     * @return the suite, or empty for a class no suite names
     */
    public static Optional<Suite> ofBenchmark(String benchmark) {
        return ALL.stream().filter(s -> benchmark.startsWith(s.qualifiedClassName() + ".")).findFirst();
    }

    /**
     * Returns the fully qualified name of the JMH class.
     *
     * @return such as {@code dev.panamax.bench.LockBenchmark}
     */
    public String qualifiedClassName() {
        return PACKAGE + "." + className;
    }

    /**
     * Returns the JMH include pattern that selects this suite's benchmarks and no other class's.
     *
     * @return a regular expression for JMH's command line
     */
    public String include() {
        return "^" + Pattern.quote(qualifiedClassName() + ".");
    }

    /**
     * Tells whether an implementation is panamax's own: one of {@link #panamaxImpls()}, or any value whose name
     * starts with {@code panamax} (so that a variant added to a benchmark counts without editing this list).
     *
     * @param impl a value of {@link #implParam()}
     * @return true for panamax, false for a peer
     */
    public boolean isPanamax(String impl) {
        return panamaxImpls.contains(impl) || impl.startsWith("panamax");
    }
}
