/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZeroCopyTest {

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static Fd openRead(Path file) throws Exception {
        return Fd.open(file, EnumSet.of(OpenFlag.READ), 0);
    }

    private static Fd openWrite(Path file) throws Exception {
        return Fd.open(file, EnumSet.of(OpenFlag.WRITE, OpenFlag.CREATE, OpenFlag.TRUNCATE), 0644);
    }

    @Test
    void shouldCopyFileToFileWhenSendFileLoopsOnPartialCounts(@TempDir Path dir) throws Exception {
        byte[] content = randomBytes(300_000);
        Path source = dir.resolve("source");
        Path target = dir.resolve("target");
        Files.write(source, content);
        try (Fd in = openRead(source); Fd out = openWrite(target)) {
            long offset = 0;
            while (offset < content.length) {
                long n = ZeroCopy.sendFile(out, in, offset, content.length - offset);
                assertTrue(n > 0 || n == ZeroCopy.INTERRUPTED, "sendfile returned " + n);
                offset += Math.max(n, 0);
            }
            assertEquals(0, ZeroCopy.sendFile(out, in, offset, 10), "end of file");
        }
        assertArrayEquals(content, Files.readAllBytes(target));
    }

    @Test
    void shouldAdvanceFilePositionWhenSendFileUsesCurrentPosition(@TempDir Path dir) throws Exception {
        byte[] content = randomBytes(10_000);
        Path source = dir.resolve("source");
        Path target = dir.resolve("target");
        Files.write(source, content);
        try (Fd in = openRead(source); Fd out = openWrite(target)) {
            long total = 0;
            long n;
            while ((n = ZeroCopy.sendFile(out, in, ZeroCopy.CURRENT_POSITION, 4096)) != 0) {
                total += Math.max(n, 0);
            }
            assertEquals(content.length, total);
        }
        assertArrayEquals(content, Files.readAllBytes(target));
    }

    @Test
    void shouldDeliverFileBytesToPeerWhenSendFileTargetsSocket(@TempDir Path dir) throws Exception {
        byte[] content = randomBytes(200_000);
        Path source = dir.resolve("source");
        Files.write(source, content);
        try (Fd listener = SocketsTest.listener();
             Fd client = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, 0);
             Fd in = openRead(source)) {
            assertTrue(Sockets.connect(client, SocketsTest.loopback(SocketsTest.port(listener))));
            try (Fd server = Sockets.accept(listener, 0)) {
                assertNotNull(server);
                // A reader thread drains the socket so a send buffer smaller than the file cannot stall sendfile.
                byte[][] received = new byte[1][];
                Throwable[] failure = new Throwable[1];
                Thread reader = Thread.ofPlatform().start(() -> {
                    try (Arena readerArena = Arena.ofConfined()) {
                        received[0] = SocketsTest.receiveExactly(server, readerArena, content.length);
                    } catch (Throwable t) {
                        failure[0] = t;
                    }
                });
                long offset = 0;
                while (offset < content.length) {
                    long n = ZeroCopy.sendFile(client, in, offset, content.length - offset);
                    assertTrue(n > 0 || n == ZeroCopy.INTERRUPTED, "sendfile returned " + n);
                    offset += Math.max(n, 0);
                }
                reader.join();
                if (failure[0] != null) {
                    throw new AssertionError("reader failed", failure[0]);
                }
                assertArrayEquals(content, received[0]);
            }
        }
    }

    @Test
    void shouldMoveSocketBytesIntoFileWhenSplicedThroughPipe(@TempDir Path dir) throws Exception {
        byte[] content = randomBytes(100_000);
        Path target = dir.resolve("target");
        try (Fd listener = SocketsTest.listener();
             Fd client = Sockets.open(Sockets.Family.INET, Sockets.Type.STREAM, 0);
             Pipes.Pipe pipe = Pipes.open(0);
             Fd out = openWrite(target)) {
            assertTrue(Sockets.connect(client, SocketsTest.loopback(SocketsTest.port(listener))));
            try (Fd server = Sockets.accept(listener, 0)) {
                Throwable[] failure = new Throwable[1];
                Thread writer = Thread.ofPlatform().start(() -> {
                    try (Arena writerArena = Arena.ofConfined()) {
                        SocketsTest.sendAll(client, writerArena.allocateFrom(ValueLayout.JAVA_BYTE, content));
                        Sockets.shutdown(client, Sockets.Shutdown.WRITE);
                    } catch (Throwable t) {
                        failure[0] = t;
                    }
                });
                long fileOffset = 0;
                while (true) {
                    long in = ZeroCopy.splice(server, ZeroCopy.CURRENT_POSITION, pipe.writeEnd(),
                            ZeroCopy.CURRENT_POSITION, 65536, ZeroCopy.MOVE);
                    if (in == 0) {
                        break; // the peer shut down its write half
                    }
                    long left = Math.max(in, 0);
                    while (left > 0) {
                        long n = ZeroCopy.splice(pipe.readEnd(), ZeroCopy.CURRENT_POSITION, out, fileOffset, left,
                                ZeroCopy.MOVE);
                        assertTrue(n > 0 || n == ZeroCopy.INTERRUPTED, "splice pipe->file returned " + n);
                        fileOffset += Math.max(n, 0);
                        left -= Math.max(n, 0);
                    }
                }
                writer.join();
                if (failure[0] != null) {
                    throw new AssertionError("writer failed", failure[0]);
                }
                assertEquals(content.length, fileOffset);
            }
        }
        assertArrayEquals(content, Files.readAllBytes(target));
    }

    @Test
    void shouldDuplicateWithoutConsumingWhenTeed() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Pipes.Pipe first = Pipes.open(Pipes.NONBLOCK);
             Pipes.Pipe second = Pipes.open(Pipes.NONBLOCK)) {
            byte[] bytes = {9, 8, 7, 6};
            assertEquals(4, first.writeEnd().write(arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes), 0, 4));
            assertEquals(4, ZeroCopy.tee(first.readEnd(), second.writeEnd(), 100, ZeroCopy.NONBLOCK));
            MemorySegment buffer = arena.allocate(8);
            assertEquals(4, first.readEnd().read(buffer, 0, 8), "tee left the bytes in the source");
            assertArrayEquals(bytes, buffer.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(4, second.readEnd().read(buffer, 0, 8));
            assertArrayEquals(bytes, buffer.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(ZeroCopy.AGAIN, ZeroCopy.tee(first.readEnd(), second.writeEnd(), 100, ZeroCopy.NONBLOCK),
                    "empty non-blocking source: EAGAIN as a result");
        }
    }

    @Test
    void shouldResizePipeBufferWhenAsked() throws Exception {
        try (Pipes.Pipe pipe = Pipes.open(0)) {
            int initial = Pipes.capacity(pipe.readEnd());
            assertTrue(initial > 0 && Integer.bitCount(initial) == 1, "a power-of-two number of bytes: " + initial);
            int set = Pipes.setCapacity(pipe.writeEnd(), 3 * initial);
            assertEquals(4 * initial, set, "rounded up to a power-of-two number of pages");
            assertEquals(set, Pipes.capacity(pipe.readEnd()));
        }
    }

    @Test
    void shouldRejectBadArgumentsBeforeAnySyscall() throws Exception {
        try (Pipes.Pipe pipe = Pipes.open(0)) {
            assertThrows(IllegalArgumentException.class, () -> ZeroCopy.sendFile(pipe.writeEnd(), pipe.readEnd(),
                    -2, 1));
            assertThrows(IllegalArgumentException.class, () -> ZeroCopy.sendFile(pipe.writeEnd(), pipe.readEnd(),
                    0, -1));
            assertThrows(IllegalArgumentException.class, () -> ZeroCopy.splice(pipe.readEnd(), -3, pipe.writeEnd(),
                    ZeroCopy.CURRENT_POSITION, 1, 0));
            assertThrows(IllegalArgumentException.class, () -> ZeroCopy.tee(pipe.readEnd(), pipe.writeEnd(), 1,
                    0x100));
            assertThrows(IllegalArgumentException.class, () -> Pipes.setCapacity(pipe.readEnd(), 0));
            assertThrows(IllegalArgumentException.class, () -> Pipes.open(0x1));
        }
        Pipes.Pipe closed = Pipes.open(0);
        closed.close();
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> Pipes.capacity(closed.readEnd()));
    }
}
