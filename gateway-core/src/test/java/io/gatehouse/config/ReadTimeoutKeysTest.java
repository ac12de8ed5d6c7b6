package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.assertOnlyProblem;
import static io.gatehouse.config.YamlFiles.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code timeouts.read}: at the top level, overridden by a proxy (a vhost's or a route's) and by a FastCGI action as
 * {@code timeouts.response} is, and refused with its place when it is no positive duration.
 */
class ReadTimeoutKeysTest {

    @TempDir
    Path dir;

    @Test
    void theReadTimeoutIsSixtySecondsByDefaultAsNginxsProxyReadTimeout() throws Exception {
        GatewayConfig config = load(dir, YamlFiles.ANY_VHOST);

        assertEquals(Duration.ofSeconds(60), config.timeouts().read());
        assertEquals(Duration.ofSeconds(60), ProxyConfig.builder().backend("http://127.0.0.1:9000").build().readTimeout());
    }

    @Test
    void aProxyWithoutItsOwnReadTimeoutTakesTheTopLevelOne() throws Exception {
        GatewayConfig config = load(dir, """
                timeouts: { read: 5m }
                vhosts:
                  - hosts: ["*"]
                    proxy: { backends: ["http://127.0.0.1:9000"] }
                """);

        assertEquals(Duration.ofMinutes(5), config.timeouts().read());
        assertEquals(Duration.ofMinutes(5), ((ProxyConfig) config.vhosts().get(0).action()).readTimeout());
    }

    @Test
    void aVhostsAndARoutesProxyOverrideTheReadTimeout() throws Exception {
        GatewayConfig config = load(dir, """
                timeouts: { read: 5m }
                vhosts:
                  - hosts: [a.test]
                    proxy: { backends: ["http://127.0.0.1:9000"], timeouts: { read: 10s } }
                  - hosts: [b.test]
                    routes:
                      - path: /events/
                        proxy: { backends: ["http://127.0.0.1:9001"], timeouts: { read: 1h } }
                """);

        assertEquals(Duration.ofSeconds(10), ((ProxyConfig) config.vhosts().get(0).action()).readTimeout());
        assertEquals(Duration.ofHours(1), ((ProxyConfig) config.vhosts().get(1).routes().get(0).action()).readTimeout());
    }

    @Test
    void aFastCgiActionTakesTheTopLevelReadTimeoutOrItsOwn() throws Exception {
        GatewayConfig config = load(dir, """
                timeouts: { read: 90s }
                vhosts:
                  - hosts: [a.test]
                    files: { root: /srv/a, fastcgi: { backends: ["127.0.0.1:9000"] } }
                  - hosts: [b.test]
                    files: { root: /srv/b, fastcgi: { backends: ["127.0.0.1:9000"], timeouts: { read: 2s } } }
                """);

        assertEquals(Duration.ofSeconds(90), fastcgi(config, 0).readTimeout());
        assertEquals(Duration.ofSeconds(2), fastcgi(config, 1).readTimeout());
    }

    @Test
    void theBuildersSetTheSameKeys() throws Exception {
        GatewayConfig config = GatewayConfig.builder().readTimeout(Duration.ofSeconds(7))
                .vhost(v -> v.hosts("a.test").proxy(p -> p.backend("http://127.0.0.1:9000")))
                .vhost(v -> v.hosts("b.test").proxy(p -> p.backend("http://127.0.0.1:9000").readTimeout(Duration.ofSeconds(3))))
                .vhost(v -> v.hosts("c.test").files(f -> f.root("/srv/c")
                        .fastcgi(c -> c.backend("127.0.0.1:9000").readTimeout(Duration.ofSeconds(4)))))
                .build();

        assertEquals(Duration.ofSeconds(7), config.timeouts().read());
        assertEquals(Duration.ofSeconds(7), ((ProxyConfig) config.vhosts().get(0).action()).readTimeout());
        assertEquals(Duration.ofSeconds(3), ((ProxyConfig) config.vhosts().get(1).action()).readTimeout());
        assertEquals(Duration.ofSeconds(4), fastcgi(config, 2).readTimeout());
    }

    @Test
    void aTopLevelReadTimeoutOfZeroIsRefusedWhereItIsWritten() {
        assertOnlyProblem(dir, """
                timeouts: { read: 0s }
                vhosts: [{hosts: ['*'], echo: {}}]
                """, 1, 19, "timeouts.read", "must be more than 0, got '0s'");
    }

    @Test
    void aProxysReadTimeoutWithoutAUnitIsRefusedWhereItIsWritten() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: ['*']
                    proxy: { backends: ["http://127.0.0.1:8080"], timeouts: { read: 30 } }
                """, 3, 69, "vhosts[0].proxy.timeouts.read", "add a unit: 30s (units: ms, s, m, h)");
    }

    @Test
    void aFastCgiReadTimeoutOfZeroIsRefusedWhereItIsWritten() {
        assertOnlyProblem(dir, """
                vhosts:
                  - hosts: ['*']
                    files: { root: /srv/a, fastcgi: { backends: ["127.0.0.1:9000"], timeouts: { read: 0ms } } }
                """, 3, 87, "vhosts[0].files.fastcgi.timeouts.read", "must be more than 0, got '0ms'");
    }

    @Test
    void aReadTimeoutOfZeroBuiltInCodeNamesItsKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Timeouts(Duration.ofSeconds(5),
                Duration.ofSeconds(60), Duration.ofSeconds(75), Duration.ofSeconds(60), Duration.ZERO));

        assertEquals("timeouts.read: must be more than 0, got 0ms", e.getMessage());
    }

    @Test
    void theReadTimeoutIsShownByTheBuilderErrorsUnderItsKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> ProxyConfig.builder()
                .backend("http://127.0.0.1:9000").readTimeout(Duration.ofSeconds(-1)).build());

        assertEquals(List.of(new ConfigProblem(Optional.empty(), 0, 0, "proxy.timeouts.read", "must be more than 0, got 'PT-1S'")),
                e.problems());
    }

    private static FastCgiConfig fastcgi(GatewayConfig config, int vhost) {
        return ((FilesConfig) config.vhosts().get(vhost).action()).fastcgi().orElseThrow();
    }
}
