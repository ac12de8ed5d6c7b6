package io.gatehouse.internal.proxy;

import io.undertow.Undertow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A FastCGI server's capped connections ({@link ServerSlots}) shared by two IO threads, with requests waiting on
 * both: a connection that comes back stays on its thread for that thread's oldest waiter as long as the thread of
 * the oldest waiter overall holds about as many connections, and moves (closed here, opened there) only when that
 * thread holds none or fewer than this one less one. A real XNIO worker and a real TCP server; whether a lease got
 * a connection that served before tells a kept one from a new one.
 */
@Timeout(30)
class SlotsAcrossIoThreadsTest {

    private XnioWorker worker;
    private ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private BackendPool pool;
    private XnioIoThread a;
    private XnioIoThread b;

    @BeforeEach
    void start() throws IOException {
        worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.create(Options.WORKER_IO_THREADS, 2));
        a = worker.getIoThread(0);
        b = worker.getIoThread(1);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    accepted.add(server.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "accepting-server");
        acceptor.setDaemon(true);
        acceptor.start();
        URI backend = URI.create("fcgi://127.0.0.1:" + server.getLocalPort());
        // The pool never speaks on its connections here: no codec.
        pool = new BackendPool(backend, BackendPool.tcp(backend), ServerSlots.of(backend, 2, 2), 10_000, 60_000,
                connection -> null);
    }

    @AfterEach
    void stop() throws IOException {
        pool.close();
        server.close();
        for (Socket socket : accepted) {
            socket.close();
        }
        worker.shutdownNow();
    }

    @Test
    void aReturnedConnectionServesItsOwnThreadsWaiterWhileTheOlderWaitersThreadHoldsOneToo() throws Exception {
        Taken onA = connected(a);
        Taken onB = connected(b);
        Taken olderOnB = lease(b);
        Taken youngerOnA = lease(a);
        assertEquals(2, pool.waiting(), "requests waiting");

        pool.release(onA.connection(), true);

        assertTrue(youngerOnA.awaitConnected(), "the connection it had served before");
        assertEquals(onA.connection(), youngerOnA.connection());
        assertFalse(olderOnB.connection.isDone(), "the waiter on the other thread waits for that thread's connection");
        pool.release(onB.connection(), true);
        assertTrue(olderOnB.awaitConnected(), "the connection its thread had");
    }

    @Test
    void aReturnedConnectionMovesToTheOlderWaitersThreadWhenThatThreadHoldsNone() throws Exception {
        Taken first = connected(a);
        Taken second = connected(a);
        Taken olderOnB = lease(b);
        Taken youngerOnA = lease(a);

        pool.release(first.connection(), true);

        assertFalse(olderOnB.awaitConnected(), "a connection opened on its own thread");
        assertFalse(youngerOnA.connection.isDone(), "the younger waiter still waits");
        pool.release(second.connection(), true);
        assertTrue(youngerOnA.awaitConnected(), "the connection its thread still had");
    }

    @Test
    void anOldestWaiterPassedOverForATenthOfTheConnectTimeoutIsServedNext() throws Exception {
        // A connect timeout of 2 s: the oldest may be passed over for 200 ms, and fails only after 2 s.
        pool.close();
        URI backend = URI.create("fcgi://127.0.0.1:" + server.getLocalPort());
        pool = new BackendPool(backend, BackendPool.tcp(backend), ServerSlots.of(backend, 2, 2), 2_000, 60_000,
                connection -> null);
        Taken onA = connected(a);
        Taken onB = connected(b);
        Taken olderOnB = lease(b);
        Taken youngerOnA = lease(a);
        // Past the pass-over time, before the connect timeout: B's connection stands for a slow script.
        Thread.sleep(400);

        pool.release(onA.connection(), true);

        assertFalse(olderOnB.awaitConnected(), "a connection opened on its own thread, in the slot A gave back");
        assertFalse(youngerOnA.connection.isDone(), "the younger waiter waits");
        pool.release(onB.connection(), true);
        assertFalse(youngerOnA.awaitConnected(), "a connection opened on its own thread, which had none left");
    }

    /** A lease on {@code thread} that got a connection, as the pool's first requests get new ones. */
    private Taken connected(XnioIoThread thread) throws Exception {
        Taken taken = lease(thread);
        taken.awaitConnected();
        return taken;
    }

    /** Asks for a connection on {@code thread}, from that thread, and returns once the pool has answered or queued it. */
    private Taken lease(XnioIoThread thread) throws Exception {
        Taken taken = new Taken();
        CompletableFuture<Void> asked = new CompletableFuture<>();
        thread.execute(() -> {
            pool.acquire(thread, taken, false);
            asked.complete(null);
        });
        asked.get(10, TimeUnit.SECONDS);
        return taken;
    }

    /** A lease's outcome: the connection, and whether it had served before. */
    private static final class Taken implements BackendPool.Lease {
        final CompletableFuture<BackendConnection> connection = new CompletableFuture<>();
        volatile boolean reused;

        @Override
        public void connected(BackendConnection given, boolean wasReused) {
            reused = wasReused;
            connection.complete(given);
        }

        @Override
        public void failed(BackendPool.Failure failure, String reason) {
            connection.completeExceptionally(new AssertionError(failure + ": " + reason));
        }

        /** Waits for the connection; whether it is one that served before. */
        boolean awaitConnected() throws Exception {
            connection.get(10, TimeUnit.SECONDS);
            return reused;
        }

        BackendConnection connection() throws Exception {
            return connection.get(10, TimeUnit.SECONDS);
        }
    }
}
