package io.gatehouse.internal.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.config.CertificateFiles;
import io.gatehouse.config.Route;
import io.gatehouse.config.TlsConfig;
import io.gatehouse.config.VhostTls;
import io.gatehouse.config.VirtualHost;
import io.gatehouse.config.EchoConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TestCertificates.Issued;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which certificate a client gets for the name it sends (SNI), in real TLS handshakes with the JDK's client over
 * loopback sockets: a vhost's own certificate, then an exact name, then a wildcard, then the first certificate, and
 * among equals one of a key type the client accepts.
 */
class ServerTlsHandshakeTest {

    /** One CA for the class: each test writes the certificates it serves before it loads them. */
    @TempDir
    static Path dir;

    private static TestCertificates ca;

    @BeforeAll
    static void createCa() {
        ca = TestCertificates.create(dir);
    }

    private static CertificateFiles files(Issued issued) {
        return new CertificateFiles(issued.certificate(), issued.key());
    }

    private static ServerTls tls(List<VirtualHost> vhosts, Issued... certificates) {
        List<CertificateFiles> files = java.util.Arrays.stream(certificates).map(ServerTlsHandshakeTest::files).toList();
        return ServerTls.load(new TlsConfig(files, TlsConfig.DEFAULT_PROTOCOLS, TlsConfig.DEFAULT_CIPHERS), vhosts);
    }

    private static VirtualHost pinning(Issued certificate, String... hosts) {
        return new VirtualHost(hosts[0], List.of(hosts), List.of(), List.of(Route.catchAll(new EchoConfig())),
                new VhostTls(Optional.of(files(certificate)), false, Optional.empty()));
    }

    @Test
    void anExactNameBeatsAWildcard() throws IOException {
        Issued wildcard = ca.issue("*.b.test").write();
        Issued exact = ca.issue("x.b.test").write();
        try (Server server = new Server(tls(List.of(), wildcard, exact))) {
            assertEquals(exact.leaf(), server.presented("x.b.test"));
            assertEquals(wildcard.leaf(), server.presented("y.b.test"));
        }
    }

    @Test
    void aNameNoCertificateCoversAndNoNameAtAllGetTheFirst() throws IOException {
        Issued first = ca.issue("a.test").write();
        Issued second = ca.issue("*.b.test").write();
        try (Server server = new Server(tls(List.of(), first, second))) {
            assertEquals(first.leaf(), server.presented(null));
            assertEquals(first.leaf(), server.presented("unknown.test"));
            assertEquals(first.leaf(), server.presented("b.test"), "a wildcard does not cover its bare suffix");
            assertEquals(second.leaf(), server.presented("A.B.Test"), "names are compared in lower case");
        }
    }

    @Test
    void aVhostsOwnCertificateBeatsTheListForTheNamesItsHostsMatch() throws IOException {
        Issued listed = ca.issue("shop.test", "*.shop.test").write();
        Issued pinned = ca.issue("shop.test").fileName("pinned").write();
        try (Server server = new Server(tls(List.of(pinning(pinned, "shop.test")), listed))) {
            assertEquals(pinned.leaf(), server.presented("shop.test"));
            assertEquals(listed.leaf(), server.presented("www.shop.test"));
            assertEquals(listed.leaf(), server.presented(null), "the default is the first of the list");
        }
    }

    @Test
    void aNameOfAVhostWithoutItsOwnCertificateIsNotTakenByACatchAllsCertificate() throws IOException {
        Issued listed = ca.issue("a.test").write();
        Issued catchAll = ca.issue("fallback.test").write();
        VirtualHost plain = new VirtualHost("a.test", List.of("a.test"), List.of(), List.of(Route.catchAll(new EchoConfig())));
        try (Server server = new Server(tls(List.of(plain, pinning(catchAll, "*")), listed))) {
            assertEquals(listed.leaf(), server.presented("a.test"), "a.test is routed to its own vhost, not to '*'");
            assertEquals(catchAll.leaf(), server.presented("other.test"));
        }
    }

