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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to one backend. A connection belongs to the IO thread that opened it, so the pool is split
 * per IO thread. Each thread opens as many connections as its requests need and keeps up to {@code maxIdle} of them
 * when they go idle (nginx's upstream {@code keepalive}; one more is closed instead). Only when
 * {@code maxConnections} is set (above 0: nginx {@code max_conns}, HAProxy {@code maxconn}) may a thread hold no
 * more than that many (open, opening or leased), and up to {@code queueSize} requests wait for one of them; a
 * waiting request that gets no connection within {@code connectTimeout} (HAProxy's {@code timeout queue} defaults
 * the same way) fails as {@link Failure#BUSY}. A connection left idle for {@code idleTimeout} is closed (nginx's upstream {@code keepalive_timeout}), so the
 * pool shrinks back to what the load needs and a backend that never times out idle connections is not held
 * open forever. A FastCGI server's pool counts its idle connections in an {@link IdleBudget} instead, over every IO
 * thread and every pool of that server, as each pins one of the server's workers.
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
    /** Counts idle connections across threads and pools instead of {@link #maxIdle} per thread; null for none. */
    private final IdleBudget idleBudget;
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
     * A pool of connections {@code connector} opens, kept idle only while {@code idleBudget} has room, whichever IO
     * thread they belong to; the number of connections open is not capped.
     */
    BackendPool(URI backend, Connector connector, IdleBudget idleBudget, long connectTimeoutMillis, long idleTimeoutMillis,
                UpstreamCodec.Factory codecs) {
        this(backend, connector, 0, idleBudget, 0, 0, connectTimeoutMillis, idleTimeoutMillis, codecs);
    }

    /**
     * A pool like the TCP one, whose connections {@code connector} opens (over TLS, for an {@code https://} backend);
     * the connector's open must end within {@code connectTimeoutMillis}, or the attempt fails.
     */
    BackendPool(URI backend, Connector connector, int maxIdle, int maxConnections, int queueSize, long connectTimeoutMillis,
                long idleTimeoutMillis, UpstreamCodec.Factory codecs) {
        this(backend, connector, maxIdle, null, maxConnections, queueSize, connectTimeoutMillis, idleTimeoutMillis, codecs);
    }

    private BackendPool(URI backend, Connector connector, int maxIdle, IdleBudget idleBudget, int maxConnections, int queueSize,
                        long connectTimeoutMillis, long idleTimeoutMillis, UpstreamCodec.Factory codecs) {
        this.backend = backend;
        this.connector = connector;
        this.maxIdle = maxIdle;
        this.idleBudget = idleBudget;
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
        threads.computeIfAbsent(thread, PerThread::new).offer(connection);
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

    /** One IO thread's share; touched only from that thread. */
    private final class PerThread {
        final XnioIoThread thread;
        /** The most recently used first: taken from the front, so the longest idle are at the back. */
        final ArrayDeque<BackendConnection> idle = new ArrayDeque<>();
        /** Armed when a connection joins {@link #idle}, for when the one at its back will have been idle too long. */
        XnioExecutor.Key idleSweep;
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
        /** Connections opening, leased or idle: counted against maxConnections. */
        int open;

        PerThread(XnioIoThread thread) {
            this.thread = thread;
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

        /** Whether one more connection may join {@link #idle}; counts it in the budget when there is one. */
        private boolean mayKeepIdle() {
            return idleBudget == null ? idle.size() < maxIdle : idleBudget.tryKeep();
        }

        /** A connection left {@link #idle}: taken, or closed. */
        private void leftIdle() {
            if (idleBudget != null) {
                idleBudget.left();
            }
        }

        void offer(BackendConnection connection) {
            Waiter waiter = waiting.peekFirst();
            if (waiter != null && waiter.fresh) {
                // It waits to resend on a fresh connection: closing this one frees the slot it connects in.
                connection.close();
                return;
            }
            waiting.pollFirst();
            if (waiter != null) {
                waiter.timer.remove();
                waiter.lease.connected(connection, true);
            } else if (!mayKeepIdle()) {
                // Opened for a peak: the load after it is served by the idle ones kept.
                connection.close();
            } else {
                connection.idleSince = System.nanoTime();
                idle.addFirst(connection);
                if (idleSweep == null) {
                    armIdleSweep(idleTimeoutNanos);
                }
            }
        }

        /** Closes the connections idle for {@code idleTimeout}: one timer per thread, re-armed for the next. */
        private void closeLongIdle() {
            idleSweep = null;
            long now = System.nanoTime();
            BackendConnection longest;
            while ((longest = idle.peekLast()) != null && now - longest.idleSince >= idleTimeoutNanos) {
                idle.pollLast();
                leftIdle();
                longest.close();
            }
            // Closing frees a slot, which may connect a waiting request whose connection is already back (and the
            // timer armed again): re-read the list, and arm only when nothing did.
            longest = idle.peekLast();
            if (longest != null && idleSweep == null) {
                armIdleSweep(longest.idleSince + idleTimeoutNanos - now);
            }
        }

        private void armIdleSweep(long delayNanos) {
            idleSweep = WorkerUtils.executeAfter(thread, this::closeLongIdle,
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(delayNanos)), TimeUnit.MILLISECONDS);
        }

        void enqueue(Lease lease, boolean fresh) {
            Waiter waiter = new Waiter(lease, fresh);
            waiter.timer = WorkerUtils.executeAfter(thread, () -> {
                if (waiting.remove(waiter)) {
                    lease.failed(Failure.BUSY, "no connection free within " + connectTimeoutMillis + "ms");
                }
            }, connectTimeoutMillis, TimeUnit.MILLISECONDS);
            waiting.addLast(waiter);
        }

        /** A slot was freed: a waiting request may open a connection in it. */
        void slotFreed() {
            open--;
            Waiter waiter = waiting.pollFirst();
            if (waiter != null && !closed) {
                waiter.timer.remove();
                connect(waiter.lease);
            } else if (waiter != null) {
                waiter.timer.remove();
                waiter.lease.failed(Failure.CLOSED, "proxy is shutting down");
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
                        if (idle.remove(connection)) {
                            leftIdle();
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
            // Closing fires the close listener, which edits idle: close a copy.
            BackendConnection[] toClose = idle.toArray(BackendConnection[]::new);
            idle.clear();
            for (BackendConnection connection : toClose) {
                leftIdle();
                connection.close();
            }
            Waiter waiter;
            while ((waiter = waiting.pollFirst()) != null) {
                waiter.timer.remove();
                waiter.lease.failed(Failure.CLOSED, "proxy is shutting down");
            }
        }
    }

    private static final class Waiter {
        final Lease lease;
        /** Wants a new connection, not an idle one (a request resent after a stale pooled connection). */
        final boolean fresh;
        XnioExecutor.Key timer;

        Waiter(Lease lease, boolean fresh) {
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
