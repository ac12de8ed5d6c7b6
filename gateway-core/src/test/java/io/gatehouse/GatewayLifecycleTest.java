package io.gatehouse;

import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.config.VirtualHost;
import io.gatehouse.testing.Configs;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RawHttp.Response;
import io.gatehouse.testing.UnusedPort;
import io.undertow.Undertow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static io.gatehouse.testing.Configs.echo;
import static io.gatehouse.testing.Configs.gateway;
import static io.gatehouse.testing.Configs.vhost;
import static io.gatehouse.testing.Latches.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class GatewayLifecycleTest {

    @Test
    void listenerThatCannotBeBoundIsNamedAndNothingStaysBound() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int freePort = UnusedPort.next();
            ListenAddress free = new ListenAddress("127.0.0.1", freePort);
            ListenAddress busy = new ListenAddress("127.0.0.1", taken.getLocalPort());

            ListenerBindException error = assertThrows(ListenerBindException.class, () -> Gateway.start(
                    gateway(List.of(free, busy), AccessLogConfig.OFF_CONFIG, echo("a", "*"))));

            assertEquals(busy, error.address());
            assertTrue(error.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), error.getMessage());
            assertFalse(error.needsPrivilege());
            try (ServerSocket rebound = new ServerSocket(freePort, 50, InetAddress.getByName("127.0.0.1"))) {
                assertEquals(freePort, rebound.getLocalPort(), "the listener bound before the failure was released");
            }
        }
    }

    @Test
    void stopLetsAnInFlightRequestFinish() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.with(socket -> {
            arrived.countDown();
            await(release);
            socket.getOutputStream().write(RawBackend.OK.getBytes(StandardCharsets.US_ASCII));
            return false;
        })) {
            Gateway gateway = Gateway.start(gateway(proxyTo(backend)));
            try (Socket client = new Socket()) {
                client.connect(gateway.addresses().get(0));
                client.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
                await(arrived);

                CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> gateway.stop(Duration.ofSeconds(20)));
                release.countDown();

                Response response = RawHttp.read(client);
                assertEquals(200, response.status());
                assertEquals("ok", response.body());
                assertTrue(stopped.get(), "every in-flight request finished before the deadline");
            }
        }
    }

    @Test
    void stopClosesWhatIsStillInFlightAtTheDeadline() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.with(socket -> {
            arrived.countDown();
            socket.getInputStream().read();
            return false;
        })) {
            Gateway gateway = Gateway.start(gateway(proxyTo(backend)));
            try (Socket client = new Socket()) {
                client.connect(gateway.addresses().get(0));
                client.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
                await(arrived);

                assertFalse(gateway.stop(Duration.ofMillis(200)), "the backend never answers, so the drain times out");

                client.setSoTimeout(10_000);
                assertEquals(-1, readToEnd(client.getInputStream()), "the connection is closed without a response");
            }
        }
    }

    @Test
    void malformedRequestDuringTheDrainGetsItsOwnStatusNotA503() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.with(socket -> {
            arrived.countDown();
            await(release);
            socket.getOutputStream().write(RawBackend.OK.getBytes(StandardCharsets.US_ASCII));
            return false;
        })) {
            Gateway gateway = Gateway.start(gateway(proxyTo(backend)));
            InetSocketAddress address = gateway.addresses().get(0);
            try (Socket held = new Socket(); Socket idle = new Socket()) {
                idle.connect(address);
                idle.getOutputStream().write("GET / HTTP/1.1\r\nHost: unknown.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(404, RawHttp.read(idle).status(), "a keep-alive connection, open before the stop");
                held.connect(address);
                held.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
                await(arrived);

                CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> gateway.stop(Duration.ofSeconds(20)));
                awaitRefused(address);
                idle.getOutputStream().write("GET / HTTP/1.1\r\nHost: app.test\r\nX: a\r\n folded\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertEquals(400, RawHttp.read(idle).status());

                release.countDown();
                assertEquals(200, RawHttp.read(held).status());
                assertTrue(stopped.get());
            }
        }
    }

    /** Waits until the listener no longer accepts: the stop has begun. */
    private static void awaitRefused(InetSocketAddress address) throws InterruptedException {
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(address, 1_000);
            } catch (IOException refused) {
                return;
            }
            Thread.sleep(10);
        }
    }

    @Test
    void stoppedGatewayNoLongerAcceptsConnections() {
        Gateway gateway = Gateway.start(gateway(echo("a", "*")));
        InetSocketAddress address = gateway.addresses().get(0);
        gateway.stop(Duration.ofSeconds(1));
        assertThrows(IOException.class, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(address, 2_000);
            }
        });
    }

    @Test
    void mountedGatewayRoutesByHostInsideAnotherServer() throws IOException {
        try (GatewayHandler handler = Gateway.handler(gateway(echo("a", "a.test"), echo("b", "b.test")))) {
            Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(handler).build();
            server.start();
            try {
                InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
                Response b = RawHttp.exchange(address, "GET /x HTTP/1.1\r\nHost: b.test\r\nConnection: close\r\n\r\n");
                assertEquals(200, b.status());
                assertTrue(b.body().contains("Host: b.test"));
                assertEquals(404, RawHttp.exchange(address, "GET / HTTP/1.1\r\nHost: c.test\r\nConnection: close\r\n\r\n").status());
            } finally {
                server.stop();
            }
        }
    }

    private static final String GET = "GET /slow HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n";

    private static VirtualHost proxyTo(RawBackend backend) {
        ProxyConfig proxy = Configs.proxy(p -> p.backend("http://127.0.0.1:" + backend.port())
                .connectTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofSeconds(60)).connections(4).queue(16));
        return vhost("app", List.of("app.test"), List.of(), proxy);
    }

    private static int readToEnd(InputStream in) throws IOException {
        int b;
        try {
            while ((b = in.read()) >= 0) {
                // discard anything before the close
            }
            return b;
        } catch (IOException reset) {
            return -1;
        }
    }
}
