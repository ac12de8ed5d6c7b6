package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.TestCertificates;
import io.gatehouse.testing.TlsClient;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A PHP script behind a TLS listener learns it was reached over HTTPS, as under nginx or Apache. */
@Timeout(60)
class FastCgiOverTlsTest {

    @TempDir
    Path dir;

    @Test
    void aScriptSeesHttpsOnAndTheHttpsSchemeOverTlsAndNeitherOverPlainHttp() throws Exception {
        TestCertificates ca = TestCertificates.create(dir);
        TestCertificates.Issued certificate = ca.issue("a.test").write();
        Path root = Files.createDirectory(dir.resolve("site"));
        Files.writeString(root.resolve("scheme.php"),
                "<?php echo ($_SERVER['HTTPS'] ?? '-'), ' ', $_SERVER['REQUEST_SCHEME'];", StandardCharsets.UTF_8);
        try (Gateway gateway = Gateway.start(GatewayConfig.builder()
                .listen("127.0.0.1:" + UnusedPort.next(), "127.0.0.1:" + UnusedPort.next() + " tls")
                .tls(t -> t.certificate(certificate.certificate().toString(), certificate.key().toString()))
                .vhost(v -> v.hosts("a.test").files(f -> f.root(root.toString())
                        .fastcgi(c -> c.spawn(s -> s.command("/usr/bin/php-cgi").processes(1).children(1))))).build())) {
            try (SSLSocket socket = TlsClient.connect(ca.clientContext(), gateway.addresses().get(1), "a.test", "http/1.1")) {
                TlsClient.write(socket, "GET /scheme.php HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
                RawHttp.Response response = RawHttp.read(socket);
                assertEquals(200, response.status(), response.head());
                assertEquals("on https", response.bodyText());
            }
            RawHttp.Response plain = RawHttp.exchangeToClose(gateway.addresses().get(0),
                    "GET /scheme.php HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
            assertEquals("- http", new String(plain.dechunkedBody(), StandardCharsets.UTF_8));
        }
    }
}
