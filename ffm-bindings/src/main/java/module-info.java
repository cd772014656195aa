/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Linux syscalls through the FFM API. The only panamax module that links native code: run with
 * {@code --enable-native-access=dev.panamax.ffm} (or {@code ALL-UNNAMED} on the class path).
 */
module dev.panamax.ffm {
    exports dev.panamax.ffm;
}
