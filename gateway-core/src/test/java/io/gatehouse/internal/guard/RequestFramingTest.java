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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed requests sent as raw bytes to the real gateway proxying to a recording backend: each gets its status
 * and a closed connection, and the backend receives no request at all. Every input ends with a smuggled
 * {@code GET /smuggled}, which must never reach the backend either.
 */
@Timeout(60)
class RequestFramingTest {

    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";
    private static final String POST = "POST / HTTP/1.1\r\nHost: a\r\n";
    private static final String CHUNKED = POST + "Transfer-Encoding: chunked\r\n\r\n";

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

    private void refused(int status, String request) throws Exception {
        int before = backend.connectionsAccepted();
        RawHttp.Response response = gateway.send(request + SMUGGLED);
        assertEquals(status, response.status(), response.head());
        assertTrue(response.closed(), "connection left open");
        // A backend connection may have been opened for a body refused part-way, but no request completed on it.
        assertTrue(gateway.forwardedNothingMoreOnceStopped(backend), "the backend received a request");
        if (status != 400 && status != 413 || !request.contains("chunked\r\n\r\n")) {
            assertEquals(before, backend.connectionsAccepted(), "a backend connection was opened for a refused head");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
            "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
            "Content-Length: 1\r\nContent-Length: 1\r\n",
            "Content-Length: 1, 1\r\n",
            "Content-Length: +5\r\n",
            "Content-Length: -1\r\n",
            "Content-Length: 0x10\r\n",
            "Content-Length: 1e3\r\n",
            "Content-Length: 99999999999999999999999\r\n",
            "Content-Length: \r\n",
            "Transfer-Encoding: chunked, chunked\r\n",
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
            "Transfer-Encoding: \r\n",
            "Transfer-Encoding: chunked;x\r\n",
    })
    void conflictingOrMalformedBodyFramingIsRefusedWith400(String headers) throws Exception {
        refused(400, POST + headers + "\r\nhello");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "foo", "xchunked", "gzip, chunked", "identity"})
    void unknownTransferCodingIsNotImplemented(String coding) throws Exception {
        refused(501, POST + "Transfer-Encoding: " + coding + "\r\n\r\n0\r\n\r\n");
    }

    @Test
    void transferEncodingInHttp10IsRefused() throws Exception {
        refused(400, "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "0_2e\r\n\r\n", "3_junk\r\nabc\r\n0\r\n\r\n", "0x3\r\nabc\r\n0\r\n\r\n", " 3\r\nabc\r\n0\r\n\r\n",
            "3 \r\nabc\r\n0\r\n\r\n", "00000000000000003\r\nabc\r\n0\r\n\r\n", "-3\r\nabc\r\n0\r\n\r\n",
            "3\r\nabcX\r\n0\r\n\r\n", "3\r\nabc0\r\n\r\n", "3\nabc\r\n0\r\n\r\n", "3\r\nabc\n0\r\n\r\n",
            "3\rabc\r\n0\r\n\r\n", "3;\r\nabc\r\n0\r\n\r\n", "3;a=\"x\r\nabc\r\n0\r\n\r\n", "3;=x\r\nabc\r\n0\r\n\r\n",
            "3;a\0\r\nabc\r\n0\r\n\r\n", "0\r\nbad trailer\r\n\r\n", "0\r\nX: a\nb\r\n\r\n", "0\r\n\n",
    })
    void malformedChunkedBodyIsRefusedWith400(String body) throws Exception {
        refused(400, CHUNKED + body);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Foo: bar\r\n folded\r\n", "Foo : bar\r\n", "Foo\t: bar\r\n", "Fo(o: bar\r\n", ": bar\r\n", "Foo bar\r\n",
            "Foo: b\0ar\r\n", "Foo: b\rar\r\n", "Foo: b\u007far\r\n", "Host: b\r\n",
    })
    void malformedHeaderFieldIsRefusedWith400(String field) throws Exception {
        refused(400, "GET / HTTP/1.1\r\nHost: a\r\n" + field + "\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GET * HTTP/1.1", "GET foo HTTP/1.1", "GET  / HTTP/1.1", "GET / HTTP/1.1 ", "GET /\ta HTTP/1.1",
            "GET / HTTP/1.x", "G(T / HTTP/1.1", "GET ftp://a/ HTTP/1.1",
    })
    void malformedRequestLineIsRefusedWith400(String line) throws Exception {
        refused(400, line + "\r\nHost: a\r\n\r\n");
    }

    @Test
    void bareLineFeedsAreRefused() throws Exception {
        refused(400, "GET / HTTP/1.1\nHost: a\n\n");
    }

    @Test
    void missingHostIsRefused() throws Exception {
        refused(400, "GET / HTTP/1.1\r\n\r\n");
    }

    @Test
    void unknownExpectationGets417() throws Exception {
        refused(417, POST + "Expect: 200-ok\r\nContent-Length: 1\r\n\r\nx");
    }

    @Test
    void http2VersionGets505() throws Exception {
        refused(505, "GET / HTTP/2.0\r\nHost: a\r\n\r\n");
    }

    @Test
    void asteriskFormWithOptionsIsForwarded() throws Exception {
        RawHttp.Response response = gateway.send("OPTIONS * HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertEquals(200, response.status());
        assertTrue(backend.next().head().startsWith("OPTIONS "));
    }

    @Test
    void wellFormedChunkedBodyIsForwardedWithExtensionsAndTrailers() throws Exception {
        RawHttp.Response response = gateway.send(CHUNKED.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
                + "3;name=\"quoted \\\" value\" ; x=y\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n");
        assertEquals(200, response.status());
        assertEquals("abcde", new String(backend.next().body()));
    }

    @Test
    void pipelinedSmuggledRequestAfterAValidOneNeverReachesTheBackend() throws Exception {
        String responses;
        try (Socket socket = gateway.open("GET /first HTTP/1.1\r\nHost: a\r\n\r\n"
                + CHUNKED + "0_2e\r\n\r\n" + SMUGGLED)) {
            // Read to the end of the stream: the gateway must close after the 400.
            responses = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        assertTrue(responses.startsWith("HTTP/1.1 200 "), responses);
        int second = responses.indexOf("HTTP/1.1 ", 1);
        assertEquals("HTTP/1.1 400 ", responses.substring(second, second + 13), responses);
        assertEquals(-1, responses.indexOf("HTTP/1.1 ", second + 1), "a third response: " + responses);
        assertTrue(backend.next().head().startsWith("GET /first "));
        assertTrue(gateway.forwardedNothingMoreOnceStopped(backend), "more than the first request reached the backend");
    }

    @Test
    void bodyRefusedAfterSomeChunksIsNeverCompletedForTheBackend() throws Exception {
        refused(400, CHUNKED + "5\r\nhello\r\n5\r\nworld\r\n0_2e\r\n\r\n");
    }
}
