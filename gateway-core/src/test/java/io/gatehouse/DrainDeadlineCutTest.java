package io.gatehouse;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.Latches;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp2;
import io.gatehouse.testing.UnusedPort;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A response still being relayed when a stop's or a reload's drain deadline passes is cut by the gateway, which
 * closes the client connection itself: the line logged and the outcome counted say so, not that the client went
 * away. A client that does go away during a drain, before its deadline, is still logged and counted as today.
 *
 * <p>The backend streams a long body a few bytes at a time, so the relay is under way at the deadline; the client
 * reads the head and the first bytes, and stays.
 */
@Timeout(30)
class DrainDeadlineCutTest {

    private static final String REQUEST = "GET /stream HTTP/1.1\r\nHost: app.test\r\n\r\n";
    /** A request the backend never answers. */
    private static final String SILENT_REQUEST = "GET /silent HTTP/1.1\r\nHost: app.test\r\n\r\n";
    /** Far more than the test ever reads: the body is still coming at the deadline. */
    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n";
    private static final Duration SHORT_DRAIN = Duration.ofMillis(200);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CountDownLatch streaming = new CountDownLatch(1);
    private final CountDownLatch silentRequestArrived = new CountDownLatch(1);
    private LogCapture proxyLog;
    private RawBackend backend;
    private Gateway gateway;

    @BeforeEach
    void start() throws IOException {
        proxyLog = LogCapture.on("io.gatehouse.internal.proxy");
        backend = RawBackend.with(socket -> {
            if (lastRequest().head().startsWith("GET /silent ")) {
                silentRequestArrived.countDown();
                socket.getInputStream().transferTo(OutputStream.nullOutputStream());
                return false;
            }
            return streamSlowly(socket);
        });
    }

    @AfterEach
    void stop() throws IOException {
        if (gateway != null) {
            gateway.stop(Duration.ZERO);
        }
        backend.close();
        proxyLog.close();
    }

    @Test
    void aResponseCutAtTheStopsDrainDeadlineIsLoggedAndCountedAsTheDeadlines() throws Exception {
        gateway = Gateway.start(config("127.0.0.1:0", SHORT_DRAIN), registry);
        try (Socket client = streamingClient(gateway.addresses().get(0))) {
            assertFalse(gateway.stop(SHORT_DRAIN), "the response was still coming at the deadline");

            readToTheClose(client.getInputStream());
        }
        assertLoggedAndCountedAsCut("GET /stream", "the stop's drain deadline during the response");
    }

    /** Over HTTP/2 the cut closes the whole connection, whose streams carry the listener's mark all the same. */
    @Test
    void anHttp2ResponseCutAtTheStopsDrainDeadlineIsLoggedAndCountedAsTheDeadlines() throws Exception {
        gateway = Gateway.start(config("127.0.0.1:0 h2c", SHORT_DRAIN), registry);
        try (RawHttp2 h2 = RawHttp2.connect(gateway.addresses().get(0))) {
            h2.headers(1, true, RawHttp2.get("app.test", "/stream"));
            RawHttp2.Frame frame;
            do {
                frame = h2.read();
            } while (frame.type() != RawHttp2.DATA || frame.stream() != 1);

            assertFalse(gateway.stop(SHORT_DRAIN), "the response was still coming at the deadline");

            while (h2.read() != null) {
                // what was relayed before the close
            }
        }
        assertLoggedAndCountedAsCut("GET /stream", "the stop's drain deadline during the response");
    }

    @Test
    void aResponseCutAtTheDrainDeadlineOfAReloadThatRemovedItsListenerIsLoggedAndCountedAsTheDeadlines()
            throws Exception {
        int removed = UnusedPort.next();
        gateway = Gateway.start(config("127.0.0.1:" + removed, SHORT_DRAIN), registry);
        try (Socket client = streamingClient(new InetSocketAddress("127.0.0.1", removed))) {
            gateway.reload(config("127.0.0.1:" + UnusedPort.next(), SHORT_DRAIN));

            readToTheClose(client.getInputStream());
        }
        assertLoggedAndCountedAsCut("GET /stream", "the reload's drain deadline during the response");
    }

