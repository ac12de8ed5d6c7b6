package io.gatehouse.internal.proxy;

import io.gatehouse.config.GatewayConfigBuilder;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.testing.Configs;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TlsBackend;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code https://} backends: the proxy speaks HTTP/1.1 over TLS to them, verifies their certificate against the
 * {@code tls.ca} file (or the JVM's trust store) and their configured host name, sends that name as SNI, keeps the TLS
 * connections alive like plain ones, and answers 502 with one log line (no stack trace) when the handshake fails.
 */
@Timeout(60)
class HttpsBackendTest {

    private static final String GET = "GET /thing HTTP/1.1\r\nHost: client.example\r\nConnection: close\r\n\r\n";

    @TempDir
    Path dir;
    private TestCertificates ca;
    private LogCapture proxyLog;
    private LogCapture everything;

    @BeforeEach
    void certificatesAndLogs() {
        ca = TestCertificates.create(dir);
        proxyLog = LogCapture.on(ProxyLog.LOG.getName());
        everything = LogCapture.on("");
    }

    @AfterEach
    void releaseLogs() {
        proxyLog.close();
        everything.close();
    }

    private static InetSocketAddress address(ProxyServer proxy) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port());
    }

    private static RawHttp.Response get(ProxyServer proxy) throws java.io.IOException {
        return RawHttp.exchange(address(proxy), GET);
    }

    private static ProxyConfig https(int port, Consumer<GatewayConfigBuilder.BackendTlsBuilder> tls) {
        return Configs.proxy(p -> p.backend("https://localhost:" + port).connectTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(5)).connections(4).retries(0).tls(tls));
    }

    private ProxyConfig trustingTheTestCa(int port) {
        return https(port, t -> t.ca(ca.caFile().toString()));
    }

    private TlsBackend backendFor(String... names) {
        return TlsBackend.serving(ca.issue(names).write(), ca.ca());
    }

    @Test
    void answersThroughAVerifiedBackendWithTheCaFile() throws Exception {
        try (TlsBackend backend = backendFor("localhost");
             ProxyServer proxy = ProxyServer.start(trustingTheTestCa(backend.port()))) {
            RawHttp.Response answer = get(proxy);
            assertEquals(200, answer.status(), answer.head());
            assertEquals("ok", answer.body());
            String request = backend.nextRequest();
            assertTrue(request.startsWith("GET /thing HTTP/1.1\r\n"), request);
            // ProxyPreserveHost semantics: the Host is the client's; the TLS name is the backend's.
            assertTrue(request.contains("\r\nHost: client.example\r\n"), request);
        }
        assertNoStackTrace();
    }

    @Test
    void answersThroughATls12Backend() throws Exception {
        try (TlsBackend backend = TlsBackend.servingTls12(ca.issue("localhost").write(), ca.ca());
             ProxyServer proxy = ProxyServer.start(trustingTheTestCa(backend.port()))) {
            for (int i = 0; i < 2; i++) {
                RawHttp.Response answer = get(proxy);
                assertEquals(200, answer.status(), answer.head());
                assertEquals("ok", answer.body());
            }
            assertEquals(1, backend.handshakes());
        }
        assertNoStackTrace();
    }

    @Test
    void sendsTheBackendsHostNameAsSni() throws Exception {
        try (TlsBackend backend = backendFor("localhost");
             ProxyServer proxy = ProxyServer.start(trustingTheTestCa(backend.port()))) {
            assertEquals(200, get(proxy).status());
            assertEquals(List.of("localhost"), backend.serverNames());
        }
    }

    @Test
    void sendsNoSniToAnIpAddress() throws Exception {
        try (TlsBackend backend = backendFor("localhost");
             ProxyServer proxy = ProxyServer.start(Configs.proxy(p -> p.backend("https://127.0.0.1:" + backend.port())
                     .retries(0).tls(t -> t.insecureSkipVerify(true))))) {
            assertEquals(200, get(proxy).status());
            assertEquals(List.of(""), backend.serverNames());
        }
    }

    @Test
    void keepsTheTlsConnectionAliveForTheNextRequest() throws Exception {
        try (TlsBackend backend = backendFor("localhost");
             ProxyServer proxy = ProxyServer.start(trustingTheTestCa(backend.port()))) {
            assertEquals(200, get(proxy).status());
            assertEquals(200, get(proxy).status());
            assertEquals(1, backend.handshakes());
        }
    }

    @Test
    void aRequestBodyGoesOverTlsAndTheAnswerComesBack() throws Exception {
        String body = "x".repeat(100_000);
        try (TlsBackend backend = backendFor("localhost");
             ProxyServer proxy = ProxyServer.start(trustingTheTestCa(backend.port()))) {
            RawHttp.Response answer = RawHttp.exchange(address(proxy), "POST /form HTTP/1.1\r\nHost: client.example\r\n"
                    + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
            assertEquals(200, answer.status(), answer.head());
            assertEquals(body, answer.body());
        }
    }

    @Test
    void aLargeResponseSpanningManyTlsRecordsArrivesWhole() throws Exception {
        try (TlsBackend backend = backendFor("localhost");
             ProxyServer proxy = ProxyServer.start(trustingTheTestCa(backend.port()))) {
            RawHttp.Response answer = RawHttp.exchange(address(proxy), "GET /big HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertEquals(200, answer.status(), answer.head());
            assertEquals("x".repeat(TlsBackend.BIG_LENGTH), answer.body());
        }
    }

    @Test
    void aHandshakeThatNeverEndsIsCutAtTheConnectTimeout() throws Exception {
        try (RawBackend silent = RawBackend.neverAnswering();
             ProxyServer proxy = ProxyServer.start(Configs.proxy(p -> p.backend("https://127.0.0.1:" + silent.port())
                     .connectTimeout(Duration.ofMillis(300)).retries(0).tls(t -> t.ca(ca.caFile().toString()))))) {
            assertEquals(502, get(proxy).status());
            // The half-done TLS connection is closed, not left to the backend.
            silent.awaitEveryConnectionEnded();
        }
        assertOneFailure("no connection within 300ms");
    }

    @Test
    void aCertificateFromAnUnknownCaIsBadGatewayWithOneLogLine() throws Exception {
        TestCertificates stranger = TestCertificates.create(Files.createDirectory(dir.resolve("stranger")));
        try (TlsBackend backend = TlsBackend.serving(stranger.issue("localhost").write(), stranger.ca());
             ProxyServer proxy = ProxyServer.start(trustingTheTestCa(backend.port()))) {
            assertEquals(502, get(proxy).status());
        }
        assertOneFailure("certificate verify failed for localhost");
    }

    @Test
    void aCertificateForAnotherNameIsBadGateway() throws Exception {
        try (TlsBackend backend = backendFor("other.test");
             ProxyServer proxy = ProxyServer.start(trustingTheTestCa(backend.port()))) {
            assertEquals(502, get(proxy).status());
            assertEquals(0, backend.handshakes());
        }
        assertOneFailure("certificate verify failed for localhost");
    }

    @Test
    void theJvmTrustStoreIsTheDefaultAndDoesNotKnowTheTestCa() throws Exception {
        try (TlsBackend backend = backendFor("localhost");
             ProxyServer proxy = ProxyServer.start(https(backend.port(), t -> { }))) {
            assertEquals(502, get(proxy).status());
        }
        assertOneFailure("certificate verify failed for localhost");
    }

    @Test
    void insecureSkipVerifyAcceptsAnUnknownCaAndAnotherName() throws Exception {
        TestCertificates stranger = TestCertificates.create(Files.createDirectory(dir.resolve("stranger")));
        try (TlsBackend backend = TlsBackend.serving(stranger.issue("other.test").write(), stranger.ca());
             ProxyServer proxy = ProxyServer.start(https(backend.port(), t -> t.insecureSkipVerify(true)))) {
            RawHttp.Response answer = get(proxy);
            assertEquals(200, answer.status(), answer.head());
            assertEquals("ok", answer.body());
        }
    }

    @Test
    void aBackendClosingDuringTheHandshakeIsBadGatewayWithoutStackTrace() throws Exception {
        try (TlsBackend backend = TlsBackend.closingInHandshake();
             ProxyServer proxy = ProxyServer.start(trustingTheTestCa(backend.port()))) {
            assertEquals(502, get(proxy).status());
            assertTrue(backend.awaitClosedInHandshake());
        }
        assertOneFailure("TLS handshake with localhost failed");
    }

    @Test
    void theActiveHealthCheckGoesOverTlsToo() throws Exception {
        try (TlsBackend backend = backendFor("localhost");
             ProxyServer proxy = ProxyServer.start(Configs.proxy(p -> p.backend("https://localhost:" + backend.port())
                     .tls(t -> t.ca(ca.caFile().toString())).healthCheck(h -> h.path("/healthz"))))) {
            String probe = backend.nextRequest();
            assertTrue(probe.startsWith("GET /healthz HTTP/1.1\r\n"), probe);
            assertEquals(List.of("localhost"), backend.serverNames());
        }
    }

    @Test
    void aRefusedCertificateSendsTheRequestToTheNextBackendWhichMayBePlainHttp() throws Exception {
        int misnamedPort;
        try (TlsBackend misnamed = backendFor("other.test");
             RawBackend plain = RawBackend.answering(RawBackend.OK);
             ProxyServer proxy = ProxyServer.start(Configs.proxy(p -> p.backend("https://localhost:" + misnamed.port())
                     .backend("http://127.0.0.1:" + plain.port()).retries(1).tls(t -> t.ca(ca.caFile().toString()))))) {
            for (int i = 0; i < 4; i++) {
                assertEquals(200, get(proxy).status(), "request " + i);
            }
            assertEquals(0, misnamed.handshakes());
            misnamedPort = misnamed.port();
        }
        // Refused handshakes count as failed connections: the backend is marked out after health.failures of them.
        List<String> lines = proxyLog.messages();
        assertTrue(lines.get(0).contains("certificate verify failed for localhost") && lines.get(0).contains("trying http://127.0.0.1:"),
                lines.toString());
        assertTrue(lines.stream().anyMatch(line -> line.contains("https://localhost:" + misnamedPort + ": marked out")), lines.toString());
    }

    @Test
    void aCaFileGoneSinceTheConfigWasLoadedStopsTheProxyFromBeingBuilt() throws Exception {
        ProxyConfig config = trustingTheTestCa(UnusedPort.next());
        Files.delete(ca.caFile());

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ReverseProxy.create(config, ProxyServer.TRUST_NOBODY, Limits.DEFAULTS));

        assertEquals("proxy.tls.ca: no such file: " + ca.caFile(), refused.getMessage());
    }

    @Test
    void theActiveHealthCheckMarksOutABackendWhoseCertificateIsRefused() throws Exception {
        TestCertificates stranger = TestCertificates.create(Files.createDirectory(dir.resolve("stranger")));
        try (TlsBackend backend = TlsBackend.serving(stranger.issue("localhost").write(), stranger.ca());
             ProxyServer proxy = ProxyServer.start(Configs.proxy(p -> p.backend("https://localhost:" + backend.port())
                     .tls(t -> t.ca(ca.caFile().toString())).healthCheck(h -> h.path("/healthz"))))) {
            // Polls only to learn when the first check has run; the test's timeout bounds the wait.
            while (proxy.proxy().backendStates().get(0).status() != BackendState.Status.CHECK_FAILING) {
                Thread.sleep(20);
            }
            assertEquals(0, backend.handshakes());
        }
        assertTrue(proxyLog.messages().stream().anyMatch(line -> line.contains("health check failed (certificate verify "
                + "failed for localhost: unable to find valid certification path")), proxyLog.messages().toString());
        assertNoStackTrace();
    }

    private void assertOneFailure(String reason) {
        List<String> lines = proxyLog.messages();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("502") && lines.get(0).contains(reason), lines.get(0));
        assertTrue(!lines.get(0).contains("\n"), lines.get(0));
        assertNoStackTrace();
    }

    private void assertNoStackTrace() {
        for (LogRecord record : everything.records()) {
            assertNull(record.getThrown(), record.getLoggerName() + ": " + record.getMessage());
        }
    }
}
