/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.thread;

import dev.panamax.ffm.CpuSet;
import dev.panamax.ffm.Errno;
import dev.panamax.ffm.ErrnoException;
import dev.panamax.ffm.NativeThreads;
import dev.panamax.ffm.NodeSet;
import dev.panamax.ffm.Numa;
import dev.panamax.ffm.Sched;

import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

/**
 * An OS thread created with {@code pthread_create} that runs a Java {@link Runnable}, with its attributes in
 * effect before the first line of user code: name, stack size, CPU set, scheduling policy and priority, and NUMA
 * memory policy. {@link Builder#start} returns once they are applied, and throws (with the task never run) when
 * one cannot be.
 *
 * <pre>{@code
 * NativeThread t = NativeThread.builder()
 *         .name("md-feed").cpus(CpuSet.of(3)).memoryPolicy(Numa.Policy.BIND, NodeSet.of(0))
 *         .start(feedLoop);
 * t.join();   // rethrows what feedLoop threw, wrapped in ExecutionException
 * }</pre>
 *
 * <p>Every started thread must be {@linkplain #join() joined} once: that releases its upcall stub and native
 * memory. Built on {@link NativeThreads}, which applies stack size, name and CPU set; the scheduling and memory
 * policies are applied here, on the new thread, before the task.
 */
public final class NativeThread {

    /*
     * NativeThreads opens start() once its own attributes are applied, then runs the Runnable it was given. That
     * Runnable is a wrapper: it applies the scheduling and memory policies, records a failure, opens `ready`, and
     * runs the task only when nothing failed. start() waits on `ready`, so a refused policy (EPERM for SCHED_FIFO
     * without CAP_SYS_NICE) is thrown by start() and the task never runs, as NativeThreads does for its own
     * attributes.
     */

    private final NativeThreads.Handle handle;
    private final String name;

    private NativeThread(NativeThreads.Handle handle, String name) {
        this.handle = handle;
        this.name = name;
    }

    /**
     * Returns a builder with default attributes: inherited name, affinity and policies, default stack.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the kernel thread id ({@code gettid(2)}), as in {@code /proc/self/task/<tid>}.
     *
     * @return the tid
     */
    public int tid() {
        return handle.tid();
    }

    /**
     * Returns the name this thread was given.
     *
     * @return the name, or null when it inherited its creator's
     */
    public String name() {
        return name;
    }

    /**
     * Waits for the thread to finish and releases its native resources.
     *
     * @throws ExecutionException wrapping what the task threw
     * @throws IllegalStateException when this thread was already joined
     * @throws ErrnoException when {@code pthread_join} fails
     */
    public void join() throws ExecutionException, ErrnoException {
        handle.join();
    }

    /** The attributes of a thread to start; reusable, not thread-safe. */
    public static final class Builder {

        private NativeThreads.Config config = NativeThreads.Config.DEFAULT;
        private Sched.Policy schedPolicy;
        private int schedPriority;
        private Numa.Policy memPolicy;
        private NodeSet memNodes;

        private Builder() {
        }

        /**
         * Names the thread, in {@code /proc/self/task/<tid>/comm} and {@link Thread#getName()}.
         *
         * @param name at most {@link NativeThreads#MAX_NAME_BYTES} UTF-8 bytes, or null to inherit
         * @return this builder
         * @throws IllegalArgumentException when the name is too long or holds a NUL
         */
        public Builder name(String name) {
            config = config.withName(name);
            return this;
        }

        /**
         * Sets the stack size.
         *
         * @param bytes at least {@link NativeThreads#MIN_STACK_SIZE_BYTES}, or 0 for the pthread default
         * @return this builder
         * @throws IllegalArgumentException when the size is too small
         */
        public Builder stackSizeBytes(long bytes) {
            config = config.withStackSizeBytes(bytes);
            return this;
        }

        /**
         * Restricts the thread to a set of CPUs.
         *
         * @param cpus online CPUs, not empty, or null to inherit the creator's affinity
         * @return this builder
         * @throws IllegalArgumentException when the set is empty
         */
        public Builder cpus(CpuSet cpus) {
            config = config.withCpus(cpus);
            return this;
        }

        /**
         * Sets the scheduling policy and priority ({@code sched_setscheduler}).
         *
         * @param policy the policy, not {@link Sched.Policy#DEADLINE}
         * @param priority 1-99 for {@link Sched.Policy#FIFO} and {@link Sched.Policy#RR}, 0 for the others
         * @return this builder
         * @throws IllegalArgumentException when the priority is outside the policy's range
         * @see <a href="https://man7.org/linux/man-pages/man7/sched.7.html">sched(7)</a>
         */
        public Builder scheduler(Sched.Policy policy, int priority) {
            Objects.requireNonNull(policy, "policy");
            if (policy == Sched.Policy.DEADLINE) {
                throw new IllegalArgumentException("SCHED_DEADLINE needs sched_setattr(2) (runtime, deadline,"
                        + " period); not supported by NativeThread");
            }
            boolean realTime = policy == Sched.Policy.FIFO || policy == Sched.Policy.RR;
            if (realTime && (priority < 1 || priority > 99)) {
                throw new IllegalArgumentException("priority of SCHED_" + policy + " must be 1-99: " + priority);
            }
            if (!realTime && priority != 0) {
                throw new IllegalArgumentException("priority of SCHED_" + policy + " must be 0: " + priority);
            }
            schedPolicy = policy;
            schedPriority = priority;
            return this;
        }

