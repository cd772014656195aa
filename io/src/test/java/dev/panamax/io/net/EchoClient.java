/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import dev.panamax.ffm.Epoll;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.Sockets;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * A test client on an {@link EventLoop}: connects with {@link Tcp#connect}, then sends its messages one at a time,
 * each only after the previous one came back, comparing every echoed byte with what it sent.
 */
final class EchoClient {

    private final MemorySegment payload;
    private final int[] ends; // message i is payload[ends[i-1], ends[i])
    private final MemorySegment inbox;
    private final CompletableFuture<Integer> done = new CompletableFuture<>();
    private Fd fd;
    private boolean connected;
    private int message;
    private long sent;
    private long received;

    EchoClient(Arena arena, long seed, int messages, int maxMessageBytes) {
        SplittableRandom random = new SplittableRandom(seed);
        ends = new int[messages];
        int total = 0;
        for (int i = 0; i < messages; i++) {
            total += 1 + random.nextInt(maxMessageBytes);
            ends[i] = total;
        }
        payload = arena.allocate(total);
        for (int i = 0; i < total; i++) {
            payload.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
        }
        inbox = arena.allocate(Math.max(maxMessageBytes, 1));
    }

    /** Completes with the number of messages echoed, or fails on the first wrong byte or error. */
    CompletableFuture<Integer> done() {
        return done;
    }

    long totalBytes() {
        return payload.byteSize();
    }

    void start(EventLoop loop, InetSocketAddress server) {
        loop.execute(() -> {
            try {
                fd = Tcp.connect(server);
                loop.register(fd, Epoll.OUT | Epoll.IN | Epoll.RDHUP, EventLoop.Trigger.EDGE, false, this::ready);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
    }

    private void ready(Registration r, int events) throws IOException {
        try {
            if (!connected) {
                if ((events & (Epoll.OUT | Epoll.ERR | Epoll.HUP)) == 0) {
                    return;
                }
                Tcp.finishConnect(fd);
                connected = true;
            }
            step(r);
        } catch (IOException | RuntimeException e) {
            done.completeExceptionally(e);
            r.cancel();
            fd.close();
        }
    }

    private void step(Registration r) throws IOException {
        while (message < ends.length) {
            long end = ends[message];
            while (sent < end) {
                long n = Sockets.send(fd, payload.asSlice(sent, end - sent), Sockets.NO_SIGNAL);
                if (n == Sockets.AGAIN) {
                    return; // edge-triggered OUT tells us when there is room again
                }
                if (n > 0) {
                    sent += n;
                }
            }
            while (received < end) {
                long n = Sockets.receive(fd, inbox.asSlice(0, Math.min(inbox.byteSize(), end - received)), 0);
                if (n == Sockets.AGAIN) {
                    return;
                }
                if (n == 0) {
                    throw new IOException("server closed after " + received + " of " + payload.byteSize() + " bytes");
                }
                if (n < 0) {
                    continue;
                }
                long mismatch = inbox.asSlice(0, n).mismatch(payload.asSlice(received, n));
                if (mismatch != -1) {
                    throw new IOException("echo differs at byte " + (received + mismatch));
                }
                received += n;
            }
            message++;
        }
        r.cancel();
        fd.close();
        done.complete(message);
    }
}
