package io.gatehouse.internal.guard;

import io.gatehouse.config.Limits;
import io.gatehouse.config.Timeouts;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RawHttp2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.gatehouse.testing.RawHttp2.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An {@code h2c} listener takes HTTP/2 with prior knowledge beside HTTP/1.1, told apart by the connection's first
 * bytes: each protocol gets its own parser and its own checks, and neither ever reads the other's bytes.
 */
@Timeout(60)
class H2cPriorKnowledgeTest {

    private final Http2Gateway gateway = Http2Gateway.withBackend();

    @AfterEach
    void stop() throws IOException {
        gateway.close();
    }

    @Test
    void http2WithPriorKnowledgeIsProxiedAsHttp11() throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, true, get("a.test", "/path?q=1"));
            RawHttp2.Outcome response = h2.await(1);
            assertEquals(200, response.status());
            assertEquals("ok", response.bodyText());
        }
        String head = gateway.backend().next().head();
        assertTrue(head.startsWith("GET /path?q=1 HTTP/1.1\r\n"), head);
    }

    @Test
    void http11IsServedOnTheSameListener() throws Exception {
        RawHttp.Response response = RawHttp.exchange(gateway.address(), "GET /one HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(200, response.status());
        assertTrue(gateway.backend().next().head().startsWith("GET /one HTTP/1.1\r\n"));
    }

    @Test
    void http11FramingChecksStillHoldOnAnH2cListener() throws Exception {
        RawHttp.Response response = RawHttp.exchange(gateway.address(),
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertEquals(400, response.status());
        assertTrue(response.closed());
        gateway.stopGateway();
        gateway.backend().awaitEveryConnectionEnded();
        assertTrue(gateway.backend().completedNoRequest());
    }

    @Test
    void aPrefaceSentByteByByteIsStillHttp2() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(gateway.address());
            OutputStream out = socket.getOutputStream();
            for (byte b : RawHttp2.PREFACE) {
                out.write(b);
                out.flush();
            }
            out.write(RawHttp2.frameBytes(RawHttp2.SETTINGS, 0, 0, new byte[0]));
            out.flush();
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(10_000);
            byte[] frameHead = in.readNBytes(9);
            assertEquals(RawHttp2.SETTINGS, frameHead[3], "the server's first frame is its SETTINGS");
        }
    }

    @Test
    void theRequestLineOfThePrefaceAloneIsRefusedAsHttp11() throws Exception {
        // "PRI * HTTP/2.0" followed by something other than the rest of the preface is an HTTP/1.1 head, and the
        // HTTP/1.1 checks refuse it (505, version not 1.x) rather than handing it to HTTP/2.
        RawHttp.Response response = RawHttp.exchange(gateway.address(), "PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n");
        assertEquals(505, response.status());
        assertTrue(response.closed());
    }

    @Test
    void aPlainListenerRefusesThePreface() throws Exception {
        try (GuardedGateway plain = GuardedGateway.proxyingTo(gateway.backend().port())) {
            RawHttp.Response response = RawHttp.exchange(plain.address(),
                    new String(RawHttp2.PREFACE, StandardCharsets.ISO_8859_1));
            assertEquals(505, response.status());
            assertTrue(response.closed());
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() throws Exception {
        Timeouts shortIdle = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(300),
                Duration.ofSeconds(30));
        try (Http2Gateway idle = Http2Gateway.serving(GuardedGateway.proxy(gateway.backend().port()), Limits.DEFAULTS, shortIdle);
             Socket socket = new Socket()) {
            socket.connect(idle.address());
            socket.setSoTimeout(10_000);
            assertEquals(-1, socket.getInputStream().read(), "closed by the gateway");
        }
    }
}
