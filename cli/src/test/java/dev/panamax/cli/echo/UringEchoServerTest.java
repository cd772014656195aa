/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.echo;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.panamax.ffm.IoUringSyscalls;

class UringEchoServerTest extends EchoServerContractTest {

    @Override
    EchoServer.Engine engine() {
        assumeTrue(IoUringSyscalls.FEATURE.isAvailable(), () -> "io_uring unavailable: "
                + IoUringSyscalls.FEATURE.unavailabilityCause());
        return EchoServer.Engine.URING;
    }
}
