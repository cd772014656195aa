/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import java.util.Locale;

/**
 * The CPU architectures panamax has generated UAPI tables for. Syscall numbers, some open flags and the
 * layout of {@code struct epoll_event} differ between them, so every table lookup goes through {@link #current()}.
 */
public enum Arch {
    /** x86_64 (amd64): classic syscall table, packed 12-byte {@code epoll_event}. */
    X86_64,
    /** aarch64 (arm64): asm-generic syscall table (no {@code open}, no {@code epoll_wait}). */
    AARCH64;

    private static final Arch CURRENT = detect(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));

    /**
     * Returns the architecture of this JVM.
     *
     * @return the current architecture
     * @throws UnsupportedOperationException when this is not Linux on x86_64 or aarch64
     */
    public static Arch current() {
        if (CURRENT == null) {
            throw new UnsupportedOperationException(unsupportedMessage());
        }
        return CURRENT;
    }

    /**
     * Tells whether this JVM runs on a platform panamax has tables for, without throwing.
     *
     * @return true on Linux x86_64 or aarch64
     */
    public static boolean isSupported() {
        return CURRENT != null;
    }

    static Arch detect(String osName, String osArch) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return null;
        }
        return switch (osArch) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> null;
        };
    }

    static String unsupportedMessage() {
        return "panamax supports Linux on x86_64 and aarch64 only; this JVM reports os.name="
                + System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch");
    }
}
