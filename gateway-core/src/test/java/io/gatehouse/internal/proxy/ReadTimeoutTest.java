package io.gatehouse.internal.proxy;

import io.gatehouse.testing.Latches;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code timeouts.read}: a backend that sent its response head and part of its body, then nothing more for the read
 * timeout, has its response cut off (nginx's {@code proxy_read_timeout}); a body that keeps coming, or a client that
 * takes its time, is not. The client asks to keep its connection open, so a close it sees is the cut-off.
 */
@Timeout(30)
class ReadTimeoutTest {

    private static final Duration READ_TIMEOUT = Duration.ofMillis(300);
    private static final String GET = "GET /stream HTTP/1.1\r\nHost: a.test\r\n\r\n";

    /** Opens when the backend reads the end of its connection: the proxy closed it. */
    private final CountDownLatch backendSawClose = new CountDownLatch(1);
    private RawBackend backend;
    private ProxyServer proxy;

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        backend.close();
    }

    @Test
    void aBodyStalledLongerThanTheReadTimeoutEndsShortOfItsContentLength() throws Exception {
        start(stallingAfter("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345"));

        RawHttp.Response response = RawHttp.exchangeToClose(address(), GET);

        assertEquals("10", response.header("Content-Length"));
        assertEquals("12345", response.body(), "the connection closed after the bytes the backend sent");
    }

    @Test
    void aChunkedBodyStalledLongerThanTheReadTimeoutEndsWithoutItsLastChunk() throws Exception {
        start(stallingAfter("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));

        RawHttp.Response response = RawHttp.exchangeToClose(address(), GET);

        assertEquals("chunked", response.header("Transfer-Encoding"));
        assertTrue(response.body().contains("hello"), response.body());
        assertFalse(response.body().endsWith("0\r\n\r\n"), "no last chunk the backend did not send: " + response.body());
    }

    @Test
    void theStalledBackendsConnectionIsClosed() throws Exception {
        start(stallingAfter("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345"));

        RawHttp.exchangeToClose(address(), GET);

        Latches.await(backendSawClose);
    }

    @Test
    void theNextRequestAfterACutOffIsAnswered() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        RawBackend.Behaviour stall = stallingAfter("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345");
        start(socket -> requests.getAndIncrement() == 0 ? stall.respond(socket) : RawBackend.answer(socket, RawBackend.OK));
        RawHttp.exchangeToClose(address(), GET);

        RawHttp.Response next = RawHttp.exchange(address(), "GET /next HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");

        assertEquals(200, next.status());
        assertEquals("ok", next.body());
    }

    @Test
    void aCutOffIsOneWarningLineNamingTheReadTimeout() throws Exception {
        start(stallingAfter("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345"));
        try (LogCapture log = LogCapture.on("io.gatehouse.internal.proxy")) {
            RawHttp.exchangeToClose(address(), GET);
            // The line is written before the connections are closed.
            Latches.await(backendSawClose);

            List<LogRecord> lines = log.records().stream().filter(r -> r.getMessage().contains("stalled")).toList();
            assertEquals(1, lines.size(), log.messages().toString());
            assertEquals(Level.WARNING, lines.get(0).getLevel());
            assertTrue(lines.get(0).getMessage().contains("connection closed, response body stalled: nothing more within 300ms"),
                    lines.get(0).getMessage());
            log.assertNoErrorNorStackTrace();
        }
    }

    @Test
    void aBodyTricklingFasterThanTheReadTimeoutIsRelayedWholeThoughItTakesLonger() throws Exception {
        // 50 bytes 40 ms apart: 2 s in all, more than the read timeout of this test, whose pauses are a fortieth of it
        // (a wide margin for a loaded machine).
        start(socket -> {
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 50; i++) {
                out.write('a' + i % 26);
                out.flush();
                pause(40);
            }
            return true;
        }, Duration.ofMillis(1600));

        RawHttp.Response response = RawHttp.exchange(address(), "GET /slow HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");

        assertEquals(200, response.status());
        assertEquals("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwx", response.body());
    }

    @Test
    void aClientTakingLongerThanTheReadTimeoutToReadGetsTheWholeBody() throws Exception {
        int first = 1024;
        int rest = 4 << 20;
        CountDownLatch clientHasTheFirstPart = new CountDownLatch(1);
        start(socket -> {
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + (first + rest) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[first]);
            out.flush();
            Latches.await(clientHasTheFirstPart);
            out.write(new byte[rest]);
            out.flush();
            return true;
        });
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(4096);
            client.connect(address(), 5_000);
            client.setSoTimeout(10_000);
            client.getOutputStream().write("GET /big HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = client.getInputStream();
            assertTrue(RawBackend.readHead(in).startsWith("HTTP/1.1 200 "));
            assertEquals(first, in.readNBytes(first).length);
            // The proxy relayed all it read and waits for the backend: its read deadline runs. The rest comes now,
            // and this client reads none of it for three read timeouts: the proxy waits for the client meanwhile.
            clientHasTheFirstPart.countDown();
            pause(3 * READ_TIMEOUT.toMillis());

            assertEquals(rest, in.readAllBytes().length);
        }
    }

    /** A backend that answers {@code sent}, then nothing, until the proxy closes the connection. */
    private RawBackend.Behaviour stallingAfter(String sent) {
        return socket -> {
            RawBackend.answer(socket, sent);
            if (socket.getInputStream().read() < 0) {
                backendSawClose.countDown();
            }
            return false;
        };
    }

    private void start(RawBackend.Behaviour behaviour) throws IOException {
        start(behaviour, READ_TIMEOUT);
    }

    private void start(RawBackend.Behaviour behaviour, Duration readTimeout) throws IOException {
        backend = RawBackend.with(behaviour);
        proxy = ProxyServer.start(ProxyServer.config(backend.port(), p -> p.readTimeout(readTimeout)));
    }

    private InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", proxy.port());
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
