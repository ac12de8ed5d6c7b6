package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.load;
import static io.gatehouse.config.YamlFiles.withoutSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConfigBuilderTest {

    @TempDir
    Path dir;

    @Test
    void builderGivesTheSameRecordsAsTheIssueExampleYaml() throws Exception {
        GatewayConfig built = GatewayConfig.builder()
                .listen("0.0.0.0:80")
                .trust("127.0.0.1/32")
                .connectTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofSeconds(60)).idleTimeout(Duration.ofSeconds(75))
                .maxBody(1L << 30).maxHeaderBytes(16 * 1024)
                .accessLog(a -> a.format(AccessLogConfig.Format.COMBINED))
                .vhost(v -> v.hosts("www.example.com", "example.com")
                        .proxy(p -> p.backend("http://127.0.0.1:8080").preserveHost(true)))
                .vhost(v -> v.hosts("*").files(f -> f.root("/home/%0/public_html").fallbackRoot("/var/www/html")
                        .index("index.html", "default.htm").deny("~", ".inc").listing(false).noRanges("\\.pdf$")))
                .vhost(v -> v.hosts("*").listen("127.0.0.1:9000").echo())
                .build();

        assertEquals(withoutSource(load(dir, ConfigLoaderTest.ISSUE_EXAMPLE)), built);
    }

    @Test
    void builderGivesTheSameRecordsForEveryOtherKey() throws Exception {
        GatewayConfig built = GatewayConfig.builder()
                .drainTimeout(Duration.ofSeconds(5))
                .accessLog(a -> a.path("off").format(AccessLogConfig.Format.JSON))
                .vhost(v -> v.name("app").hosts("App.Example.").listen(":8080")
                        .proxy(p -> p.backend("http://127.0.0.1:8081").backend("http://127.0.0.1:8082").preserveHost(false)
                                .connectTimeout(Duration.ofMillis(250)).responseTimeout(Duration.ofMinutes(2))
                                .connections(4).queue(0)))
                .build();

        GatewayConfig loaded = load(dir, """
                shutdown: { drainTimeout: 5s }
                accessLog: { path: off, format: json }
                vhosts:
                  - name: app
                    hosts: [App.Example.]
                    listen: [":8080"]
                    proxy:
                      backends: ["http://127.0.0.1:8081", "http://127.0.0.1:8082"]
                      preserveHost: false
                      timeouts: { connect: 250ms, response: 2m }
                      connections: 4
                      queue: 0
                """);
        assertEquals(withoutSource(loaded), built);
    }

    @Test
    void builderDefaultsAreTheLoaderDefaultsButForTheAccessLog() throws Exception {
        GatewayConfig built = GatewayConfig.builder()
                .vhost(v -> v.hosts("*").files(f -> f.root("/srv/www")))
                .build();

        assertEquals(withoutSource(load(dir, "accessLog: {path: off}\nvhosts: [{hosts: ['*'], files: {root: /srv/www}}]")), built);
    }

    @Test
    void builderResolvesRelativePathsAgainstTheCurrentDirectory() throws Exception {
        GatewayConfig built = GatewayConfig.builder()
                .vhost(v -> v.hosts("*").files(f -> f.root("www/%0")))
                .build();

        assertEquals(Path.of("").toAbsolutePath().resolve("www/%0").toString(), ((FilesConfig) built.vhosts().get(0).action()).root());
    }

    @Test
    void builderHasNoSource() throws Exception {
        GatewayConfig built = GatewayConfig.builder().vhost(v -> v.hosts("*").echo()).build();

        assertEquals(Optional.empty(), built.source());
    }

    @Test
    void builderProblemsCarryTheYamlKeyPathsWithoutLocation() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.builder()
                .maxHeaderBytes(512)
                .vhost(v -> v.hosts("example.com").proxy(p -> p.backend("http://127.0.0.1:8080/app")))
                .vhost(v -> {
                    v.hosts("a*.example");
                    v.echo(); // a second action is possible only outside one chain
                    v.files(f -> f.root("/srv/%x"));
                })
                .build());

        assertEquals(List.of(
                new ConfigProblem(Optional.empty(), 0, 0, "limits.maxHeaderBytes", "must be 1KiB to 2GiB, got '512'"),
                new ConfigProblem(Optional.empty(), 0, 0, "vhosts[0].proxy.backends[0]", "a backend path ('/app') is not "
                        + "supported yet: requests go to the backend with their own path unchanged; expected http://host:port or https://host:port, "
                        + "like http://127.0.0.1:8080"),
                new ConfigProblem(Optional.empty(), 0, 0, "vhosts[1].hosts[0]", "invalid host pattern 'a*.example': expected "
                        + "an exact name (example.com), a wildcard (*.example.com) or * for any host; '*' is only allowed as the "
                        + "whole first label"),
                new ConfigProblem(Optional.empty(), 0, 0, "vhosts[1].files", "a vhost takes exactly one action of proxy, "
                        + "files, echo; this one already has 'echo'"),
                new ConfigProblem(Optional.empty(), 0, 0, "vhosts[1].files.root", "invalid evhost token at position 5 in "
                        + "\"/srv/%x\": use %0-%9, %_, %%, %{M} or %{M.N}")), e.problems());
    }

    @Test
    void builderWithoutVhostsIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.builder().listen(":8080").build());

        assertEquals("vhosts: missing; list at least one vhost, like: vhosts: [{hosts: [\"*\"], echo: {}}]", e.getMessage());
    }

    @Test
    void builderRefusesANegativeTimeout() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.builder()
                .connectTimeout(Duration.ofSeconds(-1))
                .vhost(v -> v.hosts("*").echo())
                .build());

        assertEquals("timeouts.connect: must be more than 0, got 'PT-1S'", e.getMessage());
    }

    @Test
    void builderVhostWithoutHostsIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.builder().vhost(v -> v.echo()).build());

        assertEquals("vhosts[0].hosts: missing; give the names this vhost answers, like hosts: [example.com]", e.getMessage());
    }
}
