package io.gatehouse.internal.guard;

import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static io.gatehouse.testing.RawHttp2.get;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The frames of an HTTP/2 connection wait for one flush per IO thread round ({@link CheckedHttp2Channel}): none is
 * left behind, whether many streams finish in the same round or one response needs flow-control windows the client
 * opens only as it reads. A frame that never went out would leave its stream unanswered, and the test waiting for
 * it fails on RawHttp2's read timeout.
 *
 * <p>Run once per front by {@link Http2FlushRoundOverH2cTest} and {@link Http2FlushRoundOverTlsTest} (TLS writes
 * what one flush gathers as records of its own).
 */
@Timeout(60)
abstract class Http2FlushRoundTest {

    /** Past the 65,535-byte windows a connection and a stream start with, and several buffers long. */
    private static final int LARGE_BODY = 300_000;

    private final Http2Gateway.Front front;
    private Http2Gateway gateway;

    Http2FlushRoundTest(Http2Gateway.Front front) {
        this.front = front;
    }

    @AfterEach
    void stop() throws IOException {
        gateway.close();
    }

    @Test
    void everyStreamOfRequestsSentTogetherIsAnswered() throws Exception {
        gateway = Http2Gateway.withBackend(front);
        int streams = 50;
        try (RawHttp2 h2 = gateway.connect()) {
            ByteArrayOutputStream together = new ByteArrayOutputStream();
            for (int i = 0; i < streams; i++) {
                together.write(RawHttp2.frameBytes(RawHttp2.HEADERS, RawHttp2.END_HEADERS | RawHttp2.END_STREAM,
                        2 * i + 1, RawHttp2.headerBlock(get("a.test", "/app/" + i))));
            }
            h2.write(together.toByteArray());
            for (int i = 0; i < streams; i++) {
                RawHttp2.Outcome response = h2.await(2 * i + 1);
                assertEquals(200, response.status(), "stream " + (2 * i + 1));
                assertEquals("ok", response.bodyText(), "stream " + (2 * i + 1));
            }
        }
    }

    @Test
    void aResponseLargerThanTheFlowControlWindowsArrivesWhole() throws Exception {
        String body = "0123456789abcdef".repeat(LARGE_BODY / 16);
        gateway = Http2Gateway.withBackend(front, "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body);
        try (RawHttp2 h2 = gateway.connect()) {
            h2.headers(1, true, get("a.test", "/app/large"));
            RawHttp2.Outcome response = h2.await(1);
            assertEquals(200, response.status());
            assertEquals(body, response.bodyText());
        }
    }
}
