package io.gatehouse;

import io.gatehouse.config.ConfigException;
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

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which protocol ALPN gives a TLS connection, by what the client offers and what the handshake settled on: h2 over
 * TLS 1.3 and over TLS 1.2 with an ephemeral AEAD suite, whatever other suites the client offers; HTTP/1.1 over a
 * TLS 1.2 suite HTTP/2 forbids, and for a client offering no protocol spoken here.
 */
@Timeout(60)
class TlsProtocolChoiceTest {

    /** Allowed by tls.ciphers here, but forbidden for HTTP/2 (a CBC cipher: RFC 7540 Appendix A). */
    private static final String CBC_SUITE = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256";

    @TempDir
    Path dir;

    private TestCertificates ca;
    private Gateway gateway;

    @BeforeEach
    void start() throws ConfigException {
        ca = TestCertificates.create(dir);
        TestCertificates.Issued certificate = ca.issue("a.test").write();
        gateway = Gateway.start(GatewayConfig.builder().listen("127.0.0.1:" + UnusedPort.next() + " tls")
                .tls(t -> t.certificate(certificate.certificate().toString(), certificate.key().toString())
                        .ciphers("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", CBC_SUITE))
                .vhost(v -> v.hosts("a.test").echo()).build());
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void tls13OnlyClientGetsH2() throws IOException {
        try (SSLSocket socket = connect(List.of("TLSv1.3"), List.of("TLS_AES_128_GCM_SHA256"), "h2", "http/1.1")) {
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
            assertEquals("h2", socket.getApplicationProtocol());
        }
    }

    @Test
    void tls12ClientWithOnlyAnEcdsaAeadSuiteGetsH2() throws IOException {
        // Undertow's ALPN wanted TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 among the client's suites even for an EC key.
        try (SSLSocket socket = connect(List.of("TLSv1.2"), List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
                "h2", "http/1.1")) {
            assertEquals("h2", socket.getApplicationProtocol());
        }
    }

    @Test
    void tls12SuiteHttp2ForbidsGetsHttp11AndIsServed() throws IOException {
        try (SSLSocket socket = connect(List.of("TLSv1.2"), List.of(CBC_SUITE), "h2", "http/1.1")) {
            assertEquals(CBC_SUITE, socket.getSession().getCipherSuite());
            assertEquals("http/1.1", socket.getApplicationProtocol());
            TlsClient.write(socket, "GET /cbc HTTP/1.1\r\nHost: a.test\r\n\r\n");
            RawHttp.Response response = RawHttp.read(socket);
            assertEquals(200, response.status(), response.head());
            assertTrue(response.body().startsWith("GET /cbc HTTP/1.1\n"), response.body());
        }
    }

    @Test
    void clientOfferingOnlyUnspokenProtocolsGetsNoAlpnAndHttp11() throws IOException {
        try (SSLSocket socket = connect(List.of("TLSv1.3"), List.of("TLS_AES_128_GCM_SHA256"), "spdy/3.1")) {
            assertEquals("", socket.getApplicationProtocol());
            TlsClient.write(socket, "GET /spdy HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertEquals(200, RawHttp.read(socket).status());
        }
    }

    private SSLSocket connect(List<String> protocols, List<String> suites, String... alpn) throws IOException {
        return TlsClient.connect(ca.clientContext(), gateway.addresses().get(0), "a.test", parameters -> {
            parameters.setProtocols(protocols.toArray(String[]::new));
            parameters.setCipherSuites(suites.toArray(String[]::new));
        }, alpn);
    }
}
