package io.gatehouse;

import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawBackend;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Vhosts whose proxy settings are equal share one proxy, so each backend has one connection pool; settings that
 * differ in anything, the health settings included, get a proxy each. Both requests of a test travel on one client
 * connection, so one IO thread serves them and a shared pool hands the second the connection the first used.
 */
@Timeout(30)
class SharedProxyTest {

    private static final String VHOSTS = """
            listen: ["127.0.0.1:0"]
            accessLog: { path: "off" }
            vhosts:
              - hosts: ["a.test"]
                proxy: { backends: ["http://127.0.0.1:%1$d"]%2$s }
              - hosts: ["b.test"]
                proxy: { backends: ["http://127.0.0.1:%1$d"]%3$s }
            """;

    @Test
    void vhostsWithEqualProxySettingsShareTheBackendConnection(@TempDir Path dir) throws Exception {
        assertEquals(1, backendConnectionsForOneRequestEach(dir, "", ""));
    }

    @Test
    void vhostsWhoseProxiesDifferOnlyInHealthSettingsDoNotShare(@TempDir Path dir) throws Exception {
        assertEquals(2, backendConnectionsForOneRequestEach(dir, "", ", health: { failures: 5 }"));
    }

    /** One request to a.test then one to b.test on one client connection; the connections the backend accepted. */
    private static int backendConnectionsForOneRequestEach(Path dir, String proxyA, String proxyB) throws Exception {
        try (RawBackend backend = RawBackend.answering(RawBackend.OK)) {
            Path yaml = Files.writeString(dir.resolve("gatehouse.yaml"), VHOSTS.formatted(backend.port(), proxyA, proxyB));
            Gateway gateway = Gateway.start(GatewayConfig.load(yaml));
            try (Socket client = new Socket()) {
                client.connect(gateway.addresses().get(0), 5_000);
                // The last request closes, so that reading its response does not wait to see whether the connection does.
                for (String request : new String[] {"Host: a.test\r\n", "Host: b.test\r\nConnection: close\r\n"}) {
                    client.setSoTimeout(10_000); // RawHttp.read leaves it at its two-second wait for a close
                    client.getOutputStream().write(("GET / HTTP/1.1\r\n" + request + "\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    RawHttp.Response response = RawHttp.read(client);
                    assertEquals(200, response.status(), response.head());
                }
                return backend.connectionsAccepted();
            } finally {
                gateway.stop(Duration.ZERO);
            }
        }
    }
}
