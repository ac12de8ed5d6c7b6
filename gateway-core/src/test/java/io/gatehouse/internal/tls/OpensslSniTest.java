package io.gatehouse.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gatehouse.config.CertificateFiles;
import io.gatehouse.config.TlsConfig;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TestCertificates.Issued;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate each SNI name gets, asked by {@code openssl s_client -servername} (and {@code -noservername}), the
 * client operators check a server with: another TLS stack than the JDK's, which the other tests use.
 */
class OpensslSniTest {

    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
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
        assumeTrue(Files.isExecutable(OPENSSL), "openssl is not installed: its SNI test is skipped");
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
        List<String> command = new ArrayList<>(List.of(OPENSSL.toString(), "s_client", "-brief", "-connect",
                "127.0.0.1:" + server.port()));
        command.addAll(serverName == null ? List.of("-noservername") : List.of("-servername", serverName));
        Process client = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(client.waitFor(30, TimeUnit.SECONDS), "openssl s_client did not end");
        Matcher peer = PEER.matcher(output);
        assertTrue(peer.find(), output);
        return peer.group(1);
    }
}
