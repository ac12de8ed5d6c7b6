package io.gatehouse.internal.proxy;

import io.gatehouse.testing.Latches;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code timeouts.read} over a switched WebSocket connection: a tunnel that carries no byte either way for the read
 * timeout is closed on both sides, its backend connection's pool slot freed (nginx closes it after
 * {@code proxy_read_timeout}, HAProxy after {@code timeout tunnel}); bytes in either direction keep it open.
 */
@Timeout(30)
class WebSocketSilenceTest {

    private static final Duration CUT_AFTER = Duration.ofMillis(200);
    /**
     * For the tunnels that must stay open: forty times the pause between their bytes, so that only a stall of
     * seconds on a loaded machine, not its usual scheduling delays, could end them.
     */
    private static final Duration KEPT_BY_PINGS = Duration.ofSeconds(2);
    private static final long PING_PAUSE_MILLIS = 50;
    /** Pings over one and a half read timeouts. */
    private static final int PINGS = (int) (3 * KEPT_BY_PINGS.toMillis() / 2 / PING_PAUSE_MILLIS);

    /** Opens when the backend's end of the WebSocket reads end of stream (or a reset): the proxy closed it. */
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
    void aSilentWebSocketIsClosedOnBothSidesAfterTheReadTimeout() throws Exception {
        start(silentAfterSwitching(), CUT_AFTER);

        try (Socket client = upgraded()) {
            assertEquals(-1, client.getInputStream().read(), "the client's side ends");
        }
        Latches.await(backendSawClose);
    }

    @Test
    void theCutIsOneWarningLineNamingTheReadTimeout() throws Exception {
        start(silentAfterSwitching(), CUT_AFTER);
        try (LogCapture log = LogCapture.on("io.gatehouse.internal.proxy"); Socket client = upgraded()) {
            assertEquals(-1, client.getInputStream().read());
            // The line is written before the connections are closed.
            Latches.await(backendSawClose);

            List<LogRecord> lines = log.records().stream().filter(r -> r.getMessage().contains("silent")).toList();
            assertEquals(1, lines.size(), log.messages().toString());
            assertEquals(Level.WARNING, lines.get(0).getLevel());
            String line = lines.get(0).getMessage();
            assertTrue(line.contains("GET /chat"), line);
            assertTrue(line.contains("connection closed, WebSocket silent: nothing either way within 200ms"), line);
            log.assertNoErrorNorStackTrace();
        }
    }

    @Test
    void theBackendsOnlyConnectionSlotServesTheNextRequestAfterTheCut() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        RawBackend.Behaviour silent = silentAfterSwitching();
        start(socket -> connections.getAndIncrement() == 0 ? silent.respond(socket) : RawBackend.answer(socket, RawBackend.OK),
                CUT_AFTER, 1);
        try (Socket client = upgraded()) {
            assertEquals(-1, client.getInputStream().read());
        }
        Latches.await(backendSawClose);

        String next = RawClient.send(proxy.port(), "GET /next HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

        assertEquals(200, RawClient.status(next), next);
        assertTrue(backend.next().head().startsWith("GET /chat "));
        assertTrue(backend.next().head().startsWith("GET /next "));
    }

    @Test
    void theClientsPingsAloneKeepItOpenPastTheReadTimeout() throws Exception {
        // The backend says nothing while the client pings: only the client's bytes cross (nginx would cut this).
        start(socket -> {
            RawBackend.answer(socket, WebSocketTest.SWITCHING);
            InputStream in = socket.getInputStream();
            for (int i = 0; i < PINGS; i++) {
                if (in.read() != 'p') {
                    throw new IOException("ping " + i + " did not arrive");
                }
            }
            RawBackend.answer(socket, "pong");
            awaitClose(socket);
            return false;
        }, KEPT_BY_PINGS);

        try (Socket client = upgraded()) {
            OutputStream out = client.getOutputStream();
            for (int i = 0; i < PINGS; i++) {
                out.write('p');
                out.flush();
                pause();
            }
            assertEquals("pong", new String(client.getInputStream().readNBytes(4), StandardCharsets.US_ASCII),
                    "every ping reached the backend and the tunnel is still open");
        }
    }

    @Test
    void theBackendsPingsAloneKeepItOpenPastTheReadTimeout() throws Exception {
        CompletableFuture<Integer> backendGot = new CompletableFuture<>();
        start(socket -> {
            RawBackend.answer(socket, WebSocketTest.SWITCHING);
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < PINGS; i++) {
                out.write('p');
                out.flush();
                pause();
            }
            backendGot.complete(socket.getInputStream().read());
            awaitClose(socket);
            return false;
        }, KEPT_BY_PINGS);

        try (Socket client = upgraded()) {
            InputStream in = client.getInputStream();
            byte[] pings = in.readNBytes(PINGS);
            assertEquals("p".repeat(PINGS), new String(pings, StandardCharsets.US_ASCII), "every ping was relayed");
            client.getOutputStream().write('x');
            client.getOutputStream().flush();
            assertEquals('x', backendGot.get(10, TimeUnit.SECONDS), "the silent client's tunnel is still open");
        }
    }

    /** Switches, then says nothing and reads until the proxy closes the connection. */
    private RawBackend.Behaviour silentAfterSwitching() {
        return socket -> {
            RawBackend.answer(socket, WebSocketTest.SWITCHING);
            awaitClose(socket);
            return false;
        };
    }

    /** Reads until the connection ends, by a close or a reset, then opens {@link #backendSawClose}. */
    private void awaitClose(Socket socket) {
        try {
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException reset) {
            // Closed all the same.
        }
        backendSawClose.countDown();
    }

    private void start(RawBackend.Behaviour behaviour, Duration readTimeout) throws IOException {
        start(behaviour, readTimeout, 0);
    }

    private void start(RawBackend.Behaviour behaviour, Duration readTimeout, int maxConnections) throws IOException {
        backend = RawBackend.with(behaviour);
        // Without a queue: a slot still taken would answer the next request 503 at once.
        proxy = ProxyServer.start(ProxyServer.config(backend.port(),
                p -> p.readTimeout(readTimeout).maxConnections(maxConnections).queue(0)));
    }

    /** A WebSocket through the proxy, its 101 read; the socket gives up a read after 10 s. */
    private Socket upgraded() throws Exception {
        return WebSocketTest.upgraded(proxy);
    }

    private static void pause() {
        try {
            Thread.sleep(PING_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
