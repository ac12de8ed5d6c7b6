package io.gatehouse.internal.proxy;

import io.gatehouse.testing.RawBackend;

import io.gatehouse.config.ProxyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class HostHeaderTest {

    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: www.Example.com:8080\r\nConnection: close\r\n\r\n";

    @Test
    void preserveHostSendsTheClientsHostUnchanged() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            assertEquals(200, RawClient.status(RawClient.send(proxy.port(), REQUEST)));
            assertTrue(backend.next().head().contains("\r\nHost: www.Example.com:8080\r\n"));
        }
    }

    @Test
    void withoutPreserveHostTheBackendGetsItsOwnHostAndPort() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK)) {
            ProxyConfig config = ProxyServer.config(backend.port(), p -> p.preserveHost(false));
            try (ProxyServer proxy = ProxyServer.start(config)) {
                assertEquals(200, RawClient.status(RawClient.send(proxy.port(), REQUEST)));
                String head = backend.next().head();
                assertTrue(head.contains("\r\nHost: 127.0.0.1:" + backend.port() + "\r\n"), head);
                assertTrue(head.contains("\r\nX-Forwarded-Host: www.Example.com:8080\r\n"), head);
            }
        }
    }
}
