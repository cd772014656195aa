/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NativeThreadsTest {

    @Test
    void shouldRunTaskOnAnotherOsThreadWhenStarted() throws Exception {
        AtomicInteger tid = new AtomicInteger(-1);
        AtomicInteger cpu = new AtomicInteger(-1);
        AtomicReference<String> javaName = new AtomicReference<>();
        NativeThreads.Handle handle = NativeThreads.start(() -> {
            tid.set(Sched.gettid());
            cpu.set(Sched.currentCpu());
            javaName.set(Thread.currentThread().getName());
        }, NativeThreads.Config.DEFAULT);
        handle.join();
        assertEquals(handle.tid(), tid.get(), "start() reports the tid the task sees");
        assertNotEquals(Sched.gettid(), tid.get(), "a different kernel thread");
        assertTrue(CpuSet.online().contains(cpu.get()), "getcpu inside the task: " + cpu.get());
        assertTrue(javaName.get() != null, "the JVM attached the thread as a Java thread");
    }

    @Test
    void shouldRefuseAThreadJoiningItselfAndStayJoinable() throws Exception {
        CompletableFuture<NativeThreads.Handle> self = new CompletableFuture<>();
        AtomicReference<Throwable> refused = new AtomicReference<>();
        NativeThreads.Handle handle = NativeThreads.start(() -> {
            try {
                self.get(30, TimeUnit.SECONDS).join(); // pthread_join on itself: EDEADLK
            } catch (Throwable e) {
                refused.set(e);
            }
        }, NativeThreads.Config.DEFAULT);
        self.complete(handle);
        handle.join(); // still joinable: the refused call must not have marked it joined
        assertInstanceOf(IllegalStateException.class, refused.get(), String.valueOf(refused.get()));
        assertTrue(refused.get().getMessage().contains("cannot join itself"), refused.get().getMessage());
        assertThrows(IllegalStateException.class, handle::join, "joined once only");
    }

    @Test
    void shouldRunOnlyOnCpuOneWhenPinnedToIt() throws Exception {
        assumeTrue(Sched.getAffinity(0).contains(1), "needs CPU 1 in this process's affinity (a 2+ CPU machine)");
        AtomicReference<CpuSet> affinity = new AtomicReference<>();
        AtomicInteger cpu = new AtomicInteger(-1);
        NativeThreads.Handle handle = NativeThreads.start(() -> {
            try {
                affinity.set(Sched.getAffinity(0));
            } catch (ErrnoException e) {
                throw new IllegalStateException(e);
            }
            cpu.set(Sched.currentCpu());
        }, NativeThreads.Config.DEFAULT.withCpus(CpuSet.of(1)));
        handle.join();
        assertEquals(CpuSet.of(1), affinity.get(), "affinity applied before the task ran");
        assertEquals(1, cpu.get(), "getcpu reports CPU 1");
    }

    @Test
    void shouldShowNameInProcWhenNamed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> javaName = new AtomicReference<>();
        NativeThreads.Handle handle = NativeThreads.start(() -> {
            javaName.set(Thread.currentThread().getName());
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, NativeThreads.Config.DEFAULT.withName("panamax-io-7"));
        try {
            // The thread is alive and blocked on the latch: its /proc entry exists now.
            String comm = Files.readString(Path.of("/proc/self/task/" + handle.tid() + "/comm")).strip();
            assertEquals("panamax-io-7", comm);
        } finally {
            release.countDown();
            handle.join();
        }
        assertEquals("panamax-io-7", javaName.get());
    }

    @Test
    void shouldRethrowWrappedWhenTaskThrows() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        NativeThreads.Handle handle = NativeThreads.start(() -> {
            throw boom;
        }, NativeThreads.Config.DEFAULT);
        ExecutionException e = assertThrows(ExecutionException.class, handle::join);
        assertSame(boom, e.getCause());
        assertThrows(IllegalStateException.class, handle::join, "a second join is refused");
    }

    @Test
    void shouldBoundRecursionByRequestedStackSizeWhenGiven() throws Exception {
        int smallDepth = depthUntilStackOverflow(NativeThreads.MIN_STACK_SIZE_BYTES);
        int largeDepth = depthUntilStackOverflow(64 * NativeThreads.MIN_STACK_SIZE_BYTES);
        assertTrue(smallDepth > 0, "the small stack still runs Java code");
        assertTrue(largeDepth > 8 * smallDepth, "a 64x larger stack recurses far deeper: " + smallDepth + " vs "
                + largeDepth);
    }

    private static int depthUntilStackOverflow(long stackBytes) throws Exception {
        AtomicInteger depth = new AtomicInteger();
        NativeThreads.Handle handle = NativeThreads.start(() -> {
            int[] reached = new int[1];
            try {
                recurse(reached);
            } catch (StackOverflowError expected) {
                depth.set(reached[0]);
            }
        }, NativeThreads.Config.DEFAULT.withStackSizeBytes(stackBytes));
        handle.join();
        return depth.get();
    }

    @Test
    void shouldRejectBadConfigBeforeAnyNativeCall() {
        assertThrows(IllegalArgumentException.class,
                () -> NativeThreads.Config.DEFAULT.withStackSizeBytes(NativeThreads.MIN_STACK_SIZE_BYTES - 1));
        assertThrows(IllegalArgumentException.class, () -> NativeThreads.Config.DEFAULT.withStackSizeBytes(-1));
        assertThrows(IllegalArgumentException.class,
                () -> NativeThreads.Config.DEFAULT.withName("a-name-of-16-byt"));
        assertThrows(IllegalArgumentException.class, () -> NativeThreads.Config.DEFAULT.withName("nul\0"));
        assertThrows(IllegalArgumentException.class, () -> NativeThreads.Config.DEFAULT.withCpus(CpuSet.empty()));
        int offline = CpuSet.online().bitLength() + 64;
        assertThrows(IllegalArgumentException.class, () -> NativeThreads.start(() -> { },
                NativeThreads.Config.DEFAULT.withCpus(CpuSet.of(offline))));
        assertThrows(NullPointerException.class, () -> NativeThreads.start(null, NativeThreads.Config.DEFAULT));
    }

    @Test
    void shouldReserveEnoughBytesWhenPthreadAttrIsInitialized() {
        // pthread_attr_init zeroes sizeof(pthread_attr_t) bytes: the canary past that size must survive.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(NativeThreads.Libc.ATTR_BYTES, NativeThreads.Libc.ATTR_ALIGN);
            attr.fill((byte) 0x5a);
            assertEquals(0, NativeThreads.Libc.attrInit(attr));
            long lastWritten = -1;
            for (long i = 0; i < attr.byteSize(); i++) {
                if (attr.get(ValueLayout.JAVA_BYTE, i) != 0x5a) {
                    lastWritten = i;
                }
            }
            NativeThreads.Libc.attrDestroy(attr);
            assertTrue(lastWritten >= 0, "pthread_attr_init wrote something");
            assertTrue(lastWritten < NativeThreads.Libc.ATTR_BYTES / 2,
                    "pthread_attr_t (" + (lastWritten + 1) + "+ bytes) fits well inside the reserved bytes");
        }
    }

    private static void recurse(int[] reached) {
        reached[0]++;
        recurse(reached);
    }
}
