package io.gatehouse.config;

import static io.gatehouse.config.LoadedRecords.files;
import static io.gatehouse.config.LoadedRecords.proxy;
import static io.gatehouse.config.YamlFiles.load;
import static io.gatehouse.config.YamlFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    static final String ISSUE_EXAMPLE = """
            listen: ["0.0.0.0:80"]            # default listeners for every vhost
            forwarded:
              trusted: ["127.0.0.1/32"]
            timeouts: { connect: 5s, response: 60s, idle: 75s }
            limits:   { maxBody: 1GiB, maxHeaderBytes: 16KiB }
            accessLog: { path: "-", format: combined }
            vhosts:
              - hosts: [www.example.com, example.com]
                proxy:
                  backends: ["http://127.0.0.1:8080"]
                  preserveHost: true
              - hosts: ["*"]
                files:
                  root: "/home/%0/public_html"
                  fallbackRoot: /var/www/html
                  index: [index.html, default.htm]
                  deny: ["~", ".inc"]
                  listing: false
                  noRanges: ['\\.pdf$']
              - hosts: ["*"]
                listen: ["127.0.0.1:9000"]
                echo: {}
            """;

    @Test
    void issueExampleLoadsIntoTheExpectedRecords() throws Exception {
        Path file = write(dir, ISSUE_EXAMPLE);

        GatewayConfig config = GatewayConfig.load(file);

        GatewayConfig expected = new GatewayConfig(
                List.of(new ListenAddress("0.0.0.0", 80)),
                new ForwardedConfig(List.of(Cidr.parse("127.0.0.1/32"))),
                new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(75), Duration.ofSeconds(60)),
                new Limits(1L << 30, 16 * 1024, 100, 8 * 1024, Limits.EncodedSlashes.REFUSE),
                new AccessLogConfig("-", AccessLogConfig.Format.COMBINED),
                ShutdownConfig.DEFAULTS,
                List.of(
                        new VirtualHost("www.example.com", List.of("www.example.com", "example.com"), List.of(),
                                proxy(List.of(URI.create("http://127.0.0.1:8080")), true,
                                        Duration.ofSeconds(5), Duration.ofSeconds(60), 64, 1024)),
                        new VirtualHost("*", List.of("*"), List.of(),
                                files("/home/%0/public_html", Optional.of(Path.of("/var/www/html")),
                                        List.of("index.html", "default.htm"), List.of("~", ".inc"),
                                        List.of(Pattern.compile("\\.pdf$")))),
                        new VirtualHost("*", List.of("*"), List.of(new ListenAddress("127.0.0.1", 9000)), new EchoConfig())),
                Optional.of(file), AdminConfig.OFF, Optional.empty(), false, LogConfig.DEFAULTS);
        assertEquals(expected, config);
    }

    @Test
    void everyTopLevelKeyHasItsDefault() throws Exception {
        GatewayConfig config = load(dir, "vhosts: [{hosts: [example.com], echo: {}}]");

        assertEquals(List.of(new ListenAddress("0.0.0.0", 80)), config.listen());
        assertEquals(ForwardedConfig.DEFAULTS, config.forwarded());
        assertEquals(Timeouts.DEFAULTS, config.timeouts());
        assertEquals(Limits.DEFAULTS, config.limits());
        assertEquals(AccessLogConfig.DEFAULTS, config.accessLog());
        assertEquals(new ShutdownConfig(Duration.ofSeconds(30)), config.shutdown());
    }

    @Test
    void vhostNameDefaultsToItsFirstHostAndListenToTheGatewayOnes() throws Exception {
        VirtualHost vhost = load(dir, "vhosts: [{hosts: [b.example, a.example], echo: {}}]").vhosts().get(0);

        assertEquals(new VirtualHost("b.example", List.of("b.example", "a.example"), List.of(), new EchoConfig()), vhost);
    }

    @Test
    void proxyDefaultsInheritTheTopLevelTimeouts() throws Exception {
        GatewayConfig config = load(dir, """
                timeouts: { connect: 2s, response: 90s }
                vhosts:
                  - hosts: [example.com]
                    proxy: { backends: ["http://127.0.0.1:8080"] }
                """);

        assertEquals(proxy(List.of(URI.create("http://127.0.0.1:8080")), ProxyConfig.DEFAULT_PRESERVE_HOST,
                Duration.ofSeconds(2), Duration.ofSeconds(90), ProxyConfig.DEFAULT_CONNECTIONS_PER_BACKEND,
                ProxyConfig.DEFAULT_QUEUE_SIZE), config.vhosts().get(0).action());
    }

    @Test
    void proxySettingsOverrideTheDefaults() throws Exception {
        GatewayConfig config = load(dir, """
                vhosts:
                  - hosts: [example.com]
                    proxy:
                      backends: ["http://app.internal", "http://10.0.0.2:8080/"]
                      preserveHost: false
                      timeouts: { connect: 250ms, response: 2m }
                      connections: 8
                      queue: 0
                """);

        assertEquals(proxy(List.of(URI.create("http://app.internal:80"), URI.create("http://10.0.0.2:8080")), false,
                Duration.ofMillis(250), Duration.ofMinutes(2), 8, 0), config.vhosts().get(0).action());
    }

    @Test
    void filesDefaults() throws Exception {
        GatewayConfig config = load(dir, "vhosts: [{hosts: ['*'], files: {root: /srv/www}}]");

        assertEquals(files("/srv/www", Optional.empty(), FilesConfig.DEFAULT_INDEX, List.of(), List.of()),
                config.vhosts().get(0).action());
    }

    @Test
    void hostPatternsAreLowerCasedWithoutTrailingDot() throws Exception {
        GatewayConfig config = load(dir, "vhosts: [{hosts: [WWW.Example.COM., '*.Example.com', '*'], echo: {}}]");

        assertEquals(List.of("www.example.com", "*.example.com", "*"), config.vhosts().get(0).hosts());
    }

    @Test
    void listenAcceptsPortOnlyHostAndBracketedIpv6() throws Exception {
        GatewayConfig config = load(dir, """
                listen: [":8080", "localhost:8081", "[::1]:8082"]
                vhosts: [{hosts: ['*'], echo: {}}]
                """);

        assertEquals(List.of(new ListenAddress("0.0.0.0", 8080), new ListenAddress("localhost", 8081),
                new ListenAddress("::1", 8082)), config.listen());
    }

    @Test
    void trustedBareAddressIsASingleHostNetwork() throws Exception {
        GatewayConfig config = load(dir, """
                forwarded: { trusted: [10.1.2.3, "::1", "192.168.0.0/16"] }
                vhosts: [{hosts: ['*'], echo: {}}]
                """);

        assertEquals(List.of(Cidr.parse("10.1.2.3/32"), Cidr.parse("::1/128"), Cidr.parse("192.168.0.0/16")),
                config.forwarded().trusted());
    }

    @Test
    void accessLogOffNeedsNoQuotesAndFormatIgnoresCase() throws Exception {
        GatewayConfig config = load(dir, """
                accessLog: { path: off, format: JSON }
                vhosts: [{hosts: ['*'], echo: {}}]
                """);

        assertEquals(new AccessLogConfig("off", AccessLogConfig.Format.JSON), config.accessLog());
    }

    @Test
    void emptyEchoValueIsTheSameAsAnEmptyMapping() throws Exception {
        GatewayConfig config = load(dir, """
                vhosts:
                  - hosts: ['*']
                    echo:
                """);

        assertEquals(new EchoConfig(), config.vhosts().get(0).action());
    }

    @Test
    void relativePathsAreResolvedAgainstTheConfigFilesDirectory() throws Exception {
        GatewayConfig config = load(dir, """
                accessLog: { path: logs/access.log }
                vhosts:
                  - hosts: ['*']
                    files: { root: "www/%0/htdocs", fallbackRoot: ../default }
                """);

        FilesConfig files = (FilesConfig) config.vhosts().get(0).action();
        Path base = dir.toAbsolutePath();
        assertEquals(base.resolve("www/%0/htdocs").toString(), files.root());
        assertEquals(Optional.of(base.getParent().resolve("default")), files.fallbackRoot());
        assertEquals(base.resolve("logs/access.log").toString(), config.accessLog().path());
    }

    @Test
    void stdoutAccessLogIsNotAPath() throws Exception {
        GatewayConfig config = load(dir, "accessLog: { path: '-' }\nvhosts: [{hosts: ['*'], echo: {}}]");

        assertEquals("-", config.accessLog().path());
    }

    @Test
    void aHostPatternMayRepeatOnAnotherListener() throws Exception {
        GatewayConfig config = load(dir, """
                listen: [":8080"]
                vhosts:
                  - hosts: [example.com]
                    echo: {}
                  - hosts: [example.com]
                    listen: ["127.0.0.1:9000"]
                    echo: {}
                """);

        assertEquals(2, config.vhosts().size());
    }

    @Test
    void aVhostMayNameADefaultListenerAsItsOwn() throws Exception {
        GatewayConfig config = load(dir, """
                listen: [":8080"]
                vhosts:
                  - hosts: [a.example]
                    echo: {}
                  - hosts: [b.example]
                    listen: ["0.0.0.0:8080", "127.0.0.1:9000"]
                    echo: {}
                """);

        assertEquals(List.of(new ListenAddress("0.0.0.0", 8080), new ListenAddress("127.0.0.1", 9000)),
                config.listenersOf(config.vhosts().get(1)));
    }

    @Test
    void sizesAndDurationsInTheirPlaces() throws Exception {
        GatewayConfig config = load(dir, """
                limits: { maxBody: 10M, maxHeaderBytes: 8k }
                shutdown: { drainTimeout: 0s }
                vhosts: [{hosts: ['*'], echo: {}}]
                """);

        assertEquals(new Limits(10L * 1024 * 1024, 8 * 1024, Limits.DEFAULT_MAX_HEADERS, Limits.DEFAULT_MAX_URI_BYTES,
                Limits.EncodedSlashes.REFUSE), config.limits());
        assertEquals(Duration.ZERO, config.shutdown().drainTimeout());
    }

    @Test
    void aliasStandsForItsAnchoredValue() throws Exception {
        GatewayConfig config = load(dir, """
                vhosts:
                  - hosts: [a.example]
                    proxy: &app { backends: ["http://127.0.0.1:8080"], preserveHost: false }
                  - hosts: [b.example]
                    proxy: *app
                """);

        assertEquals(config.vhosts().get(0).action(), config.vhosts().get(1).action());
    }

}
