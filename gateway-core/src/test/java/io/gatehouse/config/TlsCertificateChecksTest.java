package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.assertOnlyProblem;
import static io.gatehouse.config.YamlFiles.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TestCertificates.Issued;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a configuration reads every certificate and key it names: what a client would refuse is a problem at the
 * line of the {@code cert} or {@code key} at fault; what will soon go wrong is a warning of {@code gatehouse check}
 * and the daemon's log, at the line of the {@code cert} or host it is about. A vhost with a certificate of its own is
 * judged by that certificate alone, since the handshake presents it to the vhost's hosts whatever the list holds.
 */
class TlsCertificateChecksTest {

    private static final String UNCOVERED = " is served on a tls listener, but its own certificate (tls.certificate) does"
            + " not cover it: its clients will get a certificate for other names and refuse it";

    @TempDir
    Path dir;

    private TestCertificates ca;
    private Path yaml;

    @BeforeEach
    void createCa() {
        ca = TestCertificates.create(dir);
        yaml = dir.resolve("gatehouse.yaml");
    }

    @Test
    void aKeyOfAnotherCertificateIsReportedAtItsKey() {
        Issued a = ca.issue("a.test").write();
        Issued b = ca.issue("b.test").write();
        assertOnlyProblem(dir, """
                listen: [':443 tls']
                tls:
                  certificates:
                    - cert: a.test.pem
                      key: b.test.key
                """ + YamlFiles.ANY_VHOST, 5, 7, "tls.certificates[0].key",
                "the private key in " + b.key() + " does not belong to the certificate in " + a.certificate() + " (CN=a.test)");
    }

    @Test
    void aMissingCertificateFileIsReportedAtItsCert() {
        ca.issue("a.test").write();
        assertOnlyProblem(dir, """
                listen: [':443 tls']
                tls:
                  certificates:
                    - { key: a.test.key, cert: missing.pem }
                """ + YamlFiles.ANY_VHOST, 4, 26, "tls.certificates[0].cert", "no such file: " + dir.resolve("missing.pem"));
    }

