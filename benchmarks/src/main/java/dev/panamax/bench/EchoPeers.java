/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import dev.panamax.ffm.Epoll;
import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.IoUringOps;
import dev.panamax.ffm.Sockets;
import dev.panamax.io.net.EventLoop;
import dev.panamax.io.net.LoopOptions;
import dev.panamax.io.net.Registration;
import dev.panamax.io.net.Tcp;
import dev.panamax.io.net.UringLoop;
import dev.panamax.io.uring.IoUring;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * The loopback echo servers of {@link IoNetBenchmark}, one per implementation, each on one server thread that
 * accepts and serves every connection (no separate acceptor thread), with {@code TCP_NODELAY} on accepted sockets
 * and a per-connection buffer of {@link #BUFFER_BYTES}. All echo what they read as soon as they read it.
 */
final class EchoPeers {

    /** Bytes each server reads at most per receive. */
    static final int BUFFER_BYTES = 16 * 1024;
    /**
     * The busy-poll budget of the {@code ...BusyPoll} servers: 50 µs, the value the kernel's documentation suggests
     * for {@code net.core.busy_poll}, and longer than the whole 1-connection round trip we measure on the 2-vCPU
     * development VM (about 6-10 µs when it is quiet, up to about 60 µs when it is loaded), so that the server's
     * wait between a reply and the next message, which is the client's wake-up and turn, fits in the spin. A longer
     * budget would only burn more CPU after the last message.
     */
    static final LoopOptions BUSY_POLL = LoopOptions.busyPoll(50, TimeUnit.MICROSECONDS);

    private EchoPeers() {
    }

    /** A running echo server on the loopback address. */
    interface EchoServer {
        /**
         * The port it listens on.
         *
         * @return the port
         */
        int port();

        /**
         * The thread that serves every connection.
         *
         * @return the server thread
         */
        Thread thread();

        /**
         * Stops the server thread and closes its sockets.
         *
         * @throws Exception when stopping fails
         */
        void stop() throws Exception;
    }

    /**
     * Starts the server named by {@code impl}.
     *
     * @param impl panamaxEpoll, panamaxEpollBusyPoll, panamaxUring, panamaxUringBusyPoll, nio, nettyEpoll or
     *             nettyIoUring
     * @return the running server
     * @throws Exception when it cannot start, e.g. a transport unavailable in this kernel
     */
    static EchoServer start(String impl) throws Exception {
        return switch (impl) {
            case "panamaxEpoll" -> new PanamaxEpoll(LoopOptions.DEFAULT);
            case "panamaxEpollBusyPoll" -> new PanamaxEpoll(BUSY_POLL);
            case "panamaxUring" -> new PanamaxUring(LoopOptions.DEFAULT);
            case "panamaxUringBusyPoll" -> new PanamaxUring(BUSY_POLL);
            case "nio" -> new Nio();
            case "nettyEpoll" -> new Netty(false);
            case "nettyIoUring" -> new Netty(true);
            default -> throw new IllegalArgumentException("unknown impl " + impl);
        };
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /**
     * panamax {@link EventLoop}: level-triggered readiness, one receive and one send per readiness; blocking when
     * idle, or busy-polling first ({@link #BUSY_POLL}).
     */
    static final class PanamaxEpoll implements EchoServer {
        private final EventLoop loop;
        private final Thread thread;
        private final Fd listener;
        private final int port;
        private final Arena arena = Arena.ofShared();
        private final List<Fd> connections = new ArrayList<>(); // loop thread only until the loop is closed

        PanamaxEpoll(LoopOptions options) throws IOException {
            listener = Tcp.listen(loopback(0), 1024, false);
            port = Tcp.localPort(listener);
            loop = EventLoop.start("echo-panamax-epoll", options);
            CompletableFuture<Thread> loopThread = new CompletableFuture<>();
            loop.execute(() -> loopThread.complete(Thread.currentThread()));
            thread = loopThread.join();
            loop.register(listener, Epoll.IN, EventLoop.Trigger.LEVEL, false, (r, events) -> accept());
        }

        private void accept() throws IOException {
            Fd c;
            while ((c = Tcp.accept(listener)) != null) {
                connections.add(c);
                Connection conn = new Connection(c, arena.allocate(BUFFER_BYTES));
                Registration r = loop.register(c, Epoll.IN, EventLoop.Trigger.LEVEL, false, conn::ready);
                r.attach(conn);
            }
        }

        /** One connection's buffer and unsent bytes; loop thread only. */
        private static final class Connection {
            private final Fd fd;
            private final MemorySegment buffer;
            private long unsentFrom;
            private long unsentTo;

            Connection(Fd fd, MemorySegment buffer) {
                this.fd = fd;
                this.buffer = buffer;
            }

            void ready(Registration r, int events) throws IOException {
                try {
                    serve(r);
                } catch (ErrnoException e) { // a reset by the client: that connection only ends
                    r.cancel();
                    fd.close();
                }
            }

            private void serve(Registration r) throws IOException {
                if (unsentTo > unsentFrom) {
                    if (flush(r)) {
                        r.modify(Epoll.IN);
                    }
                    return;
                }
                long n = Sockets.receive(fd, buffer, 0);
                if (n == Sockets.AGAIN || n == Sockets.INTERRUPTED) {
                    return;
                }
                if (n == 0) {
                    r.cancel();
                    fd.close();
                    return;
                }
                unsentFrom = 0;
                unsentTo = n;
                if (!flush(r)) {
                    r.modify(Epoll.OUT); // the socket is full: stop reading until the echo has left
                }
            }

            private boolean flush(Registration r) throws IOException {
                while (unsentFrom < unsentTo) {
                    long n = Sockets.send(fd, buffer.asSlice(unsentFrom, unsentTo - unsentFrom), Sockets.NO_SIGNAL);
                    if (n == Sockets.AGAIN) {
                        return false;
                    }
                    if (n > 0) {
                        unsentFrom += n;
                    }
                }
                return true;
            }
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public Thread thread() {
            return thread;
        }

        @Override
        public void stop() throws Exception {
            loop.close();
            for (Fd c : connections) {
                c.close();
            }
            listener.close();
            arena.close();
        }
    }

    /**
     * An io_uring echo server on a panamax {@link UringLoop}: a multishot accept, then per connection a receive
     * whose completion queues the send with the next receive linked behind it. One {@code io_uring_enter} per loop
     * turn submits everything queued and waits for the next completion; with {@link #BUSY_POLL} the loop submits
     * without waiting and watches the completion queue for up to the budget before that.
     */
    static final class PanamaxUring implements EchoServer {
        private final Fd listener;
        private final int port;
        private final UringLoop loop;
        private final Thread thread;
        private final Arena arena = Arena.ofShared(); // connection buffers, closed after the ring
        private volatile boolean stopping; // written by stop(), read by the loop thread
        private volatile Throwable failure; // written by the loop thread when an accept fails
        private final List<Fd> connections = new ArrayList<>(); // loop thread only until the loop is closed

        PanamaxUring(LoopOptions options) throws Exception {
            listener = Tcp.listen(loopback(0), 1024, false);
            port = Tcp.localPort(listener);
            loop = UringLoop.start("echo-panamax-uring", IoUring.Options.of(256), options);
            CompletableFuture<Thread> armed = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    IoUring ring = loop.ring();
                    if (!ring.supports(IoUringOps.OP_ACCEPT) || !ring.supports(IoUringOps.OP_RECV)
                            || !ring.supports(IoUringOps.OP_SEND)) {
                        throw new UnsupportedOperationException("this kernel's io_uring lacks accept, recv or send");
                    }
                    ring.accept(listener, true, this::accepted);
                    armed.complete(Thread.currentThread());
                } catch (IOException | RuntimeException e) {
                    armed.completeExceptionally(e);
                }
            });
            try {
                thread = armed.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                loop.close();
                listener.close();
                throw new IllegalStateException("the io_uring echo loop failed to start", e);
            }
        }

        private void accepted(int result, int flags) {
            if (result < 0) {
                if (!stopping && result != -Errno.ECANCELED.value()) {
                    failure = new IllegalStateException("io_uring accept failed: " + Errno.of(-result));
                }
                return;
            }
            Fd c = Fd.adopt(result);
            connections.add(c);
            try {
                Sockets.setOption(c, Sockets.IntOption.TCP_NO_DELAY, 1);
                new Connection(c, arena.allocate(BUFFER_BYTES)).receive();
                if ((flags & IoUringOps.CQE_F_MORE) == 0 && !stopping) {
                    loop.ring().accept(listener, true, this::accepted); // the kernel ended the multishot: re-arm
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /*
         * One connection, two buffers used in turn. A receive into buffer k completes; the echo of buffer k is
         * queued together with the next receive, into buffer 1 - k, linked behind it (IOSQE_IO_LINK): the kernel
         * arms that receive as soon as the send completes, in the same io_uring_enter, instead of one loop turn
         * later. A send without MSG_WAITALL that sends fewer bytes still succeeds, so the chain goes on and the
         * receive may fill the other buffer while the rest of buffer k is sent unlinked; such an echo waits until
         * buffer k is out, and the receive into buffer k is armed only then. A chain the kernel does break (the
         * receive completes with -ECANCELED after a failed send) is re-armed the same way.
         */
        private final class Connection {
            private final Fd fd;
            private final IoUring ring = loop.ring(); // created on the loop thread, the ring's owner
            private final MemorySegment[] buffers;
            private final IoUring.Completion received = this::received;
            private final IoUring.Completion sent = this::sent;
            private int receiving; // the buffer the receive in flight fills, or -1 when none is in flight
            private int sending = -1; // the buffer being echoed, or -1
            private int unsentFrom;
            private int unsentTo;
            private int waitingBytes; // bytes received into 1 - sending while sending was still in flight

            Connection(Fd fd, MemorySegment buffer) {
                this.fd = fd;
                long half = buffer.byteSize() / 2;
                this.buffers = new MemorySegment[] {buffer.asSlice(0, half), buffer.asSlice(half, half)};
            }

            void receive() throws IOException {
                receiving = 0;
                ring.recv(fd, buffers[0], received);
            }

            private void received(int result, int flags) {
                if (stopping) {
                    return;
                }
                int k = receiving;
                receiving = -1;
                if (result == -Errno.ECANCELED.value() && sending >= 0) {
                    return; // the chain broke: sent() re-arms the receive once the echo is out
                }
                if (result <= 0) {
                    return; // end of stream or reset: the fd is closed with the server
                }
                if (sending >= 0) {
                    waitingBytes = result; // the echo before it is still going out
                    return;
                }
                echo(k, result);
            }

            private void echo(int k, int length) {
                sending = k;
                unsentFrom = 0;
                unsentTo = length;
                receiving = 1 - k;
                try {
                    ring.reserve(2);
                    ring.send(fd, buffers[k].asSlice(0, length), sent);
                    ring.link();
                    ring.recv(fd, buffers[1 - k], received);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            private void sent(int result, int flags) {
                if (result < 0 || stopping) {
                    return; // reset: the fd is closed with the server
                }
                unsentFrom += result;
                int k = sending;
                try {
                    if (unsentFrom < unsentTo) {
                        ring.send(fd, buffers[k].asSlice(unsentFrom, unsentTo - unsentFrom), sent);
                        return;
                    }
                    sending = -1;
                    if (waitingBytes > 0) {
                        int length = waitingBytes;
                        waitingBytes = 0;
                        echo(1 - k, length);
                    } else if (receiving < 0) {
                        receiving = 1 - k;
                        ring.recv(fd, buffers[1 - k], received);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public Thread thread() {
            return thread;
        }

        @Override
        public void stop() throws Exception {
            stopping = true;
            loop.close(); // cancels the accept and the receives in flight, then joins the loop thread
            for (Fd c : connections) {
                c.close();
            }
            listener.close();
            arena.close();
            if (failure != null) {
                throw new IllegalStateException("the io_uring echo loop failed", failure);
            }
        }
    }

    /** The JDK's {@link Selector} (epoll underneath), direct buffers, one read and one write per readiness. */
    static final class Nio implements EchoServer {
        private final Selector selector;
        private final ServerSocketChannel server;
        private final Thread thread;
        private volatile boolean stopping; // written by stop(), read by the server thread
        private volatile Throwable failure; // written by the server thread before it ends

        Nio() throws IOException {
            selector = Selector.open();
            server = ServerSocketChannel.open();
            server.bind(loopback(0), 1024);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            thread = new Thread(this::run, "echo-nio");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                while (!stopping) {
                    selector.select();
                    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isAcceptable()) {
                            accept();
                        } else {
                            try {
                                serve(key);
                            } catch (IOException e) { // a reset by the client: that connection only ends
                                key.cancel();
                                key.channel().close();
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }

        private void accept() throws IOException {
            SocketChannel c;
            while ((c = server.accept()) != null) {
                c.configureBlocking(false);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.register(selector, SelectionKey.OP_READ, ByteBuffer.allocateDirect(BUFFER_BYTES));
            }
        }

        private static void serve(SelectionKey key) throws IOException {
            SocketChannel c = (SocketChannel) key.channel();
            ByteBuffer buffer = (ByteBuffer) key.attachment();
            if (key.isReadable()) {
                int n = c.read(buffer);
                if (n < 0) {
                    key.cancel();
                    c.close();
                    return;
                }
                buffer.flip();
            }
            c.write(buffer);
            if (buffer.hasRemaining()) {
                key.interestOps(SelectionKey.OP_WRITE); // the socket is full: stop reading until the echo left
            } else {
                buffer.clear();
                key.interestOps(SelectionKey.OP_READ);
            }
        }

        @Override
        public int port() {
            return server.socket().getLocalPort();
        }

        @Override
        public Thread thread() {
            return thread;
        }

        @Override
        public void stop() throws Exception {
            stopping = true;
            selector.wakeup();
            thread.join(TimeUnit.SECONDS.toMillis(20));
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
            if (failure != null) {
                throw new IllegalStateException("the NIO echo loop failed", failure);
            }
        }
    }

    /** Netty 4.2 with its JNI epoll or io_uring transport, one event loop thread, the canonical echo handler. */
    static final class Netty implements EchoServer {
        private final EventLoopGroup group;
        private final Channel channel;
        private final Thread thread;

        Netty(boolean ioUring) throws InterruptedException, ExecutionException {
            IoHandlerFactory factory;
            Class<? extends ServerChannel> channelType;
            if (ioUring) {
                if (!io.netty.channel.uring.IoUring.isAvailable()) {
                    throw new IllegalStateException("Netty's io_uring transport is unavailable here: "
                            + io.netty.channel.uring.IoUring.unavailabilityCause(),
                            io.netty.channel.uring.IoUring.unavailabilityCause());
                }
                factory = IoUringIoHandler.newFactory();
                channelType = IoUringServerSocketChannel.class;
            } else {
                if (!io.netty.channel.epoll.Epoll.isAvailable()) {
                    throw new IllegalStateException("Netty's epoll transport is unavailable here: "
                            + io.netty.channel.epoll.Epoll.unavailabilityCause(),
                            io.netty.channel.epoll.Epoll.unavailabilityCause());
                }
                factory = EpollIoHandler.newFactory();
                channelType = EpollServerSocketChannel.class;
            }
            group = new MultiThreadIoEventLoopGroup(1, factory);
            try {
                channel = new ServerBootstrap()
                        .group(group)
                        .channel(channelType)
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(new Echo())
                        .bind(loopback(0)).sync().channel();
                thread = channel.eventLoop().submit(Thread::currentThread).get(); // the group's only thread
            } catch (RuntimeException | InterruptedException | ExecutionException e) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                throw e;
            }
        }

        /** Writes back what it reads, flushing once per read burst. */
        @ChannelHandler.Sharable
        private static final class Echo extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.write(msg, ctx.voidPromise());
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                ctx.flush();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // a reset by the client at tear-down: that connection only ends
            }
        }

        @Override
        public int port() {
            return ((InetSocketAddress) channel.localAddress()).getPort();
        }

        @Override
        public Thread thread() {
            return thread;
        }

        @Override
        public void stop() throws Exception {
            channel.close().sync();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