    @Test
    void aRequestStillAwaitingItsResponseAtTheStopsDrainDeadlineIsLoggedAndCountedAsCutThere() throws Exception {
        gateway = Gateway.start(config("127.0.0.1:0", SHORT_DRAIN), registry);
        try (Socket client = new Socket()) {
            client.connect(gateway.addresses().get(0), 5_000);
            client.setSoTimeout(10_000);
            client.getOutputStream().write(SILENT_REQUEST.getBytes(StandardCharsets.US_ASCII));
            Latches.await(silentRequestArrived);

            assertFalse(gateway.stop(SHORT_DRAIN), "the backend never answers, so the drain times out");

            readToTheClose(client.getInputStream());
        }
        assertLoggedAndCountedAsCut("GET /silent", "the stop's drain deadline before the response");
    }

    @Test
    void aClientThatGoesAwayDuringTheDrainBeforeItsDeadlineIsStillLoggedAndCountedAsGone() throws Exception {
        gateway = Gateway.start(config("127.0.0.1:0", Duration.ofSeconds(20)), registry);
        CompletableFuture<Boolean> stopped;
        try (Socket client = streamingClient(gateway.addresses().get(0))) {
            stopped = CompletableFuture.supplyAsync(() -> gateway.stop(Duration.ofSeconds(20)));
            client.setSoLinger(true, 0);
        }

        assertTrue(stopped.get(20, TimeUnit.SECONDS), "the request ended with its client, long before the deadline");
        String line = proxyLog.awaitMessage(logged -> logged.startsWith("GET /stream"));
        assertTrue(line.startsWith("GET /stream -> " + backendUri() + ": connection closed, client went away during the response"),
                line);
        awaitCounted("IO_ERROR");
    }

    /** The request the backend has just read (recorded before it answers). */
    private RawBackend.Received lastRequest() throws IOException {
        try {
            return backend.next();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
    }

    /** The backend's side of {@code /stream}: the head, then a few bytes every few milliseconds until the proxy closes the connection. */
    private boolean streamSlowly(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
        try {
            while (true) {
                out.write("0123456789".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                streaming.countDown();
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException closedByTheProxy) {
            // the relay ended
        }
        return false;
    }

    /** A client that asked for the stream, read its head and first bytes, and stays. */
    private Socket streamingClient(InetSocketAddress gatewayAddress) throws IOException {
        Socket client = new Socket();
        client.connect(gatewayAddress, 5_000);
        client.setSoTimeout(10_000);
        client.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
        InputStream in = client.getInputStream();
        String head = RawBackend.readHead(in);
        assertTrue(head != null && head.startsWith("HTTP/1.1 200"), String.valueOf(head));
        assertTrue(in.read() >= 0, "the body started");
        Latches.await(streaming);
        return client;
    }

    /**
     * Asserts that {@code request} was logged as cut at {@code deadline} (naming when, too), and counted as
     * {@code DRAIN_DEADLINE}, not as an {@code IO_ERROR}.
     */
    private void assertLoggedAndCountedAsCut(String request, String deadline) throws InterruptedException {
        assertEquals(request + " -> " + backendUri() + ": connection closed, cut at " + deadline,
                proxyLog.awaitMessage(line -> line.startsWith(request)));
        awaitCounted("DRAIN_DEADLINE");
        assertEquals(0, counted("IO_ERROR"), "nothing counted as an IO_ERROR");
    }

    /**
     * Waits until one request was counted with {@code outcome}: the meter is recorded as the exchange completes, just
     * after the proxy logs its line.
     */
    private void awaitCounted(String outcome) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counted(outcome) == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nothing counted as " + outcome + "; counted: " + registry.getMetersAsString());
            }
            Thread.sleep(10);
        }
        assertEquals(1, counted(outcome));
    }

    private long counted(String outcome) {
        return registry.find(GatewayMeters.UPSTREAM_REQUESTS).tag("outcome", outcome).timers().stream()
                .mapToLong(Timer::count).sum();
    }

    private String backendUri() {
        return "http://127.0.0.1:" + backend.port();
    }

    private GatewayConfig config(String listen, Duration drainTimeout) throws ConfigException {
        return GatewayConfig.builder().listen(listen).drainTimeout(drainTimeout)
                .vhost(v -> v.hosts("app.test").proxy(p -> p.backend(backendUri())))
                .build();
    }

    /**
     * Reads until the gateway closes (or resets) the connection; a connection still open after the socket's timeout
     * fails the test.
     */
    private static void readToTheClose(InputStream in) throws IOException {
        try {
            while (in.read() >= 0) {
                // the rest of what was relayed before the close
            }
        } catch (SocketTimeoutException stillOpen) {
            throw stillOpen;
        } catch (IOException reset) {
            // closed as abruptly
        }
    }
}
