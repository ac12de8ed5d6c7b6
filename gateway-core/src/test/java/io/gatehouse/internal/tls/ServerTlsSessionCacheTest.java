package io.gatehouse.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.CertificateFiles;
import io.gatehouse.config.TlsConfig;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TestCertificates.Issued;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * -sess_out} then {@code -sess_in} ({@link OpensslClient}), as a browser resumes.
 */
class ServerTlsSessionCacheTest {

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
        Path session = Files.createTempFile(dir, "session", ".pem");
        try (TlsTestServer server = new TlsTestServer(tls)) {
            assertEquals("New", handshake(server, session, "-sess_out", options));
            assertEquals("Reused", handshake(server, session, "-sess_in", options));
        }
    }

    /** Connects once, reading until the server closes (which it does after the handshake): New or Reused. */
    private static String handshake(TlsTestServer server, Path session, String sessionOption, String... options)
            throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("-servername", "a.test", "-ign_eof", sessionOption,
                session.toString()));
        arguments.addAll(List.of(options));
        String output = OpensslClient.connect(server.port(), arguments);
        Matcher summary = SESSION.matcher(output);
        assertTrue(summary.find(), output);
        return summary.group(1);
    }
}
