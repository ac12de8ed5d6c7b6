package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.assertOnlyProblem;
import static io.gatehouse.config.YamlFiles.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gatehouse.testing.TestCertificates;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code https://} backends and a proxy's {@code tls}: what is accepted, the problems a bad {@code ca} file gets (file,
 * line, column, key), and the warnings {@code gatehouse check} and the daemon's start show.
 */
class BackendTlsConfigTest {

    @TempDir
    Path dir;

    private static String proxyWith(String backends, String tls) {
        return """
                vhosts:
                  - hosts: ['*']
                    proxy:
                      backends: %s
                      tls: %s
                """.formatted(backends, tls);
    }

    private ProxyConfig proxyOf(GatewayConfig config) {
        return (ProxyConfig) config.vhosts().get(0).routes().get(0).action();
    }

    @Test
    void httpsBackendsGetPort443AndMayBeMixedWithHttpOnes() throws Exception {
        GatewayConfig config = load(dir, """
                vhosts:
                  - hosts: ['*']
                    proxy: { backends: ["https://App.Internal", "https://app.internal:8443", "http://plain:8080"] }
                """);

        assertEquals(List.of(URI.create("https://app.internal:443"), URI.create("https://app.internal:8443"),
                URI.create("http://plain:8080")), proxyOf(config).backends());
        assertEquals(ProxyConfig.Tls.DEFAULTS, proxyOf(config).tls());
    }

    @Test
    void aCaFileIsReadRelativeToTheConfiguration() throws Exception {
        TestCertificates.create(dir);

        GatewayConfig config = load(dir, proxyWith("[\"https://app.internal\"]", "{ ca: ca.pem }"));

        assertEquals(new ProxyConfig.Tls(Optional.of(dir.resolve("ca.pem").toAbsolutePath()), false), proxyOf(config).tls());
    }

    @Test
    void aMissingCaFileIsAProblemAtItsKey() {
        assertOnlyProblem(dir, proxyWith("[\"https://app.internal\"]", "{ ca: missing.pem }"), 5, 18,
                "vhosts[0].proxy.tls.ca", "no such file: " + dir.resolve("missing.pem").toAbsolutePath());
    }

    @Test
    void aCaFileWithoutCertificatesIsAProblem() throws Exception {
        TestCertificates.Issued issued = TestCertificates.create(dir).issue("a.test").write();
        Path keyOnly = issued.key();

        assertOnlyProblem(dir, proxyWith("[\"https://app.internal\"]", "{ ca: " + keyOnly + " }"), 5, 18,
                "vhosts[0].proxy.tls.ca", keyOnly + " holds no PEM certificate; expected -----BEGIN CERTIFICATE----- blocks");
    }

    @Test
    void aCaFileThatIsNotPemIsAProblem() throws Exception {
        Files.writeString(dir.resolve("ca.der"), "not a certificate\n");

        assertOnlyProblem(dir, proxyWith("[\"https://app.internal\"]", "{ ca: ca.der }"), 5, 18, "vhosts[0].proxy.tls.ca",
                dir.resolve("ca.der").toAbsolutePath() + " holds no PEM certificate; expected -----BEGIN CERTIFICATE----- blocks");
    }

    @Test
    void aDirectoryAsCaFileIsAProblem() throws Exception {
        Path certs = Files.createDirectory(dir.resolve("certs"));

        assertOnlyProblem(dir, proxyWith("[\"https://app.internal\"]", "{ ca: certs }"), 5, 18, "vhosts[0].proxy.tls.ca",
                "cannot read " + certs.toAbsolutePath() + " as PEM: Is a directory");
    }

    @Test
    void aBrokenCertificateBlockIsAProblem() throws Exception {
        Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

        List<ConfigProblem> problems = YamlFiles.problems(dir, proxyWith("[\"https://app.internal\"]", "{ ca: ca.pem }"));

        assertEquals(1, problems.size(), problems.toString());
        assertEquals("vhosts[0].proxy.tls.ca", problems.get(0).keyPath());
        assertEquals(5, problems.get(0).line());
        assertEquals(true, problems.get(0).message().startsWith("cannot read " + dir.resolve("ca.pem").toAbsolutePath()
                + " as PEM: "), problems.get(0).message());
    }

    @Test
    void aCaAndInsecureSkipVerifyTogetherAreAProblem() throws Exception {
        TestCertificates.create(dir);

        assertOnlyProblem(dir, proxyWith("[\"https://app.internal\"]", "{ ca: ca.pem, insecureSkipVerify: true }"), 5, 26,
                "vhosts[0].proxy.tls.insecureSkipVerify",
                "a ca is only used to verify; give either ca or insecureSkipVerify: true, not both");
    }

    @Test
    void theRecordRefusesACaWithInsecureSkipVerify() {
        assertThrows(IllegalArgumentException.class, () -> new ProxyConfig.Tls(Optional.of(dir.resolve("ca.pem")), true));
    }

    @Test
    void insecureSkipVerifyIsWarnedAboutAtItsKey() throws Exception {
        GatewayConfig config = load(dir, proxyWith("[\"https://app.internal\"]", "{ insecureSkipVerify: true }"));

        assertEquals(List.of(dir.resolve("gatehouse.yaml") + ": vhosts[0].proxy.tls.insecureSkipVerify: true: the "
                + "certificates of https backends are not verified, so anyone on the network path to them can read and "
                + "change the traffic; give tls.ca instead"), config.warnings().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void insecureSkipVerifyInARouteIsWarnedAboutAtTheRoutesLine() throws Exception {
        GatewayConfig config = load(dir, """
                vhosts:
                  - hosts: ['*']
                    routes:
                      - path: /api/
                        proxy: { backends: ["https://app.internal"], tls: { insecureSkipVerify: true } }
                """);

        List<String> warnings = config.warnings().stream().map(ConfigProblem::toString).toList();

        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals(true, warnings.get(0).startsWith(dir.resolve("gatehouse.yaml") + ":4:9: vhosts[0].routes[0].proxy.tls"
                + ".insecureSkipVerify: true: "), warnings.get(0));
    }

    @Test
    void tlsWithoutAnHttpsBackendIsWarnedAbout() throws Exception {
        GatewayConfig config = load(dir, proxyWith("[\"http://plain:8080\"]", "{ insecureSkipVerify: true }"));

        assertEquals(List.of(dir.resolve("gatehouse.yaml") + ": vhosts[0].proxy.tls: has no effect: no backend of this "
                + "proxy is https://"), config.warnings().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void verifiedBackendsGiveNoWarning() throws Exception {
        TestCertificates.create(dir);

        assertEquals(List.of(), load(dir, proxyWith("[\"https://app.internal\"]", "{ ca: ca.pem }")).warnings());
    }

    @Test
    void theBuilderTakesTheSameKeys() throws Exception {
        TestCertificates.create(dir);
        String ca = dir.resolve("ca.pem").toString();

        ProxyConfig built = ProxyConfig.builder().backend("https://app.internal:8443").tls(t -> t.ca(ca)).build();

        assertEquals(new ProxyConfig.Tls(Optional.of(Path.of(ca)), false), built.tls());
        ConfigException refused = assertThrows(ConfigException.class,
                () -> ProxyConfig.builder().backend("https://app.internal").tls(t -> t.ca(dir.resolve("none.pem").toString())).build());
        assertEquals("proxy.tls.ca", refused.problems().get(0).keyPath());
    }
}
