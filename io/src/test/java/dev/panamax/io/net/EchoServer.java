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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test echo server on an {@link EventLoop}: a level-triggered listener, edge-triggered connections that read
 * until EAGAIN and queue what the kernel would not send yet, watching {@link Epoll#OUT} only while output is
 * pending.
 */
final class EchoServer implements AutoCloseable {

    private final EventLoop loop;
    private final Fd listener;
    private final Registration listening;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment scratch = arena.allocate(64 * 1024);
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    EchoServer(EventLoop loop, boolean exclusive) throws IOException {
        this(loop, Tcp.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128, false), exclusive);
    }

    EchoServer(EventLoop loop, Fd listener, boolean exclusive) throws IOException {
        this.loop = loop;
        this.listener = listener;
        this.listening = loop.register(listener, Epoll.IN, EventLoop.Trigger.LEVEL, exclusive, this::accept);
    }

    int port() throws IOException {
        return Tcp.localPort(listener);
    }

    private void accept(Registration r, int events) throws IOException {
        Fd fd;
        while ((fd = Tcp.accept(listener)) != null) {
            accepted.incrementAndGet();
            Registration c = loop.register(fd, Epoll.IN | Epoll.RDHUP, EventLoop.Trigger.EDGE, false, this::serve);
            c.attach(new Pending());
        }
    }

    /** Bytes received but not yet echoed. */
    private static final class Pending {
        byte[] bytes = new byte[4096];
        int start;
        int end;
        boolean eof;

        void append(MemorySegment src, int n) {
            if (end + n > bytes.length) {
                int live = end - start;
                byte[] next = live + n > bytes.length ? new byte[Math.max(bytes.length * 2, live + n)] : bytes;
                System.arraycopy(bytes, start, next, 0, live);
                bytes = next;
                start = 0;
                end = live;
            }
            MemorySegment.copy(src, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, bytes, end, n);
            end += n;
        }
    }

    private void serve(Registration r, int events) throws IOException {
        Pending p = (Pending) r.attachment();
        Fd fd = r.fd();
        if ((events & (Epoll.IN | Epoll.RDHUP | Epoll.HUP | Epoll.ERR)) != 0) {
            while (true) { // edge-triggered: drain until EAGAIN
                long n = Sockets.receive(fd, scratch, 0);
                if (n == Sockets.AGAIN) {
                    break;
                }
                if (n == Sockets.INTERRUPTED) {
                    continue;
                }
                if (n == 0) {
                    p.eof = true;
                    break;
                }
                p.append(scratch, (int) n);
            }
        }
        flush(r, p);
    }

    private void flush(Registration r, Pending p) throws IOException {
        while (p.start < p.end) {
            int n = Math.min(p.end - p.start, (int) scratch.byteSize());
            MemorySegment.copy(p.bytes, p.start, scratch, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, n);
            long sent = Sockets.send(r.fd(), scratch.asSlice(0, n), Sockets.NO_SIGNAL);
            if (sent == Sockets.AGAIN) {
                if ((r.interest() & Epoll.OUT) == 0) {
                    r.modify(Epoll.IN | Epoll.RDHUP | Epoll.OUT);
                }
                return;
            }
            if (sent > 0) {
                p.start += (int) sent;
            }
        }
        p.start = 0;
        p.end = 0;
        if (p.eof) {
            r.cancel();
            r.fd().close();
            closed.incrementAndGet();
        } else if ((r.interest() & Epoll.OUT) != 0) {
            r.modify(Epoll.IN | Epoll.RDHUP);
        }
    }

    @Override
    public void close() throws IOException {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        loop.execute(() -> {
            try {
                listening.cancel();
                listener.close();
                done.complete(null);
            } catch (IOException e) {
                done.completeExceptionally(e);
            }
        });
        done.join();
        arena.close();
    }
}
