package io.gatehouse.daemon;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code /config} and {@code gatehouse check} show of a route's secrets: header values whose names contain
 * auth, key, token, secret, password or cookie, and the patterns of conditions on such headers, never in clear.
 */
class SecretRedactionTest {

    @TempDir
    Path dir;

    private GatewayConfig load() throws IOException, ConfigException {
        Path file = dir.resolve("gatehouse.yaml");
        Files.writeString(file, """
                listen: ["127.0.0.1:8080"]
                vhosts:
                  - hosts: [app.test]
                    routes:
                      - header: { name: X-Api-Key, matches: '^k3y-v4lue$' }
                        proxy: { backends: ["http://127.0.0.1:9000"] }
                        headers:
                          request:
                            set: { X-Gateway-Auth: gw-s3cret, X-Upstream-Auth: 'Basic dXNlcjpwYXNz' }
                            add: { X-Session-Cookie: 'sid=c00kie', X-Tag: app }
                          response:
                            set: { X-Frame-Options: DENY }
                      - header: { name: X-Tenant, matches: '^acme$' }
                        respond: { status: 200 }
                """);
        return GatewayConfig.load(file);
    }

    @Test
    void configJsonRedactsSecretHeaderValuesAndConditionPatterns() throws Exception {
        String json = ConfigJson.of(load());

        for (String secret : new String[] {"k3y-v4lue", "gw-s3cret", "dXNlcjpwYXNz", "c00kie"}) {
            assertFalse(json.contains(secret), secret + " in " + json);
        }
        assertTrue(json.contains("\"X-Gateway-Auth\""), json);
        assertTrue(json.contains("\"^acme$\""), json);
        assertTrue(json.contains("\"DENY\""), json);
        assertTrue(json.contains("\"app\""), json);
    }

    @Test
    void routeReportRedactsConditionPatternsOnSecretHeaders() throws Exception {
        String report = RouteReport.of(load());

        assertFalse(report.contains("k3y-v4lue"), report);
        assertTrue(report.contains("header X-Api-Key matches " + ConfigJson.REDACTED), report);
        assertTrue(report.contains("header X-Tenant matches '^acme$'"), report);
    }
}