        /**
         * Sets the thread's NUMA memory policy ({@code set_mempolicy}), in effect for every page it touches first.
         *
         * @param policy the mode, such as {@link Numa.Policy#BIND}, {@link Numa.Policy#PREFERRED} or
         *               {@link Numa.Policy#INTERLEAVE}
         * @param nodes online nodes; empty only for {@link Numa.Policy#DEFAULT} and {@link Numa.Policy#LOCAL}
         * @return this builder
         * @throws IllegalArgumentException when a node is not online, or the node set does not fit the mode
         * @see <a href="https://man7.org/linux/man-pages/man2/set_mempolicy.2.html">set_mempolicy(2)</a>
         */
        public Builder memoryPolicy(Numa.Policy policy, NodeSet nodes) {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(nodes, "nodes");
            boolean nodeless = policy == Numa.Policy.DEFAULT || policy == Numa.Policy.LOCAL;
            if (nodeless && !nodes.isEmpty()) {
                throw new IllegalArgumentException("MPOL_" + policy + " takes no nodes: " + nodes);
            }
            if (!nodeless && nodes.isEmpty()) {
                throw new IllegalArgumentException("MPOL_" + policy + " needs at least one node");
            }
            if (policy == Numa.Policy.PREFERRED && nodes.size() > 1) {
                throw new IllegalArgumentException("MPOL_PREFERRED takes one node (PREFERRED_MANY takes several): "
                        + nodes);
            }
            NodeSet offline = nodes.minus(NodeSet.online());
            if (!offline.isEmpty()) {
                throw new IllegalArgumentException("NUMA nodes " + offline + " are not online (online: "
                        + NodeSet.online() + ")");
            }
            memPolicy = policy;
            memNodes = nodes;
            return this;
        }

        /**
         * Starts the thread and waits until all its attributes are in effect.
         *
         * @param task the code to run; what it throws is rethrown by {@link NativeThread#join()}
         * @return the running thread
         * @throws ErrnoException when the thread cannot be created or an attribute cannot be applied (the task is
         *         then not run): EINVAL for CPUs outside the cgroup cpuset, EPERM for a real-time policy without
         *         {@code CAP_SYS_NICE} (the message says so)
         * @throws IllegalArgumentException when a CPU is not online
         */
        public NativeThread start(Runnable task) throws ErrnoException {
            Objects.requireNonNull(task, "task");
            Setup setup = new Setup(task, schedPolicy, schedPriority, memPolicy, memNodes);
            NativeThreads.Handle handle = NativeThreads.start(setup, config);
            setup.awaitReady();
            Throwable failure = setup.failure;
            if (failure != null) {
                try {
                    handle.join(); // the wrapper returned without running the task
                } catch (ExecutionException impossible) {
                    failure.addSuppressed(impossible);
                }
                if (failure instanceof ErrnoException e) {
                    throw e;
                }
                if (failure instanceof RuntimeException e) {
                    throw e;
                }
                throw new IllegalStateException("native thread failed before running its task", failure);
            }
            return new NativeThread(handle, config.name());
        }
    }

    /** Runs on the new thread: the policies first, then the task. */
    private static final class Setup implements Runnable {

        private final Runnable task;
        private final Sched.Policy schedPolicy;
        private final int schedPriority;
        private final Numa.Policy memPolicy;
        private final NodeSet memNodes;
        private final CountDownLatch ready = new CountDownLatch(1);
        private volatile Throwable failure; // written by the new thread before `ready` opens, read after

        Setup(Runnable task, Sched.Policy schedPolicy, int schedPriority, Numa.Policy memPolicy, NodeSet memNodes) {
            this.task = task;
            this.schedPolicy = schedPolicy;
            this.schedPriority = schedPriority;
            this.memPolicy = memPolicy;
            this.memNodes = memNodes;
        }

        @Override
        public void run() {
            try {
                apply();
            } catch (Throwable t) {
                failure = t;
                return;
            } finally {
                ready.countDown();
            }
            task.run();
        }

        private void apply() throws ErrnoException {
            if (memPolicy != null) {
                Numa.setThreadPolicy(memPolicy, memNodes);
            }
            if (schedPolicy != null) {
                try {
                    Sched.setScheduler(0, schedPolicy, schedPriority);
                } catch (ErrnoException e) {
                    if (e.errno() == Errno.EPERM) {
                        ErrnoException clear = new ErrnoException("sched_setscheduler", e.errnoValue(), "SCHED_"
                                + schedPolicy + " priority " + schedPriority + " is not permitted: it needs"
                                + " CAP_SYS_NICE or an RLIMIT_RTPRIO of at least " + schedPriority
                                + " (ulimit -r; LimitRTPRIO= in systemd), and in a container a runtime that grants"
                                + " them");
                        clear.initCause(e);
                        throw clear;
                    }
                    throw e;
                }
            }
        }

        void awaitReady() {
            // The thread runs already: wait uninterruptibly, start() must know whether the policies hold.
            boolean interrupted = false;
            while (true) {
                try {
                    ready.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
