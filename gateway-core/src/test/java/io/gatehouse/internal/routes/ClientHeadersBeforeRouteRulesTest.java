package io.gatehouse.internal.routes;

import io.gatehouse.testing.RawBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a client may not send a backend (names it lists in {@code Connection}, headers stripped from untrusted peers)
 * is removed from what the client sent, before the route's rules run: the client can never cancel, and the gateway
 * never strips, a header the route sets or adds.
 */
@Timeout(30)
class ClientHeadersBeforeRouteRulesTest {

    @TempDir
    Path dir;

    private RoutedGateway proxied(RawBackend backend) throws Exception {
        return RoutedGateway.proxying(dir, "", backend.port(),
                "{ request: { set: { X-Client-IP: '${client_ip}', X-Gateway-Auth: secret }, add: { X-Route: added } } }");
    }

    @Test
    void headersTheRouteSetsReachTheBackendWhenTheClientListsThemInConnection() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = proxied(backend)) {
            gateway.send("GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n"
                    + "Connection: X-Client-IP, X-Gateway-Auth\r\nConnection: X-Route\r\n\r\n");
            String head = backend.next().head();
            assertTrue(head.contains("\r\nX-Client-IP: 127.0.0.1\r\n"), head);
            assertTrue(head.contains("\r\nX-Gateway-Auth: secret\r\n"), head);
            assertTrue(head.contains("\r\nX-Route: added\r\n"), head);
        }
    }

    @Test
    void aRouteMaySetAHeaderStrippedFromUntrustedClients() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = RoutedGateway.proxying(dir, "", backend.port(),
                     "{ request: { set: { X-Forwarded-Prefix: /app } } }")) {
            gateway.send("GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\nX-Forwarded-Prefix: /evil\r\n\r\n");
            String head = backend.next().head();
            assertTrue(head.contains("\r\nX-Forwarded-Prefix: /app\r\n"), head);
            assertFalse(head.contains("/evil"), head);
        }
    }

    @Test
    void whatTheClientSentUnderANameItListsInConnectionIsStillRemoved() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             RoutedGateway gateway = proxied(backend)) {
            gateway.send("GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\nConnection: X-Route, X-Hop\r\n"
                    + "X-Route: from-client\r\nX-Hop: 1\r\n\r\n");
            String head = backend.next().head();
            assertFalse(head.contains("from-client"), head);
            assertFalse(head.contains("\r\nX-Hop:"), head);
            assertTrue(head.contains("\r\nX-Route: added\r\n"), head);
        }
    }
}
