package io.gatehouse.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.CertificateFiles;
import io.gatehouse.config.TlsConfig;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TestCertificates.Issued;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate each SNI name gets, asked by {@code openssl s_client -servername} (and {@code -noservername}): see
 * {@link OpensslClient}.
 */
class OpensslSniTest {

    private static final Pattern PEER = Pattern.compile("Peer certificate: CN ?= ?(\\S+)");

    @TempDir
    static Path dir;

    private static Issued first;
    private static Issued wildcard;
    private static Issued exact;

    @BeforeAll
    static void certificates() {
        TestCertificates ca = TestCertificates.create(dir);
        first = ca.issue("a.test").write();
        wildcard = ca.issue("*.b.test").rsa().write();
        exact = ca.issue("x.b.test").write();
    }

    @Test
    void eachNameGetsItsCertificateAndNoNameTheFirst() throws IOException, InterruptedException {
        List<CertificateFiles> files = List.of(first, wildcard, exact).stream()
                .map(issued -> new CertificateFiles(issued.certificate(), issued.key())).toList();
        ServerTls tls = ServerTls.load(new TlsConfig(files, TlsConfig.DEFAULT_PROTOCOLS, TlsConfig.DEFAULT_CIPHERS), List.of());
        try (TlsTestServer server = new TlsTestServer(tls)) {
            assertEquals("x.b.test", presented(server, "x.b.test"));
            assertEquals("*.b.test", presented(server, "y.b.test"));
            assertEquals("a.test", presented(server, "unknown.test"));
            assertEquals("a.test", presented(server, null));
        }
    }

    /** The common name of the leaf {@code openssl s_client} gets for {@code serverName} (none when null). */
    private static String presented(TlsTestServer server, String serverName) throws IOException, InterruptedException {
        String output = OpensslClient.connect(server.port(),
                serverName == null ? List.of("-brief", "-noservername") : List.of("-brief", "-servername", serverName));
        Matcher peer = PEER.matcher(output);
        assertTrue(peer.find(), output);
        return peer.group(1);
    }
}
