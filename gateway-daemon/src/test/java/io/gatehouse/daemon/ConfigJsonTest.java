package io.gatehouse.daemon;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigJsonTest {

    @Test
    void effectiveConfigurationShowsDefaultsAddressesAndEachActionByKind() throws ConfigException, IOException {
        String json = ConfigJson.of(GatewayConfig.builder().listen("127.0.0.1:8080").trust("10.0.0.0/8")
                .responseTimeout(Duration.ofMillis(1500)).admin(":9901")
                .vhost(v -> v.name("app").hosts("app.test").proxy(p -> p.backend("http://127.0.0.1:9000")))
                .build());

        assertTrue(json.contains("\"listen\" : [ \"127.0.0.1:8080\" ]"), json);
        assertTrue(json.contains("\"trusted\" : [ \"10.0.0.0/8\" ]"), json);
        assertTrue(json.contains("\"response\" : \"1500ms\""), json);
        assertTrue(json.contains("\"proxy\" : {"), json);
        assertTrue(json.contains("\"backends\" : [ \"http://127.0.0.1:9000\" ]"), json);
        assertTrue(json.contains("\"admin\" : {\n    \"listen\" : \"127.0.0.1:9901\""), json);
        assertFalse(json.contains("\"action\""), json);
    }

    @Test
    void valuesOfSecretLookingKeysAndHeaderRulesAreRedacted() throws IOException {
        record Header(String name, String value) {
        }
        record Secrets(String apiToken, String password, Header header, Header harmless) {
        }

        String json = ConfigJson.redacted(new Secrets("t0ps3cret", "hunter2", new Header("Authorization", "Bearer abc"),
                new Header("X-Frame-Options", "DENY")));

        assertFalse(json.contains("t0ps3cret") || json.contains("hunter2") || json.contains("Bearer abc"), json);
        assertTrue(json.contains("\"value\" : \"DENY\""), json);
        assertTrue(json.contains("\"apiToken\" : \"" + ConfigJson.REDACTED + "\""), json);
    }
}
