/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import picocli.CommandLine;

/**
 * Runs {@code serve} or {@code echo} in-process on a thread of its own, with the command object handed in so the
 * test reaches its {@link Foreground} hooks: the bound address once it runs, and a stop as a signal would give.
 */
final class ForegroundRun implements AutoCloseable {

    static final long WAIT_S = 20;

    private final Foreground foreground;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    ForegroundRun(Object command, Foreground foreground, String... args) {
        this.foreground = foreground;
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls.isInstance(command) ? cls.cast(command) : CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cl = Panamax.commandLine(factory);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        Thread t = new Thread(() -> exit.complete(cl.execute(args)), "foreground-run");
        t.setDaemon(true);
        t.start();
        exit.thenRun(() -> foreground.started().complete(null)); // a command that fails to start ends the wait
    }

    /** Waits until the server runs; null when the command ended first (see {@link #exitCode()}). */
    InetSocketAddress awaitStarted() throws Exception {
        return foreground.started().get(WAIT_S, TimeUnit.SECONDS);
    }

    /** Stops the server as SIGINT would, and waits for the command's exit code. */
    int stop() throws Exception {
        foreground.stop();
        return exitCode();
    }

    int exitCode() throws Exception {
        return exit.get(WAIT_S, TimeUnit.SECONDS);
    }

    String out() {
        synchronized (out.getBuffer()) {
            return out.toString();
        }
    }

    String err() {
        synchronized (err.getBuffer()) {
            return err.toString();
        }
    }

    @Override
    public void close() throws ExecutionException, TimeoutException {
        foreground.stop();
        try {
            exit.get(WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the command stopped", e);
        }
    }
}
