package io.gatehouse.internal.proxy;

import io.gatehouse.config.ProxyConfig;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A backend that stops and starts again, as on a restart or a deploy: the outage ends when the backend's does. The
 * marks of passive health never refuse a whole backend set, and an active check brings a backend back at once.
 */
@Timeout(60)
class OutageRecoveryTest {

    private static final String GET = "GET /o HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

    private static int send(ProxyServer proxy) throws IOException {
        return RawHttp.exchange(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), GET).status();
    }

    private static ProxyConfig config(ProxyConfig.Health health, int retries, int... ports) {
        return ProxyServer.config(java.util.Arrays.stream(ports).boxed().toList(), ProxyConfig.Balance.ROUND_ROBIN,
                health, retries);
    }

    private static BackendState.Status status(ProxyServer proxy, int index) {
        return proxy.proxy().backendStates().get(index).status();
    }

    @Test
    void firstRequestAfterTheOnlyBackendRestartsSucceeds() throws Exception {
        int port;
        try (RestartableBackend backend = RestartableBackend.start(0)) {
            port = backend.port();
        }
        try (ProxyServer proxy = ProxyServer.start(config(ProxyConfig.Health.DEFAULTS, 0, port))) {
            // The application is down: more failures in a row than health.failures (3 by default).
            for (int i = 0; i < 5; i++) {
                assertEquals(502, send(proxy), "request " + i + " while the backend is stopped");
            }
            try (RestartableBackend restarted = RestartableBackend.start(port)) {
                assertEquals(200, send(proxy), "the first request after the restart");
            }
        }
    }

    @Test
    void withEveryBackendMarkedOutRequestsStillReachTheOneThatCameBack() throws Exception {
        int first;
        int second;
        try (RestartableBackend a = RestartableBackend.start(0); RestartableBackend b = RestartableBackend.start(0)) {
            first = a.port();
            second = b.port();
        }
        ProxyConfig.Health health = new ProxyConfig.Health(1, Duration.ofMinutes(10), Optional.empty());
        try (ProxyServer proxy = ProxyServer.start(config(health, 1, first, second))) {
            assertEquals(502, send(proxy), "both refused: the request tried each once");
            assertEquals(BackendState.Status.COOLING_OFF, status(proxy, 0));
            assertEquals(BackendState.Status.COOLING_OFF, status(proxy, 1));
            try (RestartableBackend back = RestartableBackend.start(second)) {
                assertEquals(200, send(proxy), "the first request after the second backend came back");
                assertEquals(200, send(proxy));
            }
        }
    }

    @Test
    void aPassingHealthCheckEndsAPassiveMarkAtOnce() throws Exception {
        try (RestartableBackend flaky = RestartableBackend.start(0); RestartableBackend other = RestartableBackend.start(0)) {
            flaky.resetRequests = true;
            // A cool-off far longer than the test's timeout: only the check can bring the backend back in time.
            ProxyConfig.Health health = new ProxyConfig.Health(1, Duration.ofHours(1),
                    Optional.of(new ProxyConfig.Check("/healthz", Duration.ofMillis(100), 200)));
            try (ProxyServer proxy = ProxyServer.start(config(health, 1, flaky.port(), other.port()))) {
                while (status(proxy, 0) != BackendState.Status.COOLING_OFF) {
                    assertEquals(200, send(proxy), "retried on the other backend");
                }
                flaky.resetRequests = false;
                while (status(proxy, 0) != BackendState.Status.UP) {
                    Thread.sleep(20);
                }
                assertEquals(Duration.ZERO, proxy.proxy().backendStates().get(0).markedOut());
            }
        }
    }

    /**
     * A backend that answers every request 200 and closes; it can be started again on the port it had. While
     * {@link #resetRequests}, it resets every request but its health checks instead.
     */
    private static final class RestartableBackend implements AutoCloseable {
        private final ServerSocket server;
        volatile boolean resetRequests;

        private RestartableBackend(ServerSocket server) {
            this.server = server;
            Thread acceptor = new Thread(this::serve, "restartable-backend");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        static RestartableBackend start(int port) throws IOException {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return new RestartableBackend(server);
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    String head = RawBackend.readHead(socket.getInputStream());
                    if (resetRequests && head != null && !head.startsWith("GET /healthz ")) {
                        socket.setSoLinger(true, 0);
                        continue;
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    // Closed: stopped.
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
