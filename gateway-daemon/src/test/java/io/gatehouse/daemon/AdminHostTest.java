package io.gatehouse.daemon;

import io.gatehouse.config.AdminConfig;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin listener answers only Host names a browser page of someone else's cannot use: loopback names, its own
 * address, and the names configured in {@code admin.hosts}. A DNS-rebinding page (its own name resolved to
 * 127.0.0.1) sends its own name as Host and gets 403, so it cannot read {@code /config}.
 */
@Timeout(30)
class AdminHostTest {

    private AdminServer admin;

    private int start(String... hosts) throws ConfigException {
        AdminConfig config = new AdminConfig(Optional.of(new ListenAddress("127.0.0.1", 0)), List.of(hosts));
        GatewayConfig served = GatewayConfig.builder().listen("127.0.0.1:8080")
                .vhost(v -> v.name("marker-vhost").hosts("app.test").echo()).build();
        admin = AdminServer.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> served, () -> true);
        return admin.address().getPort();
    }

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
    }

    /** Shorthand forms of 127.0.0.1 ({@code 127.1}) are no IP literal, so they are not its arrival address. */
    @ParameterizedTest
    @ValueSource(strings = {"rebind.attacker.example", "rebind.attacker.example:9901", "localhost.attacker.example",
            "127.0.0.1.attacker.example", "10.0.0.1", "127.1", "2130706433", "1.2.3.4.5", "999.1.1.1"})
    void anotherHostIsRefusedWith403AndSeesNoConfig(String host) throws ConfigException {
        int port = start();
        RawGet.Response response = RawGet.get(port, host, "/config");
        assertEquals(403, response.status());
        assertFalse(response.body().contains("marker-vhost"), response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST", "localhost.", "127.0.0.1", "[::1]"})
    void loopbackNamesAreAnsweredWithOrWithoutPort(String host) throws ConfigException {
        int port = start();
        assertEquals(200, RawGet.get(port, host, "/healthz").status());
        RawGet.Response config = RawGet.get(port, host + ":" + port, "/config");
        assertEquals(200, config.status());
        assertTrue(config.body().contains("marker-vhost"), config.body());
    }

    @Test
    void configuredNamesAndPatternsAreAnswered() throws ConfigException {
        int port = start("metrics.internal", "*.ops.example");
        assertEquals(200, RawGet.get(port, "metrics.internal:" + port, "/metrics").status());
        assertEquals(200, RawGet.get(port, "node1.ops.example", "/metrics").status());
        assertEquals(403, RawGet.get(port, "ops.example", "/metrics").status());
        assertEquals(403, RawGet.get(port, "metrics.internal.attacker.example", "/metrics").status());
    }

    @Test
    void anAsteriskAcceptsAnyHost() throws ConfigException {
        int port = start("*");
        assertEquals(200, RawGet.get(port, "anything.example", "/healthz").status());
    }

    /** HTTP/1.0 health checkers (HAProxy's default httpchk) send no Host; a browser always does. */
    @Test
    void anHttp10RequestWithoutHostIsAnswered() throws IOException, ConfigException {
        int port = start();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /healthz HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertTrue(RawGet.readHead(in).startsWith("HTTP/1.0 200 "));
        }
    }
}
