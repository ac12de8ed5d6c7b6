package io.gatehouse.daemon;

import io.gatehouse.Gateway;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.GatewayMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(30)
class ReloaderTest {

    private static final String GOOD = """
            listen: ["127.0.0.1:0"]
            accessLog: { path: "off" }
            vhosts:
              - hosts: ["*"]
                echo: {}
            """;

    @Test
    void eachReloadIsCountedBySuccessOrFailure(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gatehouse.yaml");
        Files.writeString(file, GOOD);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Gateway gateway = Gateway.start(GatewayConfig.load(file));
        try (Reloader reloader = new Reloader(file)) {
            reloader.attach(gateway, registry);

            reloader.request("test");
            awaitCount(registry, "success", 1);

            Files.writeString(file, GOOD.replace("echo: {}", "echo: {}\n    bogus: 1"));
            reloader.request("test");
            awaitCount(registry, "failure", 1);
            assertEquals(1.0, count(registry, "success"), "the bad file swapped nothing in");
        } finally {
            gateway.stop(Duration.ofSeconds(5));
        }
    }

    private static double count(SimpleMeterRegistry registry, String result) {
        Counter counter = registry.find(GatewayMeters.CONFIG_RELOADS).tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Reloads run on the reloader's own thread: wait for the outcome (the class timeout bounds the wait). */
    private static void awaitCount(SimpleMeterRegistry registry, String result, double expected) throws InterruptedException {
        while (count(registry, result) < expected) {
            Thread.sleep(20);
        }
        assertEquals(expected, count(registry, result));
    }
}
