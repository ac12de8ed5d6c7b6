package io.gatehouse;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.Timeouts;
import io.gatehouse.testing.Configs;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
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
    private TlsGateway gateway;

    @BeforeEach
    void start() throws IOException {
        ca = TestCertificates.create(dir);
        TestCertificates.Issued certificate = ca.issue("a.test", "*.b.test", "app.test").write();
        backend = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        backend.start();
        backend.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("from backend")));
        ForwardedConfig forwarded = new ForwardedConfig(List.of(), Set.of(ForwardedConfig.Emit.X_FORWARDED,
                ForwardedConfig.Emit.RFC7239), false, false, List.of(), ForwardedConfig.DEFAULT_UNDERSCORES);
        GatewayConfig config = Configs.gateway(List.of(new ListenAddress("127.0.0.1", UnusedPort.next()),
                        new ListenAddress("127.0.0.1", UnusedPort.next(), true, false)), forwarded, Timeouts.DEFAULTS,
                Limits.DEFAULTS, AccessLogConfig.OFF_CONFIG,
                Configs.echo("site", "a.test", "c.test", "*.b.test", "b.test"),
                Configs.vhost("app", List.of("app.test"), List.of(),
                        Configs.proxy(p -> p.backend("http://127.0.0.1:" + backend.port()))));
        gateway = TlsGateway.start(config, TlsGateway.presenting(ca, certificate));
    }

    @AfterEach
    void stop() {
        gateway.close();
        backend.stop();
    }

    private SSLSocket connect(String sni) throws IOException {
        SSLSocket socket = (SSLSocket) ca.clientContext().getSocketFactory().createSocket();
        socket.connect(gateway.address(true), 5_000);
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(sni)));
        parameters.setApplicationProtocols(new String[]{"http/1.1"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static RawHttp.Response get(SSLSocket socket, String host) throws IOException {
        socket.getOutputStream().write(("GET /x HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return RawHttp.read(socket);
    }

    /** curl over HTTP/2, connecting for {@code sni} and sending {@code host} as {@code :authority}: its output. */
    private String curlHttp2(String sni, String host) throws Exception {
        int port = gateway.address(true).getPort();
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--http2", "--cacert", ca.caFile().toString(),
                "--resolve", sni + ":" + port + ":127.0.0.1", "-w", "\n%{http_version} %{http_code}"));
        if (!host.equals(sni)) {
            command.addAll(List.of("-H", "Host: " + host));
        }
        command.add("https://" + sni + ":" + port + "/x");
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(curl.waitFor(30, TimeUnit.SECONDS), "curl did not finish");
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, curl.exitValue(), output);
        return output;
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
        InetSocketAddress plain = gateway.address(false);
        assertEquals(200, RawHttp.exchange(plain, "GET / HTTP/1.1\r\nHost: c.test\r\nConnection: close\r\n\r\n").status());
    }

    @Test
    void backendsAreToldTheSchemeIsHttpsOverHttp11() throws Exception {
        try (SSLSocket socket = connect("app.test")) {
            assertEquals(200, get(socket, "app.test").status());
        }
        LoggedRequest request = onlyRequest();
        assertEquals("https", request.getHeader("X-Forwarded-Proto"));
        assertTrue(request.getHeader("Forwarded").endsWith(";host=app.test;proto=https"), request.getHeader("Forwarded"));
        assertEquals(String.valueOf(gateway.address(true).getPort()), request.getHeader("X-Forwarded-Port"));
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
        assertEquals(200, RawHttp.exchange(gateway.address(false),
                "GET / HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n").status());
        assertEquals("http", onlyRequest().getHeader("X-Forwarded-Proto"));
    }

    private LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = backend.findAll(anyRequestedFor(anyUrl()));
        assertEquals(1, requests.size(), requests.toString());
        return requests.get(0);
    }
}
