package io.gatehouse.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.gatehouse.daemon.MainTest.gatehouse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gatehouse check} on a proxy's {@code tls}: a backend whose certificate is not verified is valid but warned
 * about (the daemon logs the same warnings at start, from {@code GatewayConfig.warnings()}); a {@code ca} file that
 * cannot be used is a problem at its file, line, column and key.
 */
class CheckBackendTlsTest {

    /** A config file whose one proxy has an https backend and {@code tls} (on line 6, from column 12). */
    private static Path proxyWith(Path dir, String tls) throws IOException {
        return Files.writeString(dir.resolve("gatehouse.yaml"), """
                listen: ["127.0.0.1:18080"]
                vhosts:
                  - hosts: [example.com]
                    proxy:
                      backends: ["https://app.internal:8443"]
                      tls: %s
                """.formatted(tls));
    }

    @Test
    void insecureSkipVerifyIsValidWithAWarning(@TempDir Path dir) throws IOException {
        Path file = proxyWith(dir, "{ insecureSkipVerify: true }");

        MainTest.Result result = gatehouse("check", file.toString());

        assertEquals(Main.OK, result.status(), result.err());
        assertTrue(result.out().lines().anyMatch(line -> line.startsWith("warning: " + file
                + ": vhosts[0].proxy.tls.insecureSkipVerify: true: the certificates of https backends are not verified")),
                result.out());
    }

    @Test
    void aMissingCaFileIsAProblemAtItsKey(@TempDir Path dir) throws IOException {
        Path file = proxyWith(dir, "{ ca: /etc/ssl/no-such-ca.pem }");

        MainTest.Result result = gatehouse("check", file.toString());

        assertEquals(Main.BAD_CONFIG, result.status(), result.out());
        assertTrue(result.err().contains(file + ":6:18: vhosts[0].proxy.tls.ca: no such file: /etc/ssl/no-such-ca.pem"),
                result.err());
    }
}
