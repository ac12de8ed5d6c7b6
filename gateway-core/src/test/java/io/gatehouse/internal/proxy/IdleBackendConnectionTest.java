package io.gatehouse.internal.proxy;

import io.gatehouse.Gateway;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.testing.Configs;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static io.gatehouse.testing.Latches.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pooled backend connection left unused for the proxy's {@code timeouts.idle} is closed, like nginx's upstream
 * {@code keepalive_timeout}; a connection carrying a request is never closed for it.
 */
@Timeout(60)
class IdleBackendConnectionTest {

    private static final String GET = "GET /r HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
    /** Long enough for two requests one after the other to find the first one's connection still pooled. */
    private static final Duration IDLE = Duration.ofSeconds(1);

    /**
     * At most {@code connections} open per backend (a hard cap, so a slot the idle close failed to give back would
     * show), a response timeout far above any wait here, and the given idle timeout.
     */
    private static ProxyConfig pool(int backendPort, int connections, Duration idle) {
        return Configs.proxy(p -> p.backend("http://127.0.0.1:" + backendPort).connectTimeout(Duration.ofSeconds(2))
                .responseTimeout(Duration.ofSeconds(30)).connections(connections).maxConnections(connections).queue(16)
                .retries(0).idleTimeout(idle));
    }

    private static RawHttp.Response get(ProxyServer proxy) throws Exception {
        return RawHttp.exchange(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), GET);
    }

    /**
     * Two requests on one pooled connection (a proxy that never pools would open two, and its closes would pass for
     * idle ones), then the wait for the backend to see the proxy close that connection once it is idle.
     */
    private static void requestsThenIdleClose(RawBackend backend, ProxyServer proxy) throws Exception {
        assertEquals(200, get(proxy).status());
        assertEquals(200, get(proxy).status());
        assertEquals(1, backend.connectionsAccepted(), "the backend connection was not pooled");
        assertTrue(backend.awaitConnectionsEndedByPeer(1), "the idle backend connection was never closed");
    }

    @Test
    void pooledConnectionUnusedForTheIdleTimeoutIsClosed() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(pool(backend.port(), 1, IDLE))) {
            requestsThenIdleClose(backend, proxy);
        }
    }

    @Test
    void requestAfterAnIdleCloseGetsANewConnectionInTheFreedSlot() throws Exception {
        // One connection: a slot the idle close did not give back would leave the next request queued, then 503.
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(pool(backend.port(), 1, IDLE))) {
            requestsThenIdleClose(backend, proxy);

            RawHttp.Response third = get(proxy);

            assertEquals(200, third.status(), third.head());
            assertEquals(2, backend.connectionsAccepted());
        }
    }

    @Test
    void connectionsThatFallIdleAtDifferentTimesAreEachClosed() throws Exception {
        // Two requests in flight at once, so on two connections; the second answer comes later, so its connection is
        // still within the idle time when the first is closed, and the timer must be armed again for it.
        AtomicInteger requests = new AtomicInteger();
        CountDownLatch bothArrived = new CountDownLatch(2);
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try (RawBackend backend = RawBackend.with(socket -> {
                 int request = requests.incrementAndGet();
                 bothArrived.countDown();
                 await(bothArrived);
                 if (request == 2) {
                     sleep(IDLE.dividedBy(2));
                 }
                 return RawBackend.answer(socket, RawBackend.OK);
             });
             ProxyServer proxy = ProxyServer.start(pool(backend.port(), 2, IDLE))) {
            Future<RawHttp.Response> first = clients.submit(() -> get(proxy));
            Future<RawHttp.Response> second = clients.submit(() -> get(proxy));
            assertEquals(200, first.get().status());
            assertEquals(200, second.get().status());
            assertEquals(200, get(proxy).status());
            assertEquals(2, backend.connectionsAccepted(), "the backend connections were not pooled");

            assertTrue(backend.awaitConnectionsEndedByPeer(2), "not every idle backend connection was closed");
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void connectionCarryingARequestPastTheIdleTimeoutIsNotClosed() throws Exception {
        // The first answer leaves the connection idle, which arms the idle timer; the second request takes the
        // connection off the idle list long before the timer fires, and its answer comes well after it has.
        Duration idle = Duration.ofSeconds(3);
        AtomicInteger requests = new AtomicInteger();
        try (RawBackend backend = RawBackend.with(socket -> {
                 if (requests.incrementAndGet() == 2) {
                     sleep(idle.multipliedBy(2));
                 }
                 return RawBackend.answer(socket, RawBackend.OK);
             });
             ProxyServer proxy = ProxyServer.start(pool(backend.port(), 1, idle))) {
            assertEquals(200, get(proxy).status());

            RawHttp.Response slow = get(proxy);

            assertEquals(200, slow.status(), slow.head());
            assertEquals("ok", slow.body());
            assertEquals(1, backend.connectionsAccepted());
        }
    }

    @Test
    void gatewayClosesPooledConnectionsAfterTheProxysTimeoutsIdle(@TempDir Path dir) throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK)) {
            Path yaml = Files.writeString(dir.resolve("gatehouse.yaml"), """
                    listen: ["127.0.0.1:0"]
                    accessLog: { path: "off" }
                    vhosts:
                      - hosts: ["*"]
                        proxy:
                          backends: ["http://127.0.0.1:%d"]
                          timeouts: { idle: 1s }
                    """.formatted(backend.port()));
            Gateway gateway = Gateway.start(GatewayConfig.load(yaml));
            try {
                // Two requests on one client connection, so on one IO thread and its pool.
                RawHttp.Response answers = RawHttp.exchangeToClose(gateway.addresses().get(0),
                        "GET /r HTTP/1.1\r\nHost: a\r\n\r\n" + GET);
                assertEquals(200, answers.status(), answers.head());
                assertTrue(answers.body().contains("HTTP/1.1 200 "), answers.body());
                assertEquals(1, backend.connectionsAccepted(), "the backend connection was not pooled");
                assertTrue(backend.awaitConnectionsEndedByPeer(1), "the idle backend connection was never closed");
            } finally {
                gateway.stop(Duration.ZERO);
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