    @Test
    void withoutAListTheFirstVhostCertificateIsTheDefault() throws IOException {
        Issued a = ca.issue("a.test").write();
        Issued b = ca.issue("b.test").write();
        try (Server server = new Server(tls(List.of(pinning(a, "a.test"), pinning(b, "*.b.test")), new Issued[0]))) {
            assertEquals(b.leaf(), server.presented("www.b.test"));
            assertEquals(a.leaf(), server.presented(null));
        }
    }

    @Test
    void aVhostsOwnCertificateIsPresentedOnlyOnItsOwnListeners() throws IOException {
        Issued public_ = ca.issue("www.test").write();
        Issued internal = ca.issue("internal.test").write();
        GatewayConfig config = GatewayConfig.builder().listen("127.0.0.1:0 tls")
                .tls(t -> t.certificate(public_.certificate().toString(), public_.key().toString()))
                .vhost(v -> v.hosts("www.test").echo())
                .vhost(v -> v.hosts("*").listen("127.0.0.1:1 tls")
                        .tls(t -> t.certificate(internal.certificate().toString(), internal.key().toString())).echo())
                .build();
        Map<ListenAddress, ServerTls> byListener = ServerTls.forListeners(config);
        assertEquals(List.of(ListenAddress.parse("127.0.0.1:0 tls"), ListenAddress.parse("127.0.0.1:1 tls")),
                List.copyOf(byListener.keySet()));
        try (Server publicListener = new Server(byListener.get(ListenAddress.parse("127.0.0.1:0 tls")));
             Server internalListener = new Server(byListener.get(ListenAddress.parse("127.0.0.1:1 tls")))) {
            assertEquals(public_.leaf(), publicListener.presented("anything.test"), "the catch-all's certificate stays on its listener");
            assertEquals(internal.leaf(), internalListener.presented("www.test"));
        }
    }

    @Test
    void aClientThatAcceptsOnlyRsaGetsTheRsaCertificateOfTheName() throws IOException {
        Issued ec = ca.issue("a.test").ec().fileName("a-ec").write();
        Issued rsa = ca.issue("a.test").rsa().fileName("a-rsa").write();
        try (Server server = new Server(tls(List.of(), ec, rsa))) {
            assertEquals(ec.leaf(), server.presented("a.test"));
            SSLParameters rsaOnly = new SSLParameters(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
                    new String[] {"TLSv1.2"});
            assertEquals(rsa.leaf(), server.presented("a.test", rsaOnly));
            assertEquals(rsa.leaf(), server.presented(null, rsaOnly));
        }
    }

    @Test
    void theRankOfTheNameDecidesBeforeTheKeyType() throws IOException {
        Issued exactEc = ca.issue("a.test").ec().write();
        Issued wildcardRsa = ca.issue("*.test").rsa().write();
        try (Server server = new Server(tls(List.of(), exactEc, wildcardRsa))) {
            SSLParameters rsaOnly = new SSLParameters(new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
                    new String[] {"TLSv1.2"});
            // nginx alike: the server for that name has no RSA certificate, so the handshake fails rather than
            // presenting a certificate chosen for other names.
            assertThrows(SSLException.class, () -> server.presented("a.test", rsaOnly));
            assertEquals(wildcardRsa.leaf(), server.presented("b.test", rsaOnly));
        }
    }

    @Test
    void theEnginePathChoosesBySniToo() throws SSLException {
        Issued a = ca.issue("a.test").write();
        Issued b = ca.issue("b.test").rsa().write();
        ServerTls tls = tls(List.of(), a, b);
        assertEquals(b.leaf(), handshake(tls, "b.test"));
        assertEquals(a.leaf(), handshake(tls, "c.test"));
    }

