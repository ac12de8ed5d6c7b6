package io.gatehouse;

import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RawHttp.Response;
import io.undertow.Undertow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.gatehouse.testing.Configs.echo;
import static io.gatehouse.testing.Configs.gateway;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class GatewayLifecycleTest {

    @Test
    void listenerThatCannotBeBoundIsNamedAndNothingStaysBound() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int freePort;
            try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
                freePort = probe.getLocalPort();
            }
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
        Gateway gateway = Gateway.start(gateway(echo("a", "*")));
        try (Socket client = new Socket()) {
            client.connect(gateway.addresses().get(0));
            OutputStream out = client.getOutputStream();
            // The echo vhost answers once the whole body is in: the request stays in flight until then.
            out.write("POST /slow HTTP/1.1\r\nHost: a.test\r\nContent-Length: 10\r\n\r\n12345".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitInFlight(gateway);

            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> gateway.stop(Duration.ofSeconds(20)));
            out.write("67890".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            Response response = RawHttp.read(client);
            assertEquals(200, response.status());
            assertTrue(response.body().startsWith("POST /slow HTTP/1.1"), response.body());
            assertTrue(stopped.get(), "every in-flight request finished before the deadline");
        }
    }

    @Test
    void stopClosesWhatIsStillInFlightAtTheDeadline() throws Exception {
        Gateway gateway = Gateway.start(gateway(echo("a", "*")));
        try (Socket client = new Socket()) {
            client.connect(gateway.addresses().get(0));
            client.getOutputStream().write("POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 10\r\n\r\n1".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            awaitInFlight(gateway);

            assertFalse(gateway.stop(Duration.ofMillis(200)), "the request never completes, so the drain times out");

            client.setSoTimeout(10_000);
            InputStream in = client.getInputStream();
            assertEquals(-1, readToEnd(in), "the connection is closed without a response");
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
        try (GatewayHandler handler = Gateway.handler(gateway(echo("a", "a.test"), echo("b", "b.test")), null)) {
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

    /** Waits until the gateway has the request in hand, by a second request on another connection succeeding. */
    private static void awaitInFlight(Gateway gateway) throws IOException {
        // Requests on one listener are accepted in order; once a later one is answered the first was dispatched.
        Response probe = RawHttp.exchange(gateway.addresses().get(0), "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        assertEquals(200, probe.status());
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
