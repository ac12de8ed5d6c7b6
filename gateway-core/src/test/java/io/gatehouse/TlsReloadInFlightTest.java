package io.gatehouse;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.Latches;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RawHttp2;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TlsClient;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.CountDownLatch;

import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reload that renews the certificate while an HTTPS request is in flight, as certbot's deploy hook does: new
 * connections get the new certificate, the open one keeps its own, and no request fails, over HTTP/1.1 and HTTP/2.
 * The backend holds every request until the test has reloaded and checked a new connection.
 */
@Timeout(60)
class TlsReloadInFlightTest {

    @TempDir
    Path dir;

    private final CountDownLatch release = new CountDownLatch(1);
    private TestCertificates ca;
    private TestCertificates.Issued original;
    private RawBackend backend;
    private int port;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        ca = TestCertificates.create(dir);
        original = ca.issue("a.test").write();
        backend = RawBackend.with(socket -> {
            Latches.await(release);
            return RawBackend.answer(socket, RawBackend.OK);
        });
        port = UnusedPort.next();
        gateway = Gateway.start(config());
    }

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        gateway.close();
        backend.close();
    }

    private GatewayConfig config() throws ConfigException {
        return GatewayConfig.builder().listen("127.0.0.1:" + port + " tls")
                .tls(t -> t.certificate(original.certificate().toString(), original.key().toString()))
                .vhost(v -> v.hosts("a.test").proxy(p -> p.backend("http://127.0.0.1:" + backend.port())))
                .build();
    }

    @Test
    void anHttp11RequestInFlightAcrossACertificateReloadCompletes() throws Exception {
        try (SSLSocket open = connect("http/1.1")) {
            TlsClient.write(open, "GET /slow HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertTrue(backend.next().head().startsWith("GET /slow "));

            renewAndReloadWhileTheRequestWaits();

            assertEquals(200, RawHttp.read(open).status(), "the request in flight");
            TlsClient.write(open, "GET /next HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertEquals(200, RawHttp.read(open).status(), "the open connection's next request");
            assertEquals(original.leaf(), leafOf(open));
        }
    }

    @Test
    void anHttp2RequestInFlightAcrossACertificateReloadCompletes() throws Exception {
        try (SSLSocket open = connect("h2"); RawHttp2 h2 = RawHttp2.start(open)) {
            assertEquals("h2", open.getApplicationProtocol());
            h2.headers(1, true, RawHttp2.get("a.test", "/slow"));
            assertTrue(backend.next().head().startsWith("GET /slow "));

            renewAndReloadWhileTheRequestWaits();

            assertEquals(200, h2.await(1).status(), "the request in flight");
            assertEquals(200, h2.headersAndAwait(3, RawHttp2.get("a.test", "/next")).status(),
                    "the open connection's next request");
            assertEquals(original.leaf(), leafOf(open));
        }
    }

    /**
     * Renews the certificate in place (the same files, as certbot renews), reloads, checks that a new connection
     * gets the renewed certificate, then lets the backend answer.
     */
    private void renewAndReloadWhileTheRequestWaits() throws Exception {
        TestCertificates.Issued renewed = ca.issue("a.test").write();
        gateway.reload(config());
        try (SSLSocket fresh = connect("http/1.1")) {
            assertEquals(renewed.leaf(), leafOf(fresh));
        }
        release.countDown();
    }

    private SSLSocket connect(String alpn) throws IOException {
        return TlsClient.connect(ca.clientContext(), gateway.addresses().get(0), "a.test", alpn);
    }

    private static X509Certificate leafOf(SSLSocket socket) throws IOException {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
}
