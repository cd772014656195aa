/*
 * Copyright 2026 the panamax authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.panamax.io.net;

import dev.panamax.ffm.Epoll;
import dev.panamax.ffm.EventFd;
import dev.panamax.ffm.Fd;
import dev.panamax.ffm.TimerFd;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A single-threaded event loop on {@link Epoll}: readiness handlers for file descriptors (level- or
 * edge-triggered, optionally {@code EPOLLEXCLUSIVE}), tasks submitted from any thread ({@link #execute}) and
 * timers ({@link #schedule}), all run on the loop thread. An eventfd wakes the loop for new tasks; one timerfd,
 * armed for the earliest deadline, drives every timer. An idle loop blocks in {@code epoll_wait}, or first polls
 * without sleeping for the busy-poll budget of its {@link LoopOptions}.
 *
 * @see <a href="https://man7.org/linux/man-pages/man7/epoll.7.html">epoll(7)</a>
 */
public final class EventLoop implements Executor, AutoCloseable {

    /*
     * Overview.
     *
     * epoll data words: 0 = the wake-up eventfd, 1 = the timerfd, >= 2^32 = a Registration id (slot and generation in
     * registrations, a RegistrationTable: found without allocating). Handlers, timers and tasks run on the loop
     * thread only.
     *
     * Wake-up protocol: LoopTasks's, the wait being epoll_wait, which the eventfd a task writes makes return.
     *
     * Busy polling (busyPollNs > 0): after running the tasks, the loop calls epoll_wait with timeout 0 and checks the
     * task queue and the shutdown flag, with Thread.onSpinWait between rounds, until one of them has something or
     * busyPollNs has passed since the spin began (System.nanoTime differences, so Long.MAX_VALUE never ends it).
     * LoopTasks.awake stays true meanwhile, so submitters only queue; the timerfd and the fds are in the epoll set,
     * so timers and readiness end the spin like any event. Only a spin that found nothing goes on to the blocking
     * path (mayBlock, epoll_wait(-1), woke), unchanged.
     *
     * Timers: a heap ordered by CLOCK_MONOTONIC deadline (TimerFd.monotonicNanos), loop thread only; after every
     * change of the earliest deadline the timerfd is re-armed with TFD_TIMER_ABSTIME. A cancelled timer stays in the
     * heap until it reaches the head; cancelledTimers counts those, and adding a timer sweeps them out once they are
     * more than half the heap, so cancelled timeouts behind a live earlier one cost amortized O(1), not memory until
     * their deadlines.
     */

    private static final long WAKE = 0;
    private static final long TIMER = 1;
    private static final int MAX_EVENTS = 256;
    private static final int BUDGET_SPENT = -1;
    private static final long HANDLER_POLL_NS = 20_000; // how often a canceller looks whether the handler returned
    private static final long LATEST_DEADLINE = Long.MAX_VALUE - 1; // Long.MAX_VALUE is armedDeadline's "disarmed"
    private static final AtomicInteger LOOPS = new AtomicInteger();
    private static final System.Logger LOG = System.getLogger("dev.panamax.io.net");

    /** How a registration is notified. */
    public enum Trigger {
        /** Notified on every wait while the fd is ready (the default of epoll). */
        LEVEL,
        /** Notified when the fd becomes ready ({@code EPOLLET}): handlers must drain until EAGAIN. */
        EDGE
    }

