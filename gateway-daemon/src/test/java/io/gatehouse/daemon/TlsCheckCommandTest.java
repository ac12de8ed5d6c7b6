package io.gatehouse.daemon;

import static io.gatehouse.daemon.MainTest.gatehouse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TestCertificates.Issued;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse check} reads every certificate: a broken pair is an error at its line, an expiring one a warning. */
class TlsCheckCommandTest {

    @TempDir
    Path dir;

    @Test
    void aKeyThatDoesNotBelongToItsCertificateIsAnErrorAtTheLineOfItsKey() throws IOException {
        TestCertificates ca = TestCertificates.create(dir);
        Issued a = ca.issue("a.test").write();
        Issued b = ca.issue("b.test").write();
        Path file = Files.writeString(dir.resolve("tls.yaml"), """
                listen: ["127.0.0.1:18443 tls"]
                tls:
                  certificates:
                    - cert: a.test.pem
                      key: b.test.key
                vhosts:
                  - hosts: [a.test]
                    echo: {}
                """);

        MainTest.Result result = gatehouse("check", file.toString());

        assertEquals(Main.BAD_CONFIG, result.status());
        assertTrue(result.err().contains(file + ":5:7: tls.certificates[0].key: the private key in " + b.key()
                + " does not belong to the certificate in " + a.certificate() + " (CN=a.test)"), result.err());
    }

    @Test
    void aCertificateExpiringSoonIsAWarningOfAValidFileAtTheLineOfItsCert() throws IOException {
        TestCertificates ca = TestCertificates.create(dir);
        ca.issue("a.test").validity(Instant.now().minus(Duration.ofDays(80)), Instant.now().plus(Duration.ofDays(3))).write();
        Path file = Files.writeString(dir.resolve("tls.yaml"), """
                listen: ["127.0.0.1:18443 tls"]
                tls: { certificates: [{ cert: a.test.pem, key: a.test.key }] }
                vhosts:
                  - hosts: [a.test]
                    echo: {}
                """);

        MainTest.Result result = gatehouse("check", file.toString());

        assertEquals(Main.OK, result.status(), result.err());
        assertTrue(result.out().contains("warning: " + file + ":2:25: tls.certificates[0].cert: the certificate in "
                + dir.resolve("a.test.pem") + " (a.test) expires in 2 days"), result.out());
    }

    @Test
    void aHostNoCertificateCoversIsAWarningAtItsLine() throws IOException {
        TestCertificates.create(dir).issue("a.test").write();
        Path file = Files.writeString(dir.resolve("tls.yaml"), """
                listen: ["127.0.0.1:18443 tls"]
                tls: { certificates: [{ cert: a.test.pem, key: a.test.key }] }
                vhosts:
                  - hosts:
                      - a.test
                      - b.test
                    echo: {}
                """);

        MainTest.Result result = gatehouse("check", file.toString());

        assertEquals(Main.OK, result.status(), result.err());
        assertTrue(result.out().contains("warning: " + file + ":6:9: vhosts[0].hosts[1]: 'b.test' of vhost 'a.test' is"
                + " served on a tls listener, but no certificate covers it"), result.out());
    }
}
