package io.gatehouse;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.Latches;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RawHttp2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.gatehouse.testing.RawHttp2.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * HTTP/2 requests through a gateway configured from YAML with an {@code h2c} listener: a proxied request reaches an
 * HTTP/1.1 backend with the same Host, X-Forwarded-* and hop-by-hop treatment as the same request over HTTP/1.1,
 * and every kind of route (proxy, files, redirect, respond, echo) answers over HTTP/2 as it does over HTTP/1.1.
 */
@Timeout(60)
class Http2ThroughGatewayTest {

    /** A server-sent event of 100 bytes, more than the small window's client lets through at once. */
    private static final String EVENT = "data: " + "e".repeat(92) + "\n\n";

    @TempDir
    Path dir;

    private WireMockServer backend;
    private RawBackend hopByHopBackend;
    private final CountDownLatch clientHasTheFirstPart = new CountDownLatch(1);
    private RawBackend pausingBackend;
    private final CountDownLatch clientHasTheEvent = new CountDownLatch(1);
    private RawBackend eventBackend;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        backend = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        backend.start();
        backend.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("from backend")));
        hopByHopBackend = RawBackend.answering("HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Secret\r\n"
                + "Keep-Alive: timeout=5\r\nX-Secret: hop\r\nTransfer-Encoding: chunked\r\nX-App: end-to-end\r\n\r\n"
                + "2\r\nok\r\n0\r\n\r\n");
        pausingBackend = RawBackend.with(socket -> {
            RawBackend.answer(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n");
            Latches.await(clientHasTheFirstPart);
            return RawBackend.answer(socket, "6\r\nsecond\r\n0\r\n\r\n");
        });
        // One event, then silence until the client has all of it: only the client's window can hold it back.
        eventBackend = RawBackend.with(socket -> {
            RawBackend.answer(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n" + EVENT + "\r\n");
            Latches.await(clientHasTheEvent);
            return RawBackend.answer(socket, "0\r\n\r\n");
        });
        Path site = Files.createDirectories(dir.resolve("static"));
        Files.writeString(site.resolve("hello.txt"), "hello file");
        Path file = dir.resolve("gatehouse.yaml");
        Files.writeString(file, """
                listen: ["127.0.0.1:0 h2c"]
                accessLog: { path: off }
                vhosts:
                  - hosts: [a.test]
                    routes:
                      - path: /app/
                        proxy: { backends: ["http://127.0.0.1:%d"] }
                      - path: /hop/
                        proxy: { backends: ["http://127.0.0.1:%d"] }
                      - path: /pauses/
                        proxy: { backends: ["http://127.0.0.1:%d"] }
                      - path: /events/
                        proxy: { backends: ["http://127.0.0.1:%d"] }
                      - path: /static/
                        files: { root: "%s" }
                      - path: /old
                        redirect: { to: /new, status: 301 }
                      - path: /teapot
                        respond: { status: 418, body: "short and stout" }
                      - path: /echo
                        echo: {}
                """.formatted(backend.port(), hopByHopBackend.port(), pausingBackend.port(), eventBackend.port(),
                        dir.toString()));
        gateway = Gateway.start(GatewayConfig.load(file));
    }

    @AfterEach
    void stop() throws IOException {
        gateway.stop(java.time.Duration.ofSeconds(1));
        backend.stop();
        hopByHopBackend.close();
        pausingBackend.close();
        eventBackend.close();
    }

    @Test
    void aProxiedRequestReachesTheBackendAsItWouldOverHttp11() throws Exception {
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            h2.headers(1, true, get("a.test", "/app/x?q=1", "accept", "text/plain", "te", "trailers",
                    "x-forwarded-for", "203.0.113.9"));
            RawHttp2.Outcome response = h2.await(1);
            assertEquals(200, response.status());
            assertEquals("from backend", response.bodyText());
        }
        RawHttp.exchange(gateway.addresses().get(0), "GET /app/x?q=1 HTTP/1.1\r\nHost: a.test\r\nAccept: text/plain\r\n"
                + "TE: trailers\r\nConnection: close, TE\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n");
        List<LoggedRequest> received = backend.getAllServeEvents().stream().map(e -> e.getRequest()).toList();
        assertEquals(2, received.size());
        Map<String, String> overHttp2 = forwarded(received.get(1));
        Map<String, String> overHttp11 = forwarded(received.get(0));
        assertEquals("/app/x?q=1", received.get(1).getUrl());
        assertEquals("a.test", overHttp2.get("host"));
        assertEquals("2 gatehouse", overHttp2.remove("via"));
        assertEquals("1.1 gatehouse", overHttp11.remove("via"));
        overHttp2.remove("x-request-id");
        overHttp11.remove("x-request-id");
        overHttp2.remove("x-forwarded-port");
        overHttp11.remove("x-forwarded-port");
        assertEquals(overHttp11, overHttp2);
        assertNull(overHttp2.get("te"));
        assertNull(overHttp2.get("connection"));
    }

    @Test
    void hopByHopResponseFieldsNeverReachAnHttp2Client() throws Exception {
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            h2.headers(1, true, get("a.test", "/hop/"));
            RawHttp2.Outcome response = h2.await(1);
            assertEquals(200, response.status());
            assertEquals("ok", response.bodyText());
            assertEquals("end-to-end", response.header("x-app"));
            for (String hop : List.of("connection", "keep-alive", "transfer-encoding", "x-secret")) {
                assertFalse(response.headers().containsKey(hop), hop + " in " + response.headers());
            }
        }
    }

    @Test
    void everyKindOfRouteAnswersOverHttp2AsOverHttp11() throws Exception {
        Map<String, Integer> expected = Map.of("/app/", 200, "/static/hello.txt", 200, "/old", 301,
                "/teapot", 418, "/echo", 200, "/static/missing", 404);
        int stream = 1;
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            for (Map.Entry<String, Integer> route : new TreeMap<>(expected).entrySet()) {
                h2.headers(stream, true, get("a.test", route.getKey()));
                RawHttp2.Outcome overHttp2 = h2.await(stream);
                RawHttp.Response overHttp11 = RawHttp.exchange(gateway.addresses().get(0),
                        "GET " + route.getKey() + " HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
                assertEquals(route.getValue(), overHttp2.status(), route.getKey());
                assertEquals(overHttp11.status(), overHttp2.status(), route.getKey());
                if (!route.getKey().equals("/echo")) {
                    assertEquals(overHttp11.bodyText(), overHttp2.bodyText(), route.getKey());
                }
                stream += 2;
            }
        }
    }

    @Test
    void whatABackendSentBeforeAPauseReachesTheHttp2ClientDuringThePause() throws Exception {
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            h2.headers(1, true, get("a.test", "/pauses/"));
            RawHttp2.Frame data;
            do {
                data = h2.read();
            } while (data != null && (data.type() != RawHttp2.DATA || data.stream() != 1));

            assertEquals("first", data == null ? null : new String(data.payload(), StandardCharsets.US_ASCII));
            clientHasTheFirstPart.countDown();
            assertEquals("second", h2.await(1).bodyText());
        }
    }

    /**
     * A client whose flow-control window is smaller than what the backend sent before a pause takes the rest as it
     * opens its window, the backend silent meanwhile: an event of a server-sent stream must not wait for the next
     * (nor be cut by {@code timeouts.read}) because the window held part of it back when the relay paused.
     */
    @Test
    void whatABackendSentBeforeAPauseReachesAClientWithASmallWindowDuringThePause() throws Exception {
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            h2.settings(RawHttp2.INITIAL_WINDOW_SIZE, 16);
            h2.headers(1, true, get("a.test", "/events/"));
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            try {
                while (received.size() < EVENT.length()) {
                    RawHttp2.Frame frame = h2.read();
                    assertNotNull(frame, "the connection closed after " + received.size() + " bytes of the event");
                    assertNotEquals(RawHttp2.RST_STREAM, frame.type(), "reset after " + received.size() + " bytes");
                    if (frame.type() == RawHttp2.DATA && frame.stream() == 1) {
                        // read() has opened the windows by as much, as a client does while it reads.
                        received.writeBytes(frame.payload());
                    }
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the client got " + received.size() + " bytes of the event, then nothing", e);
            }

            assertEquals(EVENT, received.toString(StandardCharsets.US_ASCII));
            clientHasTheEvent.countDown();
            assertEquals("", h2.await(1).bodyText(), "the rest: the end of the stream alone");
        }
    }

    @Test
    void theRedirectKeepsItsLocationOverHttp2() throws Exception {
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            h2.headers(1, true, get("a.test", "/old"));
            assertEquals("/new", h2.await(1).header("location"));
        }
    }

    @Test
    void curlWithPriorKnowledgeIsServed() throws Exception {
        assumeTrue(curlSpeaksHttp2(), "curl with HTTP/2 support is not installed");
        Process curl = new ProcessBuilder("curl", "-s", "--http2-prior-knowledge", "-o", "-", "-w", "\n%{http_version}",
                "-H", "Host: a.test", "http://127.0.0.1:" + gateway.addresses().get(0).getPort() + "/teapot")
                .redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, curl.waitFor());
        assertEquals("short and stout\n2", output);
    }

    private static boolean curlSpeaksHttp2() {
        try {
            Process version = new ProcessBuilder("curl", "-V").redirectErrorStream(true).start();
            String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return version.waitFor() == 0 && text.contains("HTTP2");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** The request's header fields, names lower-cased, each with its values joined. */
    private static Map<String, String> forwarded(LoggedRequest request) {
        Map<String, String> fields = new TreeMap<>();
        request.getHeaders().all().forEach(h -> fields.put(h.key().toLowerCase(java.util.Locale.ROOT),
                String.join(",", h.values())));
        return fields;
    }
}
