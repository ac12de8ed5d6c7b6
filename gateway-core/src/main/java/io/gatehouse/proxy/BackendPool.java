package io.gatehouse.proxy;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.UndertowClient;
import io.undertow.connector.ByteBufferPool;
import io.undertow.util.WorkerUtils;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to one backend. Undertow client connections belong to one IO thread, so the pool is split
 * per IO thread: each thread may hold up to {@code maxConnections} (open, opening or leased), and up to
 * {@code queueSize} requests may wait for one of them. A waiting request that gets no connection within
 * {@code connectTimeout} (HAProxy's {@code timeout queue} defaults the same way) fails as {@link Failure#BUSY}.
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
        void connected(ClientConnection connection, boolean reused);

        void failed(Failure failure, String reason);
    }

    private static final OptionMap CLIENT_OPTIONS = OptionMap.create(Options.TCP_NODELAY, true);

    private final URI backend;
    private final int maxConnections;
    private final int queueSize;
    private final long connectTimeoutMillis;
    private final Map<XnioIoThread, PerThread> threads = new ConcurrentHashMap<>();
    private volatile boolean closed;

    BackendPool(URI backend, int maxConnections, int queueSize, long connectTimeoutMillis) {
        this.backend = backend;
        this.maxConnections = maxConnections;
        this.queueSize = queueSize;
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    URI backend() {
        return backend;
    }

    /**
     * Hands {@code lease} an idle connection (unless {@code fresh}), a new one, or a place in the queue; fails it
     * otherwise.
     */
    void acquire(XnioIoThread thread, ByteBufferPool buffers, Lease lease, boolean fresh) {
        if (closed) {
            lease.failed(Failure.CLOSED, "proxy is shutting down");
            return;
        }
        PerThread pool = threads.computeIfAbsent(thread, PerThread::new);
        ClientConnection idle = fresh ? null : pool.pollIdle();
        if (idle != null) {
            lease.connected(idle, true);
        } else if (pool.open < maxConnections) {
            pool.connect(buffers, lease);
        } else if (pool.waiting.size() < queueSize) {
            pool.enqueue(buffers, lease);
        } else {
            lease.failed(Failure.BUSY, "all " + maxConnections + " connections busy and " + queueSize + " requests already queued");
        }
    }

    /** Returns a leased connection: kept for the next request when {@code reusable} and still open, else closed. */
    void release(ClientConnection connection, boolean reusable) {
        XnioIoThread thread = connection.getIoThread();
        if (Thread.currentThread() != thread) {
            thread.execute(() -> release(connection, reusable));
            return;
        }
        if (!reusable) {
            AbortiveClose.close(connection);
            return;
        }
        if (closed || !connection.isOpen()) {
            IoUtils.safeClose(connection);
            return;
        }
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
        final ArrayDeque<ClientConnection> idle = new ArrayDeque<>();
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
        /** Connections counted against maxConnections: opening, leased or idle. */
        int open;

        PerThread(XnioIoThread thread) {
            this.thread = thread;
        }

        ClientConnection pollIdle() {
            ClientConnection connection = idle.pollFirst();
            while (connection != null && !connection.isOpen()) {
                connection = idle.pollFirst();
            }
            return connection;
        }

        void offer(ClientConnection connection) {
            Waiter waiter = waiting.pollFirst();
            if (waiter != null) {
                waiter.timer.remove();
                waiter.lease.connected(connection, true);
            } else {
                idle.addFirst(connection);
            }
        }

        void enqueue(ByteBufferPool buffers, Lease lease) {
            Waiter waiter = new Waiter(lease, buffers);
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
                connect(waiter.buffers, waiter.lease);
            } else if (waiter != null) {
                waiter.timer.remove();
                waiter.lease.failed(Failure.CLOSED, "proxy is shutting down");
            }
        }

        void connect(ByteBufferPool buffers, Lease lease) {
            open++;
            Attempt attempt = new Attempt();
            attempt.timer = WorkerUtils.executeAfter(thread, () -> {
                if (!attempt.settled) {
                    attempt.settled = true;
                    slotFreed();
                    lease.failed(Failure.CONNECT_TIMEOUT, "no connection within " + connectTimeoutMillis + "ms");
                }
            }, connectTimeoutMillis, TimeUnit.MILLISECONDS);
            try {
                UndertowClient.getInstance().connect(callback(attempt, lease), null, backend, thread, null, buffers, CLIENT_OPTIONS);
            } catch (RuntimeException e) {
                callback(attempt, lease).failed(new IOException(e.getMessage(), e));
            }
        }

        private ClientCallback<ClientConnection> callback(Attempt attempt, Lease lease) {
            return new ClientCallback<>() {
                @Override
                public void completed(ClientConnection connection) {
                    if (attempt.settled) {
                        // Timed out already; the slot was given back then.
                        IoUtils.safeClose(connection);
                        return;
                    }
                    attempt.settled = true;
                    attempt.timer.remove();
                    connection.addCloseListener(closedConnection -> {
                        idle.remove(closedConnection);
                        slotFreed();
                    });
                    lease.connected(connection, false);
                }

                @Override
                public void failed(IOException e) {
                    if (attempt.settled) {
                        return;
                    }
                    attempt.settled = true;
                    attempt.timer.remove();
                    slotFreed();
                    lease.failed(Failure.REFUSED, "connect failed: " + e.getMessage());
                }
            };
        }

        void shutdown() {
            // Closing fires the close listener, which edits idle: close a copy.
            ClientConnection[] toClose = idle.toArray(ClientConnection[]::new);
            idle.clear();
            IoUtils.safeClose(toClose);
            Waiter waiter;
            while ((waiter = waiting.pollFirst()) != null) {
                waiter.timer.remove();
                waiter.lease.failed(Failure.CLOSED, "proxy is shutting down");
            }
        }
    }

    private static final class Waiter {
        final Lease lease;
        final ByteBufferPool buffers;
        XnioExecutor.Key timer;

        Waiter(Lease lease, ByteBufferPool buffers) {
            this.lease = lease;
            this.buffers = buffers;
        }
    }

    private static final class Attempt {
        boolean settled;
        XnioExecutor.Key timer;
    }
}
