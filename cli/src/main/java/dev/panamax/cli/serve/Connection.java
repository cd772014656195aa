/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.cli.serve;

import dev.panamax.ffm.Epoll;
import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.Sockets;
import dev.panamax.io.Transfer;
import dev.panamax.io.net.EventLoop;
import dev.panamax.io.net.Registration;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 connection on its loop: reads request heads, answers them one at a time in order (pipelined ones
 * from the bytes already read), sends each file with {@code sendfile}, and closes on errors, timeouts and
 * {@code Connection: close}. Loop thread only.
 */
final class Connection implements EventLoop.Handler {

    /*
     * Overview.
     *
     * Level-triggered, one interest at a time: IN while waiting for a request, OUT only while a response is
     * blocked on a full socket. Not reading while a response is pending is the backpressure for pipelining (the
     * next requests wait in the kernel's receive buffer), and it keeps a peer's end of stream, which stays readable
     * forever, from waking the loop in a busy loop. ERR and HUP are reported under any interest, so a reset peer
     * ends a blocked response at once: its sendfile fails and the connection closes.
     *
     * Input: in[inStart, inEnd) holds bytes not parsed yet, at most maxHeadBytes; scanFrom is where the search
     * for the end of the head resumes. A head that does not fit is answered 431.
     *
     * Output: out[outPos..] (the head, or a whole error response), then file[fileOffset, fileEnd). The head goes
     * with MSG_MORE when a body follows, so that it leaves in one segment with the body's first bytes.
     *
     * Ending: an error response or Connection: close shuts the write side down after the response and reads
     * until the peer's end of stream (or lingerNs) before closing: closing with unread request bytes would send
     * RST, which can destroy the response in flight to the client. Every path ends in close(), which cancels the
     * registration and the timer and closes the socket and any file.
     *
     * Timer: one per connection, re-armed lazily: it fires at lastActiveNs + limit, and when activity moved
     * lastActiveNs on meanwhile it schedules itself for the rest. Activity is a whole request or response bytes
     * leaving; a head trickling in byte by byte is not, so slow heads time out too.
     */

    private static final byte[] NONE = new byte[0];
    private static final long LINGER_NS = TimeUnit.SECONDS.toNanos(2);
    private static final String ALLOW = "GET, HEAD";
    private static final System.Logger LOG = System.getLogger("dev.panamax.cli.serve");

    private final ServerLoop owner;
    private final Fd socket;
    private final MemorySegment scratch; // the loop's, shared by its connections between handler calls
    private final byte[] in;
    private final long idleNs;
    private Registration registration;
    private int interest;
    private int inStart;
    private int inEnd;
    private int scanFrom;
    private boolean eof; // the peer shut its side down: recv returned 0
    private byte[] out = NONE;
    private int outPos;
    private Fd file;
    private long fileOffset;
    private long fileEnd;
    private boolean closeAfterResponse;
    private boolean http10KeepAlive; // the request being answered is HTTP/1.0 with Connection: keep-alive
    private boolean lingering;
    private boolean progress; // this handler call moved bytes, parsed or closed
    private long lastActiveNs;
    private EventLoop.Scheduled timer;
    private boolean closed;

    Connection(ServerLoop owner, Fd socket, MemorySegment scratch, int maxHeadBytes, long idleNs) {
        this.owner = owner;
        this.socket = socket;
        this.scratch = scratch;
        this.in = new byte[maxHeadBytes];
        this.idleNs = idleNs;
    }

    /** Registers for requests and arms the idle timer; on failure the caller closes this connection. */
    void start() throws IOException {
        lastActiveNs = System.nanoTime();
        timer = owner.loop().schedule(this::onTimer, idleNs, TimeUnit.NANOSECONDS);
        interest = Epoll.IN;
        registration = owner.loop().register(socket, interest, EventLoop.Trigger.LEVEL, false, this);
    }

