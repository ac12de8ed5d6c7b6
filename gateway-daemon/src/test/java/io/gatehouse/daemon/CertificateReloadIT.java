package io.gatehouse.daemon;

import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TestCertificates.Issued;
import io.gatehouse.testing.TlsClient;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A certificate renewal as an operator runs it on the packaged daemon: certbot rewrites the files, then
 * {@code systemctl reload gatehouse} sends SIGHUP. New connections get the renewed certificate; a connection opened
 * before keeps the one it was handshaken with and is still served.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CertificateReloadIT {

    @TempDir
    Path dir;

    private int port;
    private TestCertificates ca;
    private DaemonProcess daemon;

    @BeforeEach
    void pickPort() {
        port = UnusedPort.next();
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void sighupServesTheRenewedCertificateToNewConnectionsWhileOpenOnesKeepTheirs() throws Exception {
        ca = TestCertificates.create(dir);
        Issued first = ca.issue("a.test").fileName("a.test").write();
        Path root = Files.createDirectories(dir.resolve("www"));
        Files.writeString(root.resolve("tag.txt"), "served");
        Path config = Files.writeString(dir.resolve("gatehouse.yaml"), """
                listen: ["127.0.0.1:%d tls"]
                accessLog: { path: "off" }
                tls: { certificates: [{ cert: %s, key: %s }] }
                vhosts:
                  - hosts: ["a.test"]
                    files: { root: %s }
                """.formatted(port, first.certificate(), first.key(), root));
        daemon = DaemonProcess.startJar(dir, "run", config.toString());
        daemon.awaitLog("listening on 127.0.0.1:" + port + " tls (1 vhost)");

        try (SSLSocket before = connect()) {
            assertEquals(first.leaf().getSerialNumber(), servedSerial(before));
            assertEquals("served", get(before));

            Issued renewed = ca.issue("a.test").fileName("a.test").write();
            assertEquals(first.certificate(), renewed.certificate(), "the renewal rewrites the same files");
            daemon.signal("HUP");
            daemon.awaitLog("INFO  reloaded " + config);

            try (SSLSocket after = connect()) {
                assertEquals(renewed.leaf().getSerialNumber(), servedSerial(after));
                assertEquals("served", get(after));
            }
            assertNotEquals(first.leaf().getSerialNumber(), renewed.leaf().getSerialNumber());
            assertEquals(first.leaf().getSerialNumber(), servedSerial(before), "an open connection keeps its certificate");
            assertEquals("served", get(before), "and is still served after the reload");
        }
        assertTrue(daemon.log().contains("INFO  SIGHUP: reloading " + config), daemon.log());
    }

    private SSLSocket connect() throws Exception {
        return TlsClient.connect(ca.clientContext(), new InetSocketAddress("127.0.0.1", port), "a.test",
                "http/1.1");
    }

    private static BigInteger servedSerial(SSLSocket socket) throws IOException {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }

    /** A keep-alive GET of /tag.txt on {@code socket}: the body, after a 200 with a Content-Length. */
    private static String get(SSLSocket socket) throws IOException {
        TlsClient.write(socket, "GET /tag.txt HTTP/1.1\r\nHost: a.test\r\n\r\n");
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        String status = in.readLine();
        assertTrue(status.startsWith("HTTP/1.1 200 "), status);
        int length = -1;
        for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        char[] body = new char[length];
        int read = 0;
        while (read < length) {
            read += in.read(body, read, length - read);
        }
        return new String(body);
    }
}
