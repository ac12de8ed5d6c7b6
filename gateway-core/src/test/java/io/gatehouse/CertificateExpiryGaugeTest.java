package io.gatehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TestCertificates.Issued;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each generation reads the certificates of its tls listeners from their files: {@code gatehouse.tls.certificate.expiry}
 * says when the one served now expires, and a reload after a renewal moves it forward.
 */
class CertificateExpiryGaugeTest {

    @TempDir
    Path dir;

    private TestCertificates ca;
    private Instant notAfter;
    private Issued certificate;
    private GatewayConfig config;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void serveACertificate() {
        ca = TestCertificates.create(dir);
        notAfter = Instant.now().plus(Duration.ofDays(20)).truncatedTo(ChronoUnit.SECONDS);
        certificate = issue(notAfter);
        config = GatewayConfig.builder().listen("127.0.0.1:0 tls")
                .tls(t -> t.certificate(certificate.certificate().toString(), certificate.key().toString()))
                .vhost(v -> v.hosts("a.test").echo()).build();
    }

    /** Writes the certificate's files, as a renewal rewrites them. */
    private Issued issue(Instant expiry) {
        return ca.issue("a.test").validity(Instant.now().minus(Duration.ofDays(1)), expiry).write();
    }

    private static Gauge expiry(SimpleMeterRegistry registry, Issued certificate) {
        return registry.find(GatewayMeters.TLS_CERTIFICATE_EXPIRY).tag("certificate", certificate.certificate().toString()).gauge();
    }

    @Test
    void theGaugeSaysWhenTheServedCertificateExpiresAndFollowsARenewal() {
        try (GatewayHandler gateway = Gateway.handler(config, registry)) {
            assertEquals(notAfter.getEpochSecond(), expiry(registry, certificate).value());

            Instant renewed = notAfter.plus(Duration.ofDays(60));
            issue(renewed);
            gateway.reload(config);
            assertEquals(renewed.getEpochSecond(), expiry(registry, certificate).value());
        }
    }

    @Test
    void aReloadWhoseCertificateCannotBeReadKeepsTheOldOneAndSaysWhichFile() throws Exception {
        try (GatewayHandler gateway = Gateway.handler(config, registry)) {
            Files.writeString(certificate.key(), "not a key\n");
            UncheckedIOException refused = assertThrows(UncheckedIOException.class, () -> gateway.reload(config));
            assertTrue(refused.getMessage().contains(certificate.key().toString()), refused.getMessage());
            assertEquals(notAfter.getEpochSecond(), expiry(registry, certificate).value());
        }
    }
}
