package io.gatehouse.internal.proxy;

import io.gatehouse.Gateway;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the defaults, the backend pool opens as many connections as the load needs (nginx, HAProxy and Caddy do
 * the same): no request waits behind a cap, so slow answers (long polls, server-sent events, slow APIs) are never
 * served in waves.
 */
@Timeout(120)
class UncappedPoolTest {

    private static final int CONCURRENT = 300;

    @Test
    void threeHundredSlowRequestsAreAllInFlightAtTheBackendAtOnce() throws Exception {
        CountDownLatch arrived = new CountDownLatch(CONCURRENT);
        CountDownLatch release = new CountDownLatch(1);
        try (ServerSocket backend = new ServerSocket(0, 2 * CONCURRENT, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> holdEachUntilReleased(backend, arrived, release), "holding-backend");
            acceptor.setDaemon(true);
            acceptor.start();
            GatewayConfig config = GatewayConfig.builder()
                    .listen("127.0.0.1:0")
                    .vhost(v -> v.hosts("app.test").proxy(p -> p.backend("http://127.0.0.1:" + backend.getLocalPort())))
                    .build();
            Gateway gateway = Gateway.start(config);
            ExecutorService clients = Executors.newFixedThreadPool(CONCURRENT);
            try {
                InetSocketAddress address = gateway.addresses().get(0);
                List<Future<RawHttp.Response>> answers = new ArrayList<>();
                for (int i = 0; i < CONCURRENT; i++) {
                    answers.add(clients.submit(() -> RawHttp.exchange(address,
                            "GET /slow HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n")));
                }
                // Behind a cap (64 per IO thread was the old default) the rest would queue and this would never happen.
                assertTrue(arrived.await(60, TimeUnit.SECONDS),
                        "only " + (CONCURRENT - arrived.getCount()) + " requests reached the backend at once");
                release.countDown();
                for (Future<RawHttp.Response> answer : answers) {
                    assertEquals(200, answer.get(30, TimeUnit.SECONDS).status());
                }
            } finally {
                release.countDown();
                clients.shutdownNow();
                gateway.stop(Duration.ofSeconds(5));
            }
        }
    }

    /** Serves each connection on its own thread: counts the request in, then holds it until released. */
    private static void holdEachUntilReleased(ServerSocket server, CountDownLatch arrived, CountDownLatch release) {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread held = new Thread(() -> {
                try (socket) {
                    RawBackend.readHead(socket.getInputStream());
                    arrived.countDown();
                    release.await(90, TimeUnit.SECONDS);
                    OutputStream out = socket.getOutputStream();
                    out.write(RawBackend.OK.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException | InterruptedException e) {
                    // The gateway went away: nothing to answer.
                }
            }, "held-request");
            held.setDaemon(true);
            held.start();
        }
    }
}
