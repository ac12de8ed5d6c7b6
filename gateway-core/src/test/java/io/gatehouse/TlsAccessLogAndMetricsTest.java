package io.gatehouse;

import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.GatewayConfig;
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

import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log and the request metrics say which HTTP version and which TLS version a request came over. */
@Timeout(60)
class TlsAccessLogAndMetricsTest {

    @TempDir
    Path dir;

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TestCertificates ca;
    private int tlsPort;
    private Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        ca = TestCertificates.create(dir);
        TestCertificates.Issued certificate = ca.issue("a.test").write();
        tlsPort = UnusedPort.next();
        gateway = Gateway.start(GatewayConfig.builder()
                .listen("127.0.0.1:" + UnusedPort.next(), "127.0.0.1:" + tlsPort + " tls")
                .accessLog(a -> a.path(AccessLogConfig.OFF).format(AccessLogConfig.Format.JSON))
                .tls(t -> t.certificate(certificate.certificate().toString(), certificate.key().toString()))
                .vhost(v -> v.name("site").hosts("a.test").echo())
                .build(), GatewayOptions.builder().meterRegistry(registry).accessLogSink(lines::add).build());
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private String nextLine() throws InterruptedException {
        String line = lines.poll(10, TimeUnit.SECONDS);
        assertNotNull(line, "no access log line");
        return line;
    }

    private long requests(String protocol, String tls) {
        return registry.get(GatewayMeters.REQUESTS).tag("vhost", "site").tag("protocol", protocol).tag("tls", tls)
                .timer().count();
    }

    @Test
    void anHttp2RequestOverTls13IsLoggedAndCountedAsSuch() throws Exception {
        // Not --tlsv1.3: a client offering TLS 1.3 suites only gets HTTP/1.1 from Undertow (see src-docs).
        String output = TlsClient.curl(ca, "a.test", tlsPort, "/", "--http2");
        assertTrue(output.endsWith("\n2 200"), output);
        String line = nextLine();
        assertTrue(line.endsWith(",\"protocol\":\"HTTP/2.0\",\"tls_version\":\"TLSv1.3\"}"), line);
        assertEquals(1, requests("HTTP/2.0", "TLSv1.3"));
    }

    @Test
    void anHttp11RequestOverTls12IsLoggedAndCountedAsSuch() throws Exception {
        assertTrue(TlsClient.curl(ca, "a.test", tlsPort, "/", "--http1.1", "--tls-max", "1.2").endsWith("\n1.1 200"));
        String line = nextLine();
        assertTrue(line.endsWith(",\"protocol\":\"HTTP/1.1\",\"tls_version\":\"TLSv1.2\"}"), line);
        assertEquals(1, requests("HTTP/1.1", "TLSv1.2"));
    }

    @Test
    void aPlainRequestHasNoTlsVersion() throws Exception {
        RawHttp.exchange(gateway.addresses().get(0), "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        String line = nextLine();
        assertTrue(line.endsWith(",\"protocol\":\"HTTP/1.1\",\"tls_version\":null}"), line);
        assertEquals(1, requests("HTTP/1.1", "none"));
    }

    @Test
    void aRequestOnAKeptAliveTlsConnectionIsLoggedWithItsVersion() throws Exception {
        try (SSLSocket socket = TlsClient.connect(ca.clientContext(), gateway.addresses().get(1), "a.test", "http/1.1")) {
            for (int i = 0; i < 2; i++) {
                TlsClient.write(socket, "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");
                assertEquals(200, RawHttp.read(socket).status());
                assertTrue(nextLine().endsWith(",\"tls_version\":\"" + socket.getSession().getProtocol() + "\"}"));
            }
        }
    }
}
