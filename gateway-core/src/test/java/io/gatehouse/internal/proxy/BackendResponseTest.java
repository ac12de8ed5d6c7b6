package io.gatehouse.internal.proxy;

import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the client gets when the backend's response is malformed or cut short: 502 and a discarded backend
 * connection for bad framing, a closed client connection (never a made-up end) for a truncated body.
 */
@Timeout(30)
class BackendResponseTest {

    private static final String GET = "GET /r HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

    /**
     * Sends two requests through a proxy whose backend answers each with {@code response} on a connection it keeps
     * open; asserts both are answered 502, the backend received the request, and the second came on a new backend
     * connection (the first was discarded, not pooled).
     */
    private static void assertBadGatewayAndDiscarded(String response) throws Exception {
        try (RawBackend backend = RawBackend.answering(response);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            RawHttp.Response first = RawHttp.exchange(address(proxy), GET);
            assertEquals(502, first.status(), first.head());
            assertTrue(backend.next().head().startsWith("GET /r HTTP/1.1\r\n"));
            RawHttp.Response second = RawHttp.exchange(address(proxy), GET);
            assertEquals(502, second.status(), second.head());
            backend.next();
            assertEquals(2, backend.connectionsAccepted());
        }
    }

    private static InetSocketAddress address(ProxyServer proxy) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port());
    }

    @Test
    void backendsOwnReasonPhraseReachesTheClient() throws Exception {
        try (RawBackend backend = RawBackend.answering("HTTP/1.1 200 Fine Thanks\r\nContent-Length: 2\r\n\r\nok");
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            RawHttp.Response response = RawHttp.exchange(address(proxy), GET);
            assertTrue(response.head().startsWith("HTTP/1.1 200 Fine Thanks\r\n"), response.head());
        }
    }

    @Test
    void nonNumericContentLengthIsBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok");
    }

    @Test
    void signedContentLengthIsBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok");
    }

    @Test
    void negativeContentLengthIsBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nok");
    }

    @Test
    void repeatedContentLengthIsBadGatewayEvenWhenEqual() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok");
    }

    @Test
    void conflictingContentLengthsAreBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 7\r\n\r\nok");
    }

    @Test
    void contentLengthListIsBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok");
    }

    @Test
    void transferEncodingWithContentLengthIsBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
    }

    @Test
    void transferCodingOtherThanChunkedIsBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
    }

    @Test
    void fourDigitStatusIsBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok");
    }

    @Test
    void nonNumericStatusIsBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 abc OK\r\nContent-Length: 2\r\n\r\nok");
    }

    @Test
    void statusOutsideTheHttpRangeIsBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 099 Odd\r\nContent-Length: 2\r\n\r\nok");
    }

    @Test
    void unknownProtocolInStatusLineIsBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("ICY 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }

    @Test
    void spaceBeforeTheColonIsBadGateway() throws Exception {
        // RFC 9112 §5.1: a proxy must not pass such a field on; "Content-Length :" could frame two ways.
        assertBadGatewayAndDiscarded("HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nok");
    }

    @Test
    void foldedHeaderLineIsBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Long: a\r\n b\r\n\r\nok");
    }

    @Test
    void bareCarriageReturnInAHeaderIsBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Split: a\rSet-Cookie: b\r\n\r\nok");
    }

    @Test
    void controlCharacterInAHeaderValueIsBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Nul: a\u0000b\r\n\r\nok");
    }

    @Test
    void headerNameWithASeparatorIsBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX(Odd): a\r\n\r\nok");
    }

    @Test
    void responseHeadLargerThanABufferIsBadGateway() throws Exception {
        // nginx answers "upstream sent too big header" with 502 the same way (proxy_buffer_size).
        assertBadGatewayAndDiscarded("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Big: " + "x".repeat(20_000) + "\r\n\r\nok");
    }

    @Test
    void switchingProtocolsTheClientDidNotAskForIsBadGateway() throws Exception {
        assertBadGatewayAndDiscarded("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n");
    }

    @Test
    void interimResponsesAreDroppedAndTheFinalOneRelayed() throws Exception {
        try (RawBackend backend = RawBackend.answering("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            RawHttp.Response response = RawHttp.exchange(address(proxy), GET);
            assertEquals(200, response.status(), response.head());
            assertEquals("ok", response.body());
            assertFalse(response.head().contains("Link:"), response.head());
            assertEquals(200, RawHttp.exchange(address(proxy), GET).status());
            assertEquals(1, backend.connectionsAccepted());
        }
    }

    @Test
    void linesEndingInABareLineFeedAreAccepted() throws Exception {
        // RFC 9112 §2.2 lets a recipient take LF for CRLF; nginx does, and so do backends written by hand.
        try (RawBackend backend = RawBackend.answering("HTTP/1.1 200 OK\nContent-Length: 2\nX-Seen: yes\n\nok");
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            RawHttp.Response response = RawHttp.exchange(address(proxy), GET);
            assertEquals(200, response.status(), response.head());
            assertTrue(response.head().contains("\r\nX-Seen: yes\r\n"), response.head());
            assertEquals("ok", response.body());
        }
    }

    @Test
    void wellFramedResponseOnTheSameBackendIsRelayed() throws Exception {
        // The control for the tests above: the same path with a correct response gives 200 and reuses the connection.
        try (RawBackend backend = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            assertEquals(200, RawHttp.exchange(address(proxy), GET).status());
            assertEquals(200, RawHttp.exchange(address(proxy), GET).status());
            assertEquals(1, backend.connectionsAccepted());
        }
    }

    @Test
    void repeatedFieldsReachTheClientEachInItsOrder() throws Exception {
        try (RawBackend backend = RawBackend.answering("HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-Step: one\r\n"
                + "Set-Cookie: b=2\r\nX-Step: two\r\nContent-Length: 2\r\n\r\nok");
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            String head = RawHttp.exchange(address(proxy), GET).head();
            assertTrue(head.contains("\r\nSet-Cookie: a=1\r\n") && head.contains("\r\nSet-Cookie: b=2\r\n")
                    && head.indexOf("a=1") < head.indexOf("b=2"), head);
            assertTrue(head.contains("\r\nX-Step: one\r\n") && head.contains("\r\nX-Step: two\r\n")
                    && head.indexOf("one") < head.indexOf("two"), head);
        }
    }

    @Test
    void eachResponseOnAPooledConnectionKeepsItsOwnValues() throws Exception {
        // A connection reuses a value the last response sent byte for byte; one byte different must be a new value.
        String[] responses = {
                "HTTP/1.1 200 OK\r\nETag: \"v1\"\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 200 Ok\r\nETag: \"v2\"\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 200 Ok\r\nETag: \"v2\"\r\nContent-Type: text/plaiN\r\nContent-Length: 2\r\n\r\nok"};
        AtomicInteger served = new AtomicInteger();
        try (RawBackend backend = RawBackend.with(socket -> {
                 socket.getOutputStream().write(responses[served.getAndIncrement()].getBytes(StandardCharsets.ISO_8859_1));
                 socket.getOutputStream().flush();
                 return true;
             });
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            String[] heads = new String[responses.length];
            for (int i = 0; i < responses.length; i++) {
                heads[i] = RawHttp.exchange(address(proxy), GET).head();
            }
            assertEquals(1, backend.connectionsAccepted());
            assertTrue(heads[0].startsWith("HTTP/1.1 200 OK\r\n") && heads[0].contains("\r\nETag: \"v1\"\r\n")
                    && heads[0].contains("\r\nContent-Type: text/plain\r\n"), heads[0]);
            assertTrue(heads[1].startsWith("HTTP/1.1 200 Ok\r\n") && heads[1].contains("\r\nETag: \"v2\"\r\n")
                    && heads[1].contains("\r\nContent-Type: text/plain\r\n"), heads[1]);
            assertTrue(heads[2].contains("\r\nETag: \"v2\"\r\n") && heads[2].contains("\r\nContent-Type: text/plaiN\r\n"),
                    heads[2]);
        }
    }

    /** A backend that sends {@code bytes} and then closes the connection. */
    private static RawBackend sendingThenClosing(String bytes) throws IOException {
        return RawBackend.with(socket -> {
            socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return false;
        });
    }

    /** Sends a keep-alive GET and reads everything until the proxy closes the connection (failing on a hang). */
    private static String everythingUntilClose(ProxyServer proxy) throws IOException {
        return everythingUntilClose(proxy, "GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
    }

    private static String everythingUntilClose(ProxyServer proxy, String request) throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            InputStream in = client.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    all.write(buffer, 0, n);
                }
            } catch (java.net.SocketException reset) {
                // A reset is a close too.
            }
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void contentLengthBodyCutShortClosesTheClientConnection() throws Exception {
        try (RawBackend backend = sendingThenClosing("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            String received = everythingUntilClose(proxy);
            assertTrue(received.startsWith("HTTP/1.1 200 "), received);
            assertTrue(received.contains("\r\nContent-Length: 10\r\n"), received);
            String body = received.substring(received.indexOf("\r\n\r\n") + 4);
            assertEquals("abc", body);
            assertTrue(backend.next().head().startsWith("GET /big "));
        }
    }

    @Test
    void chunkedBodyCutShortIsNeverGivenATerminator() throws Exception {
        try (RawBackend backend = sendingThenClosing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            String received = everythingUntilClose(proxy);
            assertTrue(received.startsWith("HTTP/1.1 200 "), received);
            assertTrue(received.toLowerCase().contains("\r\ntransfer-encoding: chunked\r\n"), received);
            String body = received.substring(received.indexOf("\r\n\r\n") + 4);
            assertFalse(body.contains("0\r\n\r\n"), "a chunked terminator the backend never sent: " + body);
            assertTrue(backend.next().head().startsWith("GET /big "));
        }
    }

    @Test
    void chunkedBodyCutShortStaysChunkedForAClientThatAskedToClose() throws Exception {
        // Close-delimited framing would make the cut body look complete to a client that sent Connection: close.
        try (RawBackend backend = sendingThenClosing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            String received = everythingUntilClose(proxy, "GET /big HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertTrue(received.startsWith("HTTP/1.1 200 "), received);
            assertTrue(received.toLowerCase().contains("\r\ntransfer-encoding: chunked\r\n"), received);
            String body = received.substring(received.indexOf("\r\n\r\n") + 4);
            assertTrue(body.matches("0*3\r\nabc\r\n"), "the chunk as sent, and no terminator: " + body);
            assertTrue(backend.next().head().startsWith("GET /big "));
        }
    }

    @Test
    void chunkedBodyCutShortMidChunkIsNeverGivenATerminator() throws Exception {
        try (RawBackend backend = sendingThenClosing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nabc");
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            String received = everythingUntilClose(proxy);
            // Undertow may not have flushed the head yet when the backend breaks off: a bare close is right too.
            assertTrue(received.isEmpty() || received.startsWith("HTTP/1.1 200 "), received);
            assertFalse(received.contains("0\r\n\r\n"), "a chunked terminator the backend never sent: " + received);
            backend.next();
        }
    }

    @Test
    void bodyDelimitedByCloseIsCompleteWhenTheBackendCloses() throws Exception {
        // The control: without Content-Length or chunked, the backend's close is the end of the body (RFC 9112 §6.3).
        try (RawBackend backend = sendingThenClosing("HTTP/1.1 200 OK\r\n\r\nabc");
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            RawHttp.Response response = RawHttp.exchange(address(proxy), GET);
            assertEquals(200, response.status());
            assertEquals("abc", response.body());
            backend.next();
        }
    }
}
