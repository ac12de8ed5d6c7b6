package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TlsClient;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A vhost's {@code tls.redirect} and {@code tls.hsts}: plain HTTP is sent to the same URL over HTTPS (301 for GET
 * and HEAD, 308 otherwise) except the ACME challenge path, and the HSTS header goes only on responses over TLS.
 */
@Timeout(60)
class HttpsRedirectAndHstsTest {

    private static final String HSTS = "max-age=63072000; includeSubDomains";

    @TempDir
    Path dir;

    private TestCertificates ca;
    private int tlsPort;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        ca = TestCertificates.create(dir);
        TestCertificates.Issued certificate = ca.issue("a.test", "o.test").write();
        tlsPort = UnusedPort.next();
        gateway = Gateway.start(GatewayConfig.builder()
                .listen("127.0.0.1:" + UnusedPort.next(), "127.0.0.1:" + tlsPort + " tls")
                .tls(t -> t.certificate(certificate.certificate().toString(), certificate.key().toString()))
                .vhost(v -> v.hosts("a.test", "z.test").tls(t -> t.redirect(true).hsts(HSTS)).echo())
                .vhost(v -> v.hosts("o.test").echo())
                .build());
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private InetSocketAddress plain() {
        return gateway.addresses().get(0);
    }

    @Test
    void aGetIsMovedPermanentlyToTheSameUrlOverHttpsAsReceived() throws Exception {
        RawHttp.Response response = RawHttp.exchange(plain(),
                "GET /p%20a/b?x=%2F&y HTTP/1.1\r\nHost: A.test:8080\r\nConnection: close\r\n\r\n");
        assertEquals(301, response.status(), response.head());
        assertEquals("https://a.test:" + tlsPort + "/p%20a/b?x=%2F&y", response.header("Location"));
        assertEquals("0", response.header("Content-Length"));
    }

    @Test
    void aHeadIsMovedPermanently() throws Exception {
        RawHttp.Response response = RawHttp.exchange(plain(), "HEAD / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        assertEquals(301, response.status(), response.head());
        assertEquals("https://a.test:" + tlsPort + "/", response.header("Location"));
    }

    @Test
    void aPostIsRedirectedWith308SoItStaysAPostAndTheUnreadBodyClosesTheConnection() throws Exception {
        RawHttp.Response response = RawHttp.exchange(plain(),
                "POST /form HTTP/1.1\r\nHost: a.test\r\nContent-Length: 5\r\n\r\nhello");
        assertEquals(308, response.status(), response.head());
        assertEquals("https://a.test:" + tlsPort + "/form", response.header("Location"));
        assertTrue(response.closed(), "the body was not read: the connection must close");
    }

    @Test
    void anAbsoluteFormTargetIsRedirectedToItsPath() throws Exception {
        RawHttp.Response response = RawHttp.exchange(plain(),
                "GET http://a.test/abs?q HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        assertEquals(301, response.status(), response.head());
        assertEquals("https://a.test:" + tlsPort + "/abs?q", response.header("Location"));
    }

    @Test
    void theAcmeChallengeIsServedOverPlainHttpWithoutHsts() throws Exception {
        RawHttp.Response response = RawHttp.exchange(plain(),
                "GET /.well-known/acme-challenge/token123 HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        assertEquals(200, response.status(), response.head());
        assertTrue(response.body().startsWith("GET /.well-known/acme-challenge/token123 HTTP/1.1\n"), response.body());
        assertNull(response.header("Strict-Transport-Security"));
    }

    @Test
    void aVhostWithoutRedirectIsServedOverPlainHttp() throws Exception {
        assertEquals(200, RawHttp.exchange(plain(), "GET / HTTP/1.1\r\nHost: o.test\r\nConnection: close\r\n\r\n").status());
    }

    @Test
    void responsesOverTlsCarryTheVhostsHsts() throws Exception {
        RawHttp.Response response = overTlsWithHost("a.test", "a.test");
        assertEquals(200, response.status(), response.head());
        assertEquals(HSTS, response.header("Strict-Transport-Security"));
    }

    @Test
    void errorResponsesOverTlsCarryHstsToo() throws Exception {
        // z.test is the vhost's, but not the certificate's: 421, still with the header.
        RawHttp.Response misdirected = overTlsWithHost("a.test", "z.test");
        assertEquals(421, misdirected.status(), misdirected.head());
        assertEquals(HSTS, misdirected.header("Strict-Transport-Security"));
    }

    @Test
    void aVhostWithoutHstsSendsNone() throws Exception {
        RawHttp.Response response = overTlsWithHost("o.test", "o.test");
        assertEquals(200, response.status(), response.head());
        assertNull(response.header("Strict-Transport-Security"));
    }

    private RawHttp.Response overTlsWithHost(String sni, String host) throws IOException {
        try (SSLSocket socket = TlsClient.connect(ca.clientContext(), gateway.addresses().get(1), sni, "http/1.1")) {
            TlsClient.write(socket, "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            return RawHttp.read(socket);
        }
    }
}
