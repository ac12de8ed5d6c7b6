package io.gatehouse.internal.vhosts;

import io.gatehouse.Gateway;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.testing.Configs;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static io.gatehouse.testing.Configs.gateway;
import static io.gatehouse.testing.Configs.vhost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Only configured virtual hosts are ever forwarded, whatever the request names. */
class NeverAnOpenProxyTest {

    private RawBackend backend;
    private Gateway gateway;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        backend = RawBackend.answering(RawBackend.OK);
        ProxyConfig proxy = Configs.proxy(p -> p.backend("http://127.0.0.1:" + backend.port())
                .connectTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofSeconds(60)).connections(4).queue(16));
        gateway = Gateway.start(gateway(vhost("app", List.of("app.test"), List.of(), proxy)));
        address = gateway.addresses().get(0);
    }

    @AfterEach
    void stop() throws IOException {
        gateway.stop(Duration.ofSeconds(5));
        backend.close();
    }

    @Test
    void unknownHostIsNotFoundAndNeverForwarded() throws IOException {
        assertEquals(404, RawHttp.exchange(address, "GET / HTTP/1.1\r\nHost: other.test\r\nConnection: close\r\n\r\n").status());
        assertTrue(backend.receivedNothing());
    }

    @Test
    void absoluteFormForAnotherHostIsNeverForwarded() throws IOException {
        int status = RawHttp.exchange(address, "GET http://127.0.0.1:" + backend.port() + "/ HTTP/1.1\r\nHost: 127.0.0.1:"
                + backend.port() + "\r\nConnection: close\r\n\r\n").status();
        assertEquals(404, status);
        assertTrue(backend.receivedNothing());
    }

    @Test
    void connectIsRefusedAndNeverForwarded() throws IOException {
        assertEquals(405, RawHttp.exchange(address, "CONNECT app.test:80 HTTP/1.1\r\nHost: app.test:80\r\n\r\n").status());
        assertTrue(backend.receivedNothing());
    }

    @Test
    void configuredHostIsForwarded() throws IOException, InterruptedException {
        assertEquals(200, RawHttp.exchange(address, "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n").status());
        assertTrue(backend.next().head().startsWith("GET / HTTP/1.1"));
    }
}