    @Test
    void anExpiredCertificateOfAVhostIsReportedAtItsCert() {
        Instant expired = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
        Issued a = ca.issue("a.test").validity(expired.minus(Duration.ofDays(90)), expired).write();
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [a.test]
                    listen: [':443 tls']
                    tls:
                      certificate: { cert: a.test.pem, key: a.test.key }
                    echo: {}
                """, 5, 22, "vhosts[0].tls.certificate.cert",
                "the certificate in " + a.certificate() + " (CN=a.test) expired on " + expired + "; renew it");
    }

    @Test
    void theBuilderChecksTheFilesToo() {
        Issued a = ca.issue("a.test").write();
        ConfigException refused = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> GatewayConfig.builder().listen(":443 tls").tls(t -> t.certificate(a.certificate().toString(),
                        dir.resolve("nothing.key").toString())).vhost(v -> v.hosts("a.test").echo()).build());
        assertEquals(List.of(new ConfigProblem(Optional.empty(), 0, 0, "tls.certificates[0].key",
                "no such file: " + dir.resolve("nothing.key"))), refused.problems());
    }

    @Test
    void aCertificateExpiringWithinTwoWeeksIsAWarning() throws ConfigException {
        Instant soon = Instant.now().plus(Duration.ofDays(5)).plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        Issued a = ca.issue("a.test", "www.a.test").validity(Instant.now().minus(Duration.ofDays(80)), soon).write();
        ca.issue("b.test").write();
        GatewayConfig config = load(dir, """
                listen: [':443 tls']
                tls:
                  certificates:
                    - { cert: a.test.pem, key: a.test.key }
                    - { cert: b.test.pem, key: b.test.key }
                vhosts:
                  - hosts: [a.test, b.test]
                    echo: {}
                """);
        assertEquals(List.of(new ConfigProblem(Optional.of(yaml.toString()), 4, 9, "tls.certificates[0].cert",
                "the certificate in " + a.certificate() + " (a.test, www.a.test) expires in 5 days, on " + soon
                        + "; renew it (certbot renew), then reload")), config.warnings());
    }

    @Test
    void aHostOnATlsListenerThatNoCertificateCoversIsAWarning() throws ConfigException {
        ca.issue("a.test", "*.b.test").write();
        GatewayConfig config = load(dir, """
                listen: [':80', ':443 tls']
                tls: { certificates: [{ cert: a.test.pem, key: a.test.key }] }
                vhosts:
                  - hosts: [a.test, x.b.test, '*.b.test', c.test, '*']
                    echo: {}
                  - hosts: [plain.test]
                    listen: [':80']
                    echo: {}
                """);
        assertEquals(List.of(new ConfigProblem(Optional.of(yaml.toString()), 4, 43, "vhosts[0].hosts[3]",
                "'c.test' of vhost 'a.test' is served on a tls listener, but no certificate covers it: its clients will get"
                        + " a certificate for other names and refuse it")), config.warnings());
    }

    @Test
    void aVhostsOwnCertificateCoversItsHosts() throws ConfigException {
        ca.issue("a.test").write();
        ca.issue("c.test").write();
        GatewayConfig config = load(dir, """
                listen: [':443 tls']
                tls: { certificates: [{ cert: a.test.pem, key: a.test.key }] }
                vhosts:
                  - hosts: [c.test]
                    tls: { certificate: { cert: c.test.pem, key: c.test.key } }
                    echo: {}
                """);
        assertTrue(config.warnings().isEmpty(), config.warnings().toString());
    }

    @Test
    void anExpiringOwnCertificateIsWarnedAtItsCert() throws ConfigException {
        Instant soon = Instant.now().plus(Duration.ofDays(3)).plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        Issued a = ca.issue("a.test").validity(Instant.now().minus(Duration.ofDays(80)), soon).write();
        GatewayConfig config = load(dir, """
                vhosts:
                  - hosts: [a.test]
                    listen: [':443 tls']
                    tls:
                      certificate:
                        key: a.test.key
                        cert: a.test.pem
                    echo: {}
                """);
        assertEquals(List.of(new ConfigProblem(Optional.of(yaml.toString()), 7, 9, "vhosts[0].tls.certificate.cert",
                "the certificate in " + a.certificate() + " (a.test) expires in 3 days, on " + soon
                        + "; renew it (certbot renew), then reload")), config.warnings());
    }

    @Test
    void anUncoveredHostWrittenOnItsOwnLineIsWarnedAtThatLine() throws ConfigException {
        ca.issue("a.test").write();
        GatewayConfig config = load(dir, """
                listen: [':443 tls']
                tls: { certificates: [{ cert: a.test.pem, key: a.test.key }] }
                vhosts:
                  - hosts:
                      - a.test
                      - other.test
                    echo: {}
                """);
        assertEquals(List.of(new ConfigProblem(Optional.of(yaml.toString()), 6, 9, "vhosts[0].hosts[1]",
                "'other.test' of vhost 'a.test' is served on a tls listener, but no certificate covers it: its clients will"
                        + " get a certificate for other names and refuse it")), config.warnings());
    }

    @Test
    void warningsOfRecordsBuiltInCodeHaveLineZero() {
        Issued a = ca.issue("a.test").write();
        GatewayConfig config = new GatewayConfig(List.of(new ListenAddress("127.0.0.1", 443, true, false)),
                ForwardedConfig.DEFAULTS, Timeouts.DEFAULTS, Limits.DEFAULTS, AccessLogConfig.OFF_CONFIG, ShutdownConfig.DEFAULTS,
                List.of(new VirtualHost("a.test", List.of("a.test", "b.test"), List.of(), new EchoConfig())),
                Optional.empty(), AdminConfig.OFF, Optional.empty(), false, LogConfig.DEFAULTS,
                new TlsConfig(List.of(new CertificateFiles(a.certificate(), a.key())), TlsConfig.DEFAULT_PROTOCOLS,
                        TlsConfig.DEFAULT_CIPHERS));
        assertEquals(List.of(new ConfigProblem(Optional.empty(), 0, 0, "vhosts[0].hosts[1]",
                "'b.test' of vhost 'a.test' is served on a tls listener, but no certificate covers it: its clients will"
                        + " get a certificate for other names and refuse it")), config.warnings());
    }

    @Test
    void aHostItsOwnCertificateMissesIsWarnedEvenWhenAListedOneCoversIt() throws ConfigException {
        ca.issue("a.test", "b.test").write();
        ca.issue("c.test").write();
        GatewayConfig config = load(dir, """
                listen: [':443 tls']
                tls: { certificates: [{ cert: a.test.pem, key: a.test.key }] }
                vhosts:
                  - hosts: [c.test, b.test]
                    tls: { certificate: { cert: c.test.pem, key: c.test.key } }
                    echo: {}
                """);
        assertEquals(List.of(new ConfigProblem(Optional.of(yaml.toString()), 4, 21, "vhosts[0].hosts[1]",
                "'b.test' of vhost 'c.test'" + UNCOVERED)), config.warnings());
    }

    @Test
    void aHostItsOwnCertificateCoversIsNotWarned() throws ConfigException {
        ca.issue("a.test").write();
        ca.issue("c.test", "*.c.test").write();
        GatewayConfig config = load(dir, """
                listen: [':443 tls']
                tls: { certificates: [{ cert: a.test.pem, key: a.test.key }] }
                vhosts:
                  - hosts: [c.test, www.c.test]
                    tls: { certificate: { cert: c.test.pem, key: c.test.key } }
                    echo: {}
                """);
        assertTrue(config.warnings().isEmpty(), config.warnings().toString());
    }
}
