package io.gatehouse.daemon;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gatehouse check} ends a files action's FastCGI line with its front controller, when it has one. */
class FrontControllerReportTest {

    @Test
    void checkShowsTheFrontControllerAfterTheTimeouts() throws ConfigException {
        GatewayConfig config = GatewayConfig.builder().vhost(v -> v.hosts("*").files(f -> f.root("/srv/www")
                .fastcgi(c -> c.backend("127.0.0.1:9000").frontController("/index.php")))).build();

        String report = RouteReport.of(config);

        assertTrue(report.contains(", frontController /index.php\n"), report);
    }
}
