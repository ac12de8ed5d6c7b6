package io.gatehouse.internal.guard;

import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classic request-smuggling shapes (CL.TE, TE.CL, TE.TE with an obfuscated Transfer-Encoding), each written on
 * one connection with a second request hidden where a lenient parser would find it, through the real gateway to a
 * recording backend. A request Gatehouse cannot frame unambiguously is refused and the connection closed; the hidden
 * request never reaches the backend. Where the framing is unambiguous, the backend sees exactly what the client's
 * framing says: a body that merely looks like a request stays body, and a well-framed pipelined request is a request
 * to both of them (the client gets its response), never one the client did not see answered.
 * {@link RequestFramingTest} has the field-by-field cases.
 */
@Timeout(60)
class SmugglingTest {

    private static final String HIDDEN = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";

    private RawBackend backend;
    private GuardedGateway gateway;

    @BeforeEach
    void start() throws IOException {
        backend = RawBackend.answering(RawBackend.OK);
        gateway = GuardedGateway.proxyingTo(backend.port());
    }

    @AfterEach
    void stop() throws IOException {
        gateway.close();
        backend.close();
    }

    /** Every response on one connection, read to the end of the stream, split on status lines. */
    private List<String> responsesTo(String bytes) throws IOException {
        String all;
        try (Socket socket = gateway.open(bytes)) {
            all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        List<String> responses = new ArrayList<>();
        for (int at = all.indexOf("HTTP/1."); at >= 0; ) {
            int next = all.indexOf("HTTP/1.", at + 1);
            responses.add(next < 0 ? all.substring(at) : all.substring(at, next));
            at = next;
        }
        return responses;
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    /** Refused with {@code status}, the connection closed (readAllBytes returned), and nothing reached the backend. */
    private void refusedWithNothingForwarded(int status, String bytes) throws Exception {
        List<String> responses = responsesTo(bytes);
        assertEquals(1, responses.size(), responses.toString());
        assertEquals(status, status(responses.get(0)), responses.get(0));
        assertTrue(gateway.forwardedNothingMoreOnceStopped(backend), "the backend received a request");
    }

    @Test
    void clTeWithTheHiddenRequestAfterTheLastChunkIsRefused() throws Exception {
        String body = "0\r\n\r\n" + HIDDEN;
        refusedWithNothingForwarded(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length()
                + "\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
    }

    @Test
    void teClWithTheHiddenRequestInsideAChunkIsRefused() throws Exception {
        String chunk = Integer.toHexString(HIDDEN.length()) + "\r\n" + HIDDEN + "\r\n0\r\n\r\n";
        refusedWithNothingForwarded(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + chunk);
    }

    /** TE.TE: one of two parsers is made to miss the Transfer-Encoding; Gatehouse refuses every disguise. */
    @ParameterizedTest
    @ValueSource(strings = {
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n",
            "Transfer-Encoding: x\r\nTransfer-Encoding: chunked\r\n",
            "Transfer-Encoding : chunked\r\n",
            "Transfer-Encoding\t: chunked\r\n",
            "Transfer-Encoding:\r\n chunked\r\n",
            "X: y\r\n Transfer-Encoding: chunked\r\n",
            "X: y\nTransfer-Encoding: chunked\r\n",
            "Transfer-Encoding: chunked\u000b\r\n",
            "Transfer-Encoding: \u0000chunked\r\n",
            "Transfer-Encoding: chunked, identity\r\n",
            "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n",
    })
    void teTeWithAnObfuscatedTransferEncodingIsRefused(String headers) throws Exception {
        List<String> responses = responsesTo("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n" + headers
                + "\r\n0\r\n\r\n" + HIDDEN);
        assertEquals(1, responses.size(), responses.toString());
        int status = status(responses.get(0));
        assertTrue(status == 400 || status == 501, responses.get(0));
        assertTrue(gateway.forwardedNothingMoreOnceStopped(backend), "the backend received a request");
    }

    /**
     * {@code Transfer_Encoding} is a valid field name of its own, so Content-Length frames the body. It is dropped, as
     * every header with {@code _} is by default (a backend that maps {@code _} to {@code -}, as CGI-style environments
     * do, would see a second framing); the bytes after the 4-byte body are parsed as the next request, refused here
     * for their bare LF.
     */
    @Test
    void underscoreLookalikeOfTransferEncodingIsNotFraming() throws Exception {
        List<String> responses = responsesTo("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
                + "Transfer_Encoding: chunked\r\n\r\n0\r\n\r\n" + HIDDEN);
        assertEquals(2, responses.size(), responses.toString());
        assertEquals(200, status(responses.get(0)));
        assertEquals(400, status(responses.get(1)));
        RawBackend.Received received = backend.next();
        assertEquals("0\r\n\r", new String(received.body(), StandardCharsets.ISO_8859_1));
        assertFalse(received.head().contains("Transfer_Encoding"), received.head());
        assertTrue(gateway.forwardedNothingMoreOnceStopped(backend), "the hidden request reached the backend");
    }

    @Test
    void unknownCodingWithAHiddenRequestIsNotImplemented() throws Exception {
        refusedWithNothingForwarded(501, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"
                + HIDDEN);
    }

    @Test
    void requestInsideAContentLengthBodyStaysBody() throws Exception {
        RawHttp.Response response = gateway.send("POST /outer HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
                + "Content-Length: " + HIDDEN.length() + "\r\n\r\n" + HIDDEN);
        assertEquals(200, response.status());
        RawBackend.Received outer = backend.next();
        assertTrue(outer.head().startsWith("POST /outer "), outer.head());
        assertEquals(HIDDEN, new String(outer.body(), StandardCharsets.ISO_8859_1));
        assertTrue(gateway.forwardedNothingMoreOnceStopped(backend), "the body was forwarded as a request of its own");
    }

    @Test
    void requestInsideAChunkStaysBody() throws Exception {
        RawHttp.Response response = gateway.send("POST /outer HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(HIDDEN.length()) + "\r\n" + HIDDEN
                + "\r\n0\r\n\r\n");
        assertEquals(200, response.status());
        assertEquals(HIDDEN, new String(backend.next().body(), StandardCharsets.ISO_8859_1));
        assertTrue(gateway.forwardedNothingMoreOnceStopped(backend), "the chunk was forwarded as a request of its own");
    }

    @Test
    void wellFramedRequestAfterAChunkedBodyIsAnsweredInOrderAsItsOwnRequest() throws Exception {
        List<String> responses = responsesTo("POST /first HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n" + "GET /second HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertEquals(2, responses.size(), responses.toString());
        assertEquals(200, status(responses.get(0)));
        assertEquals(200, status(responses.get(1)));
        RawBackend.Received first = backend.next();
        assertTrue(first.head().startsWith("POST /first "), first.head());
        assertEquals("hello", new String(first.body(), StandardCharsets.ISO_8859_1));
        assertTrue(backend.next().head().startsWith("GET /second "));
    }

    @Test
    void requestAfterAChunkedBodyWithBadFramingNeverReachesTheBackend() throws Exception {
        List<String> responses = responsesTo("POST /first HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0;\r\n\r\n" + HIDDEN);
        assertEquals(1, responses.size(), responses.toString());
        assertEquals(400, status(responses.get(0)));
        assertTrue(gateway.forwardedNothingMoreOnceStopped(backend), "the backend received a complete request");
    }

    @Test
    void requestPipelinedAfterConnectionCloseIsNeverForwarded() throws Exception {
        List<String> responses = responsesTo("GET /first HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" + HIDDEN);
        assertEquals(1, responses.size(), responses.toString());
        assertEquals(200, status(responses.get(0)));
        assertTrue(backend.next().head().startsWith("GET /first "));
        assertTrue(gateway.forwardedNothingMoreOnceStopped(backend), "a request after Connection: close reached the backend");
    }

    @Test
    void http10RequestWithoutKeepAliveEndsTheConnection() throws Exception {
        List<String> responses = responsesTo("GET /first HTTP/1.0\r\nHost: a\r\n\r\n" + HIDDEN);
        assertEquals(1, responses.size(), responses.toString());
        assertFalse(backend.next().head().contains("/smuggled"));
        assertTrue(gateway.forwardedNothingMoreOnceStopped(backend), "a request after an HTTP/1.0 request reached the backend");
    }
}
