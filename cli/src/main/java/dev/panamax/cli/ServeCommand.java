/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli;

import dev.panamax.cli.serve.ServeOptions;
import dev.panamax.cli.serve.StaticFileServer;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code panamax serve DIR}: a static-file HTTP/1.1 server on panamax's epoll event loops, bodies by sendfile. */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = Panamax.Version.class,
        description = {"Serves the files under DIR over HTTP/1.1 (GET and HEAD) until Ctrl-C or SIGTERM: epoll event "
                + "loops, each with its own SO_REUSEPORT listener, bodies sent with sendfile, keep-alive and "
                + "pipelining, an idle timeout.",
                "A directory is served as its index.html (403 without one: no listings). Paths that would leave DIR "
                        + "are refused, symbolic links leading out of it included (openat2 RESOLVE_BENEATH)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by Ctrl-C, SIGTERM or its caller", "1:could not start (address in use, ...)",
                "2:bad arguments"})
final class ServeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The directory to serve.")
    Path dir;

    @Option(names = "--port", paramLabel = "P", description = "The TCP port, 0 for one the kernel picks "
            + "(default: ${DEFAULT-VALUE}).")
    int port = 8080;

    @Option(names = "--bind", paramLabel = "ADDR", description = "The address to listen on, 0.0.0.0 or :: for every "
            + "interface (default: ${DEFAULT-VALUE}).")
    String bind = "127.0.0.1";

    @Option(names = "--loops", paramLabel = "N", description = "Event loops, one thread each (default: one per CPU, "
            + "at most " + ServeOptions.MAX_DEFAULT_LOOPS + ").")
    Integer loops;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", description = "Close a connection after this long "
            + "without a request or response progress (default: ${DEFAULT-VALUE}).")
    long idleTimeoutS = ServeOptions.DEFAULT_IDLE_TIMEOUT.toSeconds();

    final Foreground foreground = new Foreground();

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory"));
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be in [0, 65535]: " + port);
        }
        if (loops != null && (loops < 1 || loops > 1024)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--loops must be in [1, 1024]: " + loops);
        }
        if (idleTimeoutS < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--idle-timeout must be >= 1: "
                    + idleTimeoutS);
        }
        InetSocketAddress at = new InetSocketAddress(Foreground.bindAddress(spec, bind), port);
        ServeOptions options = ServeOptions.of(dir, at).withIdleTimeout(Duration.ofSeconds(idleTimeoutS));
        if (loops != null) {
            options = options.withLoops(loops);
        }
        StaticFileServer server = StaticFileServer.start(options);
        InetSocketAddress bound = server.address();
        foreground.run(server, bound, "panamax serve: " + dir + " at http://" + Foreground.hostPort(bound) + "/ ("
                + options.loops() + (options.loops() == 1 ? " loop" : " loops") + "; Ctrl-C stops)",
                spec.commandLine().getOut());
        return Panamax.EXIT_OK;
    }
}
