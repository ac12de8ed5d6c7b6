package io.gatehouse.internal.proxy;

import io.gatehouse.config.ProxyConfig;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** proxy.health: passive (failures in a row, cool-off) and active (health check) taking backends out and back. */
@Timeout(60)
class BackendHealthTest {

    private static final String GET = "GET /h HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

    /** An answer that ends its connection, so that no pooled connection blurs which request reached which socket. */
    private static final String CLOSING_OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

    private static RawHttp.Response send(ProxyServer proxy) throws IOException {
        return RawHttp.exchange(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), GET);
    }

    private static ProxyServer proxy(ProxyConfig.Health health, int retries, RawBackend... backends) {
        return ProxyServer.start(ProxyServer.config(java.util.Arrays.stream(backends).map(RawBackend::port).toList(),
                ProxyConfig.Balance.ROUND_ROBIN, health, retries));
    }

    private static BackendState.Status status(ProxyServer proxy, int index) {
        return proxy.proxy().backendStates().get(index).status();
    }

    /** Waits (bounded by the test timeout) until backend {@code index} reaches {@code status}. */
    private static void awaitStatus(ProxyServer proxy, int index, BackendState.Status status) throws InterruptedException {
        while (status(proxy, index) != status) {
            Thread.sleep(20);
        }
    }

    @Test
    void backendFailingTooOftenInARowIsTakenOutOfRotation() throws Exception {
        ProxyConfig.Health health = new ProxyConfig.Health(2, Duration.ofMinutes(5), Optional.empty());
        try (RawBackend resetting = RawBackend.resettingBeforeResponse();
             RawBackend good = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = proxy(health, 1, resetting, good)) {
            for (int i = 0; i < 10; i++) {
                assertEquals(200, send(proxy).status(), "request " + i);
            }
            assertEquals(2, resetting.connectionsAccepted());
            assertEquals(BackendState.Status.COOLING_OFF, status(proxy, 0));
            assertEquals(BackendState.Status.UP, status(proxy, 1));
            for (int i = 0; i < 10; i++) {
                assertTrue(good.next().head().startsWith("GET /h "));
            }
        }
    }

    @Test
    void theOnlyBackendIsNeverTakenOutByFailures() throws Exception {
        ProxyConfig.Health health = new ProxyConfig.Health(1, Duration.ofMinutes(5), Optional.empty());
        try (RawBackend resetting = RawBackend.resettingBeforeResponse();
             ProxyServer proxy = proxy(health, 0, resetting)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(502, send(proxy).status(), "request " + i);
            }
            assertEquals(3, resetting.connectionsAccepted(), "every request was tried on the backend");
            assertEquals(BackendState.Status.UP, status(proxy, 0));
        }
    }

    @Test
    void backendComesBackAfterItsCoolOff() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        ProxyConfig.Health health = new ProxyConfig.Health(1, Duration.ofMillis(300), Optional.empty());
        try (RawBackend firstResets = RawBackend.with(socket -> {
                 if (connections.getAndIncrement() == 0) {
                     socket.setSoLinger(true, 0);
                     socket.close();
                     return false;
                 }
                 socket.getOutputStream().write(CLOSING_OK.getBytes(StandardCharsets.US_ASCII));
                 return false;
             });
             RawBackend good = RawBackend.with(socket -> {
                 socket.getOutputStream().write(CLOSING_OK.getBytes(StandardCharsets.US_ASCII));
                 return false;
             });
             ProxyServer proxy = proxy(health, 0, firstResets, good)) {
            assertEquals(502, send(proxy).status());
            assertEquals(BackendState.Status.COOLING_OFF, status(proxy, 0));
            assertEquals(200, send(proxy).status());
            assertTrue(good.next().head().startsWith("GET /h "));
            awaitStatus(proxy, 0, BackendState.Status.UP);
            for (int i = 0; i < 2; i++) {
                assertEquals(200, send(proxy).status());
            }
            firstResets.next();
            assertTrue(firstResets.next().head().startsWith("GET /h "), "requests go to it again after its cool-off");
        }
    }

    @Test
    void successBetweenFailuresResetsTheCount() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        ProxyConfig.Health health = new ProxyConfig.Health(2, Duration.ofMinutes(5), Optional.empty());
        // Resets every other request: never two failures in a row.
        try (RawBackend alternating = RawBackend.with(socket -> {
                 if (requests.getAndIncrement() % 2 == 0) {
                     socket.setSoLinger(true, 0);
                     socket.close();
                     return false;
                 }
                 socket.getOutputStream().write(CLOSING_OK.getBytes(StandardCharsets.US_ASCII));
                 return false;
             });
             RawBackend good = RawBackend.with(socket -> {
                 socket.getOutputStream().write(CLOSING_OK.getBytes(StandardCharsets.US_ASCII));
                 return false;
             });
             // Two backends: failures never take the only one out. Round robin sends every other request to it.
             ProxyServer proxy = proxy(health, 0, alternating, good)) {
            for (int i = 0; i < 12; i++) {
                assertEquals(i % 4 == 0 ? 502 : 200, send(proxy).status(), "request " + i);
            }
            assertEquals(BackendState.Status.UP, status(proxy, 0));
        }
    }

    /** The next request head {@code backend} received that is not a health check probe. */
    private static String nextRequest(RawBackend backend) throws InterruptedException {
        String head;
        do {
            head = backend.next().head();
        } while (head.startsWith("GET /healthz "));
        return head;
    }

    @Test
    void failingHealthCheckTakesABackendOutAndAPassingOneBringsItBack() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(false);
        ProxyConfig.Health health = new ProxyConfig.Health(3, Duration.ofSeconds(10),
                Optional.of(new ProxyConfig.Check("/healthz", Duration.ofMillis(100), 200)));
        try (RawBackend sick = RawBackend.with(socket -> {
                 String answer = healthy.get() ? RawBackend.OK : "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n";
                 socket.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                 return false;
             });
             RawBackend good = RawBackend.with(socket -> {
                 socket.getOutputStream().write(RawBackend.OK.getBytes(StandardCharsets.US_ASCII));
                 return false;
             });
             ProxyServer proxy = proxy(health, 1, sick, good)) {
            awaitStatus(proxy, 0, BackendState.Status.CHECK_FAILING);
            String probe = sick.next().head();
            assertTrue(probe.startsWith("GET /healthz HTTP/1.1\r\n"), probe);
            assertTrue(probe.contains("\r\nHost: 127.0.0.1:" + sick.port() + "\r\n"), probe);
            for (int i = 0; i < 6; i++) {
                assertEquals(200, send(proxy).status());
            }
            for (int i = 0; i < 6; i++) {
                assertTrue(nextRequest(good).startsWith("GET /h "));
            }
            healthy.set(true);
            awaitStatus(proxy, 0, BackendState.Status.UP);
            for (int i = 0; i < 4; i++) {
                assertEquals(200, send(proxy).status());
            }
            assertTrue(nextRequest(sick).startsWith("GET /h "));
        }
    }

    @Test
    void everyBackendFailingItsHealthCheckIsStillTried() throws Exception {
        ProxyConfig.Health health = new ProxyConfig.Health(3, Duration.ofSeconds(10),
                Optional.of(new ProxyConfig.Check("/healthz", Duration.ofMillis(100), 204)));
        try (RawBackend answersOk = RawBackend.with(socket -> {
                 socket.getOutputStream().write(RawBackend.OK.getBytes(StandardCharsets.US_ASCII));
                 return false;
             });
             ProxyServer proxy = proxy(health, 0, answersOk)) {
            awaitStatus(proxy, 0, BackendState.Status.CHECK_FAILING);
            assertEquals(200, send(proxy).status(), "a backend set is never refused whole on its marks");
            assertTrue(nextRequest(answersOk).startsWith("GET /h "));
        }
    }
}
