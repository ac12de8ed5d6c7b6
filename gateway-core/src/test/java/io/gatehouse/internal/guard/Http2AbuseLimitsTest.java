package io.gatehouse.internal.guard;

import io.gatehouse.config.EchoConfig;
import io.gatehouse.config.Limits;
import io.gatehouse.config.Timeouts;
import io.gatehouse.testing.RawHttp2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

import static io.gatehouse.testing.RawHttp2.get;
import static io.gatehouse.testing.RawHttp2.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The abuse limits of an HTTP/2 connection, each driven with raw frames on an h2c connection and on a TLS one (ALPN
 * h2) to a gateway whose vhost echoes requests (an echo holds its stream open until the request body ends, so a test
 * decides how many requests are in flight).
 *
 * <p>Run once per front by {@link Http2AbuseLimitsOverH2cTest} and {@link Http2AbuseLimitsOverTlsTest}, so that the test reports count
 * each case (surefire 3.5 counts the cases of a JUnit parameterized class as none).
 */
@Timeout(60)
abstract class Http2AbuseLimitsTest {

    private static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(30), Duration.ofSeconds(30));

    private static final Timeouts SHORT_IDLE = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofMillis(300), Duration.ofSeconds(30));

    /** A cap lower than the default, so the test opens fewer streams; the default is the same code path. */
    private static final int CAP = 10;
    private static final Limits LIMITS = new Limits(Limits.DEFAULTS.maxBody(), Limits.DEFAULTS.maxHeaderBytes(),
            Limits.DEFAULTS.maxHeaders(), Limits.DEFAULTS.maxUriBytes(), Limits.DEFAULTS.encodedSlashes(),
            new Limits.Http2(CAP));

    private final Http2Gateway.Front front;
    private Http2Gateway gateway;

    Http2AbuseLimitsTest(Http2Gateway.Front front) {
        this.front = front;
    }

    @BeforeEach
    void start() {
        gateway = Http2Gateway.serving(front, new EchoConfig(), LIMITS, TIMEOUTS);
    }

    @AfterEach
    void stop() throws IOException {
        gateway.close();
    }

    @Test
    void theServerAdvertisesItsStreamCap() throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            RawHttp2.Frame settings = h2.read();
            assertEquals(RawHttp2.SETTINGS, settings.type());
            assertEquals(CAP, setting(settings, RawHttp2.MAX_CONCURRENT_STREAMS));
        }
    }

    @Test
    void theDefaultCapIsAdvertised() throws Exception {
        try (Http2Gateway defaults = Http2Gateway.serving(front, new EchoConfig(), Limits.DEFAULTS, TIMEOUTS);
             RawHttp2 h2 = defaults.connect()) {
            assertEquals(Limits.Http2.DEFAULT_MAX_CONCURRENT_STREAMS,
                    setting(h2.read(), RawHttp2.MAX_CONCURRENT_STREAMS));
        }
    }

    @Test
    void aReloadedCapHoldsForNewConnections() throws Exception {
        gateway.reload(new EchoConfig(), Limits.DEFAULTS, TIMEOUTS);
        try (RawHttp2 h2 = gateway.connect()) {
            assertEquals(Limits.Http2.DEFAULT_MAX_CONCURRENT_STREAMS,
                    setting(h2.read(), RawHttp2.MAX_CONCURRENT_STREAMS));
        }
    }

    @Test
    void aStreamPastTheCapIsRefusedAndTheOthersGoOn() throws Exception {
        int cap = CAP;
        try (RawHttp2 h2 = gateway.connect()) {
            ByteArrayOutputStream opening = new ByteArrayOutputStream();
            for (int i = 0; i < cap; i++) {
                opening.writeBytes(RawHttp2.frameBytes(RawHttp2.HEADERS, RawHttp2.END_HEADERS, 1 + 2 * i,
                        RawHttp2.headerBlock(request("POST", "a", "/" + i))));
            }
            h2.write(opening.toByteArray());
            int over = 1 + 2 * cap;
            h2.headers(over, true, get("a", "/over"));
            assertEquals(RawHttp2.REFUSED_STREAM, h2.await(over).resetCode());

            h2.data(1, true, new byte[0]);
            RawHttp2.Outcome first = h2.await(1);
            assertEquals(200, first.status(), "an open stream is still served");
            // REFUSED_STREAM means "retry": once a request has ended, a retry gets in (the retries wait for the
            // first exchange's end to be counted, which may come just after its last frame reached the client).
            int retry = over + 2;
            RawHttp2.Outcome retried = h2.headersAndAwait(retry, get("a", "/retry"));
            while (retried.resetCode() == RawHttp2.REFUSED_STREAM) {
                retry += 2;
                retried = h2.headersAndAwait(retry, get("a", "/retry"));
            }
            assertEquals(200, retried.status());
        }
    }

    @Test
    void rapidResetEndsTheConnectionWithEnhanceYourCalm() throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            ByteArrayOutputStream resets = new ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) {
                int stream = 1 + 2 * i;
                resets.writeBytes(RawHttp2.frameBytes(RawHttp2.HEADERS, RawHttp2.END_HEADERS, stream,
                        RawHttp2.headerBlock(request("POST", "a", "/"))));
                resets.writeBytes(RawHttp2.frameBytes(RawHttp2.RST_STREAM, 0, stream,
                        ByteBuffer.allocate(4).putInt(RawHttp2.CANCEL).array()));
            }
            h2.writeIgnoringReset(resets.toByteArray());
            assertEndsCalmly(h2);
        }
    }

    @Test
    void aContinuationFloodEndsTheConnection() throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            h2.frame(RawHttp2.HEADERS, 0, 1, RawHttp2.headerBlock(get("a", "/")));
            ByteArrayOutputStream flood = new ByteArrayOutputStream();
            for (int i = 0; i < 10_000; i++) {
                flood.writeBytes(RawHttp2.frameBytes(RawHttp2.CONTINUATION, 0, 1, new byte[0]));
            }
            h2.writeIgnoringReset(flood.toByteArray());
            assertEndsCalmly(h2);
        }
    }

    @ParameterizedTest(name = "frame type {0}")
    @ValueSource(ints = {RawHttp2.PING, RawHttp2.SETTINGS})
    void aPingOrSettingsFloodEndsTheConnection(int type) throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            ByteArrayOutputStream flood = new ByteArrayOutputStream();
            for (int i = 0; i < 10_000; i++) {
                flood.writeBytes(RawHttp2.frameBytes(type, 0, 0, new byte[type == RawHttp2.PING ? 8 : 0]));
            }
            h2.writeIgnoringReset(flood.toByteArray());
            assertEndsCalmly(h2);
        }
    }

    @Test
    void aFewPingsAreAnswered() throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            for (int i = 0; i < 10; i++) {
                h2.ping(i);
            }
            int acks = 0;
            while (acks < 10) {
                RawHttp2.Frame frame = h2.read();
                assertTrue(frame != null && frame.type() != RawHttp2.GOAWAY, String.valueOf(frame));
                if (frame.type() == RawHttp2.PING && frame.has(RawHttp2.ACK)) {
                    acks++;
                }
            }
        }
    }

    @Test
    void aHeaderListPastTheLimitIsRefused() throws Exception {
        try (RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, true, get("a", "/", "big", "x".repeat(Limits.DEFAULTS.maxHeaderBytes()
                    + Limits.DEFAULTS.maxUriBytes())));
            RawHttp2.Outcome outcome = h2.await(1);
            // Undertow's: a connection error, never a forwarded request.
            assertEquals(RawHttp2.PROTOCOL_ERROR, outcome.goAwayCode(), outcome.toString());
        }
    }

    @Test
    void tooManyHeaderFieldsAreRefused() throws Exception {
        String[] fields = new String[2 * (Limits.DEFAULTS.maxHeaders() + 1)];
        for (int i = 0; i < fields.length; i += 2) {
            fields[i] = "x-" + i;
            fields[i + 1] = "y";
        }
        try (RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, true, get("a", "/", fields));
            RawHttp2.Outcome outcome = h2.await(1);
            // Undertow's: a connection error, never a forwarded request.
            assertEquals(RawHttp2.PROTOCOL_ERROR, outcome.goAwayCode(), outcome.toString());
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTimeoutsIdle() throws Exception {
        try (Http2Gateway idle = Http2Gateway.serving(front, new EchoConfig(), Limits.DEFAULTS, SHORT_IDLE);
             RawHttp2 h2 = idle.connect()) {
            h2.headers(1, true, get("a", "/"));
            assertEquals(200, h2.await(1).status());
            assertTrue(h2.closedByServer());
        }
    }

    @Test
    void aStalledRequestBodyIsResetAndTheConnectionGoesOn() throws Exception {
        try (Http2Gateway idle = Http2Gateway.serving(front, new EchoConfig(), Limits.DEFAULTS, SHORT_IDLE);
             RawHttp2 h2 = idle.connect()) {
            h2.headers(1, false, request("POST", "a", "/"));
            h2.data(1, false, new byte[10]);
            assertEquals(RawHttp2.CANCEL, h2.await(1).resetCode());
            h2.headers(3, true, get("a", "/"));
            assertEquals(200, h2.await(3).status());
        }
    }

    /**
     * The connection ends with GOAWAY {@code ENHANCE_YOUR_CALM}, or closes: a server that closes a socket with
     * flood bytes still unread sends a TCP reset, which may drop its GOAWAY from the client's buffer unread. (A
     * connection the server keeps open fails the test: the read times out.)
     */
    private static void assertEndsCalmly(RawHttp2 h2) throws Exception {
        int code = h2.awaitGoAway();
        assertTrue(code == RawHttp2.ENHANCE_YOUR_CALM || code == -1, "GOAWAY " + code);
    }

    private static int setting(RawHttp2.Frame settings, int id) {
        ByteBuffer payload = ByteBuffer.wrap(settings.payload());
        while (payload.remaining() >= 6) {
            int key = payload.getShort() & 0xffff;
            int value = payload.getInt();
            if (key == id) {
                return value;
            }
        }
        return -1;
    }
}
