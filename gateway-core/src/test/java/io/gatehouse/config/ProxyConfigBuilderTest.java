package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ProxyConfig#builder()}: a proxy made on its own, validated as a YAML vhost's, and used by vhosts and routes. */
class ProxyConfigBuilderTest {

    @TempDir
    Path dir;

    @Test
    void aProxyOnItsOwnIsTheProxyOfTheSameYaml() throws Exception {
        ProxyConfig built = ProxyConfig.builder()
                .backend("http://127.0.0.1:9000").backend("http://127.0.0.1:9001")
                .connectTimeout(Duration.ofSeconds(2))
                .passiveHealth(h -> h.failures(5).coolOff(Duration.ofSeconds(30)))
                .build();

        assertEquals(actionOf(load(dir, """
                vhosts:
                  - hosts: ["*"]
                    proxy:
                      backends: ["http://127.0.0.1:9000", "http://127.0.0.1:9001"]
                      timeouts: { connect: 2s }
                      health: { failures: 5, coolOff: 30s }
                """)), built);
    }

    @Test
    void timeoutsNotGivenAreTheTopLevelDefaults() throws Exception {
        ProxyConfig built = ProxyConfig.builder().backend("http://127.0.0.1:9000").build();

        assertEquals(Timeouts.DEFAULTS.connect(), built.connectTimeout());
        assertEquals(Timeouts.DEFAULTS.response(), built.responseTimeout());
    }

    @Test
    void buildReportsEveryProblemWithItsKeyUnderProxy() {
        ConfigException e = assertThrows(ConfigException.class, () -> ProxyConfig.builder()
                .backend("ftp://127.0.0.1:9000").connections(0).healthCheck(h -> h.interval(Duration.ofSeconds(1))).build());

        assertEquals(List.of(
                new ConfigProblem(Optional.empty(), 0, 0, "proxy.backends[0]", "unsupported scheme 'ftp'; expected http://host:port or https://host:port, "
                        + "like http://127.0.0.1:8080"),
                new ConfigProblem(Optional.empty(), 0, 0, "proxy.connections", "must be at least 1, got '0'"),
                new ConfigProblem(Optional.empty(), 0, 0, "proxy.health", "interval and expect configure the active check; give its "
                        + "path too, like path: /healthz")), e.problems());
    }

    @Test
    void aProxyWithoutBackendsIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> ProxyConfig.builder().build());

        assertEquals("proxy.backends: missing; list at least one, like backends: [\"http://127.0.0.1:8080\"]", e.getMessage());
    }

    @Test
    void aVhostUsesABuiltProxyAsItIsEverySettingIncluded() throws Exception {
        ProxyConfig shared = ProxyConfig.builder()
                .backend("http://127.0.0.1:9000").backend("http://127.0.0.1:9001").preserveHost(false)
                .connectTimeout(Duration.ofMillis(250)).responseTimeout(Duration.ofSeconds(9)).idleTimeout(Duration.ofSeconds(7))
                .connections(3).maxConnections(5).queue(6).balance(ProxyConfig.Balance.IP_HASH).retries(0)
                .passiveHealth(h -> h.failures(4).coolOff(Duration.ofSeconds(11)))
                .healthCheck(h -> h.path("/ready").interval(Duration.ofSeconds(2)).expect(204))
                .build();

        GatewayConfig config = GatewayConfig.builder().vhost(v -> v.hosts("*").proxy(shared)).build();

        assertEquals(shared, actionOf(config));
    }

    @Test
    void aBuiltProxyKeepsItsOwnTimeoutsNotTheGatewaysDefaults() throws Exception {
        ProxyConfig shared = ProxyConfig.builder().backend("http://127.0.0.1:9000").build();

        GatewayConfig config = GatewayConfig.builder().connectTimeout(Duration.ofSeconds(1))
                .vhost(v -> v.hosts("*").proxy(shared)).build();

        assertEquals(Timeouts.DEFAULTS.connect(), ((ProxyConfig) actionOf(config)).connectTimeout());
    }

    @Test
    void routesAndVhostsUsingOneBuiltProxyShareItsConnectionPool() throws Exception {
        ProxyConfig api = ProxyConfig.builder().backend("http://127.0.0.1:9000").connectTimeout(Duration.ofSeconds(2)).build();

        GatewayConfig config = GatewayConfig.builder()
                .vhost(v -> v.hosts("api.example.com").proxy(api))
                .vhost(v -> v.hosts("example.com").route(r -> r.path("/api/").proxy(api)).route(r -> r.files(f -> f.root("/srv/www"))))
                .build();

        ProxyConfig routed = (ProxyConfig) config.vhosts().get(1).routes().get(0).action();
        assertEquals(api.poolKey(), ((ProxyConfig) actionOf(config)).poolKey());
        assertEquals(api.poolKey(), routed.poolKey());
        assertEquals(List.of(URI.create("http://127.0.0.1:9000")), routed.backends());
    }

    /** The action of the first vhost. */
    private static Action actionOf(GatewayConfig config) {
        return config.vhosts().get(0).routes().get(0).action();
    }
}
