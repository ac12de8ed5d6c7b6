package io.gatehouse.internal.files;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A TCP relay in front of php-cgi that counts the connections it accepts and those the gateway closed. */
final class AcceptCounter implements AutoCloseable {

    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByGateway = new AtomicInteger();

    AcceptCounter(int target) throws IOException {
        daemon(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    accepted.incrementAndGet();
                    Socket backend = new Socket("127.0.0.1", target);
                    pipe(client, backend, closedByGateway);
                    pipe(backend, client, new AtomicInteger());
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Relays until {@code from} ends; counts in {@code ended} an end {@code from}'s peer made, not an error. */
    private static void pipe(Socket from, Socket to, AtomicInteger ended) {
        daemon(() -> {
            try (from; to) {
                from.getInputStream().transferTo(to.getOutputStream());
                ended.incrementAndGet();
            } catch (IOException e) {
                // one side closed: the other goes with it
            }
        });
    }

    private static void daemon(Runnable work) {
        Thread thread = new Thread(work, "accept-counter");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    int accepted() {
        return accepted.get();
    }

    /** Waits until the gateway closed {@code count} connections (ten seconds at most, then fails). */
    void awaitClosedByGateway(int count) throws InterruptedException {
        for (int i = 0; i < 1000 && closedByGateway.get() < count; i++) {
            Thread.sleep(10);
        }
        assertEquals(count, closedByGateway.get(), "connections the gateway closed");
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
