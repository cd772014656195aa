/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.echo;

class EpollEchoServerTest extends EchoServerContractTest {

    @Override
    EchoServer.Engine engine() {
        return EchoServer.Engine.EPOLL;
    }
}
