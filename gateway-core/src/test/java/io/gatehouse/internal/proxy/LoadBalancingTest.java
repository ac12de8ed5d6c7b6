package io.gatehouse.internal.proxy;

import io.gatehouse.config.ProxyConfig;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** proxy.balance: which backend each request reaches. Each backend answers with its own name as the body. */
@Timeout(60)
class LoadBalancingTest {

    private static final String GET = "GET /lb HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

    private final List<RawBackend> backends = new ArrayList<>();

    @AfterEach
    void closeBackends() throws IOException {
        for (RawBackend backend : backends) {
            backend.close();
        }
    }

    private RawBackend named(String name) throws IOException {
        RawBackend backend = RawBackend.answering("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + name);
        backends.add(backend);
        return backend;
    }

    private ProxyServer proxy(ProxyConfig.Balance balance, RawBackend... to) {
        List<Integer> ports = new ArrayList<>();
        for (RawBackend backend : to) {
            ports.add(backend.port());
        }
        return ProxyServer.start(ProxyServer.config(ports, balance, ProxyConfig.Health.DEFAULTS, ports.size() - 1));
    }

    private static String body(ProxyServer proxy, InetAddress from) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
            RawHttp.Response response = RawHttp.read(socket);
            assertEquals(200, response.status(), response.head());
            return response.body();
        }
    }

    private static String body(ProxyServer proxy) throws IOException {
        return body(proxy, InetAddress.getLoopbackAddress());
    }

    @Test
    void roundRobinGivesEachBackendItsTurn() throws Exception {
        try (ProxyServer proxy = proxy(ProxyConfig.Balance.ROUND_ROBIN, named("A"), named("B"), named("C"))) {
            StringBuilder order = new StringBuilder();
            for (int i = 0; i < 6; i++) {
                order.append(body(proxy));
            }
            String first = order.substring(0, 3);
            assertEquals(Set.of('A', 'B', 'C'), Set.of(first.charAt(0), first.charAt(1), first.charAt(2)), order.toString());
            assertEquals(first + first, order.toString());
            for (RawBackend backend : backends) {
                assertTrue(backend.next().head().startsWith("GET /lb HTTP/1.1\r\n"));
                backend.next();
            }
        }
    }

    @Test
    void leastRequestsAvoidsTheBackendThatIsBusy() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RawBackend slow = RawBackend.with(socket -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nS".getBytes(StandardCharsets.US_ASCII));
            return true;
        });
        backends.add(slow);
        ExecutorService client = Executors.newSingleThreadExecutor();
        try (ProxyServer proxy = proxy(ProxyConfig.Balance.LEAST_REQUESTS, slow, named("F"))) {
            // Whichever backend the first request would have gone to, keep sending until one sits on the slow one.
            Future<String> held = null;
            for (int i = 0; i < 4 && held == null; i++) {
                Future<String> attempt = client.submit(() -> body(proxy));
                try {
                    assertEquals("F", attempt.get(2, TimeUnit.SECONDS));
                } catch (java.util.concurrent.TimeoutException stuck) {
                    held = attempt;
                }
            }
            assertTrue(held != null, "no request reached the slow backend");
            slow.next();
            for (int i = 0; i < 5; i++) {
                assertEquals("F", body(proxy));
            }
            release.countDown();
            assertEquals("S", held.get(10, TimeUnit.SECONDS));
            assertEquals(1, slow.connectionsAccepted());
        } finally {
            release.countDown();
            client.shutdownNow();
        }
    }

    @Test
    void ipHashKeepsAClientOnOneBackend() throws Exception {
        try (ProxyServer proxy = proxy(ProxyConfig.Balance.IP_HASH, named("A"), named("B"), named("C"))) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 9; i++) {
                seen.add(body(proxy, InetAddress.getByName("127.0.0.7")));
            }
            assertEquals(1, seen.size(), seen.toString());
        }
    }

    @Test
    void ipHashSpreadsDifferentClientsOverTheBackends() throws Exception {
        try (ProxyServer proxy = proxy(ProxyConfig.Balance.IP_HASH, named("A"), named("B"), named("C"))) {
            Set<String> seen = new HashSet<>();
            for (int host = 1; host <= 30; host++) {
                InetAddress client = InetAddress.getByName("127.0.0." + host);
                String first = body(proxy, client);
                assertEquals(first, body(proxy, client), "client " + client + " moved");
                seen.add(first);
            }
            assertEquals(Set.of("A", "B", "C"), seen);
        }
    }
}
