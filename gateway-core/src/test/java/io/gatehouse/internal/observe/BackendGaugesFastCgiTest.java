package io.gatehouse.internal.observe;

import io.gatehouse.Gateway;
import io.gatehouse.GatewayMeters;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.RefusedPort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A files action's FastCGI servers have backend gauges like a proxy's backends, and health marks them out alike. */
@Timeout(60)
class BackendGaugesFastCgiTest {

    @TempDir
    Path root;

    private static double up(SimpleMeterRegistry registry, int port) {
        return registry.get(GatewayMeters.BACKEND_UP).tag("backend", "fcgi://127.0.0.1:" + port).gauge().value();
    }

    @Test
    void aFastCgiServerThatRefusesIsGaugedUpThenMarkedOut() throws Exception {
        Files.writeString(root.resolve("index.php"), "<?php echo 'hi';");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RefusedPort first = RefusedPort.open(); RefusedPort second = RefusedPort.open()) {
            GatewayConfig config = GatewayConfig.builder()
                    .listen("127.0.0.1:0")
                    .vhost(v -> v.hosts("php.test").files(f -> f.root(root.toString()).index("index.php")
                            .fastcgi(c -> c.backend("127.0.0.1:" + first.port()).backend("127.0.0.1:" + second.port()))))
                    .build();
            Gateway gateway = Gateway.start(config, registry);
            try {
                assertEquals(1.0, up(registry, first.port()));
                assertEquals(1.0, up(registry, second.port()));
                InetSocketAddress address = gateway.addresses().get(0);
                for (int i = 0; i < 20 && up(registry, first.port()) == 1.0; i++) {
                    int status = RawHttp.exchange(address,
                            "GET /index.php HTTP/1.1\r\nHost: php.test\r\nConnection: close\r\n\r\n").status();
                    assertTrue(status == 502 || status == 503, "a refused FastCGI server is 502 or 503, got " + status);
                }
                assertEquals(0.0, up(registry, first.port()), "failures in a row mark the server out");
            } finally {
                gateway.stop(Duration.ofSeconds(5));
            }
        }
    }
}
