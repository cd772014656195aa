/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli;

import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine;

/**
 * Keeps a server of {@code serve} or {@code echo} running until SIGINT or SIGTERM, or until a test calls
 * {@link #stop()}, then closes it. The signals reach the JVM's shutdown hooks only; the hook wakes the command's
 * thread, which closes the server, and returns once that is done (or after {@link #CLOSE_WAIT_S} seconds), since
 * the JVM halts when the hooks have returned.
 */
final class Foreground {

    private static final long CLOSE_WAIT_S = 10;

    private final CompletableFuture<InetSocketAddress> started = new CompletableFuture<>();
    private final CountDownLatch stop = new CountDownLatch(1);

    /**
     * Prints {@code line}, then blocks until stopped, then closes the server.
     *
     * @param server  the running server
     * @param address where it listens, for {@link #started()}
     * @param line    what to print once it runs (the URL)
     * @param out     where to print
     * @throws Exception from closing the server
     */
    void run(AutoCloseable server, InetSocketAddress address, String line, PrintWriter out) throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                closed.await(CLOSE_WAIT_S, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "panamax-shutdown");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            out.println(line);
            out.flush();
            started.complete(address);
            stop.await();
        } finally {
            try {
                server.close();
                out.println("stopped");
                out.flush();
            } finally {
                closed.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down (a signal): the hook is running and returns now
                }
            }
        }
    }

    /** Stops {@link #run} as a signal would: the test hook. */
    void stop() {
        stop.countDown();
    }

    /**
     * Completes with the server's address once it runs: the test hook.
     *
     * @return the future
     */
    CompletableFuture<InetSocketAddress> started() {
        return started;
    }

    /**
     * Parses {@code --bind}: literal addresses only, as a host name would mean a DNS lookup and a choice among its
     * addresses.
     *
     * @param spec the command, for the error
     * @param bind the option's value
     * @return the address
     * @throws CommandLine.ParameterException when it is not an IPv4 or IPv6 literal
     */
    static InetAddress bindAddress(CommandLine.Model.CommandSpec spec, String bind) {
        if (bind.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            try {
                return InetAddress.getByName(bind); // a literal: no lookup
            } catch (UnknownHostException e) {
                // malformed, e.g. 1.2.3.4.5: the error below
            }
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "--bind takes an IPv4 or IPv6 address: " + bind);
    }

    /**
     * An address as a URL's host and port: {@code 127.0.0.1:8080}, {@code [::1]:8080}.
     *
     * @param address the address
     * @return host:port
     */
    static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
