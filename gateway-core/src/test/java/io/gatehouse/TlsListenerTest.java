package io.gatehouse;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.HandDrivenTlsClient;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TlsClient;
import io.gatehouse.testing.UnusedPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A TLS listener with real clients on real sockets: ALPN picks HTTP/2 or HTTP/1.1, HTTP/1.1 over TLS passes the
 * same framing checks as on a plain listener, a plain HTTP request gets nginx's 400, and a failed handshake is one
 * debug line.
 */
@Timeout(60)
class TlsListenerTest {

    @TempDir
    Path dir;

    private TestCertificates ca;
    private TestCertificates.Issued certificate;
    private int port;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        ca = TestCertificates.create(dir);
        certificate = ca.issue("a.test", "localhost").write();
        port = UnusedPort.next();
        gateway = Gateway.start(config(), registry);
    }

    private GatewayConfig config() throws ConfigException {
        return GatewayConfig.builder().listen("127.0.0.1:" + port + " tls")
                .tls(t -> t.certificate(certificate.certificate().toString(), certificate.key().toString()))
                .vhost(v -> v.hosts("a.test", "localhost").echo()).build();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private InetSocketAddress tls() {
        return gateway.addresses().get(0);
    }

    private SSLSocket connect(SSLContext context, String sni, String... alpn) throws IOException {
        return TlsClient.connect(context, tls(), sni, alpn);
    }

    private static void write(Socket socket, String bytes) throws IOException {
        TlsClient.write(socket, bytes);
    }

    @Test
    void http11IsChosenByAlpnAndServed() throws Exception {
        try (SSLSocket socket = connect(ca.clientContext(), "a.test", "http/1.1")) {
            assertEquals("http/1.1", socket.getApplicationProtocol());
            write(socket, "GET /x?y=1 HTTP/1.1\r\nHost: a.test\r\n\r\n");
            RawHttp.Response response = RawHttp.read(socket);
            assertEquals(200, response.status(), response.head());
            assertTrue(response.body().startsWith("GET /x?y=1 HTTP/1.1\n"), response.body());
            assertFalse(response.closed(), "keep-alive over TLS");
        }
    }

    @Test
    void aClientOfferingNoAlpnGetsHttp11() throws Exception {
        try (SSLSocket socket = connect(ca.clientContext(), "a.test")) {
            write(socket, "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
            RawHttp.Response response = RawHttp.read(socket);
            assertEquals(200, response.status(), response.head());
            assertTrue(response.body().startsWith("GET / HTTP/1.1\n"), response.body());
        }
    }

    /**
     * TE.TE shapes of {@code SmugglingTest}: refused by the framing guard (its answer, with a body; Undertow's own
     * parser would answer an empty 400), the connection closed before the hidden request.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n",
            "Transfer-Encoding : chunked\r\n",
            "X: y\nTransfer-Encoding: chunked\r\n",
            "Transfer-Encoding: chunked, identity\r\n",
            "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n",
    })
    void aSmugglingAttemptTheGuardRefusesOnPlainHttpIsRefusedOverTls(String headers) throws Exception {
        String hidden = "GET /smuggled HTTP/1.1\r\nHost: a.test\r\n\r\n";
        try (SSLSocket socket = connect(ca.clientContext(), "a.test", "http/1.1")) {
            write(socket, "POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 4\r\n" + headers + "\r\n0\r\n\r\n" + hidden);
            RawHttp.Response response = RawHttp.read(socket);
            assertEquals(400, response.status(), response.head());
            assertEquals("400 Bad Request\n", response.body());
            assertTrue(response.closed(), "the hidden request could follow");
        }
    }

    /**
     * The guard's limits hold over TLS: a head over {@code limits.maxHeaderBytes}, which only the guard refuses
     * (Undertow's own limit is higher), gets 431, on every new connection.
     */
    @Test
    void aHeadOverTheHeaderLimitIsRefusedByTheGuardOverTls() throws Exception {
        gateway.reload(GatewayConfig.builder().listen("127.0.0.1:" + port + " tls").maxHeaderBytes(1024)
                .tls(t -> t.certificate(certificate.certificate().toString(), certificate.key().toString()))
                .vhost(v -> v.hosts("a.test", "localhost").echo()).build());
        for (int i = 0; i < 5; i++) {
            String output = TlsClient.curl(ca, "a.test", tls().getPort(), "/", "--http1.1", "--tlsv1.3",
                    "-H", "X-Big: " + "x".repeat(2000));
            assertTrue(output.endsWith("\n1.1 431"), output);
        }
    }

    /**
     * TLS 1.3 lets a client send its request in the same packet as its Finished, so the request head arrives with the
     * end of the handshake, before ALPN has handed the connection on: it must pass the framing checks all the same.
     * A client written on the JDK's engine sends exactly that.
     */
    @Test
    void aRequestSentWithTheClientsFinishedPassesTheFramingChecks() throws Exception {
        String answer = sendWithFinished("POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a.test\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.endsWith("\r\n\r\n400 Bad Request\n"), "the guard's answer, alone: " + answer);
    }

    /** Handshakes (TLS 1.3, ALPN http/1.1) and sends {@code request} in the write that carries the client's Finished. */
    private String sendWithFinished(String request) throws Exception {
        try (HandDrivenTlsClient client = HandDrivenTlsClient.upToFinished(ca.clientContext(), tls(), "a.test",
                "http/1.1")) {
            client.sendFinishedWith(request);
            return client.readToEnd();
        }
    }

    @Test
    void theJdkHttpClientGetsHttp2() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext()).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + tls().getPort() + "/h2?q=1")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, response.version());
        assertTrue(response.body().startsWith("GET /h2?q=1 HTTP/2.0\n"), response.body());
    }

    @Test
    void curlGetsHttp2WithTheCertificateVerified() throws Exception {
        String output = TlsClient.curl(ca, "a.test", tls().getPort(), "/curl", "--http2");
        assertTrue(output.startsWith("GET /curl HTTP/2.0\n"), output);
        assertTrue(output.endsWith("\n2 200"), output);
    }

    /** Undertow's own ALPN gave h2 only to clients that also offer a TLS 1.2 suite; Gatehouse chooses itself. */
    @Test
    void aClientOfferingOnlyTls13GetsHttp2() throws Exception {
        String output = TlsClient.curl(ca, "a.test", tls().getPort(), "/", "--http2", "--tlsv1.3");
        assertTrue(output.endsWith("\n2 200"), output);
    }

    @Test
    void opensslSeesTheCertificateForItsServerNameAndH2() throws Exception {
        Process openssl = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + tls().getPort(),
                "-servername", "a.test", "-alpn", "h2,http/1.1", "-CAfile", ca.caFile().toString(),
                "-verify_return_error").redirectErrorStream(true).start();
        openssl.getOutputStream().close();
        assertTrue(openssl.waitFor(30, TimeUnit.SECONDS), "openssl did not finish");
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(output.contains("Verify return code: 0 (ok)"), output);
        assertTrue(output.contains("ALPN protocol: h2"), output);
        assertTrue(output.contains("subject=CN = a.test") || output.contains("subject=CN=a.test"), output);
    }

    @Test
    void aPlainHttpRequestToTheTlsPortGetsNginxs400AndAClose() throws Exception {
        RawHttp.Response response = RawHttp.exchange(tls(), "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
        assertEquals(400, response.status(), response.head());
        assertEquals("400 The plain HTTP request was sent to HTTPS port\n", response.body());
        assertTrue(response.closed(), "the connection stays open");
    }

    @Test
    void bytesThatAreNeitherTlsNorHttpAreClosed() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(tls(), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(new byte[]{0x00, 0x01, 0x02, 0x03});
            socket.getOutputStream().flush();
            assertEquals(-1, socket.getInputStream().read());
        }
    }

    @Test
    void aFailedHandshakeIsOneDebugLineWithTheReasonAndNoStackTrace() throws Exception {
        Logger tlsLogger = Logger.getLogger("io.gatehouse.internal.tls");
        Level before = tlsLogger.getLevel();
        tlsLogger.setLevel(Level.ALL);
        try (LogCapture tlsLog = LogCapture.on(tlsLogger);
             LogCapture undertow = LogCapture.on("io.undertow");
             LogCapture xnio = LogCapture.on("org.xnio")) {
            // The JDK's default trust store does not know the test CA: the client rejects the certificate.
            assertThrows(SSLHandshakeException.class, () -> connect(SSLContext.getDefault(), "a.test", "h2").close());
            // The server closing the connection comes after anything it logs about the failure.
            awaitNoConnectionOpen();
            assertEquals(1, tlsLog.records().size(), tlsLog.messages().toString());
            LogRecord line = tlsLog.records().get(0);
            assertTrue(line.getMessage().contains("TLS handshake failed: "), line.getMessage());
            assertTrue(line.getMessage().startsWith("127.0.0.1:"), line.getMessage());
            assertEquals(null, line.getThrown());
            assertTrue(line.getLevel().intValue() < Level.INFO.intValue(), line.getLevel().toString());
            assertEquals(List.of(), warnings(undertow));
            assertEquals(List.of(), warnings(xnio));
        } finally {
            tlsLogger.setLevel(before);
        }
    }

    @Test
    void aReloadGivesNewConnectionsTheRenewedCertificateAndOpenOnesKeepTheirs() throws Exception {
        try (SSLSocket before = connect(ca.clientContext(), "a.test", "http/1.1")) {
            // Renewed in place, as certbot renews: the same files, a new certificate.
            TestCertificates.Issued renewed = ca.issue("a.test", "localhost").write();
            gateway.reload(config());
            try (SSLSocket after = connect(ca.clientContext(), "a.test", "http/1.1")) {
                assertEquals(renewed.leaf(), leafOf(after));
            }
            write(before, "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
            assertEquals(200, RawHttp.read(before).status());
            assertEquals(certificate.leaf(), leafOf(before));
        }
    }

    private static X509Certificate leafOf(SSLSocket socket) throws IOException {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    /**
     * Waits until the listener counts no open connection. The connection was counted at accept, before the server's
     * first handshake bytes, so a client that saw those has been counted and this waits for its close.
     */
    private void awaitNoConnectionOpen() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        double open;
        while ((open = registry.get(GatewayMeters.CONNECTIONS_ACTIVE).gauge().value()) != 0) {
            assertTrue(System.nanoTime() < deadline, "connections still open: " + open);
            Thread.sleep(10);
        }
    }

    private static List<String> warnings(LogCapture capture) {
        return capture.records().stream().filter(record -> record.getLevel().intValue() >= Level.WARNING.intValue())
                .map(record -> record.getLoggerName() + ": " + record.getMessage()).toList();
    }
}
