package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.assertOnlyProblem;
import static io.gatehouse.config.YamlFiles.load;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code log.repeatInterval}, and the proxy's {@code connections} / {@code maxConnections} split. */
class LogAndPoolKeysTest {

    private static final String PROXY = "vhosts: [{hosts: ['*'], proxy: {backends: ['http://127.0.0.1:8080']%s}}]\n";

    @TempDir
    Path dir;

    private static ProxyConfig proxyOf(GatewayConfig config) {
        return (ProxyConfig) config.vhosts().get(0).action();
    }

    @Test
    void defaultsSummariseRepeatsEveryTenSecondsAndCapNoConnections() throws ConfigException {
        GatewayConfig config = load(dir, PROXY.formatted(""));

        assertEquals(Duration.ofSeconds(10), config.log().repeatInterval());
        assertEquals(ProxyConfig.NO_CONNECTION_CAP, proxyOf(config).maxConnections());
        assertEquals(64, proxyOf(config).connectionsPerBackend());
    }

    @Test
    void repeatIntervalAndMaxConnectionsAreRead() throws ConfigException {
        GatewayConfig config = load(dir, "log: {repeatInterval: 0s}\n"
                + PROXY.formatted(", connections: 8, maxConnections: 32, queue: 16"));

        assertEquals(Duration.ZERO, config.log().repeatInterval());
        assertEquals(32, proxyOf(config).maxConnections());
        assertEquals(8, proxyOf(config).connectionsPerBackend());
        assertEquals(16, proxyOf(config).queueSize());
    }

    @Test
    void negativeMaxConnectionsIsReportedWhereItIs() {
        assertOnlyProblem(dir, PROXY.formatted(", maxConnections: -1"), 1, 86, "vhosts[0].proxy.maxConnections",
                "must be 0 (no cap) or more, got '-1'");
    }

    @Test
    void builderSetsTheSameKeys() throws ConfigException {
        GatewayConfig config = GatewayConfig.builder().logRepeatInterval(Duration.ofMinutes(1))
                .vhost(v -> v.hosts("*").proxy(p -> p.backend("http://127.0.0.1:8080").maxConnections(4))).build();

        assertEquals(Duration.ofMinutes(1), config.log().repeatInterval());
        assertEquals(4, proxyOf(config).maxConnections());
    }
}
