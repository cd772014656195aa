/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm.internal;

/**
 * Tells the user, once and exactly, which flag grants native access when it is missing. The JDK only warns
 * by default (and throws {@link IllegalCallerException} under {@code --illegal-native-access=deny}); both
 * leave a newcomer guessing which module to name.
 */
final class NativeAccessCheck {

    private static final Module MODULE = NativeAccessCheck.class.getModule();
    private static final String FLAG =
            "--enable-native-access=" + (MODULE.isNamed() ? MODULE.getName() : "ALL-UNNAMED");
    private static volatile boolean reported; // written once by the first caller that finds access missing

    private NativeAccessCheck() {
    }

    /** The exact flag this deployment (module path or class path) needs. */
    static String flag() {
        return FLAG;
    }

    static IllegalCallerException denied(IllegalCallerException cause) {
        return new IllegalCallerException("native access denied to panamax: run java with " + FLAG, cause);
    }

    static void ensureEnabled() {
        if (MODULE.isNativeAccessEnabled() || reported) {
            return;
        }
        reported = true;
        System.getLogger("dev.panamax.ffm").log(System.Logger.Level.WARNING,
                "panamax calls the kernel through the FFM API: run java with " + FLAG
                        + " (without it the JDK warns now and will refuse in a future release)");
    }
}
