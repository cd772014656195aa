/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

/** {@link UringFileContractTest} on the blocking engine, the fallback when io_uring is unavailable. */
class UringFileBlockingTest extends UringFileContractTest {

    @Override
    UringFile.Engine engine() {
        return UringFile.Engine.BLOCKING;
    }
}
