package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.assertOnlyProblem;
import static io.gatehouse.config.YamlFiles.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.testing.TestCertificates;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tls} and {@code vhosts[].tls}: how they are written, their defaults, and what is refused where. */
class TlsKeysTest {

    @TempDir
    Path dir;

    private TestCertificates.Issued a;
    private TestCertificates.Issued b;

    @BeforeEach
    void certificates() {
        TestCertificates ca = TestCertificates.create(dir);
        a = ca.issue("a.test").write();
        b = ca.issue("*.b.test", "b.test").keyForm(TestCertificates.KeyForm.TRADITIONAL).write();
    }

    @Test
    void certificatesAreReadInOrderWithPathsRelativeToTheFile() throws ConfigException {
        GatewayConfig config = load(dir, """
                listen: [':443 tls']
                tls:
                  certificates:
                    - { cert: a.test.pem, key: a.test.key }
                    - { cert: _wildcard.b.test.pem, key: _wildcard.b.test.key }
                """ + YamlFiles.ANY_VHOST);
        assertEquals(List.of(new CertificateFiles(a.certificate(), a.key()), new CertificateFiles(b.certificate(), b.key())),
                config.tls().certificates());
    }

    @Test
    void withoutTlsThereAreNoCertificatesAndTheDefaultProtocolsAndCiphers() throws ConfigException {
        GatewayConfig config = load(dir, YamlFiles.ANY_VHOST);
        assertEquals(TlsConfig.DEFAULTS, config.tls());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), config.tls().protocols());
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", config.tls().ciphers().get(0));
        assertEquals(VhostTls.NONE, config.vhosts().get(0).tls());
    }

    @Test
    void protocolsAndCiphersAsWritten() throws ConfigException {
        GatewayConfig config = load(dir, """
                tls:
                  protocols: [TLSv1.3]
                  ciphers: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
                """ + YamlFiles.ANY_VHOST);
        assertEquals(List.of("TLSv1.3"), config.tls().protocols());
        assertEquals(List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
                config.tls().ciphers());
    }

    @Test
    void aVhostsOwnCertificateRedirectAndHsts() throws ConfigException {
        GatewayConfig config = load(dir, """
                listen: [':80', ':443 tls']
                vhosts:
                  - hosts: [a.test]
                    tls:
                      certificate: { cert: a.test.pem, key: a.test.key }
                      redirect: true
                      hsts: "max-age=63072000; includeSubDomains"
                    echo: {}
                """);
        assertEquals(new VhostTls(Optional.of(new CertificateFiles(a.certificate(), a.key())), true,
                Optional.of("max-age=63072000; includeSubDomains")), config.vhosts().get(0).tls());
    }

    @Test
    void aTlsListenerWithoutAnyCertificateIsRefusedWhereItIsWritten() {
        assertOnlyProblem(dir, "listen: [':80', ':443 tls']\n" + YamlFiles.ANY_VHOST, 1, 9, "listen",
                "'0.0.0.0:443 tls' has no certificate to present; give tls.certificates, like tls: {certificates:"
                        + " [{cert: fullchain.pem, key: privkey.pem}]}, or a tls.certificate to a vhost on it");
    }

    @Test
    void aVhostsOwnCertificateIsEnoughForItsListener() throws ConfigException {
        GatewayConfig config = load(dir, """
                vhosts:
                  - hosts: [a.test]
                    listen: [':443 tls']
                    tls: { certificate: { cert: a.test.pem, key: a.test.key } }
                    echo: {}
                  - hosts: [c.test]
                    listen: [':443 tls']
                    echo: {}
                """);
        assertTrue(config.tls().certificates().isEmpty());
    }

    @Test
    void aTlsListenerOfAVhostWithoutCertificatesIsRefusedAtTheVhostsListen() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [a.test]
                    listen: [':8443 tls']
                    echo: {}
                """, 3, 13, "vhosts[0].listen",
                "'0.0.0.0:8443 tls' has no certificate to present; give tls.certificates, like tls: {certificates:"
                        + " [{cert: fullchain.pem, key: privkey.pem}]}, or a tls.certificate to a vhost on it");
    }

    @Test
    void protocolsOlderThanTls12AreRefused() {
        assertOnlyProblem(dir, "tls: { protocols: [TLSv1.3, TLSv1.1] }\n" + YamlFiles.ANY_VHOST, 1, 29, "tls.protocols[1]",
                "'TLSv1.1' is not accepted; write TLSv1.3 and/or TLSv1.2 (older versions are broken or deprecated, RFC 8996)");
    }

    @Test
    void anUnknownCipherSuiteIsRefusedWithTheIanaSpelling() {
        assertOnlyProblem(dir, "tls: { ciphers: [ECDHE-RSA-AES128-GCM-SHA256] }\n" + YamlFiles.ANY_VHOST, 1, 18, "tls.ciphers[0]",
                "unknown cipher suite 'ECDHE-RSA-AES128-GCM-SHA256' (this Java has no such TLS 1.2 suite); write IANA"
                        + " names, like TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 for OpenSSL's ECDHE-RSA-AES128-GCM-SHA256");
    }

    @Test
    void aTls13SuiteIsRefusedSinceTls13UsesTheJdks() {
        List<ConfigProblem> problems = YamlFiles.problems(dir, "tls: { ciphers: [TLS_AES_128_GCM_SHA256] }\n" + YamlFiles.ANY_VHOST);
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).message().startsWith("'TLS_AES_128_GCM_SHA256' is a TLS 1.3 suite; list TLS 1.2 suites only"),
                problems.get(0).message());
    }

    @Test
    void aRedirectWithoutATlsListenerIsRefusedAtTheRedirect() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [a.test]
                    tls: { redirect: true }
                    echo: {}
                """, 3, 22, "vhosts[0].tls.redirect",
                "vhost 'a.test' redirects to HTTPS but has no tls listener; add one to its listen, like listen: [\":80\", \":443 tls\"]");
    }

    @Test
    void anHstsValueStartsWithMaxAge() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: [a.test]
                    tls: { hsts: includeSubDomains }
                    echo: {}
                """, 3, 18, "vhosts[0].tls.hsts",
                "'includeSubDomains' is not a Strict-Transport-Security value; write max-age= and seconds first, like"
                        + " \"max-age=63072000; includeSubDomains\"");
    }

    @Test
    void aCertificateNeedsBothFiles() {
        assertOnlyProblem(dir, "tls: { certificates: [{ cert: a.test.pem }] }\n" + YamlFiles.ANY_VHOST, 1, 23, "tls.certificates[0].key",
                "missing; give the PEM private key, like key: /etc/letsencrypt/live/example.com/privkey.pem");
    }

    @Test
    void theBuilderWritesTheSameKeys() throws ConfigException {
        GatewayConfig yaml = load(dir, """
                listen: [':80', ':443 tls']
                tls:
                  certificates: [{ cert: a.test.pem, key: a.test.key }]
                  protocols: [TLSv1.2]
                vhosts:
                  - hosts: [b.test]
                    tls: { certificate: { cert: _wildcard.b.test.pem, key: _wildcard.b.test.key }, redirect: true, hsts: max-age=60 }
                    echo: {}
                """);
        GatewayConfig built = GatewayConfig.builder().listen(":80", ":443 tls")
                .tls(t -> t.certificate(a.certificate().toString(), a.key().toString()).protocols("TLSv1.2"))
                .vhost(v -> v.hosts("b.test").tls(t -> t.certificate(b.certificate().toString(), b.key().toString())
                        .redirect(true).hsts("max-age=60")).echo())
                .build();
        assertEquals(yaml.tls(), built.tls());
        assertEquals(yaml.vhosts().get(0).tls(), built.vhosts().get(0).tls());
    }

    @Test
    void recordsBuiltInCodeRefuseWhatYamlRefuses() {
        IllegalArgumentException protocol = assertThrows(IllegalArgumentException.class,
                () -> new TlsConfig(List.of(), List.of("SSLv3"), TlsConfig.DEFAULT_CIPHERS));
        assertTrue(protocol.getMessage().startsWith("tls.protocols: 'SSLv3' is not accepted"), protocol.getMessage());
        IllegalArgumentException hsts = assertThrows(IllegalArgumentException.class,
                () -> new VhostTls(Optional.empty(), false, Optional.of("max-age=1\r\nX-Evil: 1")));
        assertTrue(hsts.getMessage().startsWith("vhosts[].tls.hsts: "), hsts.getMessage());
    }

    @Test
    void validateRefusesATlsListenerWithoutCertificateInRecordsBuiltInCode() throws ConfigException {
        GatewayConfig plain = GatewayConfig.builder().listen(":80").vhost(v -> v.hosts("a.test").echo()).build();
        GatewayConfig config = new GatewayConfig(List.of(ListenAddress.parse(":443 tls")), plain.forwarded(), plain.timeouts(),
                plain.limits(), plain.accessLog(), plain.shutdown(), plain.vhosts(), plain.source(), plain.admin(),
                plain.pidFile(), plain.watch(), plain.log());
        assertEquals(TlsConfig.DEFAULTS, config.tls());
        ConfigException refused = assertThrows(ConfigException.class, config::validate);
        assertEquals(List.of(new ConfigProblem(Optional.empty(), 0, 0, "listen", "'0.0.0.0:443 tls' has no certificate to"
                + " present; give tls.certificates, like tls: {certificates: [{cert: fullchain.pem, key: privkey.pem}]}, or a"
                + " tls.certificate to a vhost on it")), refused.problems());
    }
}