    @Test
    void eachLoadReadsTheFilesAgainWhileAnEarlierLoadKeepsItsCertificate() throws IOException {
        Issued before = ca.issue("a.test").write();
        ServerTls first = tls(List.of(), before);
        Issued renewed = ca.issue("a.test").write(); // the same files, rewritten, as certbot renews
        assertEquals(before.certificate(), renewed.certificate());
        ServerTls second = tls(List.of(), renewed);
        try (Server old = new Server(first); Server reloaded = new Server(second)) {
            assertEquals(before.leaf(), old.presented("a.test"));
            assertEquals(renewed.leaf(), reloaded.presented("a.test"));
        }
    }

    @Test
    void aFileThatCannotBeReadAtLoadIsAnIoProblemNamingIt() throws IOException {
        Issued a = ca.issue("a.test").write();
        Files.delete(a.key());
        UncheckedIOException problem = assertThrows(UncheckedIOException.class, () -> tls(List.of(), a));
        assertEquals("no such file: " + a.key(), problem.getMessage());
    }

    @Test
    void theEnginesEnableTheConfiguredProtocolsAndSuitesInTheServersOrder() {
        Issued a = ca.issue("a.test").write();
        ServerTls tls = ServerTls.load(new TlsConfig(List.of(files(a)), List.of("TLSv1.2"),
                List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")), List.of());
        SSLParameters parameters = tls.parameters();
        assertEquals(List.of("TLSv1.2"), List.of(parameters.getProtocols()));
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", parameters.getCipherSuites()[parameters.getCipherSuites().length - 1]);
        assertTrue(List.of(parameters.getCipherSuites()).contains("TLS_AES_128_GCM_SHA256"), "TLS 1.3 keeps the JDK's suites");
        assertTrue(parameters.getUseCipherSuitesOrder());
    }

    /** A loopback TLS server of {@code tls}, and the leaf it presents to the JDK's client. */
    private static final class Server extends TlsTestServer {

        Server(ServerTls tls) throws IOException {
            super(tls);
        }

        X509Certificate presented(String serverName) throws IOException {
            return presented(serverName, null);
        }

        /** The leaf the server presents to a client sending {@code serverName} (none when null), limited by {@code only}. */
        X509Certificate presented(String serverName, SSLParameters only) throws IOException {
            SSLContext client = ca.clientContext();
            try (SSLSocket connection = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    port())) {
                SSLParameters parameters = connection.getSSLParameters();
                if (only != null) {
                    parameters.setCipherSuites(only.getCipherSuites());
                    parameters.setProtocols(only.getProtocols());
                }
                parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
                connection.setSSLParameters(parameters);
                connection.startHandshake();
                assertEquals(TlsTestServer.AFTER_HANDSHAKE, connection.getInputStream().read());
                return (X509Certificate) connection.getSession().getPeerCertificates()[0];
            }
        }
    }

    /** A handshake between a server engine of {@code tls} and a client engine sending {@code serverName}, in memory. */
    private static X509Certificate handshake(ServerTls tls, String serverName) throws SSLException {
        SSLEngine server = tls.context().createSSLEngine();
        server.setUseClientMode(false);
        server.setSSLParameters(tls.parameters());
        SSLEngine client = ca.clientContext().createSSLEngine("client", 443);
        client.setUseClientMode(true);
        SSLParameters parameters = client.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        client.setSSLParameters(parameters);
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        ByteBuffer application = ByteBuffer.allocate(1 << 17);
        client.beginHandshake();
        server.beginHandshake();
        for (int step = 0; step < 200 && (busy(client) || busy(server)); step++) {
            advance(client, toClient, toServer, application);
            advance(server, toServer, toClient, application);
        }
        return (X509Certificate) client.getSession().getPeerCertificates()[0];
    }

    private static boolean busy(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status != HandshakeStatus.NOT_HANDSHAKING && status != HandshakeStatus.FINISHED;
    }

    private static void advance(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer application) throws SSLException {
        switch (engine.getHandshakeStatus()) {
            case NEED_TASK -> {
                for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                    task.run();
                }
            }
            case NEED_WRAP -> engine.wrap(ByteBuffer.allocate(0), out);
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                in.flip();
                engine.unwrap(in, application);
                in.compact();
            }
            default -> {
            }
        }
    }
}
