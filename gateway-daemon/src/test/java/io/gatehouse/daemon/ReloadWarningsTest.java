package io.gatehouse.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.Gateway;
import io.gatehouse.GatewayMeters;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.TestCertificates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A reload logs the warnings of the file it swapped in, as the start does: an expiring certificate is one of them. */
@Timeout(30)
class ReloadWarningsTest {

    @Test
    void aReloadLogsTheWarningsOfTheNewFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("gatehouse.yaml"), """
                listen: ["127.0.0.1:0"]
                accessLog: { path: "off" }
                vhosts:
                  - hosts: ["*"]
                    echo: {}
                """);
        TestCertificates.create(dir).issue("a.test")
                .validity(Instant.now().minus(Duration.ofDays(80)), Instant.now().plus(Duration.ofDays(3))).write();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Gateway gateway = Gateway.start(GatewayConfig.load(file));
        try (Reloader reloader = new Reloader(file); LogCapture log = LogCapture.on(Reloader.class.getName())) {
            reloader.attach(gateway, registry);
            Files.writeString(file, """
                    listen: ["127.0.0.1:0 tls"]
                    accessLog: { path: "off" }
                    tls: { certificates: [{ cert: a.test.pem, key: a.test.key }] }
                    vhosts:
                      - hosts: [a.test]
                        echo: {}
                    """);
            reloader.request("test");
            // The reload runs on the reloader's thread; its success is counted after its warnings are logged.
            while (registry.find(GatewayMeters.CONFIG_RELOADS).counter() == null) {
                Thread.sleep(20);
            }
            assertTrue(registry.find(GatewayMeters.CONFIG_RELOADS).tag("result", "success").counter() != null,
                    log.messages().toString());
            assertTrue(log.messages().stream().anyMatch(line -> line.startsWith(file + ":3:25: tls.certificates[0].cert: the certificate in "
                    + dir.resolve("a.test.pem") + " (a.test) expires in 2 days")), log.messages().toString());
        } finally {
            gateway.stop(Duration.ofSeconds(5));
        }
    }
}
