package io.gatehouse.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TestCertificates.Issued;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse check} shows what a TLS listener presents: each certificate file with the names and expiry of its
 * leaf and the path of its key, a vhost's own certificate, redirect and HSTS under its hosts, then the protocols and
 * ciphers; never anything of a private key.
 */
class TlsRouteReportTest {

    @TempDir
    Path dir;

    private TestCertificates ca;
    private Instant notAfter;

    @BeforeEach
    void createCa() {
        ca = TestCertificates.create(dir);
        notAfter = Instant.now().plus(Duration.ofDays(400)).truncatedTo(ChronoUnit.SECONDS);
    }

    private String report(String yaml) throws IOException, ConfigException {
        return RouteReport.of(GatewayConfig.load(Files.writeString(dir.resolve("gatehouse.yaml"), yaml)));
    }

    private String expires() {
        return "expires " + notAfter.atZone(ZoneOffset.UTC).toLocalDate() + " (UTC)";
    }

    @Test
    void eachListedCertificateShowsItsFileNamesExpiryAndKeyPath() throws Exception {
        Issued a = ca.issue("a.test", "www.a.test").validity(Instant.now().minus(Duration.ofDays(1)), notAfter).write();
        Issued b = ca.issue("b.test").validity(Instant.now().minus(Duration.ofDays(1)), notAfter).write();

        String report = report("""
                listen: ['127.0.0.1:8443 tls']
                tls: { certificates: [{ cert: a.test.pem, key: a.test.key }, { cert: b.test.pem, key: b.test.key }] }
                vhosts:
                  - hosts: [a.test, www.a.test, b.test]
                    echo: {}
                """);

        assertTrue(report.startsWith("listen 127.0.0.1:8443 tls (1 vhost)\n"), report);
        assertTrue(report.contains("\ntls.certificates:\n"
                + "  certificate " + a.certificate() + ": a.test, www.a.test; " + expires() + ", key " + a.key() + "\n"
                + "  certificate " + b.certificate() + ": b.test; " + expires() + ", key " + b.key() + "\n"), report);
    }

    @Test
    void theProtocolsAndCiphersFollowTheCertificates() throws Exception {
        ca.issue("a.test").write();

        String report = report("""
                listen: ['127.0.0.1:8443 tls']
                tls:
                  certificates: [{ cert: a.test.pem, key: a.test.key }]
                  protocols: [TLSv1.2]
                  ciphers: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]
                vhosts:
                  - hosts: [a.test]
                    echo: {}
                """);

        assertTrue(report.contains("\ntls.protocols: TLSv1.2\ntls.ciphers: TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (TLS 1.2;"
                + " TLS 1.3 uses the JDK's suites)\n"), report);
    }

    @Test
    void aVhostsOwnCertificateRedirectAndHstsAreALineUnderItsHosts() throws Exception {
        Issued c = ca.issue("c.test").validity(Instant.now().minus(Duration.ofDays(1)), notAfter).write();

        String report = report("""
                listen: ['127.0.0.1:8080', '127.0.0.1:8443 tls']
                vhosts:
                  - hosts: [c.test]
                    tls: { certificate: { cert: c.test.pem, key: c.test.key }, redirect: true, hsts: max-age=63072000; includeSubDomains }
                    echo: {}
                """);

        assertTrue(report.contains("  c.test  hosts c.test\n          tls certificate " + c.certificate() + ": c.test; "
                + expires() + ", key " + c.key() + ", redirect on, hsts max-age=63072000; includeSubDomains\n"
                + "          echo"), report);
        assertTrue(report.contains("\ntls.certificates: none (each tls listener presents the own certificates of its"
                + " vhosts)\n"), report);
    }

    @Test
    void noPartOfAPrivateKeyIsShown() throws Exception {
        Issued a = ca.issue("a.test").write();
        ca.issue("b.test").rsa().write();

        String report = report("""
                listen: ['127.0.0.1:8443 tls']
                tls: { certificates: [{ cert: a.test.pem, key: a.test.key }] }
                vhosts:
                  - hosts: [a.test]
                    echo: {}
                  - hosts: [b.test]
                    tls: { certificate: { cert: b.test.pem, key: b.test.key } }
                    echo: {}
                """);

        assertTrue(report.contains(a.key().toString()), report);
        assertFalse(report.contains("PRIVATE KEY"), report);
        for (Path key : new Path[] {a.key(), dir.resolve("b.test.key")}) {
            for (String line : Files.readAllLines(key)) {
                assertTrue(line.startsWith("-----") || !report.contains(line), "a line of " + key + " is shown: " + report);
            }
        }
    }

    @Test
    void aConfigurationWithoutTlsShowsNoTlsSection() throws Exception {
        String report = report("""
                listen: ['127.0.0.1:8080']
                vhosts:
                  - hosts: [a.test]
                    echo: {}
                """);

        assertFalse(report.contains("tls"), report);
    }
}
