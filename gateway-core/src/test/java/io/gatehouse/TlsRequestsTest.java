package io.gatehouse;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.GatewayConfig;
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
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

import javax.net.ssl.SSLSocket;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests on a TLS listener: 421 for a host the connection's certificate does not cover (over HTTP/1.1 and
 * HTTP/2), and the scheme backends are told, https.
 */
@Timeout(60)
class TlsRequestsTest {

    @TempDir
    Path dir;

    private TestCertificates ca;
    private WireMockServer backend;
    private int tlsPort;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        ca = TestCertificates.create(dir);
        TestCertificates.Issued certificate = ca.issue("a.test", "*.b.test", "app.test").write();
        backend = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        backend.start();
        backend.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("from backend")));
        tlsPort = UnusedPort.next();
        gateway = Gateway.start(GatewayConfig.builder()
                .listen("127.0.0.1:" + UnusedPort.next(), "127.0.0.1:" + tlsPort + " tls")
                .emit(ForwardedConfig.Emit.X_FORWARDED, ForwardedConfig.Emit.RFC7239)
                .tls(t -> t.certificate(certificate.certificate().toString(), certificate.key().toString()))
                .vhost(v -> v.hosts("a.test", "c.test", "*.b.test", "b.test").echo())
                .vhost(v -> v.hosts("app.test").proxy(p -> p.backend("http://127.0.0.1:" + backend.port())))
                .build());
    }

    @AfterEach
    void stop() {
        gateway.close();
        backend.stop();
    }

    private InetSocketAddress plain() {
        return gateway.addresses().get(0);
    }

    private SSLSocket connect(String sni) throws IOException {
        return TlsClient.connect(ca.clientContext(), gateway.addresses().get(1), sni, "http/1.1");
    }

    private static RawHttp.Response get(SSLSocket socket, String host) throws IOException {
        TlsClient.write(socket, "GET /x HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        return RawHttp.read(socket);
    }

    /** curl over HTTP/2, connecting for {@code sni} and sending {@code host} as {@code :authority}: its output. */
    private String curlHttp2(String sni, String host) throws Exception {
        return host.equals(sni) ? TlsClient.curl(ca, sni, tlsPort, "/x", "--http2")
                : TlsClient.curl(ca, sni, tlsPort, "/x", "--http2", "-H", "Host: " + host);
    }

    @Test
    void aHostTheCertificateDoesNotCoverGets421OnTheSameConnectionAsOnesItCovers() throws Exception {
        try (SSLSocket socket = connect("a.test")) {
            assertEquals(200, get(socket, "a.test").status());
            RawHttp.Response misdirected = get(socket, "c.test");
            assertEquals(421, misdirected.status(), misdirected.head());
            assertEquals("421 Misdirected Request\n", misdirected.body());
            assertEquals(200, get(socket, "x.b.test").status());
            assertEquals(421, get(socket, "b.test").status(), "a wildcard does not cover its own parent");
            assertEquals(200, get(socket, "A.TEST.").status(), "names compare without case or a final dot");
        }
    }

    @Test
    void aHostTheCertificateDoesNotCoverGets421OverHttp2() throws Exception {
        assertTrue(curlHttp2("a.test", "c.test").endsWith("\n2 421"));
        assertTrue(curlHttp2("a.test", "x.b.test").endsWith("\n2 200"));
    }

    @Test
    void aPlainListenerServesEveryHostOfItsVhosts() throws Exception {
        assertEquals(200, RawHttp.exchange(plain(), "GET / HTTP/1.1\r\nHost: c.test\r\nConnection: close\r\n\r\n").status());
    }

    @Test
    void backendsAreToldTheSchemeIsHttpsOverHttp11() throws Exception {
        try (SSLSocket socket = connect("app.test")) {
            assertEquals(200, get(socket, "app.test").status());
        }
        LoggedRequest request = onlyRequest();
        assertEquals("https", request.getHeader("X-Forwarded-Proto"));
        assertTrue(request.getHeader("Forwarded").endsWith(";host=app.test;proto=https"), request.getHeader("Forwarded"));
        assertEquals(String.valueOf(tlsPort), request.getHeader("X-Forwarded-Port"));
    }

    @Test
    void backendsAreToldTheSchemeIsHttpsOverHttp2() throws Exception {
        assertTrue(curlHttp2("app.test", "app.test").endsWith("\n2 200"));
        LoggedRequest request = onlyRequest();
        assertEquals("https", request.getHeader("X-Forwarded-Proto"));
        assertTrue(request.getHeader("Forwarded").endsWith(";proto=https"), request.getHeader("Forwarded"));
    }

    @Test
    void backendsAreToldTheSchemeIsHttpOnThePlainListener() throws Exception {
        assertEquals(200, RawHttp.exchange(plain(),
                "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n").status());
        assertEquals("http", onlyRequest().getHeader("X-Forwarded-Proto"));
    }

    @Test
    void aClientClaimingSchemeHttpOverHttp2IsStillHttpsToBackends() throws Exception {
        try (SSLSocket socket = TlsClient.connect(ca.clientContext(), gateway.addresses().get(1), "app.test", "h2");
             RawHttp2 h2 = RawHttp2.start(socket)) {
            assertEquals("h2", socket.getApplicationProtocol());
            assertEquals(200, h2.headersAndAwait(1, RawHttp2.get("app.test", "/x")).status());
        }
        LoggedRequest request = onlyRequest();
        assertEquals("https", request.getHeader("X-Forwarded-Proto"));
        assertTrue(request.getHeader("Forwarded").endsWith(";proto=https"), request.getHeader("Forwarded"));
    }

    private LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = backend.findAll(anyRequestedFor(anyUrl()));
        assertEquals(1, requests.size(), requests.toString());
        return requests.get(0);
    }
}
