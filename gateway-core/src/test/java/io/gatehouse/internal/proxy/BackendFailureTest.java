package io.gatehouse.internal.proxy;

import io.gatehouse.testing.RawBackend;

import io.gatehouse.config.ProxyConfig;
import io.gatehouse.testing.Configs;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RefusedPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class BackendFailureTest {

    private static final String GET = "GET /thing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

    private LogCapture capture;
    private List<LogRecord> logged;

    @BeforeEach
    void captureLog() {
        capture = LogCapture.on(ProxyLog.LOG.getName());
        logged = capture.records();
    }

    @AfterEach
    void releaseLog() {
        capture.close();
    }

    /** One backend whose connections are capped at {@code maxConnections} (the opt-in), with a queue behind the cap. */
    private static ProxyConfig config(int port, Duration connect, Duration response, int maxConnections, int queue) {
        return Configs.proxy(p -> p.backend("http://127.0.0.1:" + port).connectTimeout(connect).responseTimeout(response)
                .connections(maxConnections).maxConnections(maxConnections).queue(queue).retries(0));
    }

    @Test
    void refusedConnectionIsBadGateway() throws Exception {
        try (RefusedPort refused = RefusedPort.open(); ProxyServer proxy = ProxyServer.start(ProxyServer.config(refused.port()))) {
            assertEquals(502, RawClient.status(RawClient.send(proxy.port(), GET)));
        }
    }

    @Test
    void eachFailureLogsOneLineWithoutStackTrace() throws Exception {
        try (RefusedPort refused = RefusedPort.open(); ProxyServer proxy = ProxyServer.start(ProxyServer.config(refused.port()))) {
            RawClient.send(proxy.port(), GET);
        }
        assertEquals(1, logged.size(), logged.toString());
        assertNull(logged.get(0).getThrown());
        assertTrue(logged.get(0).getMessage().contains("GET /thing"), logged.get(0).getMessage());
        assertTrue(logged.get(0).getMessage().contains("502"), logged.get(0).getMessage());
        assertTrue(!logged.get(0).getMessage().contains("\n"), logged.get(0).getMessage());
    }

    @Test
    void resetBeforeRespondingIsBadGateway() throws Exception {
        try (RawBackend backend = RawBackend.resettingBeforeResponse();
             ProxyServer proxy = ProxyServer.start(ProxyServer.config(backend.port()))) {
            assertEquals(502, RawClient.status(RawClient.send(proxy.port(), GET)));
            backend.next();
        }
    }

    @Test
    void noResponseWithinResponseTimeoutIsGatewayTimeout() throws Exception {
        try (RawBackend backend = RawBackend.neverAnswering();
             ProxyServer proxy = ProxyServer.start(config(backend.port(), Duration.ofSeconds(2), Duration.ofMillis(300), 4, 4))) {
            assertEquals(504, RawClient.status(RawClient.send(proxy.port(), GET)));
        }
    }

    @Test
    void connectTimeoutIsHonouredWithBadGateway() throws Exception {
        try (ServerSocket blackhole = fullBacklog();
             ProxyServer proxy = ProxyServer.start(config(blackhole.getLocalPort(), Duration.ofMillis(300), Duration.ofSeconds(30), 4, 4))) {
            String answer = RawClient.send(proxy.port(), GET);
            assertEquals(502, RawClient.status(answer));
            assertTrue(logged.get(0).getMessage().contains("no connection within 300ms"), logged.toString());
        }
    }

    @Test
    void requestsQueueForABusyConnectionAndAreServedWhenItFrees() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.with(socket -> {
                 awaitQuietly(release);
                 socket.getOutputStream().write(RawBackend.OK.getBytes());
                 return true;
             });
             ProxyServer proxy = ProxyServer.start(config(backend.port(), Duration.ofSeconds(10), Duration.ofSeconds(10), 1, 2))) {
            ExecutorService clients = Executors.newFixedThreadPool(3);
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(clients.submit(() -> RawClient.send(proxy.port(), GET)));
            }
            backend.next();
            release.countDown();
            for (Future<String> answer : answers) {
                assertEquals(200, RawClient.status(answer.get(20, TimeUnit.SECONDS)));
            }
            assertEquals(1, backend.connectionsAccepted());
            clients.shutdownNow();
        }
    }

    @Test
    void fullQueueIsServiceUnavailableWithRetryAfter() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.with(socket -> {
                 awaitQuietly(release);
                 socket.getOutputStream().write(RawBackend.OK.getBytes());
                 return true;
             });
             ProxyServer proxy = ProxyServer.start(config(backend.port(), Duration.ofSeconds(10), Duration.ofSeconds(10), 1, 1))) {
            ExecutorService clients = Executors.newFixedThreadPool(3);
            Future<String> first = clients.submit(() -> RawClient.send(proxy.port(), GET));
            backend.next();
            // One of the next two takes the single queue place and waits; the other must be refused at once.
            ExecutorCompletionService<String> racing = new ExecutorCompletionService<>(clients);
            racing.submit(() -> RawClient.send(proxy.port(), GET));
            racing.submit(() -> RawClient.send(proxy.port(), GET));
            String rejected = racing.take().get();
            assertEquals(503, RawClient.status(rejected));
            assertTrue(RawClient.headLower(rejected).contains("\r\nretry-after: 1\r\n"), rejected);
            release.countDown();
            assertEquals(200, RawClient.status(first.get(20, TimeUnit.SECONDS)));
            assertEquals(200, RawClient.status(racing.take().get()));
            clients.shutdownNow();
        }
    }

    @Test
    void waitingLongerThanConnectTimeoutForAPooledConnectionIsServiceUnavailable() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.with(socket -> {
                 awaitQuietly(release);
                 socket.getOutputStream().write(RawBackend.OK.getBytes());
                 return true;
             });
             ProxyServer proxy = ProxyServer.start(config(backend.port(), Duration.ofMillis(300), Duration.ofSeconds(10), 1, 4))) {
            ExecutorService clients = Executors.newFixedThreadPool(1);
            Future<String> first = clients.submit(() -> RawClient.send(proxy.port(), GET));
            backend.next();
            String queued = RawClient.send(proxy.port(), GET);
            assertEquals(503, RawClient.status(queued));
            assertTrue(RawClient.headLower(queued).contains("\r\nretry-after: 1\r\n"), queued);
            release.countDown();
            assertEquals(200, RawClient.status(first.get(20, TimeUnit.SECONDS)));
            clients.shutdownNow();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A listening socket that never accepts, with its accept queue filled: Linux then drops further SYNs, so a
     * connect neither succeeds nor fails until the client gives up.
     */
    private static ServerSocket fullBacklog() throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        List<Socket> fillers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 200);
                fillers.add(filler);
            } catch (SocketTimeoutException e) {
                filler.close();
                return server;
            }
        }
        throw new IllegalStateException("could not fill the accept queue; fillers: " + fillers.size());
    }
}
