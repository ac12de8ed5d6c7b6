package io.gatehouse.daemon;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.GatewayConfigBuilder;
import io.gatehouse.config.GatewayConfigBuilder.VirtualHostBuilder;
import io.gatehouse.config.ProxyConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteReportTest {

    private static final Consumer<VirtualHostBuilder> APP = v -> v.name("app").hosts("app.localhost")
            .proxy(p -> p.backend("http://127.0.0.1:9000").backend("http://127.0.0.1:9001")
                    .connectTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofMinutes(1)));
    private static final Consumer<VirtualHostBuilder> SITES = v -> v.name("sites").hosts("*")
            .files(f -> f.root("/home/%0/public_html").fallbackRoot("/var/www/html").index("index.html", "default.htm")
                    .deny("~", ".inc").listing(true).noRanges("\\.pdf$"));
    private static final Consumer<VirtualHostBuilder> ECHO = v -> v.name("echo").hosts("*").listen("127.0.0.1:9000").echo();

    /**
     * The vhosts on 127.0.0.1:8080 (unless their own listeners), peers in {@code trusted} trusted, drainTimeout 10s,
     * the access log on standard output as the daemon's YAML default has it.
     */
    @SafeVarargs
    private static GatewayConfig config(List<String> trusted, Consumer<VirtualHostBuilder>... vhosts) {
        GatewayConfigBuilder builder = GatewayConfig.builder().listen("127.0.0.1:8080").drainTimeout(Duration.ofSeconds(10))
                .trust(trusted.toArray(String[]::new)).accessLog(a -> a.path("-"));
        for (Consumer<VirtualHostBuilder> vhost : vhosts) {
            builder.vhost(vhost);
        }
        try {
            return builder.build();
        } catch (ConfigException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void vhostWithItsOwnListenersIsListedOnlyUnderThem() {
        String report = RouteReport.of(config(List.of(), APP, SITES, ECHO));

        String front = report.substring(report.indexOf("listen 127.0.0.1:8080"), report.indexOf("listen 127.0.0.1:9000"));
        String back = report.substring(report.indexOf("listen 127.0.0.1:9000"), report.indexOf("forwarded.trusted"));
        assertTrue(front.startsWith("listen 127.0.0.1:8080 (2 vhosts)\n"), report);
        assertTrue(front.contains("  app    hosts app.localhost\n"), report);
        assertTrue(front.contains("  sites  hosts *\n"), report);
        assertTrue(!front.contains("echo"), report);
        assertTrue(back.startsWith("listen 127.0.0.1:9000 (1 vhost)\n  echo  hosts *\n"), report);
    }

    @Test
    void proxySummaryShowsBackendsPreserveHostAndTimeouts() {
        String report = RouteReport.of(config(List.of(), APP));

        assertTrue(report.contains("\n       proxy http://127.0.0.1:9000, http://127.0.0.1:9001, preserveHost on, connect 5s, response 1m, read 1m\n"),
                report);
    }

    @Test
    void proxyPoolBalancingAndHealthSettingsFollowOnAContinuationLine() {
        String report = RouteReport.of(config(List.of(), APP));

        assertTrue(report.contains(", response 1m, read 1m\n         idle 1m, connections 64 idle, maxConnections none, balance round-robin, retries 1, "
                + "health failures 3 coolOff 10s\n"), report);
    }

    @Test
    void proxySummaryShowsTheActiveHealthCheck() {
        String report = RouteReport.of(config(List.of(), v -> v.name("api").hosts("api.test")
                .proxy(p -> p.backend("http://127.0.0.1:9000").preserveHost(false).connectTimeout(Duration.ofSeconds(2))
                        .responseTimeout(Duration.ofSeconds(30)).readTimeout(Duration.ofSeconds(10)).connections(8).queue(16).balance(ProxyConfig.Balance.LEAST_REQUESTS)
                        .passiveHealth(h -> h.failures(5).coolOff(Duration.ofSeconds(20)))
                        .healthCheck(h -> h.path("/healthz").interval(Duration.ofSeconds(3)).expect(204))
                        .retries(0).idleTimeout(Duration.ofSeconds(45)).maxConnections(32))));

        assertTrue(report.contains("proxy http://127.0.0.1:9000, preserveHost off, connect 2s, response 30s, read 10s\n"
                + "         idle 45s, connections 8 idle, maxConnections 32 queue 16, balance least-requests, retries 0, "
                + "health failures off (the only backend) check /healthz every 3s expect 204\n"), report);
    }

    @Test
    void filesSummaryShowsEverySetting() {
        String report = RouteReport.of(config(List.of(), SITES));

        assertTrue(report.contains("files root /home/%0/public_html, fallbackRoot /var/www/html, index [index.html, default.htm], "
                + "deny [\"~\", \".inc\"], staticExclude [\".php\", \".phtml\", \".pl\", \".fcgi\", \".cgi\"], listing on, "
                + "noRanges [\\.pdf$]\n"), report);
    }

    @Test
    void globalSettingsFollowTheRoutes() {
        String report = RouteReport.of(config(List.of("10.0.0.0/8"), APP));

        assertTrue(report.endsWith("forwarded.trusted: [10.0.0.0/8]\naccessLog: - (combined)\nshutdown.drainTimeout: 10s\n"), report);
    }

    @Test
    void noTrustedProxiesIsSpelledOut() {
        String report = RouteReport.of(config(List.of(), APP));

        assertTrue(report.contains("forwarded.trusted: none (X-Forwarded-* headers from every peer are replaced, not extended)\n"), report);
    }

    @Test
    void durationsUseTheYamlSpelling() {
        assertEquals("250ms", RouteReport.duration(Duration.ofMillis(250)));
        assertEquals("0ms", RouteReport.duration(Duration.ZERO));
        assertEquals("1500ms", RouteReport.duration(Duration.ofMillis(1500)));
        assertEquals("90s", RouteReport.duration(Duration.ofSeconds(90)));
        assertEquals("2m", RouteReport.duration(Duration.ofMinutes(2)));
        assertEquals("1h", RouteReport.duration(Duration.ofHours(1)));
    }
}
