package io.gatehouse.internal.proxy;

import io.gatehouse.config.ProxyConfig;
import io.gatehouse.testing.Configs;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RefusedPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * proxy.retries: which failed requests go to another backend. Round-robin over two backends starts at the first;
 * the failing backend is always listed first and health is lenient (failures: 100) so that only retries are tested.
 */
@Timeout(60)
class RetryTest {

    private static final ProxyConfig.Health LENIENT = new ProxyConfig.Health(100, Duration.ofMinutes(1), Optional.empty());

    private static ProxyServer proxy(int retries, int... ports) {
        return ProxyServer.start(ProxyServer.config(java.util.Arrays.stream(ports).boxed().toList(),
                ProxyConfig.Balance.ROUND_ROBIN, LENIENT, retries));
    }

    private static RawHttp.Response send(ProxyServer proxy, String request) throws IOException {
        return RawHttp.exchange(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), request);
    }

    @Test
    void refusedConnectionIsRetriedOnAnotherBackend() throws Exception {
        try (RawBackend good = RawBackend.answering(RawBackend.OK);
             RefusedPort refused = RefusedPort.open();
             ProxyServer proxy = proxy(1, refused.port(), good.port())) {
            assertEquals(200, send(proxy, "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").status());
            assertTrue(good.next().head().startsWith("GET /x "));
        }
    }

    @Test
    void postIsRetriedWhenNoConnectionCouldBeMade() throws Exception {
        try (RawBackend good = RawBackend.answering(RawBackend.OK);
             RefusedPort refused = RefusedPort.open();
             ProxyServer proxy = proxy(1, refused.port(), good.port())) {
            RawHttp.Response response = send(proxy, "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
            assertEquals(200, response.status());
            RawBackend.Received received = good.next();
            assertTrue(received.head().startsWith("POST /x "));
            assertEquals("hello", new String(received.body()));
        }
    }

    @Test
    void getResetAfterSendingIsRetriedOnAnotherBackend() throws Exception {
        try (RawBackend resetting = RawBackend.resettingBeforeResponse();
             RawBackend good = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = proxy(1, resetting.port(), good.port())) {
            assertEquals(200, send(proxy, "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").status());
            assertTrue(resetting.next().head().startsWith("GET /x "));
            assertTrue(good.next().head().startsWith("GET /x "));
        }
    }

    @Test
    void postResetAfterSendingIsNeverRetried() throws Exception {
        try (RawBackend resetting = RawBackend.resettingBeforeResponse();
             RawBackend good = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = proxy(1, resetting.port(), good.port())) {
            assertEquals(502, send(proxy, "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").status());
            assertTrue(resetting.next().head().startsWith("POST /x "));
            assertTrue(good.receivedNothing());
        }
    }

    @Test
    void idempotentRequestWithStreamedBodyIsNotRetried() throws Exception {
        try (RawBackend resetting = RawBackend.resettingBeforeResponse();
             RawBackend good = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = proxy(1, resetting.port(), good.port())) {
            assertEquals(502, send(proxy, "PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello").status());
            assertEquals("hello", new String(resetting.next().body()));
            assertTrue(good.receivedNothing());
        }
    }

    @Test
    void retriesAreBoundedByProxyRetries() throws Exception {
        try (RawBackend first = RawBackend.resettingBeforeResponse();
             RawBackend second = RawBackend.resettingBeforeResponse();
             RawBackend third = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = proxy(1, first.port(), second.port(), third.port())) {
            assertEquals(502, send(proxy, "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").status());
            first.next();
            second.next();
            assertTrue(third.receivedNothing());
        }
    }

    @Test
    void noRetryWhenRetriesIsZero() throws Exception {
        try (RawBackend resetting = RawBackend.resettingBeforeResponse();
             RawBackend good = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = proxy(0, resetting.port(), good.port())) {
            assertEquals(502, send(proxy, "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").status());
            resetting.next();
            assertTrue(good.receivedNothing());
        }
    }

    @Test
    void malformedResponseIsNotRetried() throws Exception {
        try (RawBackend broken = RawBackend.answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok");
             RawBackend good = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = proxy(1, broken.port(), good.port())) {
            assertEquals(502, send(proxy, "GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").status());
            broken.next();
            assertTrue(good.receivedNothing());
        }
    }

    @Test
    void defaultRetriesTryEveryOtherBackendOnce() {
        ProxyConfig config = Configs.proxy(p -> p.backend("http://127.0.0.1:1").backend("http://127.0.0.1:2")
                .backend("http://127.0.0.1:3"));
        assertEquals(2, config.retries());
    }
}
