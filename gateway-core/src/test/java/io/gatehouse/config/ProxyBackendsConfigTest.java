package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.load;
import static io.gatehouse.config.YamlFiles.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy keys for several backends: balance, health, retries. */
class ProxyBackendsConfigTest {

    @TempDir
    Path dir;

    private ProxyConfig proxy(String proxyYaml) throws Exception {
        return (ProxyConfig) load(dir, "vhosts:\n  - hosts: [a]\n    proxy:\n" + proxyYaml.indent(6)).vhosts().get(0).action();
    }

    @Test
    void defaultsAreRoundRobinThreeFailuresTenSecondsNoCheckAndEveryOtherBackendOnce() throws Exception {
        ProxyConfig config = proxy("backends: [\"http://127.0.0.1:1\", \"http://127.0.0.1:2\", \"http://127.0.0.1:3\"]");
        assertEquals(ProxyConfig.Balance.ROUND_ROBIN, config.balance());
        assertEquals(new ProxyConfig.Health(3, Duration.ofSeconds(10), Optional.empty()), config.health());
        assertEquals(2, config.retries());
    }

    @Test
    void everyKeyIsRead() throws Exception {
        ProxyConfig config = proxy("""
                backends: ["http://127.0.0.1:1", "http://127.0.0.1:2"]
                balance: ip-hash
                retries: 0
                health: { failures: 5, coolOff: 30s, path: /healthz, interval: 2s, expect: 204 }
                """);
        assertEquals(ProxyConfig.Balance.IP_HASH, config.balance());
        assertEquals(0, config.retries());
        assertEquals(new ProxyConfig.Health(5, Duration.ofSeconds(30),
                Optional.of(new ProxyConfig.Check("/healthz", Duration.ofSeconds(2), 204))), config.health());
    }

    @Test
    void activeCheckDefaultsToFiveSecondsAnd200() throws Exception {
        ProxyConfig config = proxy("backends: [\"http://127.0.0.1:1\"]\nhealth: { path: /up }");
        assertEquals(Optional.of(new ProxyConfig.Check("/up", Duration.ofSeconds(5), 200)), config.health().check());
    }

    @Test
    void unknownBalanceIsAProblem() {
        String message = problems(dir, "vhosts:\n  - hosts: [a]\n    proxy: { backends: [\"http://127.0.0.1:1\"], balance: random }\n")
                .get(0).message();
        assertTrue(message.contains("expected round-robin, least-requests or ip-hash"), message);
    }

    @Test
    void intervalWithoutPathIsAProblem() {
        String message = problems(dir, "vhosts:\n  - hosts: [a]\n    proxy: { backends: [\"http://127.0.0.1:1\"], health: { interval: 1s } }\n")
                .get(0).message();
        assertTrue(message.contains("give its path too"), message);
    }

    @Test
    void builderSetsTheSameKeys() throws Exception {
        GatewayConfig config = GatewayConfig.builder()
                .vhost(v -> v.hosts("a").proxy(p -> p.backend("http://127.0.0.1:1").backend("http://127.0.0.1:2")
                        .balance(ProxyConfig.Balance.LEAST_REQUESTS).retries(1)
                        .passiveHealth(h -> h.failures(2).coolOff(Duration.ofSeconds(4)))
                        .healthCheck(h -> h.path("/hz").interval(Duration.ofSeconds(1)).expect(200))))
                .build();
        ProxyConfig proxy = (ProxyConfig) config.vhosts().get(0).action();
        assertEquals(ProxyConfig.Balance.LEAST_REQUESTS, proxy.balance());
        assertEquals(new ProxyConfig.Health(2, Duration.ofSeconds(4),
                Optional.of(new ProxyConfig.Check("/hz", Duration.ofSeconds(1), 200))), proxy.health());
        assertEquals(1, proxy.retries());
    }
}