    @Override
    public void ready(Registration r, int events) {
        progress = false;
        try {
            if (lingering) {
                drain();
            } else {
                if (interest == Epoll.OUT) {
                    owner.stats().outResumes.increment();
                }
                if (flush()) {
                    if ((events & (Epoll.IN | Epoll.HUP | Epoll.ERR)) != 0) {
                        receive();
                    }
                    serve();
                }
            }
        } catch (ErrnoException e) {
            progress = true;
            // A peer that went away is routine; anything else (EIO reading the file, ...) is worth a warning.
            boolean peerGone = e.errno() == Errno.ECONNRESET || e.errno() == Errno.EPIPE
                    || e.errno() == Errno.ETIMEDOUT;
            LOG.log(peerGone ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, "connection failed, closing it",
                    e);
            close();
        } catch (IOException | RuntimeException e) {
            progress = true;
            LOG.log(System.Logger.Level.WARNING, "connection failed, closing it", e);
            close();
        }
        if (!progress) {
            owner.stats().emptyWakeups.increment();
        }
    }

    /** Reads what fits into in[] until EAGAIN or end of stream. */
    private void receive() throws IOException {
        if (inStart > 0) { // compact: parsed requests leave room at the front
            System.arraycopy(in, inStart, in, 0, inEnd - inStart);
            inEnd -= inStart;
            scanFrom = Math.max(0, scanFrom - inStart);
            inStart = 0;
        }
        while (!eof && inEnd < in.length) {
            int want = (int) Math.min(in.length - inEnd, scratch.byteSize());
            long n = Sockets.receive(socket, scratch.asSlice(0, want), 0);
            if (n == Sockets.AGAIN) {
                return;
            }
            if (n == Sockets.INTERRUPTED) {
                continue;
            }
            progress = true;
            if (n == 0) {
                eof = true;
                return;
            }
            MemorySegment.copy(scratch, ValueLayout.JAVA_BYTE, 0, in, inEnd, (int) n);
            inEnd += (int) n;
        }
    }

    /** Answers the whole requests in in[], in order, until one blocks on output or none is left. */
    private void serve() throws IOException {
        while (!closed) {
            if (closeAfterResponse) {
                finish();
                return;
            }
            inStart = HttpRequestParser.skipEmptyLines(in, inStart, inEnd);
            int headEnd = HttpRequestParser.findHeadEnd(in, inStart, inEnd, scanFrom);
            if (headEnd < 0) {
                scanFrom = HttpRequestParser.resumeAt(inStart, inEnd);
                if (inEnd - inStart == in.length) {
                    closeAfterResponse = true;
                    http10KeepAlive = false;
                    respondError(431, false, null);
                } else if (eof) {
                    close(); // nothing more will come: a partial head is dropped
                    return;
                } else {
                    want(Epoll.IN);
                    return;
                }
            } else {
                progress = true;
                lastActiveNs = System.nanoTime();
                owner.stats().requests.increment();
                respond(headEnd);
                inStart = headEnd;
                scanFrom = headEnd;
            }
            if (!flush()) {
                return;
            }
        }
    }

    private void respond(int headEnd) throws IOException {
        RequestHead request;
        try {
            request = HttpRequestParser.parse(in, inStart, headEnd);
        } catch (HttpError e) {
            // The head's framing is in doubt: answer and close rather than look for another request after it.
            closeAfterResponse = true;
            http10KeepAlive = false;
            respondError(e.status(), false, null);
            return;
        }
        closeAfterResponse = !request.keepAlive() || request.hasBody();
        http10KeepAlive = !request.http11() && !closeAfterResponse;
        boolean head = request.isHead();
        if (!head && !request.method().equals("GET")) {
            respondError(405, false, ALLOW);
            return;
        }
        String relative;
        try {
            relative = RequestPath.relative(request.target());
        } catch (HttpError e) {
            respondError(e.status(), head, null);
            return;
        }
        switch (owner.root().resolve(relative, request.target())) {
            case DocumentRoot.File f -> {
                out = owner.responses().head(200, f.size(), f.contentType(), connectionHeader(), null, null);
                outPos = 0;
                if (head || f.size() == 0) {
                    f.fd().close();
                } else {
                    file = f.fd();
                    fileOffset = 0;
                    fileEnd = f.size();
                }
            }
            case DocumentRoot.Status s -> {
                closeAfterResponse |= s.status() >= 500;
                out = owner.responses().error(s.status(), head, connectionHeader(), s.location(), null);
                outPos = 0;
            }
        }
    }

