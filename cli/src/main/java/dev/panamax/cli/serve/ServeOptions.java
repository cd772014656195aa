/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link StaticFileServer} runs.
 *
 * @param root         the directory to serve
 * @param address      where to listen (port 0: the kernel picks one)
 * @param loops        event loops, each with its own {@code SO_REUSEPORT} listener, >= 1
 * @param idleTimeout  how long a connection may stay without a whole request arriving or a response byte leaving
 *                     before it is closed; it bounds slow clients both ways
 * @param maxHeadBytes the largest request head (request line and fields); a larger one is answered 431
 */
public record ServeOptions(Path root, InetSocketAddress address, int loops, Duration idleTimeout, int maxHeadBytes) {

    /** The most loops {@link #defaultLoops()} picks: beyond that, accept balancing gains little on one NIC. */
    public static final int MAX_DEFAULT_LOOPS = 16;
    /** The default idle timeout. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** The default head limit, as the common 8 KiB of other servers. */
    public static final int DEFAULT_MAX_HEAD_BYTES = 8192;

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException for a value out of range
     */
    public ServeOptions {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (loops < 1) {
            throw new IllegalArgumentException("loops must be >= 1: " + loops);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be > 0: " + idleTimeout);
        }
        if (maxHeadBytes < 64) {
            throw new IllegalArgumentException("maxHeadBytes must be >= 64: " + maxHeadBytes);
        }
    }

    /**
     * Options with the defaults: one loop per CPU up to {@link #MAX_DEFAULT_LOOPS}, a 30 s idle timeout, 8 KiB heads.
     *
     * @param root    the directory to serve
     * @param address where to listen
     * @return the options
     */
    public static ServeOptions of(Path root, InetSocketAddress address) {
        return new ServeOptions(root, address, defaultLoops(), DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_HEAD_BYTES);
    }

    /**
     * One loop per CPU this process may use, at most {@link #MAX_DEFAULT_LOOPS}.
     *
     * @return the default loop count
     */
    public static int defaultLoops() {
        return Math.min(Runtime.getRuntime().availableProcessors(), MAX_DEFAULT_LOOPS);
    }

    /**
     * These options with another loop count.
     *
     * @param n the loops
     * @return the options
     */
    public ServeOptions withLoops(int n) {
        return new ServeOptions(root, address, n, idleTimeout, maxHeadBytes);
    }

    /**
     * These options with another idle timeout.
     *
     * @param timeout the timeout
     * @return the options
     */
    public ServeOptions withIdleTimeout(Duration timeout) {
        return new ServeOptions(root, address, loops, timeout, maxHeadBytes);
    }

    /**
     * These options with another head limit.
     *
     * @param bytes the limit
     * @return the options
     */
    public ServeOptions withMaxHeadBytes(int bytes) {
        return new ServeOptions(root, address, loops, idleTimeout, bytes);
    }
}
