package io.gatehouse.internal.proxy;

import io.gatehouse.testing.RawBackend;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class HopByHopTest {

    private static final List<String> REQUEST_HOP_HEADERS = List.of(
            "keep-alive:", "te:", "trailer:", "upgrade:", "proxy-authorization:", "proxy-connection:", "x-hop:", "x-other-hop:");

    @Test
    void hopByHopRequestHeadersAndTheNamesConnectionListsAreNotForwarded() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            RawClient.send(proxy.port(), "GET / HTTP/1.1\r\nHost: a\r\n"
                    + "Connection: close\r\nConnection: X-Hop, x-other-hop\r\nX-Hop: 1\r\nX-Other-Hop: 2\r\n"
                    + "Keep-Alive: timeout=5\r\nTE: trailers\r\nTrailer: X-Sum\r\nUpgrade: h2c\r\n"
                    + "Proxy-Authorization: Basic c2VjcmV0\r\nProxy-Connection: keep-alive\r\nX-End-To-End: kept\r\n\r\n");
            String head = backend.next().head().toLowerCase(Locale.ROOT);
            for (String name : REQUEST_HOP_HEADERS) {
                assertFalse(head.contains("\r\n" + name), name + " reached the backend:\n" + head);
            }
            assertFalse(head.contains("\r\nconnection: close"), head);
            assertTrue(head.contains("\r\nx-end-to-end: kept\r\n"), head);
        }
    }

    @Test
    void chunkedRequestBodyIsReframedForTheBackend() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            String answer = RawClient.send(proxy.port(), "POST /up HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            assertEquals(200, RawClient.status(answer), answer);
            RawBackend.Received received = backend.next();
            assertArrayEquals("hello world".getBytes(StandardCharsets.US_ASCII), received.body());
        }
    }

    @Test
    void connectionCannotCancelHostOrContentLength() throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            RawClient.send(proxy.port(), "POST / HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\nConnection: Host, Content-Length\r\n"
                    + "Content-Length: 5\r\n\r\nhello");
            RawBackend.Received received = backend.next();
            assertTrue(received.head().contains("\r\nHost: a.example\r\n"), received.head());
            assertEquals("hello", new String(received.body(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void hopByHopResponseHeadersAndTheNamesConnectionListsAreNotReturned() throws Exception {
        String response = "HTTP/1.1 200 OK\r\nConnection: X-Secret, keep-alive\r\nX-Secret: internal\r\n"
                + "Keep-Alive: timeout=5, max=100\r\nProxy-Connection: keep-alive\r\nUpgrade: foo\r\n"
                + "Trailer: X-Sum\r\nProxy-Authenticate: Basic\r\nTE: trailers\r\nX-End-To-End: kept\r\n"
                + "Content-Length: 2\r\n\r\nok";
        try (RawBackend backend = RawBackend.answering(response);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            String answer = RawClient.send(proxy.port(), "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            String head = RawClient.headLower(answer);
            for (String name : List.of("x-secret:", "keep-alive:", "proxy-connection:", "upgrade:", "trailer:", "proxy-authenticate:", "te:")) {
                assertFalse(head.contains("\r\n" + name), name + " reached the client:\n" + head);
            }
            assertFalse(head.contains("connection: x-secret"), head);
            assertTrue(head.contains("\r\nx-end-to-end: kept\r\n"), head);
            assertTrue(answer.endsWith("\r\n\r\nok"), answer);
        }
    }

    @Test
    void responseHeadersListedInAnyConnectionLineAreDroppedWhateverTheirCaseAndSpacing() throws Exception {
        String response = "HTTP/1.1 200 OK\r\nConnection: x-secret ,\tkeep-alive\r\nConnection: X-OTHER\r\n"
                + "X-Secret: internal\r\nx-other: internal\r\nX-Secrets: kept\r\nContent-Length: 2\r\n\r\nok";
        try (RawBackend backend = RawBackend.answering(response);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            String head = RawClient.headLower(RawClient.send(proxy.port(), "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"));
            assertFalse(head.contains("\r\nx-secret:"), head);
            assertFalse(head.contains("\r\nx-other:"), head);
            assertTrue(head.contains("\r\nx-secrets: kept\r\n"), head);
        }
    }

    @Test
    void chunkedResponseIsRelayedWithOurOwnFraming() throws Exception {
        String response = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        try (RawBackend backend = RawBackend.answering(response);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            String answer = RawClient.send(proxy.port(), "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertEquals(200, RawClient.status(answer));
            assertTrue(answer.contains("hello"), answer);
        }
    }
}
