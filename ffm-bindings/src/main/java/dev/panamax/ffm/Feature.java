/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A kernel feature that panamax finds by probing the running kernel once, lazily, on first use
 * (STYLE.md B.8). {@link #isSupported()} says whether the kernel has it at all; {@link #isAvailable()} says
 * whether it can be used now (supported, enabled by the administrator, allowed by the sandbox, and not
 * switched off with {@code -Dpanamax.<name>.disable=true}). When it cannot, {@link #unavailabilityCause()} is
 * one sentence saying why and how to fix it.
 */
public final class Feature {

    /** futex2 syscalls {@code futex_wait}/{@code futex_wake} (Linux 6.7). */
    public static final Feature FUTEX2 = new Feature("futex2", Probes::futex2);
    /** {@code futex_waitv(2)}: wait on several futexes at once (Linux 5.16). */
    public static final Feature FUTEX_WAITV = new Feature("futex_waitv", Probes::futexWaitv);
    /** NUMA memory policy syscalls ({@code get_mempolicy}, {@code mbind}, {@code move_pages}). */
    public static final Feature NUMA = new Feature("numa", Probes::numa);
    /** Transparent huge pages, enabled in mode {@code always} or {@code madvise}. */
    public static final Feature TRANSPARENT_HUGE_PAGES = new Feature("thp", Probes::transparentHugePages);
    /** hugetlbfs huge pages with a non-empty pool ({@code MAP_HUGETLB} mappings can succeed). */
    public static final Feature HUGE_PAGES = new Feature("hugepages", Probes::hugePages);

    /**
     * What a probe found.
     *
     * @param supported whether the kernel has the feature
     * @param enabled   whether it can be used now
     * @param cause     when not enabled, why and how to fix it; else null
     * @param fix       when not enabled, how to fix it (the end of {@code cause}); else null
     */
    record Status(boolean supported, boolean enabled, String cause, String fix) {
        static Status available() {
            return new Status(true, true, null, null);
        }

        static Status unsupported(String why, String fix) {
            return new Status(false, false, why + "; " + fix, fix);
        }

        static Status disabled(String why, String fix) {
            return new Status(true, false, why + "; " + fix, fix);
        }
    }

    private final String name;
    private final String property;
    private final Supplier<Status> probe;
    private volatile Status status; // written once by the first caller of status(); a racing second probe is harmless

    Feature(String name, Supplier<Status> probe) {
        this.name = Objects.requireNonNull(name);
        this.property = "panamax." + name + ".disable";
        this.probe = Objects.requireNonNull(probe);
    }

    /**
     * Returns the feature's short name, as used in its {@code -Dpanamax.<name>.disable} property.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Tells whether the running kernel has the feature, even if it is disabled or blocked.
     *
     * @return true if supported
     */
    public boolean isSupported() {
        return status().supported();
    }

    /**
     * Tells whether the feature can be used now.
     *
     * @return true if available
     */
    public boolean isAvailable() {
        return status().enabled();
    }

    /**
     * Returns why the feature is unavailable and how to fix it, or null if it is available.
     *
     * @return a sentence, or null
     */
    public String unavailabilityCause() {
        return status().cause();
    }

    /**
     * Returns how to make the feature available, the short form that ends {@link #unavailabilityCause()}, or
     * null if it is available. It matches the cause: a seccomp refusal names the profile, a missing syscall the
     * kernel.
     *
     * @return an imperative sentence, or null
     */
    public String unavailabilityFix() {
        return status().fix();
    }

    /**
     * Throws if the feature is unavailable.
     *
     * @throws UnsupportedOperationException with {@link #unavailabilityCause()} as message
     */
    public void ensureAvailable() {
        Status s = status();
        if (!s.enabled()) {
            throw new UnsupportedOperationException(s.cause());
        }
    }

    private Status status() {
        Status s = status;
        if (s == null) {
            s = Boolean.getBoolean(property)
                    ? Status.disabled(name + " disabled by -D" + property + "=true", "remove that flag to use it")
                    : probe.get();
            status = s;
        }
        return s;
    }

    @Override
    public String toString() {
        Status s = status();
        return s.enabled() ? name + ": available" : name + ": unavailable (" + s.cause() + ")";
    }
}
