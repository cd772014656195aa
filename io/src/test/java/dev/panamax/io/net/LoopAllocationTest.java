/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import dev.panamax.ffm.Epoll;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.IoUringSyscalls;
import dev.panamax.ffm.Sockets;
import dev.panamax.io.uring.IoUring;
import dev.panamax.sync.FutexSemaphore;
import dev.panamax.testing.AllocationRounds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The loop threads allocate nothing on the Java heap once compiled (see {@link AllocationRounds}) while they dispatch
 * a ready connection to its handler or completion, and while they wake up for a task: a server's loop, echoing
 * small messages on a loopback TCP connection here, feeds the garbage collector nothing.
 */
class LoopAllocationTest {

    private static final int OPS_PER_ROUND = 2_000;
    private static final long TIMEOUT_S = 10;
    // A long-running server has made many registrations: the ids of later ones are past the small boxed Longs that
    // the JDK caches, so a lookup keyed by a boxed id would allocate.
    private static final int EARLIER_REGISTRATIONS = 200;

    private final Arena arena = Arena.ofShared();
    private Fd listener;
    private Fd client;
    private Fd server;
    private MemorySegment clientByte;

    @BeforeEach
    void connect() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        listener = Tcp.listen(new InetSocketAddress(loopback, 0), 1, false);
        client = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, 0); // blocking: the test waits in recv
        Sockets.setOption(client, Sockets.IntOption.TCP_NO_DELAY, 1);
        Sockets.connect(client, new InetSocketAddress(loopback, Tcp.localPort(listener)));
        server = Tcp.accept(listener); // the loopback connect has completed: accept finds it queued
        assertNotNull(server, "the connection is queued on the listener once connect() returned");
        clientByte = arena.allocate(1);
    }

    @AfterEach
    void close() throws IOException {
        try {
            server.close();
            client.close();
            listener.close();
        } finally {
            arena.close();
        }
    }

    /** Sends one byte and waits for the loop to echo it. */
    private void echo() throws IOException {
        assertEquals(1, Sockets.send(client, clientByte, 0));
        assertEquals(1, Sockets.receive(client, clientByte, 0));
    }

    @Test
    void shouldAllocateNothingWhenEventLoopDispatchesReadinessAndWakesForTasks() throws Exception {
        MemorySegment serverByte = arena.allocate(1);
        FutexSemaphore ran = new FutexSemaphore(0);
        Runnable task = ran::release; // made once: the submitting side's own allocations are not counted here
        try (EventLoop loop = EventLoop.start("allocation-test")) {
            for (int i = 0; i < EARLIER_REGISTRATIONS; i++) {
                loop.register(listener, Epoll.IN, EventLoop.Trigger.LEVEL, false, (r, events) -> { }).cancel();
            }
            loop.register(server, Epoll.IN, EventLoop.Trigger.LEVEL, false, (r, events) -> {
                if (Sockets.receive(server, serverByte, 0) == 1) {
                    Sockets.send(server, serverByte, 0);
                }
            });
            new AllocationRounds(OPS_PER_ROUND)
                    .add("readiness", this::echo)
                    .add("task", () -> {
                        loop.execute(task);
                        ran.acquire();
                    })
                    .assertNothingAllocatedBy(loopThread(loop));
        }
    }

    @Test
    void shouldAllocateNothingWhenUringLoopDispatchesCompletionsAndWakesForTasks() throws Exception {
        assumeTrue(IoUringSyscalls.FEATURE.isAvailable(), () -> "io_uring unavailable: "
                + IoUringSyscalls.FEATURE.unavailabilityCause());
        FutexSemaphore ran = new FutexSemaphore(0);
        Runnable task = ran::release;
        try (UringLoop loop = UringLoop.start("allocation-test", IoUring.Options.of(8))) {
            Echo echo = new Echo(loop.ring(), server, arena.allocate(1));
            loop.execute(echo::receive);
            new AllocationRounds(OPS_PER_ROUND)
                    .add("completion", this::echo)
                    .add("task", () -> {
                        loop.execute(task);
                        ran.acquire();
                    })
                    .assertNothingAllocatedBy(loopThread(loop));
        }
    }

    /** Echoes each byte received, with two completions made once: one for the receive, one for the send. */
    private static final class Echo {
        private final IoUring ring;
        private final Fd socket;
        private final MemorySegment buffer;
        private final IoUring.Completion received = (result, flags) -> {
            if (result == 1) {
                send();
            }
        };
        private final IoUring.Completion sent = (result, flags) -> receive();

        Echo(IoUring ring, Fd socket, MemorySegment buffer) {
            this.ring = ring;
            this.socket = socket;
            this.buffer = buffer;
        }

        void receive() {
            try {
                ring.recv(socket, buffer, received);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void send() {
            try {
                ring.send(socket, buffer, sent);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Thread loopThread(java.util.concurrent.Executor loop) throws Exception {
        CompletableFuture<Thread> thread = new CompletableFuture<>();
        loop.execute(() -> thread.complete(Thread.currentThread()));
        return thread.get(TIMEOUT_S, TimeUnit.SECONDS);
    }
}
