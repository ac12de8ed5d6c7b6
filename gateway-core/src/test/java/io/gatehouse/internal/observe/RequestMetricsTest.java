package io.gatehouse.internal.observe;

import io.gatehouse.GatewayMeters;
import io.gatehouse.Gateway;
import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.testing.Configs;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RefusedPort;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.gatehouse.testing.Configs.echo;
import static io.gatehouse.testing.Configs.gateway;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class RequestMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void requestsAreTimedPerVhostRouteMethodStatusClassAndOutcome() throws IOException {
        try (Gateway gateway = Gateway.start(gateway(echo("site-a", "a.test"), echo("site-b", "b.test")), registry)) {
            InetSocketAddress address = gateway.addresses().get(0);
            send(address, "GET", "a.test");
            send(address, "GET", "a.test");
            send(address, "POST", "b.test");
            send(address, "GET", "nobody.test");
        }

        Timer siteA = requests("site-a", "GET", "2xx");
        assertEquals(2, siteA.count());
        assertEquals("SUCCESS", siteA.getId().getTag("outcome"));
        assertEquals("any request", siteA.getId().getTag("route"), "a single-action vhost's one route");
        assertEquals(1, requests("site-b", "POST", "2xx").count());
        Timer unrouted = requests("-", "GET", "4xx");
        assertEquals(1, unrouted.count());
        assertEquals("CLIENT_ERROR", unrouted.getId().getTag("outcome"));
        assertEquals("-", unrouted.getId().getTag("route"));
        assertNull(registry.find(GatewayMeters.REQUESTS).tag("vhost", "site-b").tag("method", "GET").timer());
    }

    @Test
    void eachRouteIsTaggedByItsConditions() throws Exception {
        io.gatehouse.config.GatewayConfig config = io.gatehouse.config.GatewayConfig.builder()
                .listen("127.0.0.1:0")
                .vhost(v -> v.name("site").hosts("r.test")
                        .route(r -> r.path("/api/").respond(x -> x.status(204)))
                        .route(r -> r.echo()))
                .build();
        try (Gateway gateway = Gateway.start(config, registry)) {
            InetSocketAddress address = gateway.addresses().get(0);
            RawHttp.exchange(address, "GET /api/x HTTP/1.1\r\nHost: r.test\r\nConnection: close\r\n\r\n");
            RawHttp.exchange(address, "GET /page HTTP/1.1\r\nHost: r.test\r\nConnection: close\r\n\r\n");
        }

        assertEquals(1, registry.get(GatewayMeters.REQUESTS).tag("vhost", "site").tag("route", "path /api/").timer().count());
        assertEquals(1, registry.get(GatewayMeters.REQUESTS).tag("vhost", "site").tag("route", "any request").timer().count());
    }

    @Test
    void aRequestNoRouteOfItsVhostTookIsTaggedWithTheVhostAndNoRoute() throws Exception {
        io.gatehouse.config.GatewayConfig config = io.gatehouse.config.GatewayConfig.builder()
                .listen("127.0.0.1:0")
                .vhost(v -> v.name("site").hosts("r.test").route(r -> r.path("/api/").respond(x -> x.status(204))))
                .build();
        try (Gateway gateway = Gateway.start(config, registry)) {
            RawHttp.exchange(gateway.addresses().get(0), "GET /api/x HTTP/1.1\r\nHost: r.test\r\nConnection: close\r\n\r\n");
            RawHttp.exchange(gateway.addresses().get(0), "GET /page HTTP/1.1\r\nHost: r.test\r\nConnection: close\r\n\r\n");
        }

        Timer unrouted = requests("site", "GET", "4xx");
        assertEquals(1, unrouted.count());
        assertEquals("-", unrouted.getId().getTag("route"));
        assertEquals("path /api/", requests("site", "GET", "2xx").getId().getTag("route"));
    }

    @Test
    void anUnknownMethodIsTaggedOtherSoClientsCannotMintSeries() throws IOException {
        try (Gateway gateway = Gateway.start(gateway(echo("site", "a.test")), registry)) {
            send(gateway.addresses().get(0), "BREW", "a.test");
        }

        assertNull(registry.find(GatewayMeters.REQUESTS).tag("method", "BREW").timer());
        assertEquals(1, registry.get(GatewayMeters.REQUESTS).tag("method", "OTHER").timer().count());
    }

    @Test
    void bodyBytesInAndOutAreCountedPerVhost() throws Exception {
        try (RawBackend backend = RawBackend.answering("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n1234567");
             Gateway gateway = Gateway.start(proxied(backend.port()), registry)) {
            RawHttp.exchange(gateway.addresses().get(0), "POST / HTTP/1.1\r\nHost: app.test\r\nContent-Length: 11\r\n"
                    + "Connection: close\r\n\r\nhello world");
        }

        assertEquals(11, registry.get(GatewayMeters.BYTES_IN).tag("vhost", "app").counter().count());
        assertEquals(7, registry.get(GatewayMeters.BYTES_OUT).tag("vhost", "app").counter().count());
    }

    @Test
    void proxiedRequestsAreTimedPerBackendWithTheBackendsOutcome() throws Exception {
        try (RawBackend backend = RawBackend.answering("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n");
             Gateway gateway = Gateway.start(proxied(backend.port()), registry)) {
            send(gateway.addresses().get(0), "GET", "app.test");
            gateway.close(); // the meters are recorded as the exchange completes, which stopping waits for
            String name = "http://127.0.0.1:" + backend.port();

            assertEquals(1, registry.get(GatewayMeters.UPSTREAM_REQUESTS).tag("backend", name).tag("outcome", "SERVER_ERROR").timer().count());
            assertEquals(1, registry.get(GatewayMeters.UPSTREAM_CONNECT).tag("backend", name).tag("outcome", "SUCCESS").timer().count());
        }
    }

    @Test
    void aRefusedBackendConnectionIsAConnectError() throws Exception {
        String name;
        try (RefusedPort refused = RefusedPort.open(); Gateway gateway = Gateway.start(proxied(refused.port()), registry)) {
            send(gateway.addresses().get(0), "GET", "app.test");
            name = "http://127.0.0.1:" + refused.port();
        }

        assertEquals(1, registry.get(GatewayMeters.UPSTREAM_REQUESTS).tag("backend", name).tag("outcome", UpstreamCall.CONNECT_ERROR).timer().count());
        assertEquals(1, registry.get(GatewayMeters.UPSTREAM_CONNECT).tag("backend", name).tag("outcome", UpstreamCall.CONNECT_ERROR).timer().count());
        assertEquals(1, registry.get(GatewayMeters.REQUESTS).tag("status", "5xx").timer().count());
    }

    @Test
    void aBodyStalledPastTheReadTimeoutIsATimeoutAsAMissingResponseIs() throws Exception {
        String name;
        try (RawBackend backend = RawBackend.with(socket -> {
                 RawBackend.answer(socket, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345");
                 socket.getInputStream().read();
                 return false;
             });
             Gateway gateway = Gateway.start(proxied(backend.port(), Duration.ofMillis(300)), registry)) {
            RawHttp.exchangeToClose(gateway.addresses().get(0), "GET / HTTP/1.1\r\nHost: app.test\r\n\r\n");
            gateway.close(); // the meters are recorded as the exchange completes, which stopping waits for
            name = "http://127.0.0.1:" + backend.port();
        }

        assertEquals(1, registry.get(GatewayMeters.UPSTREAM_REQUESTS).tag("backend", name).tag("outcome", UpstreamCall.TIMEOUT).timer().count());
    }

    @Test
    void activeConnectionsCountAnOpenKeepAliveConnectionUntilItCloses() throws Exception {
        try (Gateway gateway = Gateway.start(gateway(echo("site", "a.test")), registry)) {
            InetSocketAddress address = gateway.addresses().get(0);
            Gauge active = registry.get(GatewayMeters.CONNECTIONS_ACTIVE).tag("listener", "127.0.0.1:" + address.getPort()).gauge();
            try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
                socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertEquals(200, RawHttp.read(socket).status());
                assertEquals(1.0, active.value());
            }
            awaitValue(active, 0.0);
        }
        assertTrue(registry.find(GatewayMeters.CONNECTIONS_ACTIVE).gauges().isEmpty(), "a stopped listener's gauge stayed");
    }

    @Test
    void configReloadsAreCountedBySuccessAndFailure() {
        GatewayMeters.configReloaded(registry, true);
        GatewayMeters.configReloaded(registry, false);
        GatewayMeters.configReloaded(registry, false);

        assertEquals(1, registry.get(GatewayMeters.CONFIG_RELOADS).tag("result", "success").counter().count());
        assertEquals(2, registry.get(GatewayMeters.CONFIG_RELOADS).tag("result", "failure").counter().count());
    }

    private GatewayConfig proxied(int backendPort) {
        return proxied(backendPort, Duration.ofSeconds(5));
    }

    private GatewayConfig proxied(int backendPort, Duration readTimeout) {
        ProxyConfig proxy = Configs.proxy(p -> p.backend("http://127.0.0.1:" + backendPort).connectTimeout(Duration.ofSeconds(2))
                .responseTimeout(Duration.ofSeconds(5)).readTimeout(readTimeout).connections(4).queue(16));
        return gateway(List.of(new ListenAddress("127.0.0.1", 0)), AccessLogConfig.OFF_CONFIG,
                Configs.vhost("app", List.of("app.test"), List.of(), proxy));
    }

    private Timer requests(String vhost, String method, String status) {
        return registry.get(GatewayMeters.REQUESTS).tag("vhost", vhost).tag("method", method).tag("status", status).timer();
    }

    private static void send(InetSocketAddress address, String method, String host) throws IOException {
        RawHttp.exchange(address, method + " / HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }

    private static void awaitValue(Gauge gauge, double value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gauge.value() != value) {
            assertTrue(System.nanoTime() < deadline, "gauge stayed at " + gauge.value());
            Thread.sleep(10);
        }
    }
}
