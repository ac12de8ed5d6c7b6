package io.gatehouse.internal.proxy;

import io.gatehouse.testing.RawBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A {@link ReverseProxy} mounted on its own, without the gateway's root handlers, cleans the client's headers too. */
@Timeout(30)
class ClientHeadersOnItsOwnTest {

    @Test
    void underscoreHeadersAndTheUntrustedFamilyDoNotReachTheBackend() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            RawClient.send(proxy.port(), "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nX_Forwarded_For: 6.6.6.6\r\n"
                    + "X-Forwarded-Ssl: on\r\nX-Original-URL: /admin\r\nX-End-To-End: kept\r\n\r\n");
            String head = backend.next().head().toLowerCase(Locale.ROOT);
            assertFalse(head.contains("6.6.6.6"), head);
            assertFalse(head.contains("x-forwarded-ssl"), head);
            assertFalse(head.contains("x-original-url"), head);
            assertTrue(head.contains("\r\nx-end-to-end: kept\r\n"), head);
        }
    }
}
