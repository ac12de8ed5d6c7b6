package io.gatehouse.internal.observe;

import io.gatehouse.Gateway;
import io.gatehouse.GatewayMeters;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawHttp;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FastCGI servers on Unix sockets are gauged, measured and marked out like TCP ones, under their {@code unix:/path}
 * as the backend tag, through a whole gateway.
 */
@Timeout(60)
class BackendGaugesUnixSocketTest {

    @TempDir
    Path root;
    @TempDir
    Path run;

    @Test
    void aMissingSocketIsGaugedUpThenMarkedOutAndItsCallsMeasured() throws Exception {
        Files.writeString(root.resolve("index.php"), "<?php echo 'hi';");
        String first = "unix:" + run.resolve("first.sock");
        String second = "unix:" + run.resolve("second.sock");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GatewayConfig config = GatewayConfig.builder()
                .listen("127.0.0.1:0")
                .vhost(v -> v.hosts("php.test").files(f -> f.root(root.toString()).index("index.php")
                        .fastcgi(c -> c.backend(first).backend(second))))
                .build();
        Gateway gateway = Gateway.start(config, registry);
        try {
            assertEquals(1.0, up(registry, first));
            assertEquals(1.0, up(registry, second));
            InetSocketAddress address = gateway.addresses().get(0);
            for (int i = 0; i < 20 && up(registry, first) == 1.0; i++) {
                int status = RawHttp.exchange(address,
                        "GET /index.php HTTP/1.1\r\nHost: php.test\r\nConnection: close\r\n\r\n").status();
                assertTrue(status == 502 || status == 503, "a missing socket is 502 or 503, got " + status);
            }
            assertEquals(0.0, up(registry, first), "failures in a row mark the server out");
            // A call is measured under the server it ended on, after retries: either socket.
            assertTrue(Set.of(first, second).containsAll(upstreamBackends(registry)),
                    "calls measured under the sockets: " + upstreamBackends(registry));
            assertTrue(registry.get(GatewayMeters.UPSTREAM_REQUESTS).timers().stream().mapToLong(Timer::count).sum() > 0,
                    "the failed calls are measured");
        } finally {
            gateway.stop(Duration.ofSeconds(5));
        }
    }

    private static Set<String> upstreamBackends(SimpleMeterRegistry registry) {
        return registry.get(GatewayMeters.UPSTREAM_REQUESTS).timers().stream().map(timer -> timer.getId().getTag("backend"))
                .collect(Collectors.toSet());
    }

    private static double up(SimpleMeterRegistry registry, String backend) {
        return registry.get(GatewayMeters.BACKEND_UP).tag("backend", backend).gauge().value();
    }
}
