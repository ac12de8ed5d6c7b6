package io.gatehouse.daemon;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.config.VirtualHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The benchmark's Gatehouse configs ({@code bench/**}{@code /*.yaml}) load, so {@code bench/run.sh} — which CI never
 * runs — does not rot when the YAML contract changes. The benchmark itself is not run here.
 */
class BenchConfigsTest {

    private static final Path BENCH = Path.of(System.getProperty("gatehouse.repo", "..")).resolve("bench");
    /** The backend every benchmarked proxy forwards to (bench/conf/backend-nginx.conf). */
    private static final String BACKEND = "http://127.0.0.1:18080";

    static List<Path> benchYamlFiles() throws IOException {
        try (Stream<Path> files = Files.walk(BENCH)) {
            List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted().toList();
            assertFalse(yaml.isEmpty(), "no YAML under " + BENCH.toAbsolutePath());
            return yaml;
        }
    }

    private static GatewayConfig load(Path file) {
        try {
            return GatewayConfig.load(file);
        } catch (ConfigException e) {
            return fail(file + " does not load:\n" + e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benchYamlFiles")
    void benchConfigLoadsAndProxiesOnlyToTheBenchmarkBackend(Path file) {
        GatewayConfig config = load(file);

        for (VirtualHost vhost : config.vhosts()) {
            assertTrue(vhost.action() instanceof ProxyConfig, file + ": vhost " + vhost.name() + " does not proxy");
            List<String> backends = ((ProxyConfig) vhost.action()).backends().stream().map(Object::toString).toList();
            assertEquals(List.of(BACKEND), backends.stream().map(b -> b.replaceAll("/$", "")).toList(),
                    file + ": vhost " + vhost.name());
        }
    }

    @Test
    void benchConfigsListenOnFixedLoopbackPortsNoTwoTheSame() throws IOException {
        Map<ListenAddress, Path> owners = new HashMap<>();
        for (Path file : benchYamlFiles()) {
            for (ListenAddress listener : load(file).allListeners()) {
                assertEquals("127.0.0.1", listener.host(), file + ": " + listener);
                assertTrue(listener.port() > 0, file + ": port 0 would not be known to bench/run.sh");
                assertNull(owners.put(listener, file), listener + " is in both " + owners.get(listener) + " and " + file);
            }
        }
    }

    @Test
    void vhostsScenarioConfigHasOneThousandDistinctHosts() {
        GatewayConfig config = load(BENCH.resolve("conf/vhosts1000/gatehouse.yaml"));

        List<String> hosts = config.vhosts().stream().flatMap(v -> v.hosts().stream()).toList();
        assertEquals(1000, config.vhosts().size());
        assertEquals(1000, hosts.stream().distinct().count());
        assertTrue(hosts.contains("site0001.bench.test") && hosts.contains("site1000.bench.test"), hosts.toString());
    }
}