    /** An error response; closeAfterResponse says already whether the connection ends after it. */
    private void respondError(int status, boolean head, String allow) {
        out = owner.responses().error(status, head, connectionHeader(), null, allow);
        outPos = 0;
    }

    /** HTTP/1.1 persists unless told otherwise; an HTTP/1.0 client must hear keep-alive back (RFC 9112 C.2.2). */
    private String connectionHeader() {
        return closeAfterResponse ? "close" : http10KeepAlive ? "keep-alive" : null;
    }

    /**
     * Sends what is pending until done or the socket is full; on a full socket waits for EPOLLOUT.
     *
     * @return true when nothing is pending any more
     */
    private boolean flush() throws IOException {
        while (outPos < out.length) {
            int n = (int) Math.min(out.length - outPos, scratch.byteSize());
            MemorySegment.copy(out, outPos, scratch, ValueLayout.JAVA_BYTE, 0, n);
            int flags = Sockets.NO_SIGNAL | (file != null ? Sockets.MORE : 0);
            long sent = Sockets.send(socket, scratch.asSlice(0, n), flags);
            if (sent == Sockets.AGAIN) {
                awaitOut();
                return false;
            }
            if (sent > 0) {
                outPos += (int) sent;
                progress = true;
                lastActiveNs = System.nanoTime();
            }
        }
        out = NONE;
        outPos = 0;
        if (file != null) {
            long n = Transfer.fileToSocketNonBlocking(file, fileOffset, fileEnd - fileOffset, socket);
            if (n == 0) {
                throw new IOException("the file shrank while it was sent: " + (fileEnd - fileOffset) + " bytes of its "
                        + "Content-Length missing");
            }
            if (n > 0) {
                fileOffset += n;
                progress = true;
                lastActiveNs = System.nanoTime();
            }
            if (fileOffset < fileEnd) {
                awaitOut(); // a full socket, or a file that ended early: the next call's 0 says which
                return false;
            }
            Fd f = file;
            file = null;
            f.close();
        }
        return true;
    }

    private void awaitOut() throws IOException {
        if (interest != Epoll.OUT) {
            owner.stats().outWaits.increment();
            want(Epoll.OUT);
        }
    }

    private void want(int bits) throws IOException {
        if (interest != bits) {
            registration.modify(bits);
            interest = bits;
        }
    }

    /** After the last response: close at once if the peer is done, else shut down output and drain. */
    private void finish() throws IOException {
        if (eof) {
            close();
            return;
        }
        Sockets.shutdown(socket, Sockets.Shutdown.WRITE);
        lingering = true;
        lastActiveNs = System.nanoTime();
        want(Epoll.IN);
        drain();
    }

    /** Lingering: reads and drops what the peer still sends, until its end of stream. */
    private void drain() throws IOException {
        while (true) {
            long n = Sockets.receive(socket, scratch, 0);
            if (n == Sockets.AGAIN) {
                return;
            }
            if (n == Sockets.INTERRUPTED) {
                continue;
            }
            progress = true;
            if (n == 0) {
                close();
                return;
            }
        }
    }

    private void onTimer() {
        if (closed) {
            return;
        }
        long limit = lingering ? Math.min(LINGER_NS, idleNs) : idleNs;
        long idle = System.nanoTime() - lastActiveNs;
        if (idle >= limit) {
            if (!lingering) {
                owner.stats().idleTimeouts.increment();
            }
            close();
        } else {
            timer = owner.loop().schedule(this::onTimer, limit - idle, TimeUnit.NANOSECONDS);
        }
    }

    /** Closes everything this connection holds. Idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        progress = true;
        if (timer != null) {
            timer.cancel();
        }
        owner.closed(this);
        try {
            if (registration != null) {
                registration.cancel(); // on the loop thread: returns at once, the handler is not called again
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cancelling a connection's registration failed", e);
        }
        closeQuietly(socket);
        if (file != null) {
            closeQuietly(file);
            file = null;
        }
    }

    private static void closeQuietly(Fd fd) {
        try {
            fd.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + fd + " failed", e);
        }
    }
}
