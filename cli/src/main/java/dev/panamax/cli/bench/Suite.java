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
 * One benchmark suite of {@code panamax bench}: one or more JMH classes in {@code benchmarks.jar} that measure panamax
 * and its peers in the same run, each selecting the implementation by one {@code @Param}. This class is the one place
 * that says which values of those parameters are panamax's own and which is a baseline; every other value is a
 * peer.
 *
 * @param name the suite's name on the command line, such as {@code locks}
 * @param benches the JMH classes, in the order they are listed; the first is the suite's main class
 * @param panamaxImpls the values of the implementation parameters that are panamax's own
 */
public record Suite(String name, List<Bench> benches, Set<String> panamaxImpls) {

    /** The package of every benchmark class in {@code benchmarks.jar}. */
    public static final String PACKAGE = "dev.panamax.bench";

    /**
     * The implementation value of a baseline: the benchmark's work without the thing measured (such as
     * {@code AllocatorWorkloadBenchmark}'s rounds without an allocator), there to be subtracted, not compared with.
     */
    public static final String BASELINE = "none";

    /**
     * One JMH class of a suite.
     *
     * @param className the simple name of the JMH class, such as {@code LockBenchmark}
     * @param implParam the {@code @Param} that selects the implementation, such as {@code impl}
     */
    public record Bench(String className, String implParam) {

        /**
         * Returns the fully qualified name of the JMH class.
         *
         * @return such as {@code dev.panamax.bench.LockBenchmark}
         */
        public String qualifiedClassName() {
            return PACKAGE + "." + className;
        }

        /**
         * Tells whether a benchmark is a method of this class.
         *
         * @param benchmark a full benchmark name, such as {@code dev.panamax.bench.LockBenchmark.contended}
         * @return true for this class's methods (not for a class whose name only starts the same)
         */
        public boolean owns(String benchmark) {
            return benchmark.startsWith(qualifiedClassName() + ".");
        }

        /**
         * Returns the JMH include pattern that selects this class's benchmarks and no other class's.
         *
         * @return a regular expression for JMH's command line
         */
        public String include() {
            return "^" + Pattern.quote(qualifiedClassName() + ".");
        }
    }

    private static final List<Suite> ALL = List.of(
            new Suite("locks", List.of(new Bench("LockBenchmark", "impl")),
                    Set.of("futex", "futexExchange", "futexAdaptive", "spin")),
            new Suite("alloc", List.of(new Bench("AllocatorBenchmark", "peer"),
                    new Bench("AllocatorCrossThreadBenchmark", "peer"),
                    new Bench("AllocatorWorkloadBenchmark", "peer")), Set.of("panamax", "panamaxStripes")),
            new Suite("io", List.of(new Bench("IoBenchmark", "impl"), new Bench("IoNetBenchmark", "impl")),
                    Set.of("panamaxUring", "panamaxUringFile", "panamaxBlocking", "panamaxEpoll",
                            "panamaxEpollBusyPoll", "panamaxUringBusyPoll")),
            new Suite("ladder", List.of(new Bench("LadderBenchmark", "impl")), Set.of("panamax", "panamaxUring")),
            new Suite("bindings", List.of(new Bench("BindingsBenchmark", "impl")), Set.of("panamax")));

    /**
     * Checks the components.
     *
     * @param name the suite's name
     * @param benches its JMH classes, at least one
     * @param panamaxImpls panamax's values of their implementation parameters
     */
    public Suite {
        benches = List.copyOf(benches);
        if (benches.isEmpty()) {
            throw new IllegalArgumentException("suite " + name + " names no JMH class");
        }
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
        return ALL.stream().filter(s -> s.benchOf(benchmark).isPresent()).findFirst();
    }

    /**
     * Finds the class of this suite a benchmark belongs to.
     *
     * @param benchmark the benchmark's full name
     * @return the class, or empty when the benchmark is none of this suite's
     */
    public Optional<Bench> benchOf(String benchmark) {
        return benches.stream().filter(b -> b.owns(benchmark)).findFirst();
    }

    /**
     * Returns the simple name of the suite's main (first) JMH class.
     *
     * @return such as {@code LockBenchmark}
     */
    public String className() {
        return benches.getFirst().className();
    }

    /**
     * Returns the implementation parameter of the suite's main (first) class; a benchmark of another class of the
     * suite may use another one: see {@link #implParam(String)}.
     *
     * @return such as {@code impl}
     */
    public String implParam() {
        return benches.getFirst().implParam();
    }

    /**
     * Returns the implementation parameter of the class a benchmark belongs to.
     *
     * @param benchmark a full benchmark name of this suite
     * @return its class's parameter, or that of the main class for a benchmark of no class of this suite
     */
    public String implParam(String benchmark) {
        return benchOf(benchmark).orElse(benches.getFirst()).implParam();
    }

    /**
     * Returns the fully qualified name of the suite's main (first) JMH class.
     *
     * @return such as {@code dev.panamax.bench.LockBenchmark}
     */
    public String qualifiedClassName() {
        return benches.getFirst().qualifiedClassName();
    }

    /**
     * Returns the JMH include pattern that selects the benchmarks of every class of this suite and no other class's.
     *
     * @return a regular expression for JMH's command line
     */
    public String include() {
        return "^(?:" + String.join("|", benches.stream().map(b -> Pattern.quote(b.qualifiedClassName() + "."))
                .toList()) + ")";
    }

    /**
     * Tells whether an implementation is panamax's own: one of {@link #panamaxImpls()}, or any value whose name
     * starts with {@code panamax} (so that a variant added to a benchmark counts without editing this list).
     *
     * @param impl a value of an implementation parameter
     * @return true for panamax, false for a peer
     */
    public boolean isPanamax(String impl) {
        return panamaxImpls.contains(impl) || impl.startsWith("panamax");
    }

    /**
     * Tells whether an implementation is a baseline, {@value #BASELINE}: neither panamax's nor a peer, so never the
     * best peer of a comparison.
     *
     * @param impl a value of an implementation parameter
     * @return true for the baseline
     */
    public boolean isBaseline(String impl) {
        return BASELINE.equals(impl);
    }
}
