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
import javax.net.ssl.SSLSessionContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's session cache is bounded (the JDK's default of 20,480 sessions for 24 hours filled the heap under a
 * burst of new connections), and resumption still works: from the ticket for TLS 1.3 and ticket-capable TLS 1.2
 * clients, from the cache for a TLS 1.2 client without tickets. Resumption is asked by {@code openssl s_client
 * -sess_out} then {@code -sess_in}, as a browser resumes.
 */
class ServerTlsSessionCacheTest {

    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
    /** s_client's summary line of the handshake: {@code New, TLSv1.3, Cipher is ...} or {@code Reused, ...}. */
    private static final Pattern SESSION = Pattern.compile("(?m)^(New|Reused), (TLSv1\\.[23])");

    @TempDir
    static Path dir;

    private static ServerTls tls;

    @BeforeAll
    static void certificate() {
        Issued issued = TestCertificates.create(dir).issue("a.test").write();
        tls = ServerTls.load(new TlsConfig(List.of(new CertificateFiles(issued.certificate(), issued.key())),
                TlsConfig.DEFAULT_PROTOCOLS, TlsConfig.DEFAULT_CIPHERS), List.of());
    }

    @Test
    void theServerKeepsAHundredSessionsForFiveMinutes() {
        SSLSessionContext sessions = tls.context().getServerSessionContext();

        assertEquals(100, sessions.getSessionCacheSize());
        assertEquals(300, sessions.getSessionTimeout());
    }

    @Test
    void aTls13ClientResumesFromItsTicket() throws IOException, InterruptedException {
        assertResumes("-tls1_3");
    }

    @Test
    void aTls12ClientWithoutTicketsResumesBySessionId() throws IOException, InterruptedException {
        assertResumes("-tls1_2", "-no_ticket");
    }

    private static void assertResumes(String... options) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(OPENSSL), "openssl is not installed: its resumption test is skipped");
        Path session = Files.createTempFile(dir, "session", ".pem");
        try (TlsTestServer server = new TlsTestServer(tls)) {
            assertEquals("New", handshake(server, session, "-sess_out", options));
            assertEquals("Reused", handshake(server, session, "-sess_in", options));
        }
    }

    /** Connects once, reading until the server closes (which it does after the handshake): New or Reused. */
    private static String handshake(TlsTestServer server, Path session, String sessionOption, String... options)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(OPENSSL.toString(), "s_client", "-connect",
                "127.0.0.1:" + server.port(), "-servername", "a.test", "-ign_eof", sessionOption, session.toString()));
        command.addAll(List.of(options));
        Process client = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(client.waitFor(30, TimeUnit.SECONDS), "openssl s_client did not end");
        Matcher summary = SESSION.matcher(output);
        assertTrue(summary.find(), output);
        return summary.group(1);
    }
}
