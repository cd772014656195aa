/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.ffm;

import dev.panamax.ffm.internal.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Operating-system threads started with {@code pthread_create} whose start routine is an FFM upcall running a
 * Java {@link Runnable}. The low-level half of the primitives module's {@code NativeThread}: unlike
 * {@link Thread}, the stack size, name and CPU affinity are applied on the new thread before any user code runs,
 * and the caller learns the thread's kernel id ({@code gettid}) when {@link #start} returns.
 *
 * <pre>{@code
 * NativeThreads.Handle t = NativeThreads.start(task,
 *         NativeThreads.Config.DEFAULT.withName("io-0").withCpus(CpuSet.of(1)));
 * int tid = t.tid();
 * t.join();   // rethrows what task threw, wrapped in ExecutionException
 * }</pre>
 *
 * <p>Every handle must be {@linkplain Handle#join() joined}: the upcall stub and the native memory of a thread
 * live until then (a thread that is never joined keeps them, it cannot crash the JVM by losing them).
 */
public final class NativeThreads {

    /*
     * Overview.
     *
     * start() allocates, in a shared arena owned by the new Handle: the upcall stub (bound to this Handle), a
     * pthread_attr_t and the pthread_t out-parameter. pthread_create
     * runs the stub on a fresh OS thread; the JVM attaches that foreign thread on entry to the upcall and detaches
     * it when it exits. The upcall, in order: records gettid, applies the affinity (sched_setaffinity(0), i.e. the
     * calling thread) and the name (PR_SET_NAME, plus the Java Thread name), counts the
     * start latch down, runs the task. start() waits on that latch, so the tid is known and a failed attribute
     * (EINVAL: no CPU of the mask in the thread's cgroup cpuset) is thrown by start() with the task never run.
     *
     * An exception escaping an upcall crashes the JVM, so the upcall catches every Throwable and parks it in
     * `failure`. join() calls pthread_join (blocking, so not linked critical), then closes the arena: only then is
     * the stub certain not to execute any more.
     *
     * pthread functions return the error number instead of setting errno, hence linked without errno capture.
     */

    /** Smallest stack accepted: the JVM's guard zones and the attach path need room beyond PTHREAD_STACK_MIN. */
    public static final long MIN_STACK_SIZE_BYTES = 256 * 1024;
    /** Longest thread name the kernel keeps ({@code TASK_COMM_LEN} - 1 bytes, see {@code prctl(2)}). */
    public static final int MAX_NAME_BYTES = 15;

    private static final FunctionDescriptor START_ROUTINE = FunctionDescriptor.of(Native.C_POINTER, Native.C_POINTER);
    private static final MethodHandle ENTRY;

    static {
        try {
            ENTRY = MethodHandles.lookup().findStatic(NativeThreads.class, "entry",
                    MethodType.methodType(MemorySegment.class, Handle.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private NativeThreads() {
    }

    /**
     * Starts an OS thread running {@code task} with the attributes of {@code config}, and waits until the thread
     * has applied them.
     *
     * @param task   the code to run; what it throws is rethrown by {@link Handle#join()}
     * @param config stack size, name and CPU affinity
     * @return the running thread
     * @throws ErrnoException when {@code pthread_create} or applying an attribute fails (the task is then not run)
     * @see <a href="https://man7.org/linux/man-pages/man3/pthread_create.3.html">pthread_create(3)</a>
     * @see <a href="https://man7.org/linux/man-pages/man3/pthread_attr_setstacksize.3.html">pthread_attr_setstacksize(3)</a>
     */
    public static Handle start(Runnable task, Config config) throws ErrnoException {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(config, "config");
        if (config.cpus() != null) {
            CpuSet offline = config.cpus().minus(CpuSet.online());
            if (!offline.isEmpty()) {
                throw new IllegalArgumentException("CPUs " + offline + " are not online (online: " + CpuSet.online()
                        + ")");
            }
        }
        Arena arena = Arena.ofShared();
        boolean started = false;
        try {
            Handle handle = new Handle(task, config, arena);
            MemorySegment stub = Native.upcall(ENTRY.bindTo(handle), START_ROUTINE, arena);
            MemorySegment attr = arena.allocate(Libc.ATTR_BYTES, Libc.ATTR_ALIGN);
            check(Libc.attrInit(attr), "pthread_attr_init");
            try {
                if (config.stackSizeBytes() != 0) {
                    check(Libc.attrSetStackSize(attr, config.stackSizeBytes()), "pthread_attr_setstacksize");
                }
                check(Libc.create(handle.pthread, attr, stub), "pthread_create");
            } finally {
                Libc.attrDestroy(attr);
            }
            started = true;
            handle.awaitStarted();
            return handle;
        } finally {
            if (!started) {
                arena.close();
            }
        }
    }

    private static void check(int errorNumber, String function) throws ErrnoException {
        if (errorNumber != 0) {
            throw new ErrnoException(function, errorNumber);
        }
    }

    // The start routine: runs on the new OS thread; must never let a Throwable escape (that aborts the JVM).
    private static MemorySegment entry(Handle handle, MemorySegment ignored) {
        boolean released = false;
        try {
            handle.tid = Sched.gettid();
            handle.applyAttributes();
            handle.taskStarted = true;
            handle.started.countDown();
            released = true;
            handle.task.run();
        } catch (Throwable t) {
            handle.failure = t;
        } finally {
            if (!released) {
                handle.started.countDown();
            }
        }
        return MemorySegment.NULL;
    }

    /**
     * The attributes of a native thread, applied before its task runs.
     *
     * @param stackSizeBytes the stack size, or 0 for the pthread default (the {@code RLIMIT_STACK} soft limit)
     * @param name           the thread name shown in {@code /proc/self/task/<tid>/comm}, or null to keep the
     *                       inherited one; at most {@link #MAX_NAME_BYTES} UTF-8 bytes
     * @param cpus           the CPUs the thread may run on (online ones), or null to inherit the caller's affinity
     */
    public record Config(long stackSizeBytes, String name, CpuSet cpus) {

        /** Default stack, inherited name and affinity. */
        public static final Config DEFAULT = new Config(0, null, null);

        /**
         * Validates the attributes.
         *
         * @throws IllegalArgumentException when a value cannot be applied
         */
        public Config {
            if (stackSizeBytes != 0 && stackSizeBytes < MIN_STACK_SIZE_BYTES) {
                throw new IllegalArgumentException("stackSizeBytes must be 0 (default) or >= " + MIN_STACK_SIZE_BYTES
                        + ": " + stackSizeBytes);
            }
            if (name != null) {
                int bytes = name.getBytes(StandardCharsets.UTF_8).length;
                if (bytes > MAX_NAME_BYTES || name.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("thread name must be at most " + MAX_NAME_BYTES
                            + " UTF-8 bytes without NUL: \"" + name + "\" has " + bytes);
                }
            }
            if (cpus != null && cpus.isEmpty()) {
                throw new IllegalArgumentException("cpus must name at least one CPU");
            }
        }

        /**
         * Returns this configuration with another stack size.
         *
         * @param bytes the stack size, 0 for the default
         * @return a new configuration
         */
        public Config withStackSizeBytes(long bytes) {
            return new Config(bytes, name, cpus);
        }

        /**
         * Returns this configuration with another thread name.
         *
         * @param threadName at most {@link #MAX_NAME_BYTES} UTF-8 bytes, or null to inherit
         * @return a new configuration
         */
        public Config withName(String threadName) {
            return new Config(stackSizeBytes, threadName, cpus);
        }

        /**
         * Returns this configuration pinned to the given CPUs.
         *
         * @param cpuSet the CPUs, not empty, or null to inherit the caller's affinity
         * @return a new configuration
         */
        public Config withCpus(CpuSet cpuSet) {
            return new Config(stackSizeBytes, name, cpuSet);
        }
    }

    /** A started native thread; {@link #join()} it exactly once. */
    public static final class Handle {

        private final Runnable task;
        private final Arena arena;
        private final MemorySegment pthread;
        private final String name;
        private final CpuSet cpus;
        private final CountDownLatch started = new CountDownLatch(1);
        private final AtomicBoolean joined = new AtomicBoolean();
        private volatile int tid; // written once by the new thread before `started` opens, read by anyone after
        private volatile Throwable failure; // written by the new thread before its upcall returns; read after join
        private volatile boolean taskStarted; // written by the new thread before `started` opens

        private Handle(Runnable task, Config config, Arena arena) {
            this.task = task;
            this.arena = arena;
            this.pthread = arena.allocate(Native.C_LONG);
            this.name = config.name();
            this.cpus = config.cpus();
        }

        /**
         * The kernel thread id ({@code gettid(2)}) of this thread, as in {@code /proc/self/task/<tid>}.
         *
         * @return the tid
         */
        public int tid() {
            return tid;
        }

        /**
         * Waits for the thread to finish ({@code pthread_join}) and releases its upcall stub.
         *
         * @throws ExecutionException   wrapping what the task threw
         * @throws IllegalStateException when this thread was already joined, or calls this on itself
         * @throws ErrnoException        when {@code pthread_join} fails (the thread then stays joinable)
         * @see <a href="https://man7.org/linux/man-pages/man3/pthread_join.3.html">pthread_join(3)</a>
         */
        public void join() throws ExecutionException, ErrnoException {
            if (tid == Processes.gettid()) {
                throw new IllegalStateException("native thread " + tid + " cannot join itself (pthread_join would "
                        + "fail with EDEADLK): join it from another thread");
            }
            if (!joined.compareAndSet(false, true)) {
                throw new IllegalStateException("native thread " + tid + " was already joined");
            }
            int error = Libc.join(pthread.get(Native.C_LONG, 0));
            if (error != 0) {
                joined.set(false); // not reaped: its stub and memory stay until a join succeeds
                throw new ErrnoException("pthread_join", error);
            }
            arena.close(); // the thread has left the upcall: the stub can go
            Throwable t = failure;
            if (t != null) {
                throw new ExecutionException("native thread " + tid + " failed", t);
            }
        }

        private void awaitStarted() throws ErrnoException {
            // The thread is already running: wait for it uninterruptibly, its tid and attributes must be known.
            boolean interrupted = false;
            while (true) {
                try {
                    started.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable t = failure;
            if (t != null && !taskStarted) {
                try {
                    join(); // reap the thread, which returns without running the task
                } catch (ExecutionException expected) {
                    // it carries t, thrown below
                }
                if (t instanceof ErrnoException errno) {
                    throw errno;
                }
                if (t instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException("native thread failed before running its task", t);
            }
        }

        // On the new thread, before the task.
        private void applyAttributes() throws ErrnoException {
            if (cpus != null) {
                Sched.setAffinity(0, cpus); // 0: the calling thread only, not the process
            }
            if (name != null) {
                Processes.setThreadName(name);
                Thread.currentThread().setName(name);
            }
        }
    }

    // libc bindings; pthread functions report errors through their return value.
    static final class Libc {

        // pthread_attr_t is opaque glibc ABI (__SIZEOF_PTHREAD_ATTR_T: 56 on x86_64, 64 on aarch64, in
        // bits/pthreadtypes-arch.h), not kernel UAPI, so the generated tables lack it: reserve an upper bound.
        // NativeThreadsTest checks that pthread_attr_init writes inside it.
        static final long ATTR_BYTES = 256;
        static final long ATTR_ALIGN = 16;

        private static final MethodHandle ATTR_INIT = Native.libc("pthread_attr_init",
                FunctionDescriptor.of(Native.C_INT, Native.C_POINTER), false);
        private static final MethodHandle ATTR_DESTROY = Native.libc("pthread_attr_destroy",
                FunctionDescriptor.of(Native.C_INT, Native.C_POINTER), false);
        private static final MethodHandle ATTR_SET_STACK_SIZE = Native.libc("pthread_attr_setstacksize",
                FunctionDescriptor.of(Native.C_INT, Native.C_POINTER, Native.C_SIZE_T), false);
        private static final MethodHandle CREATE = Native.libc("pthread_create",
                FunctionDescriptor.of(Native.C_INT, Native.C_POINTER, Native.C_POINTER, Native.C_POINTER,
                        Native.C_POINTER), false);
        private static final MethodHandle JOIN = Native.libc("pthread_join",
                FunctionDescriptor.of(Native.C_INT, Native.C_LONG, Native.C_POINTER), false);

        private Libc() {
        }

        static int attrInit(MemorySegment attr) {
            try {
                return (int) ATTR_INIT.invokeExact(attr);
            } catch (Error | RuntimeException e) {
                throw e;
            } catch (Throwable t) {
                throw new AssertionError("should not reach here", t);
            }
        }

        static void attrDestroy(MemorySegment attr) {
            try {
                int ignored = (int) ATTR_DESTROY.invokeExact(attr); // cannot fail on glibc
            } catch (Error | RuntimeException e) {
                throw e;
            } catch (Throwable t) {
                throw new AssertionError("should not reach here", t);
            }
        }

        static int attrSetStackSize(MemorySegment attr, long bytes) {
            try {
                return (int) ATTR_SET_STACK_SIZE.invokeExact(attr, bytes);
            } catch (Error | RuntimeException e) {
                throw e;
            } catch (Throwable t) {
                throw new AssertionError("should not reach here", t);
            }
        }

        static int create(MemorySegment pthread, MemorySegment attr, MemorySegment start) {
            try {
                return (int) CREATE.invokeExact(pthread, attr, start, MemorySegment.NULL);
            } catch (Error | RuntimeException e) {
                throw e;
            } catch (Throwable t) {
                throw new AssertionError("should not reach here", t);
            }
        }

        static int join(long pthread) {
            try {
                return (int) JOIN.invokeExact(pthread, MemorySegment.NULL);
            } catch (Error | RuntimeException e) {
                throw e;
            } catch (Throwable t) {
                throw new AssertionError("should not reach here", t);
            }
        }
    }
}
