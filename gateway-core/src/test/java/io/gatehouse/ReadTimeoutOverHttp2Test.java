package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.internal.observe.UpstreamCall;
import io.gatehouse.testing.Latches;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp2;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static io.gatehouse.testing.RawHttp2.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code timeouts.read} over HTTP/2: the response of a backend that stalls mid-body is cut off by resetting its
 * stream alone, while another stream of the same connection goes on to its end. The top-level key applies to a
 * proxy that sets none.
 */
@Timeout(30)
class ReadTimeoutOverHttp2Test {

    @TempDir
    Path dir;

    private final CountDownLatch stalledStreamReset = new CountDownLatch(1);
    private final CountDownLatch stalledBackendClosed = new CountDownLatch(1);
    private RawBackend stalling;
    private RawBackend waiting;
    private RawBackend answeringEarly;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        stalling = RawBackend.with(socket -> {
            RawBackend.answer(socket, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345");
            if (socket.getInputStream().read() < 0) {
                stalledBackendClosed.countDown();
            }
            return false;
        });
        // Answers only once the other stream was reset: this stream is in flight on the connection meanwhile.
        waiting = RawBackend.with(socket -> {
            Latches.await(stalledStreamReset);
            return RawBackend.answer(socket, "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\ncomplete");
        });
        // Answers without reading the request body, then stalls: the client's upload is still open meanwhile.
        answeringEarly = RawBackend.with(socket -> {
            RawBackend.answer(socket, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345");
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            return false;
        }, (socket, in) -> { });
        Path file = Files.writeString(dir.resolve("gatehouse.yaml"), """
                listen: ["127.0.0.1:0 h2c"]
                accessLog: { path: off }
                timeouts: { read: 300ms }
                vhosts:
                  - hosts: [a.test]
                    routes:
                      - path: /stalls/
                        proxy: { backends: ["http://127.0.0.1:%d"] }
                      - path: /waits/
                        proxy: { backends: ["http://127.0.0.1:%d"] }
                      - path: /early/
                        proxy: { backends: ["http://127.0.0.1:%d"] }
                """.formatted(stalling.port(), waiting.port(), answeringEarly.port()));
        gateway = Gateway.start(GatewayConfig.load(file), registry);
    }

    @AfterEach
    void stop() throws IOException {
        gateway.stop(Duration.ofSeconds(1));
        stalling.close();
        waiting.close();
        answeringEarly.close();
    }

    @Test
    void aStalledBodyResetsItsStreamWhileAnotherStreamOfTheConnectionCompletes() throws Exception {
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            h2.headers(1, true, get("a.test", "/stalls/"));
            h2.headers(3, true, get("a.test", "/waits/"));

            RawHttp2.Outcome stalled = h2.await(1);
            stalledStreamReset.countDown();
            RawHttp2.Outcome other = h2.await(3);

            assertEquals(200, stalled.status());
            assertEquals(RawHttp2.CANCEL, stalled.resetCode(), "the stalled stream is reset, not ended");
            assertEquals("12345", stalled.bodyText());
            assertEquals(200, other.status());
            assertEquals("complete", other.bodyText());
            assertEquals(-1, other.goAwayCode(), "the connection was not closed");
        }
    }

    @Test
    void theResetStreamsRequestEndsAndCountsAsATimeout() throws Exception {
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            h2.headers(1, true, get("a.test", "/stalls/"));

            h2.await(1);

            // With the connection still open: only the reset can have ended the request. Its meters are recorded
            // as it ends.
            assertTrue(gateway.stop(Duration.ofSeconds(10)), "the request ended");
        }
        assertEquals(1, registry.get(GatewayMeters.UPSTREAM_REQUESTS).tag("backend", "http://127.0.0.1:" + stalling.port())
                .tag("outcome", UpstreamCall.TIMEOUT).timer().count());
    }

    @Test
    void aResetStreamWhoseUploadIsStillOpenEndsToo() throws Exception {
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            // The backend answers (and stalls) before the request body ended: the client's side of the stream stays
            // open when the read timeout resets it.
            h2.headers(1, false, RawHttp2.request("POST", "a.test", "/early/"));
            h2.data(1, false, "part of an upload".getBytes(StandardCharsets.US_ASCII));

            RawHttp2.Outcome stalled = h2.await(1);

            assertEquals(RawHttp2.CANCEL, stalled.resetCode(), "the stalled stream is reset");
            assertTrue(gateway.stop(Duration.ofSeconds(10)), "the request ended, its upload unfinished");
        }
    }

    @Test
    void aStreamTheClientResetWhileTheBackendWasSilentIsNotResetAgainByTheReadTimeout() throws Exception {
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            h2.headers(1, true, get("a.test", "/stalls/"));
            RawHttp2.Frame frame;
            do {
                frame = h2.read();
            } while (frame.type() != RawHttp2.DATA || frame.stream() != 1);
            h2.rst(1, RawHttp2.CANCEL);
            Latches.await(stalledBackendClosed);

            // A second stalled stream, on the same IO thread and deadline queue, after the first: its read timeout
            // cannot come before a deadline the first stream's exchange would still have held.
            h2.headers(3, true, get("a.test", "/stalls/"));
            List<Integer> resets = new ArrayList<>();
            do {
                frame = h2.read();
                if (frame.type() == RawHttp2.RST_STREAM) {
                    resets.add(frame.stream());
                }
            } while (frame.type() != RawHttp2.RST_STREAM || frame.stream() != 3);

            assertEquals(List.of(3), resets, "only the second stream was reset by the gateway");
        }
    }

    @Test
    void theStalledBackendsConnectionIsClosedOverHttp2Too() throws Exception {
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            h2.headers(1, true, get("a.test", "/stalls/"));

            h2.await(1);

            Latches.await(stalledBackendClosed);
        }
    }
}
