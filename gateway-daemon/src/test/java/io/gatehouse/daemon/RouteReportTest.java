package io.gatehouse.daemon;

import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.Cidr;
import io.gatehouse.config.EchoConfig;
import io.gatehouse.config.FilesConfig;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.config.ShutdownConfig;
import io.gatehouse.config.Timeouts;
import io.gatehouse.config.VirtualHost;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteReportTest {

    private static final ListenAddress FRONT = new ListenAddress("127.0.0.1", 8080);
    private static final ListenAddress BACK = new ListenAddress("127.0.0.1", 9000);

    private static final VirtualHost APP = new VirtualHost("app", List.of("app.localhost"), List.of(),
            new ProxyConfig(List.of(URI.create("http://127.0.0.1:9000"), URI.create("http://127.0.0.1:9001")), true,
                    Duration.ofSeconds(5), Duration.ofMinutes(1), 64, 1024));
    private static final VirtualHost SITES = new VirtualHost("sites", List.of("*"), List.of(),
            new FilesConfig("/home/%0/public_html", Optional.of(Path.of("/var/www/html")), List.of("index.html", "default.htm"),
                    List.of("~", ".inc"), true, List.of(Pattern.compile("\\.pdf$"))));
    private static final VirtualHost ECHO = new VirtualHost("echo", List.of("*"), List.of(BACK), new EchoConfig());

    private static GatewayConfig config(ForwardedConfig forwarded, VirtualHost... vhosts) {
        return new GatewayConfig(List.of(FRONT), forwarded, Timeouts.DEFAULTS, Limits.DEFAULTS, AccessLogConfig.DEFAULTS,
                new ShutdownConfig(Duration.ofSeconds(10)), List.of(vhosts), Optional.empty());
    }

    @Test
    void vhostWithItsOwnListenersIsListedOnlyUnderThem() {
        String report = RouteReport.of(config(ForwardedConfig.DEFAULTS, APP, SITES, ECHO));

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
        String report = RouteReport.of(config(ForwardedConfig.DEFAULTS, APP));

        assertTrue(report.contains("\n       proxy http://127.0.0.1:9000, http://127.0.0.1:9001, preserveHost on, connect 5s, response 1m\n"),
                report);
    }

    @Test
    void proxyPoolBalancingAndHealthSettingsFollowOnAContinuationLine() {
        String report = RouteReport.of(config(ForwardedConfig.DEFAULTS, APP));

        assertTrue(report.contains(", response 1m\n         idle 1m, connections 64 idle, maxConnections none, balance round-robin, retries 1, "
                + "health failures 3 coolOff 10s\n"), report);
    }

    @Test
    void proxySummaryShowsTheActiveHealthCheck() {
        ProxyConfig checked = new ProxyConfig(List.of(URI.create("http://127.0.0.1:9000")), false, Duration.ofSeconds(2),
                Duration.ofSeconds(30), 8, 16, ProxyConfig.Balance.LEAST_REQUESTS,
                new ProxyConfig.Health(5, Duration.ofSeconds(20),
                        Optional.of(new ProxyConfig.Check("/healthz", Duration.ofSeconds(3), 204))),
                0, Duration.ofSeconds(45), 32);
        String report = RouteReport.of(config(ForwardedConfig.DEFAULTS,
                new VirtualHost("api", List.of("api.test"), List.of(), checked)));

        assertTrue(report.contains("proxy http://127.0.0.1:9000, preserveHost off, connect 2s, response 30s\n"
                + "         idle 45s, connections 8 idle, maxConnections 32 queue 16, balance least-requests, retries 0, "
                + "health failures off (the only backend) check /healthz every 3s expect 204\n"), report);
    }

    @Test
    void filesSummaryShowsEverySetting() {
        String report = RouteReport.of(config(ForwardedConfig.DEFAULTS, SITES));

        assertTrue(report.contains("files root /home/%0/public_html, fallbackRoot /var/www/html, index [index.html, default.htm], "
                + "deny [\"~\", \".inc\"], listing on, noRanges [\\.pdf$]\n"), report);
    }

    @Test
    void globalSettingsFollowTheRoutes() {
        String report = RouteReport.of(config(new ForwardedConfig(List.of(Cidr.parse("10.0.0.0/8"))), APP));

        assertTrue(report.endsWith("forwarded.trusted: [10.0.0.0/8]\naccessLog: - (combined)\nshutdown.drainTimeout: 10s\n"), report);
    }

    @Test
    void noTrustedProxiesIsSpelledOut() {
        String report = RouteReport.of(config(ForwardedConfig.DEFAULTS, APP));

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
