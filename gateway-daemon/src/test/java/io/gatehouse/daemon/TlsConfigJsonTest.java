package io.gatehouse.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TestCertificates.Issued;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the admin listener's {@code /config} shows of TLS: the paths of certificate and key files, a vhost's redirect
 * and HSTS, and a proxy's backend trust, under their YAML keys; never anything read from a private key, and not
 * where a certificate or host was written.
 */
class TlsConfigJsonTest {

    @TempDir
    Path dir;

    private TestCertificates ca;
    private Issued a;
    private Issued b;
    private String json;

    @BeforeEach
    void render() throws Exception {
        ca = TestCertificates.create(dir);
        a = ca.issue("a.test").write();
        b = ca.issue("b.test").rsa().write();
        json = ConfigJson.of(GatewayConfig.load(Files.writeString(dir.resolve("gatehouse.yaml"), """
                listen: ['127.0.0.1:8080', '127.0.0.1:8443 tls']
                tls: { certificates: [{ cert: a.test.pem, key: a.test.key }] }
                vhosts:
                  - hosts: [a.test]
                    tls: { redirect: true, hsts: max-age=60 }
                    proxy:
                      backends: ['https://127.0.0.1:9443']
                      tls: { ca: %s, insecureSkipVerify: false }
                  - hosts: [b.test]
                    tls: { certificate: { cert: b.test.pem, key: b.test.key } }
                    proxy:
                      backends: ['https://127.0.0.1:9444']
                      tls: { insecureSkipVerify: true }
                """.formatted(ca.caFile()))));
    }

    @Test
    void certificatesShowTheirCertAndKeyPaths() {
        assertTrue(json.contains("\"tls\" : {\n    \"certificates\" : [ {\n      \"cert\" : \"" + a.certificate() + "\",\n"
                + "      \"key\" : \"" + a.key() + "\"\n    } ]"), json);
        assertTrue(json.contains("\"certificate\" : {\n        \"cert\" : \"" + b.certificate() + "\",\n"
                + "        \"key\" : \"" + b.key() + "\"\n      }"), json);
    }

    @Test
    void noPartOfAPrivateKeyIsShown() throws Exception {
        assertFalse(json.contains("PRIVATE KEY"), json);
        for (Path key : new Path[] {a.key(), b.key()}) {
            for (String line : Files.readAllLines(key)) {
                assertTrue(line.startsWith("-----") || !json.contains(line), "a line of " + key + " is shown: " + json);
            }
        }
    }

    @Test
    void aVhostsRedirectAndHstsShow() {
        assertTrue(json.contains("\"redirect\" : true"), json);
        assertTrue(json.contains("\"hsts\" : \"max-age=60\""), json);
    }

    @Test
    void aProxysBackendTrustShows() {
        assertTrue(json.contains("\"tls\" : {\n          \"ca\" : \"" + ca.caFile() + "\",\n"
                + "          \"insecureSkipVerify\" : false\n        }"), json);
        assertTrue(json.contains("\"tls\" : {\n          \"ca\" : null,\n"
                + "          \"insecureSkipVerify\" : true\n        }"), json);
    }

    @Test
    void whereACertificateOrHostWasWrittenIsNotShown() {
        for (String component : new String[] {"origin", "hostsAt", "line", "column", "keyPath"}) {
            assertFalse(json.contains("\"" + component + "\""), component + " in " + json);
        }
    }
}
