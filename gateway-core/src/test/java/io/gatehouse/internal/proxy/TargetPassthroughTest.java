package io.gatehouse.internal.proxy;

import io.gatehouse.testing.RawBackend;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class TargetPassthroughTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "/a%2Fb/c",
            "/with%20space/and+plus",
            "/matrix;jsessionid=abc/x;v=1",
            "//double//slashes///",
            "/caf%C3%A9/%E2%82%AC",
            "/q?a=1&b=%2F&c=x+y&d=%20&e",
            "/search?q=caf%C3%A9;x=1",
            "/%41%2e%2E/../x",
    })
    void pathAndRawQueryReachTheBackendByteForByte(String target) throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            RawClient.send(proxy.port(), "GET " + target + " HTTP/1.1\r\nHost: h.example\r\nConnection: close\r\n\r\n");
            String head = backend.next().head();
            assertEquals("GET " + target + " HTTP/1.1", head.substring(0, head.indexOf("\r\n")));
        }
    }

    @Test
    void absoluteFormTargetIsSentInOriginForm() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            RawClient.send(proxy.port(), "GET http://h.example/p%2Fq?x=1 HTTP/1.1\r\nHost: h.example\r\nConnection: close\r\n\r\n");
            String head = backend.next().head();
            assertTrue(head.startsWith("GET /p%2Fq?x=1 HTTP/1.1\r\n"), head);
            assertTrue(head.contains("\r\nHost: h.example\r\n"), head);
        }
    }

    @Test
    void absoluteFormTargetWithoutPathBecomesSlash() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            RawClient.send(proxy.port(), "GET http://h.example HTTP/1.1\r\nHost: h.example\r\nConnection: close\r\n\r\n");
            assertTrue(backend.next().head().startsWith("GET / HTTP/1.1\r\n"));
        }
    }
}
