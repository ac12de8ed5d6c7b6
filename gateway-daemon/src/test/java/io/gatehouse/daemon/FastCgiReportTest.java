package io.gatehouse.daemon;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gatehouse check} shows the FastCGI servers of a files action under it, next to what it never sends. */
class FastCgiReportTest {

    @Test
    void checkShowsTheServersExtensionsAndTimeoutsUnderTheFilesAction() throws ConfigException {
        GatewayConfig config = GatewayConfig.builder().vhost(v -> v.hosts("*").files(f -> f.root("/srv/www")
                .fastcgi(c -> c.backend("127.0.0.1:9000").backend("127.0.0.1:9001")
                        .responseTimeout(Duration.ofSeconds(90)).readTimeout(Duration.ofSeconds(20))))).build();

        String report = RouteReport.of(config);

        assertTrue(report.contains("staticExclude [\".php\", \".phtml\", \".pl\", \".fcgi\", \".cgi\"]"), report);
        assertTrue(report.contains("fastcgi fcgi://127.0.0.1:9000, fcgi://127.0.0.1:9001, extensions [\".php\"] (run, not refused), "
                + "connect "), report);
        assertTrue(report.contains(", response 90s, read 20s, keepAlive 0, maxConnections none (no cap)\n"), report);
    }

    @Test
    void checkShowsTheSpawnedProcessesAndTheirConnectionCap() throws ConfigException {
        GatewayConfig config = GatewayConfig.builder().vhost(v -> v.hosts("*").files(f -> f.root("/srv/www")
                .fastcgi(c -> c.spawn(s -> s.processes(2).children(4))))).build();

        String report = RouteReport.of(config);

        assertTrue(report.contains("fastcgi spawn 2 x \"/usr/bin/php-cgi\" (children 4, maxRequests "), report);
        assertTrue(report.contains(", keepAlive 4, maxConnections 4 (more wait in the gateway)"), report);
    }

    @Test
    void checkShowsNoFastCgiLineWithoutIt() throws ConfigException {
        String report = RouteReport.of(GatewayConfig.builder().vhost(v -> v.hosts("*").files(f -> f.root("/srv/www"))).build());

        assertFalse(report.contains("fastcgi"), report);
    }
}
