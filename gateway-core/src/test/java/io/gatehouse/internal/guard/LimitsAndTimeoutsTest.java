package io.gatehouse.internal.guard;

import io.gatehouse.config.Limits;
import io.gatehouse.config.Timeouts;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Size limits answered with their status, and timeouts that close connections, on the real gateway. */
@Timeout(60)
class LimitsAndTimeoutsTest {

    private static final Timeouts SHORT = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofMillis(300), Duration.ofMillis(300));

    private RawBackend backend;
    private GuardedGateway gateway;

    @AfterEach
    void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        backend.close();
    }

    private Limits limits = GuardedGateway.LIMITS;

    private void start(Timeouts timeouts) throws IOException {
        backend = RawBackend.answering(RawBackend.OK);
        gateway = GuardedGateway.proxyingTo(backend.port(), limits, timeouts);
    }

    private void refused(int status, String request) throws Exception {
        start(GuardedGateway.TIMEOUTS);
        RawHttp.Response response = gateway.send(request);
        assertEquals(status, response.status(), response.head());
        assertTrue(response.closed(), "connection left open");
        assertTrue(gateway.forwardedNothingMoreOnceStopped(backend), "the backend received a request");
    }

    @Test
    void chunkedBodyOverMaxBodyGets413WhileStreaming() throws Exception {
        String chunk = "200\r\n" + "x".repeat(0x200) + "\r\n";
        refused(413, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + chunk + "0\r\n\r\n");
    }

    @Test
    void chunkedBodyDeclaringMoreThanMaxBodyGets413() throws Exception {
        refused(413, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nxx");
    }

    @Test
    void declaredContentLengthOverMaxBodyGets413() throws Exception {
        refused(413, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1025\r\n\r\nx");
    }

    @Test
    void headerSectionOverMaxHeaderBytesGets431() throws Exception {
        refused(431, "GET / HTTP/1.1\r\nHost: a\r\nBig: " + "x".repeat(3000) + "\r\n\r\n");
    }

    @Test
    void moreHeadersThanMaxHeadersGets431() throws Exception {
        refused(431, "GET / HTTP/1.1\r\nHost: a\r\n" + "X: y\r\n".repeat(25) + "\r\n");
    }

    @Test
    void trailerSectionOverMaxHeaderBytesGets431() throws Exception {
        limits = new Limits(1 << 20, 2048, 20, 512, Limits.EncodedSlashes.REFUSE);
        refused(431, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + "Big: xxxxxxxxxx\r\n".repeat(150) + "\r\n\r\n");
    }

    @Test
    void targetOverMaxUriBytesGets414() throws Exception {
        refused(414, "GET /" + "x".repeat(600) + " HTTP/1.1\r\nHost: a\r\n\r\n");
    }

    @Test
    void requestLineThatNeverEndsGets414() throws Exception {
        refused(414, "GET /" + "x".repeat(3000));
    }

    @Test
    void slowHeaderIsCutOffAfterRequestHeaderTimeout() throws Exception {
        start(new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMillis(300)));
        try (Socket socket = gateway.open("GET / HTTP/1.1\r\n")) {
            // One header byte every 100 ms: never idle, yet never done.
            AtomicBoolean closed = new AtomicBoolean();
            for (int i = 0; i < 300 && !closed.get(); i++) {
                try {
                    socket.getOutputStream().write('X');
                    Thread.sleep(100);
                } catch (IOException e) {
                    closed.set(true);
                }
            }
            assertTrue(closed.get() || endOfStream(socket), "slow header connection still open");
        }
        assertTrue(gateway.forwardedNothingMoreOnceStopped(backend), "the slow head reached the backend");
        assertTrue(backend.receivedNothing(), "a backend connection was opened for the slow head");
    }

    @Test
    void clientStallingMidBodyIsCutOffAndTheBackendConnectionClosed() throws Exception {
        start(SHORT);
        try (Socket socket = gateway.open("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nhalf")) {
            assertTrue(endOfStream(socket), "stalled upload still open");
        }
        // The backend saw the head and part of the body, then the gateway closed its connection: RawBackend
        // records what it had when the stream ended, which must be short of the declared length.
        RawBackend.Received received = backend.next();
        assertEquals(4, received.body().length, "the backend did not see the upload cut short");
    }

    @Test
    void idleKeepAliveConnectionIsClosedAfterIdleTimeout() throws Exception {
        start(SHORT);
        try (Socket socket = gateway.open("GET / HTTP/1.1\r\nHost: a\r\n\r\n")) {
            InputStream in = socket.getInputStream();
            String head = RawBackend.readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            in.readNBytes(2);
            assertTrue(endOfStream(socket), "idle connection still open");
        }
    }

    @Test
    void expectContinueGets100BeforeTheFinalResponse() throws Exception {
        start(GuardedGateway.TIMEOUTS);
        try (Socket socket = gateway.open("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")) {
            InputStream in = socket.getInputStream();
            String interim = RawBackend.readHead(in);
            assertTrue(interim.startsWith("HTTP/1.1 100 "), interim);
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            String finalHead = RawBackend.readHead(in);
            assertTrue(finalHead.startsWith("HTTP/1.1 200 "), finalHead);
        }
        RawBackend.Received received = backend.next();
        assertEquals("hello", new String(received.body(), StandardCharsets.US_ASCII));
    }

    /** Waits (up to 10 s) for the peer to close; true when it did. */
    private static boolean endOfStream(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // whatever came before the close
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
