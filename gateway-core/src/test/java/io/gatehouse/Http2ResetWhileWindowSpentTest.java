package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.internal.observe.UpstreamCall;
import io.gatehouse.testing.LogCapture;
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
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.gatehouse.testing.RawHttp2.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An HTTP/2 client resets a stream while the gateway waits for a flow-control window to send the rest of its
 * response: the stream's own window (the client announced a 16-byte one), or the connection's (another stream took
 * all of it). Undertow 2.4.4 keeps such a stream's response waiting for a window that can no longer open, so its
 * exchange would never end: the request must end at the reset, its backend connection closed when the response was
 * still coming, given back to the pool when it had been read whole.
 *
 * <p>Ordered by events: the client resets only once the gateway has sent what the window let through and handled a
 * PING sent after it (by then the rest of the response waits for the window), then waits for what the reset must
 * cause: the backend seeing its connection closed, or a second request getting the pool's only connection.
 *
 * <p>Undertow keeps such a response queued until the connection closes, even closed: a connection that keeps more
 * of them than its cap of streams in flight ends.
 */
@Timeout(60)
class Http2ResetWhileWindowSpentTest {

    /** The stream window the client announces: every response here is larger. */
    private static final int SMALL_WINDOW = 16;
    /** Both windows a connection starts with (RFC 9113 section 6.9.2). */
    private static final int DEFAULT_WINDOW = 65_535;
    /** What the filler's response leaves of the connection's window: what the next response may send at once. */
    private static final int LEFT_OF_THE_CONNECTION_WINDOW = 20;
    /** {@code limits.http2.maxConcurrentStreams}, lower than the default so that a test passes it in a few resets. */
    private static final int STREAM_CAP = 4;

    @TempDir
    Path dir;

