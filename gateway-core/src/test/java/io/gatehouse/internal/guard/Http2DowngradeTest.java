package io.gatehouse.internal.guard;

import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static io.gatehouse.testing.RawHttp2.get;
import static io.gatehouse.testing.RawHttp2.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2 requests, written as raw frames on an h2c connection and on a TLS one (ALPN h2), that an HTTP/1.1 backend
 * could read otherwise than Gatehouse did once downgraded: each ends in a stream error or an error status, and never
 * reaches the backend. A well-formed request on the same connection afterwards is proxied, so each case is known to
 * have been refused on its own, without taking the connection (unless the case says so).
 *
 * <p>Run once per front by {@link Http2DowngradeOverH2cTest} and {@link Http2DowngradeOverTlsTest}, so that the test reports count
 * each case (surefire 3.5 counts the cases of a JUnit parameterized class as none).
 */
@Timeout(60)
abstract class Http2DowngradeTest {

    private final Http2Gateway gateway;

    Http2DowngradeTest(Http2Gateway.Front front) {
        gateway = Http2Gateway.withBackend(front);
    }

    @AfterEach
    void stop() throws IOException {
        gateway.close();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("CR LF in a value", get("a", "/", "foo", "b\r\nx-injected: y")),
                Arguments.of("LF in a value", get("a", "/", "foo", "b\nx-injected: y")),
                Arguments.of("NUL in a value", get("a", "/", "foo", "b\0c")),
                Arguments.of("upper-case name", get("a", "/", "Foo", "b")),
                Arguments.of("space around a value", get("a", "/", "foo", " b")),
                Arguments.of("connection", get("a", "/", "connection", "close")),
                Arguments.of("keep-alive", get("a", "/", "keep-alive", "timeout=5")),
                Arguments.of("proxy-connection", get("a", "/", "proxy-connection", "keep-alive")),
                Arguments.of("upgrade", get("a", "/", "upgrade", "websocket")),
                Arguments.of("te other than trailers", get("a", "/", "te", "gzip")),
                Arguments.of("repeated :authority", get("a", "/", ":authority", "b")),
                Arguments.of("repeated :path", get("a", "/", ":path", "/admin")),
                Arguments.of("unknown pseudo-header", get("a", "/", ":foo", "b")),
                Arguments.of("neither :authority nor host", new String[] {":method", "GET", ":scheme", "http", ":path", "/"}),
                Arguments.of(":path not in origin form", get("a", "admin")),
                Arguments.of(":path in absolute form", get("a", "http://b/admin")),
                Arguments.of("CONNECT", new String[] {":method", "CONNECT", ":authority", "b:443"}),
                Arguments.of("repeated content-length", get("a", "/", "content-length", "0", "content-length", "0")),
                Arguments.of("negative content-length", get("a", "/", "content-length", "-1"))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void malformed(String name, String[] fields) throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, true, fields);
            RawHttp2.Outcome refused = h2.await(1);
            assertEquals(RawHttp2.PROTOCOL_ERROR, refused.resetCode(), name + ": " + refused);
            assertOnlyTheNextRequestIsProxied(h2, 3);
        }
    }

    static Stream<Arguments> connectionErrors() {
        // Undertow's HPACK layer answers these with GOAWAY before a stream exists: harsher than a stream error, and
        // still nothing is forwarded.
        return Stream.of(
                Arguments.of("transfer-encoding", get("a", "/", "transfer-encoding", "chunked")),
                Arguments.of("pseudo-header after a regular field", new String[] {"x", "y", ":method", "GET",
                        ":scheme", "http", ":authority", "a", ":path", "/"}),
                Arguments.of("content-length not a number", get("a", "/", "content-length", "1,1")),
                Arguments.of("CR in a name", get("a", "/", "fo\ro", "b")),
                Arguments.of("LF in a name", get("a", "/", "fo\no", "b"))
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void connectionErrors(String name, String[] fields) throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, true, fields);
            assertEquals(RawHttp2.PROTOCOL_ERROR, h2.await(1).goAwayCode(), name);
        }
        assertOnlyTheNextRequestIsProxied();
    }

    static Stream<Arguments> refusedWithAStatus() {
        return Stream.of(
                Arguments.of(400, "host naming another host", get("a", "/", "host", "b")),
                Arguments.of(400, "repeated host", get("a", "/", "host", "a", "host", "a")),
                Arguments.of(413, "content-length above limits.maxBody", get("a", "/", "content-length", "1025")),
                Arguments.of(417, "unknown expectation", get("a", "/", "expect", "something"))
        );
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource
    void refusedWithAStatus(int status, String name, String[] fields) throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, true, fields);
            assertEquals(status, h2.await(1).status(), name);
            assertOnlyTheNextRequestIsProxied(h2, 3);
        }
    }

    @Test
    void hostAloneStandsForAuthority() throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, true, ":method", "GET", ":scheme", "http", ":path", "/x", "host", "a.test");
            assertEquals(200, h2.await(1).status());
        }
        assertTrue(gateway.backend().next().head().toLowerCase(java.util.Locale.ROOT).contains("\r\nhost: a.test\r\n"));
    }

    @Test
    void cookieCrumbsReachTheBackendAsOneCookieField() throws Exception {
        // RFC 9113 section 8.2.3: HTTP/2 may split Cookie into one field per crumb, which must be joined with "; "
        // before an HTTP/1.1 hop; many backends read only one Cookie line.
        try (RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, true, get("a", "/", "cookie", "a=1", "cookie", "b=2", "cookie", "c=3"));
            assertEquals(200, h2.await(1).status());
        }
        String head = gateway.backend().next().head().toLowerCase(java.util.Locale.ROOT);
        assertTrue(head.contains("\r\ncookie: a=1; b=2; c=3\r\n"), head);
        assertEquals(head.indexOf("\r\ncookie:"), head.lastIndexOf("\r\ncookie:"), head);
    }

    @Test
    void hostAgreeingWithAuthorityIsServed() throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, true, get("a.test", "/", "host", "A.test"));
            assertEquals(200, h2.await(1).status());
        }
    }

    @Test
    void bodyShorterThanContentLengthIsNeverForwardedComplete() throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, false, request("POST", "a", "/", "content-length", "10"));
            h2.data(1, true, "12345".getBytes(StandardCharsets.US_ASCII));
            RawHttp2.Outcome outcome = h2.await(1);
            assertEquals(RawHttp2.PROTOCOL_ERROR, outcome.resetCode(), outcome.toString());
        }
        assertBackendGotNoCompleteRequest();
    }

    @Test
    void contentLengthWithoutABodyIsRefused() throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, true, request("POST", "a", "/", "content-length", "5"));
            assertEquals(400, h2.await(1).status());
            assertOnlyTheNextRequestIsProxied(h2, 3);
        }
    }

    @Test
    void bodyLongerThanContentLengthIsReset() throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, false, request("POST", "a", "/", "content-length", "3"));
            h2.data(1, true, "12345".getBytes(StandardCharsets.US_ASCII));
            RawHttp2.Outcome outcome = h2.await(1);
            assertEquals(RawHttp2.PROTOCOL_ERROR, outcome.resetCode(), outcome.toString());
        }
        assertBackendGotNoCompleteRequest();
    }

    @Test
    void bodyPastMaxBodyWithoutContentLengthIsRefusedAndNeverForwardedComplete() throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, false, request("POST", "a", "/"));
            h2.data(1, false, new byte[1000]);
            h2.data(1, true, new byte[100]);
            RawHttp2.Outcome outcome = h2.await(1);
            assertEquals(413, outcome.status(), outcome.toString());
        }
        assertBackendGotNoCompleteRequest();
    }

    @Test
    void bodyWithinMaxBodyIsForwardedWhole() throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, false, request("POST", "a", "/"));
            h2.data(1, false, new byte[1000]);
            h2.data(1, true, new byte[24]);
            assertEquals(200, h2.await(1).status());
        }
        assertEquals(1024, gateway.backend().next().body().length);
    }

    @Test
    void aBodySentBeforeTheContinueIsForwardedAfterTheContinue() throws Exception {
        // RFC 9110 section 10.1.1: a client need not wait for the 100 before it sends the body. Headers and DATA in
        // one write, so the body is in when the proxy first reads it: the read once waited for the 100 to be written
        // while the IO thread, looping on the readable stream, never wrote it. Five connections, as whether the DATA
        // arrived before that read depended on timing.
        for (int attempt = 0; attempt < 5; attempt++) {
            try (RawHttp2 h2 = gateway.connect()) {
                byte[] head = RawHttp2.frameBytes(RawHttp2.HEADERS, RawHttp2.END_HEADERS, 1, RawHttp2.headerBlock(
                        request("POST", "a", "/", "expect", "100-continue", "content-length", "3")));
                byte[] body = RawHttp2.frameBytes(RawHttp2.DATA, RawHttp2.END_STREAM, 1,
                        "abc".getBytes(StandardCharsets.US_ASCII));
                byte[] both = new byte[head.length + body.length];
                System.arraycopy(head, 0, both, 0, head.length);
                System.arraycopy(body, 0, both, head.length, body.length);
                h2.write(both);
                RawHttp2.Outcome outcome = h2.await(1);
                assertEquals(List.of("100", "200"), outcome.headers().get(":status"), outcome.toString());
            }
            assertEquals("abc", new String(gateway.backend().next().body(), StandardCharsets.US_ASCII));
        }
    }

    /**
     * Stops the gateway (which ends every backend connection) and checks that whatever reached the backend was cut
     * short: no head without a body length (a body-less request is complete), no body of its declared length.
     */
    private void assertBackendGotNoCompleteRequest() throws Exception {
        gateway.stopGateway();
        gateway.backend().awaitEveryConnectionEnded();
        for (RawBackend.Received received : gateway.backend().drain()) {
            String head = received.head().toLowerCase(java.util.Locale.ROOT);
            // The backend records a chunked body only when its last chunk came.
            assertFalse(head.contains("\r\ntransfer-encoding: chunked"), "a complete chunked request: " + head);
            int at = head.indexOf("\r\ncontent-length: ");
            assertTrue(at >= 0, "a complete body-less request: " + head);
            long length = Long.parseLong(head.substring(at + 18, head.indexOf("\r\n", at + 2)).trim());
            assertTrue(received.body().length < length, "a complete request: " + head);
        }
    }

    /** Stream {@code stream} on {@code h2}, well-formed, is answered, and is the only request the backend got. */
    private void assertOnlyTheNextRequestIsProxied(RawHttp2 h2, int stream) throws Exception {
        h2.headers(stream, true, get("a", "/next"));
        assertEquals(200, h2.await(stream).status());
        List<RawBackend.Received> received = List.of(gateway.backend().next());
        assertTrue(received.get(0).head().startsWith("GET /next "), received.get(0).head());
        assertTrue(gateway.backend().drain().isEmpty());
    }

    /** Like the other, on a new connection. */
    private void assertOnlyTheNextRequestIsProxied() throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            assertOnlyTheNextRequestIsProxied(h2, 1);
        }
    }
}
