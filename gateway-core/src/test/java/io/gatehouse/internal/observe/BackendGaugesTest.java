package io.gatehouse.internal.observe;

import io.gatehouse.GatewayMeters;
import io.gatehouse.Gateway;
import io.gatehouse.GatewayOptions;
import io.gatehouse.ListenerBindException;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RefusedPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackendGaugesTest {

    private static GatewayConfig config(String... backends) throws Exception {
        return GatewayConfig.builder()
                .listen("127.0.0.1:0")
                .vhost(v -> v.hosts("app.test").proxy(p -> {
                    for (String backend : backends) {
                        p.backend(backend);
                    }
                    p.passiveHealth(h -> h.failures(1).coolOff(Duration.ofMinutes(10)));
                }))
                .build();
    }

    private static double up(SimpleMeterRegistry registry, int port) {
        return registry.get(GatewayMeters.BACKEND_UP).tag("backend", "http://127.0.0.1:" + port).gauge().value();
    }

    @Test
    void backendTakenOutByHealthChecksReadsZeroAndOneNoLongerConfiguredReadsNothing() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RawBackend live = RawBackend.answering(RawBackend.OK); RefusedPort refusing = RefusedPort.open()) {
            int refused = refusing.port();
            Gateway gateway = Gateway.start(config("http://127.0.0.1:" + live.port(), "http://127.0.0.1:" + refused), registry);
            try {
                InetSocketAddress address = gateway.addresses().get(0);
                assertEquals(1.0, up(registry, live.port()));
                assertEquals(1.0, up(registry, refused));

                // Round robin tries both; the refused one is retried on the live one and taken out.
                for (int i = 0; i < 2; i++) {
                    assertEquals(200, RawHttp.exchange(address, "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n").status());
                }
                assertEquals(1.0, up(registry, live.port()));
                assertEquals(0.0, up(registry, refused));

                gateway.reload(config("http://127.0.0.1:" + live.port()));
                assertEquals(1.0, up(registry, live.port()), "the new configuration's proxy took the series over");
                // Read once: the old tree lets go of the gauge when it has drained, which may fall between two reads.
                double refusedUp = up(registry, refused);
                assertTrue(Double.isNaN(refusedUp) || refusedUp == 0.0,
                        "a backend no longer configured is no longer reported up, read " + refusedUp);
            } finally {
                gateway.stop(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void failedReloadLeavesTheGaugesWithTheConfigurationStillServing() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RawBackend live = RawBackend.answering(RawBackend.OK);
             ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Gateway gateway = Gateway.start(config("http://127.0.0.1:" + live.port()), registry);
            try {
                GatewayConfig unbindable = GatewayConfig.builder()
                        .listen("127.0.0.1:" + gateway.addresses().get(0).getPort(), "127.0.0.1:" + taken.getLocalPort())
                        .vhost(v -> v.hosts("app.test").proxy(p -> p.backend("http://127.0.0.1:" + live.port())))
                        .build();

                assertThrows(ListenerBindException.class, () -> gateway.reload(unbindable));

                assertEquals(1.0, up(registry, live.port()), "the old configuration still serves this backend");
            } finally {
                gateway.stop(Duration.ofSeconds(5));
            }
        }
    }

    private static double connections(SimpleMeterRegistry registry, int port, String state) {
        return registry.get(GatewayMeters.BACKEND_CONNECTIONS).tag("backend", "http://127.0.0.1:" + port)
                .tag("state", state).gauge().value();
    }

    private static double queued(SimpleMeterRegistry registry, int port) {
        return registry.get(GatewayMeters.BACKEND_QUEUED).tag("backend", "http://127.0.0.1:" + port).gauge().value();
    }

    /** Waits (10 s at most) until the gauge reads {@code expected}: the pool changes on its IO thread, after the event. */
    private static void awaitGauge(double expected, DoubleSupplier gauge, String what) throws InterruptedException {
        for (int i = 0; i < 1000 && gauge.getAsDouble() != expected; i++) {
            Thread.sleep(10);
        }
        assertEquals(expected, gauge.getAsDouble(), what);
    }

    @Test
    void connectionsServingWaitingAndKeptReadWhatThePoolHolds() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CountDownLatch answer = new CountDownLatch(1);
        try (RawBackend held = RawBackend.with(socket -> {
            try {
                answer.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RawBackend.answer(socket, RawBackend.OK);
        })) {
            GatewayConfig config = GatewayConfig.builder()
                    .listen("127.0.0.1:0")
                    .vhost(v -> v.hosts("app.test").proxy(p -> p.backend("http://127.0.0.1:" + held.port()).maxConnections(1).queue(5)))
                    .build();
            // One IO thread: maxConnections counts per IO thread.
            Gateway gateway = Gateway.start(config, GatewayOptions.builder().meterRegistry(registry).ioThreads(1).build());
            try (Socket first = new Socket(); Socket second = new Socket()) {
                InetSocketAddress address = gateway.addresses().get(0);
                int port = held.port();
                assertEquals(0.0, connections(registry, port, "active"));
                assertEquals(0.0, connections(registry, port, "idle"));
                assertEquals(0.0, queued(registry, port));

                String request = "GET / HTTP/1.1\r\nHost: app.test\r\n\r\n";
                first.connect(address);
                first.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                held.next();
                second.connect(address);
                second.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                awaitGauge(1.0, () -> queued(registry, port), "the second request waits for the only connection");
                assertEquals(1.0, connections(registry, port, "active"), "the first request's connection");
                assertEquals(0.0, connections(registry, port, "idle"));

                answer.countDown();
                assertEquals(200, RawHttp.read(first).status());
                assertEquals(200, RawHttp.read(second).status());
                awaitGauge(1.0, () -> connections(registry, port, "idle"), "the connection kept for the next request");
                assertEquals(0.0, connections(registry, port, "active"));
                assertEquals(0.0, queued(registry, port));
            } finally {
                gateway.stop(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void twoProxiesToOneBackendAddTheirConnectionsUp() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RawBackend live = RawBackend.answering(RawBackend.OK)) {
            String backend = "http://127.0.0.1:" + live.port();
            GatewayConfig config = GatewayConfig.builder()
                    .listen("127.0.0.1:0")
                    .vhost(v -> v.hosts("a.test").proxy(p -> p.backend(backend)))
                    // Another pool setting: another proxy, with a pool of its own, to the same backend.
                    .vhost(v -> v.hosts("b.test").proxy(p -> p.backend(backend).connections(7)))
                    .build();
            Gateway gateway = Gateway.start(config, registry);
            try {
                InetSocketAddress address = gateway.addresses().get(0);
                for (String host : new String[] {"a.test", "b.test"}) {
                    assertEquals(200, RawHttp.exchange(address, "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").status());
                }
                awaitGauge(2.0, () -> connections(registry, live.port(), "idle"), "one kept connection per proxy");
                assertEquals(0.0, connections(registry, live.port(), "active"));

                gateway.reload(GatewayConfig.builder()
                        .listen("127.0.0.1:0")
                        .vhost(v -> v.hosts("a.test").proxy(p -> p.backend(backend)))
                        .build());
                awaitGauge(0.0, () -> connections(registry, live.port(), "idle"),
                        "the old configuration's connections, closed once it drained; the new one has none yet");
                assertEquals(200, RawHttp.exchange(address, "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n").status());
                awaitGauge(1.0, () -> connections(registry, live.port(), "idle"), "the new configuration's kept connection");
                assertEquals(1.0, up(registry, live.port()));
            } finally {
                gateway.stop(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void aTunnelOfAReleasedConfigurationStillCountsUntilItCloses() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String switching = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
        try (RawBackend backend = RawBackend.answering(RawBackend.OK)) {
            // A second backend for the WebSocket, silent after its 101 until the test closes the client.
            try (RawBackend chat = RawBackend.with(socket -> {
                RawBackend.answer(socket, switching);
                socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                return false;
            })) {
                String plain = "http://127.0.0.1:" + backend.port();
                String ws = "http://127.0.0.1:" + chat.port();
                GatewayConfig config = GatewayConfig.builder()
                        .listen("127.0.0.1:0")
                        .drainTimeout(Duration.ofMillis(200))
                        .vhost(v -> v.hosts("app.test").proxy(p -> p.backend(plain)))
                        .vhost(v -> v.hosts("chat.test").proxy(p -> p.backend(ws)))
                        .build();
                Gateway gateway = Gateway.start(config, registry);
                try (Socket client = new Socket()) {
                    InetSocketAddress address = gateway.addresses().get(0);
                    assertEquals(200, RawHttp.exchange(address, "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n").status());
                    client.connect(address);
                    client.getOutputStream().write(("GET /chat HTTP/1.1\r\nHost: chat.test\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    assertTrue(RawBackend.readHead(client.getInputStream()).startsWith("HTTP/1.1 101 "));
                    assertEquals(1.0, connections(registry, chat.port(), "active"), "the tunnel's backend connection");

                    gateway.reload(config);
                    // The first configuration is released once drained: its kept connection to the other backend closes.
                    assertTrue(backend.awaitConnectionsEndedByPeer(1), "the released configuration closed its idle connection");

                    assertEquals(1.0, connections(registry, chat.port(), "active"),
                            "the tunnel of the released configuration is still open against its backend");
                } finally {
                    gateway.stop(Duration.ofSeconds(5));
                }
                awaitGauge(0.0, () -> connections(registry, chat.port(), "active"), "closed with the gateway");
            }
        }
    }
}
