package io.gatehouse.internal.proxy;

import io.undertow.util.WorkerUtils;
import org.xnio.IoFuture;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * Keep-alive connections to one backend. A connection belongs to the IO thread that opened it, so the pool is split
 * per IO thread. Each thread opens as many connections as its requests need and keeps up to {@code maxIdle} of them
 * when they go idle (nginx's upstream {@code keepalive}; one more is closed instead). Only when
 * {@code maxConnections} is set (above 0: nginx {@code max_conns}, HAProxy {@code maxconn}) may a thread hold no
 * more than that many (open, opening or leased), and up to {@code queueSize} requests wait for one of them; a
 * waiting request that gets no connection within {@code connectTimeout} (HAProxy's {@code timeout queue} defaults
 * the same way) fails as {@link Failure#BUSY}. A connection left idle for {@code idleTimeout} is closed (nginx's upstream {@code keepalive_timeout}), so the
 * pool shrinks back to what the load needs and a backend that never times out idle connections is not held
 * open forever. A FastCGI server's pool counts its connections in the server's {@link ServerSlots} instead, over every
 * IO thread and every pool of that server, as each pins one of the server's workers: its cap and its queue are
 * shared, and the queue is first come, first served on each thread: a returned connection goes to the oldest
 * waiter when it waits on the connection's thread; else to the oldest waiter of its own thread unless the oldest's
 * thread holds no connection, or two or more fewer than this one; else it is closed and the oldest waiter opens
 * one on its own thread.
 *
 * <p>Every method must be called on the IO thread that serves the exchange (the forwarder guarantees it), except
 * {@link #close()}. Callbacks run on that same thread.
 */
final class BackendPool implements AutoCloseable {

    /** Why no connection could be had. */
    enum Failure { REFUSED, CONNECT_TIMEOUT, BUSY, CLOSED }

    /** Receives the outcome of {@link #acquire}; exactly one method is called, once. */
    interface Lease {
        /** @param reused the connection served an earlier request and may have been closed by the backend since */
        void connected(BackendConnection connection, boolean reused);

        void failed(Failure failure, String reason);
    }

    /**
     * Opens a connection to the backend for an IO thread: over TCP by XNIO, with TLS over it ({@link TlsTransport}),
     * or over a Unix socket.
     */
    interface Connector {
        /**
         * Called on {@code thread}; the connection belongs to it.
         *
         * @throws RuntimeException when the connect cannot even start (taken as refused)
         */
        IoFuture<StreamConnection> open(XnioIoThread thread);
    }

    private static final OptionMap CONNECTION_OPTIONS = OptionMap.create(Options.TCP_NODELAY, true);

    private final URI backend;
    private final Connector connector;
    private final int maxIdle;
    /** Counts connections across threads and pools instead of the per-thread limits; null for none. */
    private final ServerSlots slots;
    private final int maxConnections;
    private final int queueSize;
    private final long connectTimeoutMillis;
    private final long idleTimeoutNanos;
    private final UpstreamCodec.Factory codecs;
    private final Map<XnioIoThread, PerThread> threads = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * A pool of TCP connections to {@code backend}, {@code http://host:port} (port 80 when none).
     *
     * @param maxConnections 0 for no cap
     * @param codecs         makes the codec that speaks the backend's protocol on each connection opened
     */
    BackendPool(URI backend, int maxIdle, int maxConnections, int queueSize, long connectTimeoutMillis, long idleTimeoutMillis,
                UpstreamCodec.Factory codecs) {
        this(backend, tcp(backend), maxIdle, null, maxConnections, queueSize, connectTimeoutMillis, idleTimeoutMillis, codecs);
    }

    /**
     * A pool of connections {@code connector} opens, as many at once and as many idle as {@code slots} allow over
     * every IO thread and pool of the server; a request that finds none waits in the slots' queue for up to
     * {@code connectTimeoutMillis}.
     */
    BackendPool(URI backend, Connector connector, ServerSlots slots, long connectTimeoutMillis, long idleTimeoutMillis,
                UpstreamCodec.Factory codecs) {
        this(backend, connector, 0, slots, 0, 0, connectTimeoutMillis, idleTimeoutMillis, codecs);
    }

    /**
     * A pool like the TCP one, whose connections {@code connector} opens (over TLS, for an {@code https://} backend);
     * the connector's open must end within {@code connectTimeoutMillis}, or the attempt fails.
     */
    BackendPool(URI backend, Connector connector, int maxIdle, int maxConnections, int queueSize, long connectTimeoutMillis,
                long idleTimeoutMillis, UpstreamCodec.Factory codecs) {
        this(backend, connector, maxIdle, null, maxConnections, queueSize, connectTimeoutMillis, idleTimeoutMillis, codecs);
    }

    private BackendPool(URI backend, Connector connector, int maxIdle, ServerSlots slots, int maxConnections, int queueSize,
                        long connectTimeoutMillis, long idleTimeoutMillis, UpstreamCodec.Factory codecs) {
        this.backend = backend;
        this.connector = connector;
        this.maxIdle = maxIdle;
        this.slots = slots;
        this.maxConnections = maxConnections > 0 ? maxConnections : Integer.MAX_VALUE;
        this.queueSize = queueSize;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
        this.codecs = codecs;
    }

    URI backend() {
        return backend;
    }

    /**
     * Hands {@code lease} an idle connection (unless {@code fresh}), a new one, or a place in the queue; fails it
     * otherwise.
     */
    void acquire(XnioIoThread thread, Lease lease, boolean fresh) {
        if (closed) {
            lease.failed(Failure.CLOSED, "proxy is shutting down");
            return;
        }
        PerThread pool = threads.computeIfAbsent(thread, PerThread::new);
        if (slots != null) {
            pool.acquireSlot(lease, fresh);
            return;
        }
        BackendConnection idle = fresh ? null : pool.pollIdle();
        if (idle != null) {
            lease.connected(idle, true);
        } else if (pool.open < maxConnections) {
            pool.connect(lease);
        } else if (pool.waiting.size() < queueSize) {
            pool.enqueue(lease, fresh);
        } else {
            lease.failed(Failure.BUSY, "all " + maxConnections + " connections busy and " + queueSize + " requests already queued");
        }
    }

    /** Returns a leased connection: kept for the next request when {@code reusable} and still open, else closed. */
    void release(BackendConnection connection, boolean reusable) {
        XnioIoThread thread = connection.ioThread();
        if (Thread.currentThread() != thread) {
            thread.execute(() -> release(connection, reusable));
            return;
        }
        if (!reusable || closed || !connection.isOpen()) {
            connection.close();
            return;
        }
        connection.idle();
        PerThread pool = threads.computeIfAbsent(thread, PerThread::new);
        if (slots != null) {
            pool.releaseSlot(connection);
        } else {
            pool.offer(connection);
        }
    }

    /**
     * Connections of this pool opening or serving a request (a WebSocket tunnel included), over every IO thread. For
     * the gauges: callable from any thread, a count as of a moment, not locked against the IO threads.
     */
    int active() {
        return sum(pool -> Math.max(0, pool.open - pool.idleCount));
    }

    /** Connections of this pool kept idle for the next request, over every IO thread; from any thread, as {@link #active}. */
    int idle() {
        return sum(pool -> pool.idleCount);
    }

    /**
     * Requests of this pool waiting for a connection, over every IO thread (with {@link #slots}, its share of the
     * server's queue); from any thread, as {@link #active}.
     */
    int waiting() {
        if (slots == null) {
            return sum(pool -> pool.waitingCount);
        }
        synchronized (slots) {
            return (int) slots.queue.stream().filter(waiter -> waiter.pool.of(this)).count();
        }
    }

    private int sum(ToIntFunction<PerThread> count) {
        int sum = 0;
        for (PerThread pool : threads.values()) {
            sum += count.applyAsInt(pool);
        }
        return sum;
    }

    /** Closes idle connections and refuses new leases; leased connections are closed when released. */
    @Override
    public void close() {
        closed = true;
        CountDownLatch done = new CountDownLatch(threads.size());
        for (PerThread pool : threads.values()) {
            try {
                pool.thread.execute(() -> {
                    pool.shutdown();
                    done.countDown();
                });
            } catch (RejectedExecutionException e) {
                // The worker is already gone and took its sockets with it.
                done.countDown();
            }
        }
        try {
            done.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One IO thread's share; touched only from that thread, except that with {@link #slots} its {@link #idle} list
     * is changed only under the slots' monitor, by any thread (one that waits for a slot takes back an idle one).
     */
    final class PerThread {
        final XnioIoThread thread;
        /** The most recently used first: taken from the front, so the longest idle are at the back. */
        final ArrayDeque<BackendConnection> idle = new ArrayDeque<>();
        /** Guards {@link #idle}: the server's slots when counted there, else nothing else touches it. */
        private final Object idleLock = slots != null ? slots : this;
        /** Armed when a connection joins {@link #idle}, for when the one at its back will have been idle too long. */
        XnioExecutor.Key idleSweep;
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
        /**
         * Connections opening, leased or idle: counted against maxConnections. Written on this thread only; read by
         * others with {@link #slots}, to see which thread holds how many.
         */
        volatile int open;
        /** {@code idle.size()} and {@code waiting.size()} as of their last change, for the gauges on other threads. */
        volatile int idleCount;
        volatile int waitingCount;

        PerThread(XnioIoThread thread) {
            this.thread = thread;
        }

        boolean of(BackendPool pool) {
            return BackendPool.this == pool;
        }

        private void countWaiting() {
            waitingCount = waiting.size();
        }

        BackendConnection pollIdle() {
            BackendConnection connection;
            do {
                connection = idle.pollFirst();
                if (connection == null) {
                    return null;
                }
                leftIdle();
            } while (!connection.isOpen());
            return connection;
        }

        /** A connection left {@link #idle}: taken, or closed. Under {@link #idleLock}. */
        private void leftIdle() {
            idleCount = idle.size();
            if (slots != null) {
                slots.idle--;
                if (idle.isEmpty()) {
                    slots.holdingIdle.remove(this);
                }
            }
        }

        void offer(BackendConnection connection) {
            Waiter waiter = waiting.peekFirst();
            if (waiter != null && waiter.fresh) {
                // It waits to resend on a fresh connection: closing this one frees the slot it connects in.
                connection.close();
                return;
            }
            if (waiter != null) {
                waiting.pollFirst();
                countWaiting();
                waiter.timer.remove();
                waiter.lease.connected(connection, true);
            } else if (idle.size() >= maxIdle) {
                // Opened for a peak: the load after it is served by the idle ones kept.
                connection.close();
            } else {
                keepIdle(connection);
                sweepIdleLater();
            }
        }

        private void keepIdle(BackendConnection connection) {
            connection.idleSince = System.nanoTime();
            idle.addFirst(connection);
            idleCount = idle.size();
        }

        private void sweepIdleLater() {
            if (idleSweep == null) {
                armIdleSweep(idleTimeoutNanos);
            }
        }

        /**
         * {@link #acquire} with {@link #slots}: an idle connection of this thread while nobody waits, else a new one
         * while the server has a slot free, else a place in the server's queue, taking back the slot of an idle
         * connection on another thread if there is one.
         */
        void acquireSlot(Lease lease, boolean fresh) {
            BackendConnection reused = null;
            boolean connect = false;
            Waiter waiter = null;
            BackendConnection evicted = null;
            PerThread evictedFrom = null;
            synchronized (slots) {
                // A request sent again after a stale connection was admitted already: it goes ahead of the queue.
                boolean first = fresh || slots.queue.isEmpty();
                if (!fresh && first && (reused = pollIdle()) != null) {
                    // Reused: an idle connection that was closed since is dropped by pollIdle, its slot freed later.
                } else if (first && slots.taken < slots.max) {
                    slots.taken++;
                    connect = true;
                } else {
                    waiter = new Waiter(this, lease, fresh);
                    if (fresh) {
                        slots.queue.addFirst(waiter);
                    } else {
                        slots.queue.addLast(waiter);
                    }
                    if (!slots.holdingIdle.isEmpty()) {
                        evictedFrom = slots.holdingIdle.iterator().next();
                        evicted = evictedFrom.idle.pollLast();
                        evictedFrom.leftIdle();
                    }
                }
            }
            if (reused != null) {
                lease.connected(reused, true);
            } else if (connect) {
                connect(lease);
            } else {
                Waiter queued = waiter;
                queued.timer = WorkerUtils.executeAfter(thread, () -> {
                    boolean stillWaiting;
                    synchronized (slots) {
                        stillWaiting = slots.queue.remove(queued);
                    }
                    if (stillWaiting) {
                        lease.failed(Failure.BUSY, "no connection free within " + connectTimeoutMillis + "ms");
                    }
                }, connectTimeoutMillis, TimeUnit.MILLISECONDS);
                if (evicted != null) {
                    // Closed on its own thread; its close frees the slot for the oldest waiter.
                    evictedFrom.thread.execute(evicted::close);
                }
            }
        }

        /**
         * {@link #release} with {@link #slots}, of an open connection that may serve again: to the oldest waiter if
         * it waits on this thread; to this thread's oldest waiter if the oldest waits on a thread that holds a
         * connection too, and at most one fewer than this one; kept idle while nobody waits and the server's idle cap
         * has room; else closed, which hands its slot to the oldest waiter. A connection cannot move to another IO
         * thread: moving it costs a close here and a connect there, which strict order over all threads paid for
         * about every other request under load. Moving only to a thread that holds none, or fewer by two, keeps
         * the cap shared about evenly between the threads with waiters, and no thread without a connection; and
         * once the oldest has waited a tenth of {@code connectTimeout} (500 ms by default), far above the queue
         * waits of a busy server, it is served next whatever the cost, so that slow scripts holding its thread's
         * connections cannot keep it waiting into a 503 while the other thread serves newer requests.
         */
        void releaseSlot(BackendConnection connection) {
            Waiter reuser = null;
            boolean kept = false;
            synchronized (slots) {
                Waiter oldest = slots.queue.peekFirst();
                if (oldest != null) {
                    if (oldest.pool == this && !oldest.fresh) {
                        reuser = slots.queue.pollFirst();
                    } else if (!oldest.fresh && oldest.pool.open > 0 && oldest.pool.open >= open - 1
                            && System.nanoTime() - oldest.since < passOverNanos()) {
                        reuser = pollOwnWaiter();
                    }
                } else if (slots.idle < slots.maxIdle) {
                    slots.idle++;
                    if (idle.isEmpty()) {
                        slots.holdingIdle.add(this);
                    }
                    keepIdle(connection);
                    kept = true;
                }
            }
            if (reuser != null) {
                reuser.timer.remove();
                reuser.lease.connected(connection, true);
            } else if (kept) {
                sweepIdleLater();
            } else {
                connection.close();
            }
        }

        private long passOverNanos() {
            return TimeUnit.MILLISECONDS.toNanos(connectTimeoutMillis) / 10;
        }

        /** This thread's oldest waiter that may take a kept connection, out of the server's queue; null if none. */
        private Waiter pollOwnWaiter() {
            for (Iterator<Waiter> waiters = slots.queue.iterator(); waiters.hasNext(); ) {
                Waiter waiter = waiters.next();
                if (waiter.pool == this && !waiter.fresh) {
                    waiters.remove();
                    return waiter;
                }
            }
            return null;
        }

        /** Closes the connections idle for {@code idleTimeout}: one timer per thread, re-armed for the next. */
        private void closeLongIdle() {
            idleSweep = null;
            long now = System.nanoTime();
            BackendConnection longest;
            while (true) {
                synchronized (idleLock) {
                    longest = idle.peekLast();
                    if (longest == null || now - longest.idleSince < idleTimeoutNanos) {
                        break;
                    }
                    idle.pollLast();
                    leftIdle();
                }
                longest.close();
            }
            // Closing frees a slot, which may connect a waiting request whose connection is already back (and the
            // timer armed again): re-read the list, and arm only when nothing did.
            if (longest != null && idleSweep == null) {
                armIdleSweep(longest.idleSince + idleTimeoutNanos - now);
            }
        }

        private void armIdleSweep(long delayNanos) {
            idleSweep = WorkerUtils.executeAfter(thread, this::closeLongIdle,
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos)), TimeUnit.MILLISECONDS);
        }

        void enqueue(Lease lease, boolean fresh) {
            Waiter waiter = new Waiter(this, lease, fresh);
            waiter.timer = WorkerUtils.executeAfter(thread, () -> {
                if (waiting.remove(waiter)) {
                    countWaiting();
                    lease.failed(Failure.BUSY, "no connection free within " + connectTimeoutMillis + "ms");
                }
            }, connectTimeoutMillis, TimeUnit.MILLISECONDS);
            waiting.addLast(waiter);
            countWaiting();
        }

        /** A slot was freed: a waiting request may open a connection in it. */
        void slotFreed() {
            open--;
            if (slots != null) {
                handOnSlot(slots);
                return;
            }
            Waiter waiter = waiting.pollFirst();
            countWaiting();
            if (waiter != null && !closed) {
                waiter.timer.remove();
                connect(waiter.lease);
            } else if (waiter != null) {
                waiter.timer.remove();
                waiter.lease.failed(Failure.CLOSED, "proxy is shutting down");
            }
        }

        /** Opens a connection for {@code waiter} on this thread, in the server slot it was handed; from any thread. */
        private void connectInSlot(Waiter waiter) {
            try {
                thread.execute(() -> {
                    waiter.timer.remove();
                    if (closed) {
                        handOnSlot(slots);
                        waiter.lease.failed(Failure.CLOSED, "proxy is shutting down");
                    } else {
                        connect(waiter.lease);
                    }
                });
            } catch (RejectedExecutionException e) {
                // The thread is gone, and its requests with it: the slot goes to the next waiter.
                handOnSlot(slots);
            }
        }

        void connect(Lease lease) {
            open++;
            Attempt attempt = new Attempt();
            IoFuture<StreamConnection> opening;
            try {
                opening = connector.open(thread);
            } catch (RuntimeException e) {
                attempt.settled = true;
                slotFreed();
                lease.failed(Failure.REFUSED, "connect failed: " + e.getMessage());
                return;
            }
            attempt.timer = WorkerUtils.executeAfter(thread, () -> {
                if (!attempt.settled) {
                    attempt.settled = true;
                    opening.cancel();
                    slotFreed();
                    lease.failed(Failure.CONNECT_TIMEOUT, "no connection within " + connectTimeoutMillis + "ms");
                }
            }, connectTimeoutMillis, TimeUnit.MILLISECONDS);
            opening.addNotifier((future, ignored) -> {
                if (future.getStatus() == IoFuture.Status.DONE) {
                    StreamConnection channel = uncheckedGet(future);
                    if (attempt.settled) {
                        // Timed out already; the slot was given back then.
                        IoUtils.safeClose(channel);
                        return;
                    }
                    attempt.settled = true;
                    attempt.timer.remove();
                    BackendConnection connection = new BackendConnection(channel, codecs);
                    connection.onClose(() -> {
                        synchronized (idleLock) {
                            if (idle.remove(connection)) {
                                leftIdle();
                            }
                        }
                        slotFreed();
                    });
                    lease.connected(connection, false);
                } else if (!attempt.settled) {
                    attempt.settled = true;
                    attempt.timer.remove();
                    slotFreed();
                    IOException failure = future.getStatus() == IoFuture.Status.FAILED ? future.getException() : null;
                    lease.failed(Failure.REFUSED, "connect failed: " + (failure == null ? "cancelled" : failure.getMessage()));
                }
            }, null);
        }

        void shutdown() {
            if (idleSweep != null) {
                idleSweep.remove();
                idleSweep = null;
            }
            BackendConnection[] toClose;
            List<Waiter> failing = new ArrayList<>(waiting);
            waiting.clear();
            countWaiting();
            synchronized (idleLock) {
                // Closing fires the close listener, which edits idle: close a copy.
                toClose = idle.toArray(BackendConnection[]::new);
                idle.clear();
                for (BackendConnection ignored : toClose) {
                    leftIdle();
                }
                if (slots != null) {
                    slots.queue.removeIf(waiter -> waiter.pool == this && failing.add(waiter));
                }
            }
            for (BackendConnection connection : toClose) {
                connection.close();
            }
            for (Waiter waiter : failing) {
                waiter.timer.remove();
                waiter.lease.failed(Failure.CLOSED, "proxy is shutting down");
            }
        }
    }

    /**
     * A connection to the server closed, or was never opened: its slot goes to the oldest waiter, of whichever pool
     * and thread, or back to the server's free slots.
     */
    private static void handOnSlot(ServerSlots slots) {
        Waiter next;
        synchronized (slots) {
            next = slots.queue.pollFirst();
            if (next == null) {
                slots.taken--;
            }
        }
        if (next != null) {
            next.pool.connectInSlot(next);
        }
    }

    /** A request waiting for a connection, on the IO thread of {@link #pool}. */
    static final class Waiter {
        final PerThread pool;
        final Lease lease;
        /** Wants a new connection, not an idle one (a request resent after a stale pooled connection). */
        final boolean fresh;
        XnioExecutor.Key timer;
        /** When it began to wait ({@link System#nanoTime()}). */
        final long since = System.nanoTime();

        Waiter(PerThread pool, Lease lease, boolean fresh) {
            this.pool = pool;
            this.lease = lease;
            this.fresh = fresh;
        }
    }

    /** Connects over TCP to the backend's host (resolved at each connect, as before) and port ({@link #port}). */
    static Connector tcp(URI backend) {
        String host = backend.getHost();
        int port = port(backend);
        return thread -> thread.openStreamConnection(new InetSocketAddress(host, port), null, CONNECTION_OPTIONS);
    }

    /** The port of {@code backend}: its own, or its scheme's (443 for {@code https}, else 80). */
    static int port(URI backend) {
        return backend.getPort() >= 0 ? backend.getPort() : "https".equals(backend.getScheme()) ? 443 : 80;
    }

    static StreamConnection uncheckedGet(IoFuture<? extends StreamConnection> done) {
        try {
            return done.get();
        } catch (IOException e) {
            throw new IllegalStateException("a finished connect has its connection", e);
        }
    }

    private static final class Attempt {
        boolean settled;
        XnioExecutor.Key timer;
    }
}
