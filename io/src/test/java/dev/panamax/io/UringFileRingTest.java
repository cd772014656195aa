/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io;

import dev.panamax.ffm.IoUringSyscalls;

import org.junit.jupiter.api.BeforeEach;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link UringFileContractTest} on the io_uring engine. */
class UringFileRingTest extends UringFileContractTest {

    @BeforeEach
    void requireIoUring() {
        assumeTrue(IoUringSyscalls.FEATURE.isAvailable(), () -> "io_uring unavailable: "
                + IoUringSyscalls.FEATURE.unavailabilityCause());
    }

    @Override
    UringFile.Engine engine() {
        return UringFile.Engine.URING;
    }
}
