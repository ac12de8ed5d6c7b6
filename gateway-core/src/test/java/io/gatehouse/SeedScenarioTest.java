package io.gatehouse;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RawHttp.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's setup from one YAML file: heavy vhosts proxied to a backend with the Host preserved and the client
 * IP in X-Forwarded-For, every other host served from {@code /home/%0/public_html}-style roots. The backend is
 * WireMock, so each test asserts exactly what it received.
 */
class SeedScenarioTest {

    @TempDir
    Path dir;

    private WireMockServer backend;
    private Gateway gateway;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        backend = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        backend.start();
        backend.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("from backend")));

        Path home = Files.createDirectories(dir.resolve("home/example.org/public_html"));
        Files.writeString(home.resolve("index.html"), "example.org home");
        Files.writeString(home.resolve("config.inc"), "secret");
        Path fallback = Files.createDirectories(dir.resolve("www"));
        Files.writeString(fallback.resolve("index.html"), "default site");

        Path yaml = dir.resolve("gatehouse.yaml");
        Files.writeString(yaml, """
                listen: ["127.0.0.1:0"]
                forwarded:
                  trusted: ["10.0.0.0/8"]
                accessLog: { path: "off" }
                vhosts:
                  - hosts: [www.heavy.test, heavy.test]
                    proxy:
                      backends: ["http://127.0.0.1:%d"]
                      preserveHost: true
                  - hosts: ["*"]
                    files:
                      root: "home/%%0/public_html"
                      fallbackRoot: www
                      index: [index.html, default.htm]
                      deny: ["~", ".inc"]
                """.formatted(backend.port()));
        gateway = Gateway.start(GatewayConfig.load(yaml));
        address = gateway.addresses().get(0);
    }

    @AfterEach
    void stop() {
        gateway.stop(Duration.ofSeconds(5));
        backend.stop();
    }

    private Response get(String host, String target, String... extraHeaders) throws IOException {
        StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        return RawHttp.exchange(address, request.append("Connection: close\r\n\r\n").toString());
    }

    private LoggedRequest onlyRequestTheBackendReceived() {
        List<LoggedRequest> requests = backend.findAll(anyRequestedFor(anyUrl()));
        assertEquals(1, requests.size(), "requests at the backend");
        return requests.get(0);
    }

    @Test
    void proxiedVhostReachesTheBackendWithTheClientsHostAndAddress() throws IOException {
        Response response = get("www.heavy.test", "/app/page?x=1&y=%20");

        assertEquals(200, response.status());
        assertEquals("from backend", response.body());
        LoggedRequest received = onlyRequestTheBackendReceived();
        assertEquals("/app/page?x=1&y=%20", received.getUrl());
        assertEquals("www.heavy.test", received.getHeader("Host"));
        assertEquals("127.0.0.1", received.getHeader("X-Forwarded-For"));
        assertEquals("http", received.getHeader("X-Forwarded-Proto"));
        assertEquals("www.heavy.test", received.getHeader("X-Forwarded-Host"));
        assertTrue(received.getHeader("Via").endsWith("1.1 gatehouse"), received.getHeader("Via"));
    }

    @Test
    void clientOutsideTheTrustedNetworksCannotPlantAnAddress() throws IOException {
        get("heavy.test", "/", "X-Forwarded-For: 6.6.6.6", "X-Forwarded-Host: evil.test", "Forwarded: for=6.6.6.6");

        LoggedRequest received = onlyRequestTheBackendReceived();
        assertEquals("127.0.0.1", received.getHeader("X-Forwarded-For"));
        assertEquals("heavy.test", received.getHeader("X-Forwarded-Host"));
        assertFalse(received.containsHeader("Forwarded"));
    }

    @Test
    void otherHostsAreServedFromTheirEvhostRoot() throws IOException {
        Response response = get("www.example.org", "/");

        assertEquals(200, response.status());
        assertEquals("example.org home", response.body());
        assertTrue(backend.findAll(anyRequestedFor(anyUrl())).isEmpty(), "local files never reach the backend");
    }

    @Test
    void hostWithoutItsOwnDirectoryIsServedFromTheFallbackRoot() throws IOException {
        Response response = get("nobody.test", "/");

        assertEquals(200, response.status());
        assertEquals("default site", response.body());
    }

    @Test
    void deniedSuffixIsForbiddenOnALocalVhost() throws IOException {
        Response response = get("example.org", "/config.inc");

        assertEquals(403, response.status());
        assertFalse(response.body().contains("secret"));
    }

    @Test
    void absoluteFormRequestForAProxiedHostIsSentInOriginForm() throws IOException {
        Response response = get("heavy.test", "http://heavy.test/abs?q=1");

        assertEquals(200, response.status());
        LoggedRequest received = onlyRequestTheBackendReceived();
        assertEquals("/abs?q=1", received.getUrl());
        assertEquals("heavy.test", received.getHeader("Host"));
    }

    @Test
    void connectToAProxiedHostIsRefusedAndNeverForwarded() throws IOException {
        Response response = RawHttp.exchange(address, "CONNECT heavy.test:443 HTTP/1.1\r\nHost: heavy.test:443\r\n\r\n");

        assertEquals(405, response.status());
        assertTrue(backend.findAll(anyRequestedFor(anyUrl())).isEmpty());
    }
}