    /** Receives readiness on the loop thread. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Called when the registered fd is ready. An exception cancels the registration (it is logged).
         *
         * @param registration the registration
         * @param events       {@link Epoll#IN}, {@link Epoll#OUT}, {@link Epoll#ERR}, {@link Epoll#HUP}, ... bits
         * @throws IOException to cancel the registration
         */
        void ready(Registration registration, int events) throws IOException;
    }

    private final Epoll epoll;
    private final EventFd wakeFd;
    private final TimerFd timerFd;
    private final Thread thread;
    private final long busyPollNs;
    private final Arena arena = Arena.ofShared();
    private final Epoll.Events events;
    private final LoopTasks tasks;
    private final RegistrationTable registrations = new RegistrationTable();
    private final PriorityQueue<Scheduled> timers = new PriorityQueue<>(); // loop thread only
    private long armedDeadline = Long.MAX_VALUE; // loop thread only: the deadline the timerfd is armed for
    // Incremented by a winning Scheduled.cancel() (any thread), decremented by the loop for each cancelled timer it
    // drops; an estimate (a cancel may land before its addTimer task runs), read only to decide when to sweep.
    private final AtomicInteger cancelledTimers = new AtomicInteger();
    private volatile boolean shutdown; // written once by close(), read by the loop and by execute()
    private volatile boolean terminated; // written once by the loop as it exits
    // The id whose handler the loop is calling, WAKE (0, never an id) between calls; written by the loop before its
    // registrations lookup, read by awaitHandler() after cancel's removal: a Dekker pair, so either the lookup
    // misses the cancelled registration or its canceller sees the call and waits for it.
    private volatile long dispatchingId = WAKE;
    private volatile long blockingWaits; // written by the loop thread only (so ++ loses nothing), read by tests
    private volatile long busyPollHits; // written by the loop thread only: spins that found work, read by tests

    private EventLoop(String name, LoopOptions options) throws IOException {
        Epoll e = Epoll.create();
        EventFd w = null;
        TimerFd t = null;
        try {
            w = EventFd.create(0, EventFd.NONBLOCK);
            t = TimerFd.create(TimerFd.Clock.MONOTONIC, TimerFd.NONBLOCK);
            e.add(w.fd(), Epoll.IN, WAKE);
            e.add(t.fd(), Epoll.IN, TIMER);
        } catch (IOException | RuntimeException ex) {
            closeAll(ex, t, w, e);
            throw ex;
        }
        this.epoll = e;
        this.wakeFd = w;
        this.tasks = new LoopTasks(w, "event loop");
        this.timerFd = t;
        this.busyPollNs = options.busyPollNs();
        this.events = Epoll.Events.allocate(arena, MAX_EVENTS);
        this.thread = new LoopThread(this::run, name);
        thread.setDaemon(true);
    }

    /**
     * Creates and starts a loop on a new daemon thread.
     *
     * @param name the thread's name, or null for {@code panamax-loop-N}
     * @return the running loop
     * @throws IOException ErrnoException when epoll, eventfd or timerfd cannot be created
     */
    public static EventLoop start(String name) throws IOException {
        return start(name, LoopOptions.DEFAULT);
    }

    /**
     * Creates and starts a loop on a new daemon thread that waits as {@code options} say: with a busy-poll budget
     * it polls without sleeping for that long after its last work before it blocks, burning its core meanwhile
     * (see {@link LoopOptions}).
     *
     * @param name    the thread's name, or null for {@code panamax-loop-N}
     * @param options how the idle loop waits
     * @return the running loop
     * @throws IOException ErrnoException when epoll, eventfd or timerfd cannot be created
     */
    public static EventLoop start(String name, LoopOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        EventLoop loop = new EventLoop(name != null ? name : "panamax-loop-" + LOOPS.incrementAndGet(), options);
        loop.thread.start();
        return loop;
    }

    /**
     * Tells whether the caller is the loop thread.
     *
     * @return true on the loop thread
     */
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code task} on the loop thread, after the tasks submitted before it. Callable from any thread.
     *
     * @param task the task
     * @throws RejectedExecutionException after {@link #close()}
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (shutdown || tasks.offer(task, inEventLoop()) == LoopTasks.REFUSED) {
            throw new RejectedExecutionException("event loop " + thread.getName() + " is closed");
        }
    }

    /**
     * Runs {@code task} on the loop thread once {@code delay} has passed (timerfd, CLOCK_MONOTONIC).
     * Callable from any thread. A delay too long for the clock (some 292 years from boot) waits as long as it can.
     *
     * @param task  the task
     * @param delay the delay, >= 0
     * @param unit  its unit
     * @return a handle to cancel it
     * @throws RejectedExecutionException after {@link #close()}
     */
    public Scheduled schedule(Runnable task, long delay, TimeUnit unit) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(unit, "unit");
        if (delay < 0) {
            throw new IllegalArgumentException("delay must be >= 0: " + delay);
        }
        long deadline;
        try {
            deadline = deadline(TimerFd.monotonicNanos(), unit.toNanos(delay));
        } catch (IOException e) {
            throw new IllegalStateException("clock_gettime(CLOCK_MONOTONIC) failed", e);
        }
        Scheduled s = new Scheduled(task, deadline, this);
        if (inEventLoop()) {
            if (shutdown) { // as execute() refuses: the loop drops its timers as it stops
                throw new RejectedExecutionException("event loop " + thread.getName() + " is closed");
            }
            addTimer(s);
        } else {
            execute(() -> addTimer(s));
        }
        return s;
    }

    /** {@code nowNs + delayNs}, saturated below Long.MAX_VALUE, which means "no timer" to rearm(). */
    private static long deadline(long nowNs, long delayNs) {
        return delayNs < LATEST_DEADLINE - nowNs ? nowNs + delayNs : LATEST_DEADLINE; // nowNs >= 0: no overflow
    }

    /**
     * Watches {@code fd}. Callable from any thread; the handler runs on the loop thread.
     *
     * @param fd        the fd (not owned: the caller closes it after {@link Registration#cancel()} returns; on
     *                  another loop's thread, see there)
     * @param interest  {@link Epoll#IN}, {@link Epoll#OUT}, {@link Epoll#RDHUP}, ... bits
     * @param trigger   level or edge
     * @param exclusive {@code EPOLLEXCLUSIVE}: when several loops watch one fd (a shared listener), wake only
     *                  one of them (Linux 4.5); such a registration cannot be {@linkplain Registration#modify
     *                  modified}
     * @param handler   the handler
     * @return the registration
     * @throws IOException ErrnoException from {@code epoll_ctl}, e.g. EPERM for a regular file
     */
    public Registration register(Fd fd, int interest, Trigger trigger, boolean exclusive, Handler handler)
            throws IOException {
        Objects.requireNonNull(fd, "fd");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(handler, "handler");
        if ((interest & (Epoll.ET | Epoll.EXCLUSIVE | Epoll.ONESHOT)) != 0) {
            throw new IllegalArgumentException("give the trigger and exclusivity as arguments, not in interest: 0x"
                    + Integer.toHexString(interest));
        }
        if (shutdown) {
            throw new RejectedExecutionException("event loop " + thread.getName() + " is closed");
        }
        long id = registrations.reserve();
        Registration r = new Registration(this, id, fd, trigger, exclusive, handler, interest);
        registrations.publish(r);
        try {
            epoll.add(fd, r.epollEvents(interest), id);
        } catch (IOException | RuntimeException e) {
            registrations.remove(r);
            throw e;
        }
        return r;
    }

    /** Called under r's lock, as cancel(r) is from Registration. */
    void modify(Registration r, int interest) throws IOException {
        if (registrations.get(r.id) != r) {
            // EPOLL_CTL_MOD names the fd by number: for a cancelled registration it would rewrite the entry, data
            // word included, of whatever registration holds that fd now (the same Fd registered again, or a reused
            // number), and that registration's events would go to the cancelled id and be dropped.
            throw new IllegalStateException("the registration of " + r.fd() + " is cancelled or its event loop "
                    + thread.getName() + " has stopped");
        }
        epoll.modify(r.fd(), r.epollEvents(interest), r.id);
    }

    void cancel(Registration r) throws IOException {
        if (registrations.remove(r) && !terminated) {
            try {
                epoll.delete(r.fd());
            } catch (java.nio.channels.ClosedChannelException e) {
                // the caller closed the fd first: closing removed it from the interest list already
            } catch (dev.panamax.ffm.ErrnoException e) {
                if (e.errno() != dev.panamax.ffm.Errno.ENOENT && e.errno() != dev.panamax.ffm.Errno.EBADF) {
                    throw e;
                }
            }
        }
    }

    /**
     * Off every loop's thread: returns once no call of r's handler is running. Called after cancel(r), without r's
     * lock (the handler may modify or cancel r meanwhile); handlers do not block, so the wait is short.
     */
    void awaitHandler(Registration r) {
        if (Thread.currentThread() instanceof LoopThread) {
            // This loop's thread runs no handler concurrently. Another loop's must not wait: two loops whose
            // handlers cancel each other's registrations (a proxy's two sides) would wait for each other forever.
            return;
        }
        while (dispatchingId == r.id) {
            LockSupport.parkNanos(this, HANDLER_POLL_NS);
        }
    }

    private void run() {
        final long busyPollNs = this.busyPollNs;
        try {
            while (!shutdown) {
                tasks.runAll();
                int n = busyPollNs > 0 ? busyPoll(busyPollNs) : BUDGET_SPENT;
                if (n == BUDGET_SPENT) {
                    if (!tasks.mayBlock() || shutdown) {
                        n = epoll.await(events, 0); // work is queued: poll only
                    } else {
                        blockingWaits++;
                        n = epoll.await(events, -1);
                    }
                    tasks.woke();
                }
                for (int i = 0; i < n; i++) {
                    dispatch(events.data(i), events.events(i));
                }
            }
            tasks.close(); // tasks accepted before close() still run, later ones are refused
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "event loop " + thread.getName() + " failed", e);
            tasks.close(); // run what was accepted rather than drop it silently
        } finally {
            shutdown = true;
            terminated = true;
            registrations.clear();
            timers.clear();
            closeAll(null, timerFd, wakeFd, epoll);
            arena.close();
        }
    }

    /**
     * Polls without sleeping until an event, a task or close() turns up, or {@code budgetNs} passes.
     *
     * @return the number of events (0 for a task or close()), or {@link #BUDGET_SPENT} when nothing turned up
     */
    private int busyPoll(long budgetNs) throws IOException {
        final Epoll epoll = this.epoll;
        final Epoll.Events events = this.events;
        final LoopTasks tasks = this.tasks;
        long startNs = System.nanoTime();
        while (true) {
            int n = epoll.await(events, 0); // INTERRUPTED (< 0): poll again
            if (n > 0 || tasks.hasQueued()) {
                busyPollHits++;
                return Math.max(n, 0);
            }
            if (shutdown) {
                return 0;
            }
            if (System.nanoTime() - startNs >= budgetNs) {
                return BUDGET_SPENT;
            }
            Thread.onSpinWait();
        }
    }

    /** Times the loop blocked in {@code epoll_wait} (for tests: a budget of Long.MAX_VALUE must keep it at 0). */
    long blockingWaits() {
        return blockingWaits;
    }

    /** Timers in the heap, cancelled ones included (loop thread only, for tests). */
    int timersHeld() {
        return timers.size();
    }

    /** Times a busy poll found an event or a task before its budget ran out. */
    long busyPollHits() {
        return busyPollHits;
    }

    private void dispatch(long data, int ready) throws IOException {
        if (data == WAKE) {
            wakeFd.read();
        } else if (data == TIMER) {
            timerFd.read();
            armedDeadline = Long.MAX_VALUE;
            runTimers();
        } else {
            dispatchingId = data; // before the lookup: see awaitHandler
            try {
                Registration r = registrations.get(data);
                if (r == null) {
                    return; // cancelled earlier in this batch of events, or by another thread
                }
                try {
                    r.handler.ready(r, ready);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "handler for " + r.fd() + " failed; cancelling it", e);
                    r.cancel();
                }
            } finally {
                dispatchingId = WAKE;
            }
        }
    }

    private void addTimer(Scheduled s) {
        if (s.isCancelled()) {
            cancelledTimers.decrementAndGet();
            return;
        }
        timers.add(s);
        int cancelled = cancelledTimers.get();
        if (cancelled > timers.size() / 2) {
            int before = timers.size();
            timers.removeIf(Scheduled::isCancelled); // O(n), once per size/2 cancellations
            cancelledTimers.addAndGet(timers.size() - before);
        }
        rearm();
    }

    private void runTimers() throws IOException {
        long now = TimerFd.monotonicNanos();
        Scheduled s;
        while ((s = timers.peek()) != null && s.deadlineNs <= now) {
            timers.poll();
            if (s.fire()) {
                LoopTasks.runSafely(s.task, "event loop");
            } else {
                cancelledTimers.decrementAndGet();
            }
        }
        rearm();
    }

    private void rearm() {
        Scheduled first;
        while ((first = timers.peek()) != null && first.isCancelled()) {
            timers.poll();
            cancelledTimers.decrementAndGet();
        }
        long deadline = first == null ? Long.MAX_VALUE : first.deadlineNs;
        if (deadline == armedDeadline) {
            return;
        }
        try {
            if (deadline == Long.MAX_VALUE) {
                timerFd.disarm();
            } else {
                timerFd.setAbsolute(Math.max(1, deadline), 0);
            }
            armedDeadline = deadline;
        } catch (IOException e) {
            throw new IllegalStateException("timerfd_settime failed", e);
        }
    }

    /**
     * Stops the loop: tasks already submitted still run, timers not yet due are dropped, and the loop's epoll,
     * eventfd and timerfd are closed (registered fds are not). Waits for the loop thread unless called on it.
     * Idempotent.
     *
     * @throws InterruptedIOException when interrupted while waiting
     */
    @Override
    public void close() throws InterruptedIOException {
        shutdown = true;
        if (inEventLoop()) {
            return;
        }
        if (!terminated) {
            tasks.wake();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the event loop to stop");
        }
    }

    private static void closeAll(Throwable pending, AutoCloseable... resources) {
        for (AutoCloseable c : resources) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                if (pending != null) {
                    pending.addSuppressed(e);
                } else {
                    LOG.log(System.Logger.Level.WARNING, "closing " + c + " failed", e);
                }
            }
        }
    }

    /** The thread of an EventLoop, told apart so that cancel() never waits on one (see awaitHandler). */
    private static final class LoopThread extends Thread {
        LoopThread(Runnable task, String name) {
            super(task, name);
        }
    }

    /** A timer of {@link #schedule}. */
    public static final class Scheduled implements Comparable<Scheduled> {
        private static final int PENDING = 0;
        private static final int FIRED = 1;
        private static final int CANCELLED = 2;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Scheduled.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Runnable task;
        private final long deadlineNs;
        private final EventLoop loop; // counts this timer's cancellation; null in ScheduledCancelStress
        // One CAS from PENDING decides: to FIRED by the loop before it runs the task, or to CANCELLED by cancel()
        // from any thread; so cancel() returns true exactly when the task never runs.
        private volatile int state;

        Scheduled(Runnable task, long deadlineNs) { // package-private: ScheduledCancelStress races cancel and fire
            this(task, deadlineNs, null);
        }

        private Scheduled(Runnable task, long deadlineNs, EventLoop loop) {
            this.task = task;
            this.deadlineNs = deadlineNs;
            this.loop = loop;
        }

        /**
         * Stops the timer if it has not fired yet.
         *
         * @return true if it will not run
         */
        public boolean cancel() {
            int witness = (int) STATE.compareAndExchange(this, PENDING, CANCELLED);
            if (witness == PENDING && loop != null) {
                loop.cancelledTimers.incrementAndGet();
            }
            return witness != FIRED;
        }

        /** Loop thread: claims the timer for running; false when it was cancelled. */
        boolean fire() {
            return STATE.compareAndSet(this, PENDING, FIRED);
        }

        boolean isCancelled() {
            return state == CANCELLED;
        }

        /**
         * The CLOCK_MONOTONIC time at which it fires.
         *
         * @return the deadline in nanoseconds
         */
        public long deadlineNanos() {
            return deadlineNs;
        }

        @Override
        public int compareTo(Scheduled o) {
            return Long.compare(deadlineNs, o.deadlineNs);
        }
    }
}
