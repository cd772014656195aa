/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.bench;

import dev.panamax.ffm.CpuSet;
import dev.panamax.ffm.Epoll;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.OpenFlag;
import dev.panamax.ffm.Sched;
import dev.panamax.ffm.Sockets;
import dev.panamax.io.Transfer;
import dev.panamax.io.net.Tcp;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

/**
 * Networking against what JVM services run instead, all peers in one run.
 *
 * <p>{@code echo}: loopback TCP echo of {@value #MESSAGE_BYTES}-byte messages. The score is round trips per second;
 * the auxiliary {@code serverCpuNsPerOp} is the server thread's CPU time per round trip, which a loaded machine
 * disturbs less than the rate (in a VM, time the host takes the vCPU away still counts). CPU counters are mean
 * ratios over the measurement iterations; the per-iteration lines show each iteration's share of that mean.
 * Servers ({@code impl}), each on one thread started in setup:
 * {@code panamaxEpoll} (panamax {@link dev.panamax.io.net.EventLoop}, level-triggered), {@code panamaxUring}
 * (panamax {@link dev.panamax.io.net.UringLoop}: multishot accept, then per connection a send with the next recv
 * linked behind it), {@code panamaxEpollBusyPoll} and {@code panamaxUringBusyPoll} (the same two servers on loops
 * that poll without sleeping for 50 µs before they block, {@link dev.panamax.io.net.LoopOptions}: an event that
 * arrives within the budget finds the server awake, at the price of a server core that spins while it waits, which
 * {@code serverCpuNsPerOp} counts), {@code nio} (a {@code java.nio.channels.Selector} loop), {@code nettyEpoll}
 * and {@code nettyIoUring} (Netty 4.2's JNI transports, one event loop, the canonical echo handler). A transport
 * the kernel refuses fails the run in setup with the transport's own unavailability cause; it is never skipped.
 * The client is the same for every server: the benchmark thread holds {@code conns} non-blocking sockets on a
 * panamax {@link Epoll} (level-triggered), each with one message in flight at all times (ping-pong per
 * connection): each invocation completes exactly one round trip, resending on that connection at once, so with
 * 64 connections all 64 stay in flight.
 *
 * <p>{@code sendFile}: one {@value #FILE_MIB} MiB file, read once into the page cache in setup, sent whole to a
 * loopback socket whose far end a sink thread drains. Senders ({@code sender}): {@code zeroCopy} (panamax
 * {@link Transfer#fileToSocket}, {@code sendfile(2)} on a blocking socket: one call per file),
 * {@code zeroCopyNonBlocking} (the same on a non-blocking socket, as an event-loop service holds it: a sendfile per
 * send buffer's worth, an {@code epoll_wait} after each EAGAIN), {@code transferTo} ({@code FileChannel.transferTo}
 * to a blocking {@code SocketChannel}, also {@code sendfile} in the JDK) and {@code readWrite} (the copy loop:
 * {@code FileChannel.read} into a 64 KiB direct buffer, then {@code SocketChannel.write}). The score is files per
 * second; the auxiliary counters give {@code mebibytes} per second, {@code cpuNsPerMiB}, the sender thread's
 * CPU time (user + system, {@link ThreadMXBean#getCurrentThreadCpuTime()}, the same clock for every sender) per
 * MiB sent, and {@code sinkCpuNsPerMiB}, the receiving thread's. On loopback the kernel runs much of the receiving
 * half of TCP on the sender's thread, so the sender's CPU holds more than the copies that sendfile avoids; how much
 * more depends on where the sink runs ({@code placement}: {@code sameCpu} or {@code otherCpu}, both pinned),
 * so compare senders within one placement.
 *
 * <p>Targets (issue 5): panamaxEpoll and panamaxUring (the default, blocking loops) each ≥ 1.0× nio and ≥ 0.9×
 * nettyEpoll / nettyIoUring; the busy-poll servers are opt-in and measured beside them, not held to a target
 * (on the loaded 2-vCPU development VM they are slower than the blocking servers: about 0.6× with 1 connection,
 * 0.8× with 64, at up to twice the server CPU per round trip);
 * zeroCopy ≥ 0.9× transferTo in MiB/s, and zeroCopy cpuNsPerMiB ≤ 0.5× readWrite.
 *
 * <p>Both need two otherwise idle cores (client and server, sender and sink). Run:
 * {@code java -jar benchmarks/target/benchmarks.jar IoNetBenchmark}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled"})
@Threads(1)
public class IoNetBenchmark {

    /** Bytes per echo message. */
    static final int MESSAGE_BYTES = 64;
    /** Size of the sendfile source. */
    static final int FILE_MIB = 64;
    private static final int MIB = 1 << 20;
    private static final int COPY_BUFFER_BYTES = 64 * 1024;
    private static final int ECHO_TIMEOUT_MS = 10_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** An echo server and the client connections to it. */
    @State(Scope.Benchmark)
    public static class Echo {
        /** The server. */
        @Param({"panamaxEpoll", "panamaxUring", "panamaxEpollBusyPoll", "panamaxUringBusyPoll", "nio", "nettyEpoll",
            "nettyIoUring"})
        public String impl;

        /** Client connections, each with one message in flight. */
        @Param({"1", "64"})
        public int conns;

        private EchoPeers.EchoServer server;
        private Arena arena;
        private Fd[] sockets;
        private MemorySegment message;
        private MemorySegment[] replies;
        private int[] received;
        private Epoll epoll;
        private Epoll.Events events;
        private int ready; // events returned by the last epoll wait
        private int next; // the next of them to handle

        /**
         * Starts the server, connects the clients and sends the first message on each.
         *
         * @throws Exception when the server cannot start (e.g. a transport the kernel refuses) or a connect fails
         */
        @Setup(Level.Trial)
        public void start() throws Exception {
            server = EchoPeers.start(impl);
            arena = Arena.ofShared();
            epoll = Epoll.create();
            events = Epoll.Events.allocate(arena, Math.max(conns, 1));
            message = arena.allocate(MESSAGE_BYTES);
            for (int i = 0; i < MESSAGE_BYTES; i++) {
                message.set(ValueLayout.JAVA_BYTE, i, (byte) ('a' + i % 26));
            }
            sockets = new Fd[conns];
            replies = new MemorySegment[conns];
            received = new int[conns];
            InetSocketAddress address = EchoPeers.loopback(server.port());
            for (int i = 0; i < conns; i++) {
                sockets[i] = Tcp.connect(address);
                replies[i] = arena.allocate(MESSAGE_BYTES);
                awaitConnected(sockets[i]);
                epoll.add(sockets[i], Epoll.IN, i);
            }
            for (int i = 0; i < conns; i++) {
                send(i);
            }
        }

        private void awaitConnected(Fd socket) throws IOException {
            try (Epoll one = Epoll.create(); Arena a = Arena.ofConfined()) {
                one.add(socket, Epoll.OUT, 0);
                if (one.await(Epoll.Events.allocate(a, 1), ECHO_TIMEOUT_MS) != 1) {
                    throw new IOException("connect to the " + impl + " server did not finish in 10 s");
                }
            }
            Tcp.finishConnect(socket);
        }

        private void send(int i) throws IOException {
            long n = Sockets.send(sockets[i], message, Sockets.NO_SIGNAL);
            if (n != MESSAGE_BYTES) { // at most one message is outstanding: the socket always has room
                throw new IOException("short send of a " + MESSAGE_BYTES + "-byte message: " + n);
            }
        }

        /**
         * Handles readiness until one echo is complete, then resends on that connection.
         *
         * @throws IOException when the server stops answering or closes a connection
         */
        void roundTrip() throws IOException {
            final Fd[] sockets = this.sockets;
            final Epoll.Events events = this.events;
            while (true) {
                if (next == ready) {
                    int n = epoll.await(events, ECHO_TIMEOUT_MS);
                    if (n == 0) {
                        throw new IOException("no echo from the " + impl + " server in 10 s");
                    }
                    ready = Math.max(n, 0); // INTERRUPTED: wait again
                    next = 0;
                    continue;
                }
                int i = (int) events.data(next++);
                int have = received[i];
                MemorySegment into = have == 0 ? replies[i] : replies[i].asSlice(have);
                long n = Sockets.receive(sockets[i], into, 0);
                if (n == Sockets.AGAIN || n == Sockets.INTERRUPTED) {
                    continue;
                }
                if (n == 0) {
                    throw new IOException("the " + impl + " server closed connection " + i);
                }
                have += (int) n;
                if (have < MESSAGE_BYTES) {
                    received[i] = have;
                    continue;
                }
                received[i] = 0;
                if (replies[i].mismatch(message) >= 0) {
                    throw new IOException("the " + impl + " server echoed different bytes on connection " + i);
                }
                send(i);
                return;
            }
        }

        /**
         * Closes the clients, then stops the server.
         *
         * @throws Exception when stopping the server fails
         */
        @TearDown(Level.Trial)
        public void stop() throws Exception {
            try {
                for (Fd s : sockets) {
                    if (s != null) {
                        s.close();
                    }
                }
                if (epoll != null) {
                    epoll.close();
                }
            } finally {
                try {
                    if (server != null) {
                        server.stop();
                    }
                } finally {
                    if (arena != null) {
                        arena.close();
                    }
                }
            }
        }
    }

    /** The server thread's CPU time per round trip: less sensitive to a loaded machine than the rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class ServerCpu {
        private Thread server;
        private long startNs;
        private long endNs;
        private long roundTrips;
        private int share;

        /**
         * Starts counting for an iteration.
         *
         * @param echo      the server
         * @param benchmark the run's forks and iterations
         * @param iteration tells warm-up from measurement
         */
        @Setup(Level.Iteration)
        public void start(Echo echo, BenchmarkParams benchmark, IterationParams iteration) {
            server = echo.server.thread();
            startNs = THREADS.getThreadCpuTime(server.threadId());
            roundTrips = 0;
            share = EventCounters.shareOf(benchmark, iteration);
        }

        /** Reads the server's CPU time while it still runs (JMH reads the counters after the trial's tear-down). */
        @TearDown(Level.Iteration)
        public void end() {
            endNs = THREADS.getThreadCpuTime(server.threadId());
        }

        /**
         * CPU nanoseconds (user + system) of the server thread per round trip in this iteration, divided by the
         * measured iterations of all forks (see {@link EventCounters#shareOf}).
         *
         * @return the ratio's share, 0 before any round trip
         */
        public double serverCpuNsPerOp() {
            return roundTrips == 0 ? 0 : (double) (endNs - startNs) / roundTrips / share;
        }
    }

    /**
     * One loopback echo round trip.
     *
     * @param echo the server and clients
     * @param cpu  server CPU counter
     * @throws IOException when the server stops answering
     */
    @Benchmark
    public void echo(Echo echo, ServerCpu cpu) throws IOException {
        echo.roundTrip();
        cpu.roundTrips++;
    }

    /** A page-cached file, a loopback connection and the sink thread draining its far end. */
    @State(Scope.Benchmark)
    public static class SendFile {
        /** How the file is sent. */
        @Param({"zeroCopy", "zeroCopyNonBlocking", "transferTo", "readWrite"})
        public String sender;

        /**
         * Where the sink runs: {@code sameCpu} pins the sender and the sink to one CPU, {@code otherCpu} to two
         * different ones. Unpinned, the scheduler picks either from run to run, and the sender's CPU per MiB moves
         * by 2-3× between the two (on loopback the sender's thread runs the receiving half of TCP; with the sink
         * on another CPU that includes waking it there with an IPI and taking the ACKs it sends back from the
         * socket backlog), so the ratios are only comparable within one placement.
         */
        @Param({"sameCpu", "otherCpu"})
        public String placement;

        private int senderCpu;
        private int sinkCpu;
        private Path dir;
        private Path path;
        private Fd file;
        private FileChannel channel;
        private ServerSocketChannel listener;
        private Thread sink;
        private volatile Throwable sinkFailure; // written by the sink thread before it ends
        private Fd socket;
        private SocketChannel socketChannel;
        private final ByteBuffer copyBuffer = ByteBuffer.allocateDirect(COPY_BUFFER_BYTES);

        /**
         * Writes the file, reads it once into the page cache, and connects to the sink.
         *
         * @throws IOException when the file or the connection cannot be made
         */
        @Setup(Level.Trial)
        public void start() throws IOException {
            int[] allowed = Sched.getAffinity(0).toArray();
            senderCpu = allowed[0];
            if (placement.equals("sameCpu")) {
                sinkCpu = senderCpu;
            } else if (allowed.length > 1) {
                sinkCpu = allowed[1];
            } else {
                throw new IllegalStateException("placement otherCpu needs two CPUs; this thread may run on "
                        + Sched.getAffinity(0) + " only");
            }
            dir = Files.createTempDirectory("ionet-");
            path = dir.resolve("payload");
            ByteBuffer chunk = ByteBuffer.allocateDirect(MIB);
            for (int i = 0; i < MIB; i++) {
                chunk.put(i, (byte) (i * 31 + 7));
            }
            try (FileChannel out = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (int m = 0; m < FILE_MIB; m++) {
                    chunk.clear();
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                }
            }
            channel = FileChannel.open(path, StandardOpenOption.READ);
            ByteBuffer warm = ByteBuffer.allocateDirect(MIB);
            while (channel.read(warm) > 0) {
                warm.clear(); // reads the whole file once: every later send finds it in the page cache
            }
            file = Fd.open(path, EnumSet.of(OpenFlag.READ), 0);
            listener = ServerSocketChannel.open();
            listener.bind(EchoPeers.loopback(0));
            sink = new Thread(this::drain, "sendfile-sink");
            sink.setDaemon(true);
            sink.start();
            InetSocketAddress address = EchoPeers.loopback(listener.socket().getLocalPort());
            if (sender.equals("zeroCopy")) {
                socket = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, 0);
                Sockets.connect(socket, address);
            } else if (sender.equals("zeroCopyNonBlocking")) {
                socket = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, Sockets.NONBLOCK);
                if (!Sockets.connect(socket, address)) {
                    awaitSinkConnected(socket);
                }
            } else {
                socketChannel = SocketChannel.open(address);
            }
        }

        private static void awaitSinkConnected(Fd socket) throws IOException {
            try (Epoll one = Epoll.create(); Arena a = Arena.ofConfined()) {
                one.add(socket, Epoll.OUT, 0);
                if (one.await(Epoll.Events.allocate(a, 1), ECHO_TIMEOUT_MS) != 1) {
                    throw new IOException("connect to the sink did not finish in 10 s");
                }
            }
            Tcp.finishConnect(socket);
        }

        private void drain() {
            try (SocketChannel c = listener.accept()) {
                Sched.setAffinity(0, CpuSet.of(sinkCpu));
                ByteBuffer buffer = ByteBuffer.allocateDirect(MIB);
                while (c.read(buffer) >= 0) {
                    buffer.clear();
                }
            } catch (IOException | RuntimeException e) {
                sinkFailure = e;
            }
        }

        /**
         * Sends the whole file once.
         *
         * @return the bytes sent
         * @throws IOException when the connection fails
         */
        long sendOnce() throws IOException {
            long size = (long) FILE_MIB * MIB;
            long sent = switch (sender) {
                case "zeroCopy", "zeroCopyNonBlocking" -> Transfer.fileToSocket(file, 0, size, socket);
                case "transferTo" -> {
                    long done = 0;
                    while (done < size) {
                        done += channel.transferTo(done, size - done, socketChannel);
                    }
                    yield done;
                }
                case "readWrite" -> {
                    long done = 0;
                    ByteBuffer b = copyBuffer;
                    while (done < size) {
                        b.clear();
                        int n = channel.read(b, done);
                        if (n < 0) {
                            break;
                        }
                        b.flip();
                        while (b.hasRemaining()) {
                            socketChannel.write(b);
                        }
                        done += n;
                    }
                    yield done;
                }
                default -> throw new IllegalStateException("unknown sender " + sender);
            };
            if (sent != size) {
                throw new IOException(sender + " sent " + sent + " of " + size + " bytes");
            }
            return sent;
        }

        /**
         * Closes the connection, waits for the sink and deletes the file.
         *
         * @throws Exception when closing fails or the sink failed
         */
        @TearDown(Level.Trial)
        public void stop() throws Exception {
            if (socket != null) {
                socket.close();
            }
            if (socketChannel != null) {
                socketChannel.close();
            }
            if (sink != null) {
                sink.join(TimeUnit.SECONDS.toMillis(20));
            }
            listener.close();
            channel.close();
            file.close();
            Files.deleteIfExists(path);
            Files.deleteIfExists(dir);
            if (sinkFailure != null) {
                throw new IllegalStateException("the sink failed", sinkFailure);
            }
        }
    }

    /** Bytes sent, as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Sent {
        /** MiB sent; reported per second. */
        public double mebibytes;

        /** Clears the count before each iteration. */
        @Setup(Level.Iteration)
        public void clear() {
            mebibytes = 0;
        }
    }

    /**
     * The sender thread's CPU time per MiB, and the sink's for reference: on loopback the receiving half of TCP
     * (softirq) runs on the sender's thread, the copy to user space on the sink's.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class SenderCpu {
        private long cpuNs;
        private long bytes;
        private CpuSet senderCpus;
        private Thread sink;
        private long sinkStartNs;
        private long sinkEndNs;
        private int share;

        /**
         * Pins the sender (this benchmark thread) to its CPU and clears the sums before each iteration.
         *
         * @param state     the sink to watch and the sender's CPU
         * @param benchmark the run's forks and iterations
         * @param iteration tells warm-up from measurement
         * @throws IOException when the thread cannot be pinned
         */
        @Setup(Level.Iteration)
        public void clear(SendFile state, BenchmarkParams benchmark, IterationParams iteration) throws IOException {
            senderCpus = Sched.getAffinity(0);
            Sched.setAffinity(0, CpuSet.of(state.senderCpu));
            cpuNs = 0;
            bytes = 0;
            sink = state.sink;
            sinkStartNs = THREADS.getThreadCpuTime(sink.threadId());
            share = EventCounters.shareOf(benchmark, iteration);
        }

        /**
         * CPU nanoseconds of the sink thread per MiB received in this iteration (it reads what was sent), divided
         * by the measured iterations of all forks (see {@link EventCounters#shareOf}).
         *
         * @return the ratio's share, 0 before anything was sent
         */
        public double sinkCpuNsPerMiB() {
            return bytes == 0 ? 0 : (double) (sinkEndNs - sinkStartNs) * MIB / bytes / share;
        }

        /**
         * Reads the sink's CPU time while it still runs (JMH reads the counters after the trial's tear-down), and
         * gives the benchmark thread its CPUs back.
         *
         * @throws IOException when the affinity cannot be restored
         */
        @TearDown(Level.Iteration)
        public void end() throws IOException {
            sinkEndNs = THREADS.getThreadCpuTime(sink.threadId());
            Sched.setAffinity(0, senderCpus);
        }

        /**
         * CPU nanoseconds (user + system) of the sender thread per MiB sent in this iteration, divided by the
         * measured iterations of all forks (see {@link EventCounters#shareOf}).
         *
         * @return the ratio's share, 0 before anything was sent
         */
        public double cpuNsPerMiB() {
            return bytes == 0 ? 0 : (double) cpuNs * MIB / bytes / share;
        }
    }

    /**
     * Sends the whole file once to the loopback sink.
     *
     * @param state  the file and connection
     * @param sent   MiB counter
     * @param cpu    CPU time counter
     * @throws IOException when the connection fails
     */
    @Benchmark
    public void sendFile(SendFile state, Sent sent, SenderCpu cpu) throws IOException {
        long before = THREADS.getCurrentThreadCpuTime();
        long bytes = state.sendOnce();
        cpu.cpuNs += THREADS.getCurrentThreadCpuTime() - before;
        cpu.bytes += bytes;
        sent.mebibytes += (double) bytes / MIB;
    }

    /**
     * Runs this benchmark, failing on the first error.
     *
     * @param args ignored
     * @throws RunnerException if a benchmark fails
     */
    public static void main(String[] args) throws RunnerException {
        Options opt = new OptionsBuilder()
                .include(IoNetBenchmark.class.getSimpleName())
                .shouldFailOnError(true)
                .build();
        new Runner(opt).run();
    }
}
