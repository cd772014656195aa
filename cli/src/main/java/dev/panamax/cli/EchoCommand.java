/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli;

import dev.panamax.cli.echo.EchoServer;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code panamax echo}: a TCP echo server on an epoll or an io_uring loop. */
@Command(name = "echo",
        mixinStandardHelpOptions = true,
        versionProvider = Panamax.Version.class,
        description = {"Runs a TCP echo server until Ctrl-C or SIGTERM: every byte a client sends comes back. "
                + "One loop thread: epoll (readiness, recv/send when ready) or io_uring (a RECV or SEND in flight per "
                + "connection). Try it with 'nc 127.0.0.1 7007'."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by Ctrl-C, SIGTERM or its caller",
            "1:could not start (address in use, io_uring unavailable, ...)", "2:bad arguments"})
final class EchoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "P", description = "The TCP port, 0 for one the kernel picks "
            + "(default: ${DEFAULT-VALUE}).")
    int port = 7007;

    @Option(names = "--bind", paramLabel = "ADDR", description = "The address to listen on (default: "
            + "${DEFAULT-VALUE}).")
    String bind = "127.0.0.1";

    @Option(names = "--engine", paramLabel = "epoll|uring", description = "The loop (default: ${DEFAULT-VALUE}).")
    String engine = "epoll";

    final Foreground foreground = new Foreground();

    @Override
    public Integer call() throws Exception {
        EchoServer.Engine e = switch (engine.toLowerCase(Locale.ROOT)) {
            case "epoll" -> EchoServer.Engine.EPOLL;
            case "uring", "io_uring" -> EchoServer.Engine.URING;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--engine must be epoll or uring: " + engine);
        };
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be in [0, 65535]: " + port);
        }
        InetSocketAddress at = new InetSocketAddress(Foreground.bindAddress(spec, bind), port);
        EchoServer server = EchoServer.start(e, at);
        InetSocketAddress bound = server.address();
        foreground.run(server, bound, "panamax echo: " + Foreground.hostPort(bound) + " on "
                + e.name().toLowerCase(Locale.ROOT) + " (Ctrl-C stops)", spec.commandLine().getOut());
        return Panamax.EXIT_OK;
    }
}