    /** Sends the head and 32 KiB of a megabyte, then reads until the gateway closes the connection. */
    private RawBackend coming;
    /** Answers its first request with 100 bytes and every later one with "ok": the pool holds one connection to it. */
    private RawBackend whole;
    /** Answers with all but {@link #LEFT_OF_THE_CONNECTION_WINDOW} bytes of a connection's window. */
    private RawBackend filler;
    /** Sends {@link #BIG} bytes, counting them in {@link #bigWritten}. */
    private RawBackend big;
    /** More than the sockets between the backend and a client that reads nothing can hold. */
    private static final int BIG = 32 << 20;
    private final AtomicLong bigWritten = new AtomicLong();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private LogCapture proxyLog;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        proxyLog = LogCapture.on("io.gatehouse.internal.proxy");
        coming = RawBackend.with(socket -> {
            RawBackend.answer(socket, "HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n" + "c".repeat(32 * 1024));
            // Until the gateway closes the connection (a reset, when part of the response is still unread there).
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            return false;
        });
        AtomicBoolean firstAnswered = new AtomicBoolean();
        whole = RawBackend.with(socket -> RawBackend.answer(socket, firstAnswered.compareAndSet(false, true)
                ? "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "w".repeat(100) : RawBackend.OK));
        big = RawBackend.with(socket -> {
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + BIG + "\r\n\r\n").getBytes());
            byte[] chunk = new byte[64 * 1024];
            for (int written = 0; written < BIG; written += chunk.length) {
                socket.getOutputStream().write(chunk);
                bigWritten.addAndGet(chunk.length);
            }
            return false;
        });
        int filling = DEFAULT_WINDOW - LEFT_OF_THE_CONNECTION_WINDOW;
        filler = RawBackend.answering("HTTP/1.1 200 OK\r\nContent-Length: " + filling + "\r\n\r\n"
                + "f".repeat(filling));
        Path file = Files.writeString(dir.resolve("gatehouse.yaml"), """
                listen: ["127.0.0.1:0 h2c"]
                accessLog: { path: off }
                limits: { http2: { maxConcurrentStreams: %d } }
                vhosts:
                  - hosts: [a.test]
                    routes:
                      - path: /coming/
                        proxy: { backends: ["http://127.0.0.1:%d"] }
                      - path: /whole/
                        proxy: { backends: ["http://127.0.0.1:%d"], maxConnections: 1, timeouts: { connect: 5s } }
                      - path: /fill/
                        proxy: { backends: ["http://127.0.0.1:%d"] }
                      - path: /big/
                        proxy: { backends: ["http://127.0.0.1:%d"] }
                """.formatted(STREAM_CAP, coming.port(), whole.port(), filler.port(), big.port()));
        gateway = Gateway.start(GatewayConfig.load(file), registry);
    }

    @AfterEach
    void stop() throws IOException {
        proxyLog.close();
        gateway.stop(Duration.ofSeconds(1));
        coming.close();
        whole.close();
        filler.close();
        big.close();
    }

    @Test
    void aStreamResetWhileItsWindowIsSpentClosesABackendConnectionWhoseResponseIsStillComing() throws Exception {
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            resetWhileTheStreamWindowIsSpent(h2, "/coming/");

            coming.awaitEveryConnectionEnded();
        }
    }

    @Test
    void aStreamResetWhileItsLastFrameWaitsForTheWindowGivesTheBackendConnectionBack() throws Exception {
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            resetWhileTheStreamWindowIsSpent(h2, "/whole/");
            // The pool's only connection to the backend: the next request gets it only once the reset one let go.
            h2.opensWindows(true);
            h2.headers(3, true, get("a.test", "/whole/next"));
            RawHttp2.Outcome next = h2.await(3);

            assertEquals(200, next.status());
            assertEquals("ok", next.bodyText());
            assertEquals(1, whole.connectionsAccepted(), "the next request went over the reset one's connection");
        }
    }

    @Test
    void aStreamResetWhileTheConnectionWindowIsSpentClosesABackendConnectionWhoseResponseIsStillComing()
            throws Exception {
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            h2.opensWindows(false);
            h2.headers(1, true, get("a.test", "/fill/"));
            assertEquals(DEFAULT_WINDOW - LEFT_OF_THE_CONNECTION_WINDOW, h2.await(1).body().length);
            // The stream's own window is the default: only the connection's holds the rest back.
            h2.headers(3, true, get("a.test", "/coming/"));
            awaitData(h2, 3, LEFT_OF_THE_CONNECTION_WINDOW);

            resetOnceTheRestWaits(h2, 3);

            coming.awaitEveryConnectionEnded();
        }
    }

    /**
     * The reset ends the exchange inside the write that finds the stream closed, before the relay can report it: the
     * client's departure is still logged, and counted as over HTTP/1.1 (the backend's response cut short).
     */
    @Test
    void aStreamResetWhileItsResponseWasStillComingIsLoggedAndCountedAsABrokenCall() throws Exception {
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            resetWhileTheStreamWindowIsSpent(h2, "/coming/");

            // With the connection still open: only the reset can have ended the request, whose call is counted then.
            assertTrue(gateway.stop(Duration.ofSeconds(10)), "the reset stream's request ended");
        }
        String backend = "http://127.0.0.1:" + coming.port();
        assertEquals(1, registry.get(GatewayMeters.UPSTREAM_REQUESTS).tag("backend", backend)
                .tag("outcome", UpstreamCall.IO_ERROR).timer().count());
        assertTrue(proxyLog.messages().stream().anyMatch(line -> line.startsWith("GET /coming/ -> " + backend + ": ")
                && line.contains("client went away during the response")), proxyLog.messages().toString());
    }

    /**
     * A reset while the response waits for the socket, not for a window, is Undertow's to finish: the gateway closing
     * that response under Undertow's writer once made Undertow close the whole connection.
     */
    @Test
    void aStreamResetWhileItsResponseWaitsForTheSocketLeavesTheConnectionServing() throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(gateway.addresses().get(0), 5_000);
        try (RawHttp2 h2 = RawHttp2.start(socket)) {
            // Windows no response here can spend: only the socket, which the client does not read, holds it back.
            h2.settings(RawHttp2.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE);
            h2.frame(RawHttp2.WINDOW_UPDATE, 0, 0, java.nio.ByteBuffer.allocate(4)
                    .putInt(Integer.MAX_VALUE - DEFAULT_WINDOW).array());
            h2.headers(1, true, get("a.test", "/big/"));
            awaitBackendBlocked();

            h2.rst(1, RawHttp2.CANCEL);
            h2.headers(3, true, get("a.test", "/whole/next"));

            assertEquals(200, h2.await(3).status());
        }
    }

    /**
     * Waits until {@link #big}'s writes block: the gateway stopped reading its response, which it does only while a
     * frame of it waits for the client's socket. The one wait here without an event to wait for (a write that does not
     * return has none), so it asks for a full second without progress; were it wrong, the reset would come early and
     * the test pass without proving anything, never fail for it.
     */
    private void awaitBackendBlocked() throws InterruptedException {
        long seen = -1;
        int still = 0;
        while (still < 5) {
            Thread.sleep(200);
            long now = bigWritten.get();
            still = now > 0 && now == seen ? still + 1 : 0;
            seen = now;
        }
    }

    /**
     * Asks for {@code path} on stream 1 through a {@link #SMALL_WINDOW}-byte stream window and resets the stream once
     * the rest of the response waits for the window.
     */
    private static void resetWhileTheStreamWindowIsSpent(RawHttp2 h2, String path) throws IOException {
        h2.settings(RawHttp2.INITIAL_WINDOW_SIZE, SMALL_WINDOW);
        h2.opensWindows(false);
        h2.headers(1, true, get("a.test", path));
        awaitData(h2, 1, SMALL_WINDOW);
        resetOnceTheRestWaits(h2, 1);
    }

    @Test
    void aConnectionKeepingMoreResetResponsesThanItsStreamCapEndsWithEnhanceYourCalm() throws Exception {
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            h2.settings(RawHttp2.INITIAL_WINDOW_SIZE, SMALL_WINDOW);
            h2.opensWindows(false);
            // One stream at a time, each reset while the rest of its response waits: the connection answers the
            // PING before each reset, so it lived through the ones before.
            for (int i = 0; i <= STREAM_CAP; i++) {
                int stream = 1 + 2 * i;
                h2.headers(stream, true, get("a.test", "/coming/" + i));
                awaitData(h2, stream, SMALL_WINDOW);
                resetOnceTheRestWaits(h2, stream);
            }

            assertEquals(RawHttp2.ENHANCE_YOUR_CALM, h2.awaitGoAway());
        }
    }

    /** Reads until {@code bytes} of {@code stream}'s body arrived: all its window let through. */
    private static void awaitData(RawHttp2 h2, int stream, int bytes) throws IOException {
        int received = 0;
        while (received < bytes) {
            received += awaitFrame(h2, stream, RawHttp2.DATA).payload().length;
        }
    }

    /** Reads until a frame of {@code type} on {@code stream}; the frames of other streams are dropped. */
    private static RawHttp2.Frame awaitFrame(RawHttp2 h2, int stream, int type) throws IOException {
        while (true) {
            RawHttp2.Frame frame = h2.read();
            assertNotNull(frame, "the connection closed");
            if (frame.stream() == stream && frame.type() == type) {
                return frame;
            }
        }
    }

    /**
     * Resets {@code stream} once the gateway has handled a PING sent after the last frame the window let through:
     * the relay has then written what it read, and the rest waits for the window.
     */
    private static void resetOnceTheRestWaits(RawHttp2 h2, int stream) throws IOException {
        h2.pingAndAwaitAck();
        h2.rst(stream, RawHttp2.CANCEL);
    }
}
