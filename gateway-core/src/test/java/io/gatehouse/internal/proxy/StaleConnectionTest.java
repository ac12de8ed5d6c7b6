package io.gatehouse.internal.proxy;

import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pooled keep-alive connection that the backend closed is never the client's problem for an idempotent request. */
@Timeout(60)
class StaleConnectionTest {

    private static final String GET = "GET /s HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

    private static RawHttp.Response send(ProxyServer proxy, String request) throws IOException {
        return RawHttp.exchange(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), request);
    }

    @Test
    void backendClosingEachConnectionAfterItsFirstResponseNeverFailsAGet() throws Exception {
        // Answers keep-alive, then closes: the proxy pools a connection the backend is closing.
        try (RawBackend backend = RawBackend.with(socket -> {
                 socket.getOutputStream().write(RawBackend.OK.getBytes(StandardCharsets.US_ASCII));
                 socket.getOutputStream().flush();
                 return false;
             });
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            for (int i = 0; i < 30; i++) {
                assertEquals(200, send(proxy, GET).status(), "request " + i);
                assertTrue(backend.next().head().startsWith("GET /s "));
            }
        }
    }

    /**
     * The race made certain: the backend keeps the connection open after its first response, but when the next
     * request arrives on it, it closes without answering (as if its idle timeout fired just then).
     */
    private static RawBackend closingWhenReused() throws IOException {
        ConcurrentHashMap<Socket, AtomicInteger> served = new ConcurrentHashMap<>();
        return RawBackend.with(socket -> {
            if (served.computeIfAbsent(socket, s -> new AtomicInteger()).getAndIncrement() > 0) {
                return false;
            }
            socket.getOutputStream().write(RawBackend.OK.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return true;
        });
    }

    @Test
    void getOnAStalePooledConnectionIsSentAgainOnAFreshOne() throws Exception {
        try (RawBackend backend = closingWhenReused();
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            assertEquals(200, send(proxy, GET).status());
            backend.next();
            RawHttp.Response second = send(proxy, GET);
            assertEquals(200, second.status());
            assertTrue(backend.next().head().startsWith("GET /s "), "the request on the stale connection");
            assertTrue(backend.next().head().startsWith("GET /s "), "the same request on a fresh connection");
            assertEquals(2, backend.connectionsAccepted());
        }
    }

    @Test
    void postOnAStalePooledConnectionIsNotSentAgain() throws Exception {
        try (RawBackend backend = closingWhenReused();
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            assertEquals(200, send(proxy, GET).status());
            backend.next();
            assertEquals(502, send(proxy, "POST /s HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").status());
            assertTrue(backend.next().head().startsWith("POST /s "));
            assertTrue(backend.completedNoRequest(), "the POST was sent again");
            assertEquals(1, backend.connectionsAccepted());
        }
    }
}
