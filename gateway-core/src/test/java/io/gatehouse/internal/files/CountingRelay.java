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
                pump(gateway, server, answered, true);
                pump(server, gateway, answered, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, AtomicBoolean answered, boolean fromGateway) {
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
