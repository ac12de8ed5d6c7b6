package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.HandDrivenTlsClient;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TlsClient;
import io.gatehouse.testing.UnusedPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A TLS connection from accept to close: a client that does not complete its handshake within
 * {@code timeouts.requestHeader} is closed, and the connections gauge counts TLS connections, handshaking or
 * failed ones included, until they close.
 */
@Timeout(60)
class TlsConnectionLifecycleTest {

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TestCertificates ca;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        ca = TestCertificates.create(dir);
        TestCertificates.Issued certificate = ca.issue("a.test").write();
        gateway = Gateway.start(GatewayConfig.builder().listen("127.0.0.1:" + UnusedPort.next() + " tls")
                .requestHeaderTimeout(Duration.ofSeconds(1))
                .tls(t -> t.certificate(certificate.certificate().toString(), certificate.key().toString()))
                .vhost(v -> v.hosts("a.test").echo())
                .build(), registry);
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private InetSocketAddress address() {
        return gateway.addresses().get(0);
    }

    /** Connects and sends {@code first}, then nothing: the gateway must close within the socket's 20 s timeout. */
    private void closedAfterSending(byte[] first) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(address(), 5_000);
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(first);
            socket.getOutputStream().flush();
            assertEquals(-1, socket.getInputStream().read());
        }
    }

    @Test
    void aClientThatSendsNothingIsClosedAtTheRequestHeaderTimeout() throws Exception {
        closedAfterSending(new byte[0]);
    }

    @Test
    void aClientThatStopsInsideItsClientHelloIsClosedAtTheRequestHeaderTimeout() throws Exception {
        // A handshake record header announcing 512 bytes, and none of them.
        closedAfterSending(new byte[]{0x16, 0x03, 0x01, 0x02, 0x00});
    }

    /**
     * The deadline holds until the server has checked the client's Finished, not only until it knows the protocol:
     * past that, the connection would wait for a request under {@code timeouts.idle} (75 s here).
     */
    @Test
    void aClientThatHoldsBackItsFinishedIsClosedAtTheRequestHeaderTimeout() throws Exception {
        try (HandDrivenTlsClient client = HandDrivenTlsClient.upToFinished(ca.clientContext(), address(), "a.test",
                "http/1.1")) {
            client.awaitClose();
        }
    }

    @Test
    void theConnectionsGaugeCountsATlsConnectionUntilItCloses() throws Exception {
        try (SSLSocket socket = TlsClient.connect(ca.clientContext(), address(), "a.test", "h2", "http/1.1")) {
            awaitConnections(1);
        }
        awaitConnections(0);
    }

    @Test
    void aFailedHandshakeLeavesNoConnectionCounted() throws Exception {
        assertThrows(SSLHandshakeException.class, () -> TlsClient.connect(SSLContext.getDefault(), address(), "a.test").close());
        awaitConnections(0);
    }

    private void awaitConnections(double expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        double open;
        while ((open = registry.get(GatewayMeters.CONNECTIONS_ACTIVE).gauge().value()) != expected) {
            assertTrue(System.nanoTime() < deadline, "connections: " + open + ", expected " + expected);
            Thread.sleep(10);
        }
    }
}
