package io.gatehouse.internal.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A TCP relay in front of a FastCGI server, on a loopback port of its own: counts the connections the gateway opens
 * and closes, and on demand drops a kept connection the moment its next request arrives, as a server that closes
 * an idle connection just then does.
 */
final class CountingRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final AtomicInteger accepted = new AtomicInteger();
    private final Semaphore acceptances = new Semaphore(0);
    private final Semaphore closedByGateway = new Semaphore(0);
    private final AtomicBoolean dropNextReused = new AtomicBoolean();
    /** Requests relayed to the server whose response has not begun, over all connections, and the most at once. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();

    private CountingRelay(ServerSocket listener, int target) {
        this.listener = listener;
        this.target = target;
    }

    /** Relays to the FastCGI server on 127.0.0.1:{@code targetPort}. */
    static CountingRelay to(int targetPort) throws IOException {
        CountingRelay relay = new CountingRelay(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
        Thread acceptor = new Thread(relay::accept, "relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return relay;
    }

    int port() {
        return listener.getLocalPort();
    }

    /** @return the connections the gateway opened so far */
    int accepted() {
        return accepted.get();
    }

    /** Waits until the gateway has opened {@code count} connections in all. */
    void awaitAccepted(int count) throws InterruptedException {
        assertTrue(acceptances.tryAcquire(count, 10, TimeUnit.SECONDS), "the gateway opened only " + accepted());
        acceptances.release(count);
    }

    /**
     * @return the most requests the server had at once from the gateway: relayed to it, their response not begun
     *         (those waiting in its listen backlog count too)
     */
    int peakInFlight() {
        return peakInFlight.get();
    }

    /** Waits until the gateway has closed {@code count} connections in all. */
    void awaitClosedByGateway(int count) throws InterruptedException {
        assertTrue(closedByGateway.tryAcquire(count, 10, TimeUnit.SECONDS), "the gateway closed fewer than " + count);
        closedByGateway.release(count);
    }

    /** The next request that arrives on a connection that already carried one: both sides closed, nothing relayed. */
    void dropTheNextRequestOnAKeptConnection() {
        dropNextReused.set(true);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket gateway = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                accepted.incrementAndGet();
                acceptances.release();
                AtomicBoolean answered = new AtomicBoolean();
                AtomicBoolean awaiting = new AtomicBoolean();
                pump(gateway, server, answered, awaiting, true);
                pump(server, gateway, answered, awaiting, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicBoolean answered, AtomicBoolean awaiting, boolean fromGateway) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    if (fromGateway && answered.get() && dropNextReused.compareAndSet(true, false)) {
                        break;
                    }
                    if (!fromGateway) {
                        answered.set(true);
                    }
                    countInFlight(awaiting, fromGateway);
                    out.write(buffer, 0, read);
                }
                if (fromGateway && read < 0) {
                    closedByGateway.release();
                }
            } catch (IOException e) {
                // The other direction closed both sockets.
            } finally {
                close(from);
                close(to);
            }
        }, "relay-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** Before bytes go on: a request's first bytes start it, its response's first bytes end it. */
    private void countInFlight(AtomicBoolean awaiting, boolean fromGateway) {
        if (fromGateway && awaiting.compareAndSet(false, true)) {
            peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        } else if (!fromGateway && awaiting.compareAndSet(true, false)) {
            inFlight.decrementAndGet();
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
