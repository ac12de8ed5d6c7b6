package io.gatehouse.daemon;

import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.FilesConfig;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.Limits;
import io.gatehouse.config.ProxyConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigJsonTest {

    @Test
    void effectiveConfigurationShowsDefaultsAddressesAndEachActionByKind() throws ConfigException, IOException {
        String json = ConfigJson.of(GatewayConfig.builder().listen("127.0.0.1:8080").trust("10.0.0.0/8")
                .responseTimeout(Duration.ofMillis(1500)).admin(a -> a.listen(":9901"))
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
    void aProxyShowsTheYamlKeysNotTheRecordComponents() throws ConfigException, IOException {
        String json = ConfigJson.of(GatewayConfig.builder()
                .vhost(v -> v.hosts("app.test").proxy(p -> p.backend("http://127.0.0.1:9000").connections(8).maxConnections(16)
                        .queue(4).balance(ProxyConfig.Balance.LEAST_REQUESTS).connectTimeout(Duration.ofSeconds(2))
                        .healthCheck(h -> h.path("/healthz").interval(Duration.ofSeconds(3)).expect(204))))
                .build());

        assertTrue(json.contains("\"connections\" : 8,"), json);
        assertTrue(json.contains("\"queue\" : 4,"), json);
        assertTrue(json.contains("\"maxConnections\" : 16"), json);
        assertTrue(json.contains("\"balance\" : \"least-requests\""), json);
        assertTrue(json.contains("\"timeouts\" : {\n          \"connect\" : \"2s\",\n          \"response\" : \"60s\",\n"
                + "          \"idle\" : \"60s\",\n          \"read\" : \"60s\"\n        }"), json);
        assertTrue(json.contains("\"health\" : {\n          \"failures\" : 3,\n          \"coolOff\" : \"10s\",\n"
                + "          \"path\" : \"/healthz\",\n          \"interval\" : \"3s\",\n          \"expect\" : 204\n        }"), json);
        for (String component : new String[] {"connectionsPerBackend", "queueSize", "connectTimeout", "idleTimeout", "check",
                "ROUND_ROBIN", "LEAST_REQUESTS", "origin", "source", "proxyPath"}) {
            assertFalse(json.contains(component), component + " in " + json);
        }
    }

    @Test
    void choicesAreSpelledAsInYaml() throws ConfigException, IOException {
        String json = ConfigJson.of(GatewayConfig.builder().underscoresInHeaders(ForwardedConfig.Underscores.KEEP)
                .emit(ForwardedConfig.Emit.RFC7239, ForwardedConfig.Emit.X_FORWARDED)
                .encodedSlashes(Limits.EncodedSlashes.DECODE).accessLog(a -> a.format(AccessLogConfig.Format.JSON))
                .vhost(v -> v.hosts("*").files(f -> f.root("/srv/www").symlinks(FilesConfig.Symlinks.OWNER_MATCH)))
                .build());

        assertTrue(json.contains("\"underscoresInHeaders\" : \"keep\""), json);
        assertTrue(json.contains("\"emit\" : [ \"rfc7239\", \"x-forwarded\" ]"), json);
        assertTrue(json.contains("\"encodedSlashes\" : \"decode\""), json);
        assertTrue(json.contains("\"format\" : \"json\""), json);
        assertTrue(json.contains("\"symlinks\" : \"owner-match\""), json);
        assertTrue(json.contains("\"dotfiles\" : \"deny\""), json);
    }

    @Test
    void aProxyRouteShowsItsBackendPathInItsProxy() throws ConfigException, IOException {
        String json = ConfigJson.of(GatewayConfig.builder()
                .vhost(v -> v.hosts("app.test").route(r -> r.path("/api/").proxy(p -> p.backend("http://127.0.0.1:9000")
                        .stripPrefix())))
                .build());

        assertTrue(json.contains("\"maxConnections\" : 0,\n        \"tls\" : {\n          \"ca\" : null,\n"
                + "          \"insecureSkipVerify\" : false\n        },\n        \"path\" : null,\n        \"stripPrefix\" : true\n"), json);
    }

    @Test
    void headerRulesAreMappingsOfNamesToValuesWithSecretsRedacted() throws ConfigException, IOException {
        String json = ConfigJson.of(GatewayConfig.builder()
                .vhost(v -> v.hosts("app.test").route(r -> r.headerMatches("X-Api-Key", "^k3y$").echo()
                        .requestHeaders(h -> h.set("X-Upstream-Auth", "Basic abc").add("X-Tag", "app"))
                        .responseHeaders(h -> h.set("X-Frame-Options", "DENY").remove("Server"))))
                .build());

        assertTrue(json.contains("\"set\" : {\n            \"X-Upstream-Auth\" : \"" + ConfigJson.REDACTED + "\"\n"), json);
        assertTrue(json.contains("\"add\" : {\n            \"X-Tag\" : \"app\"\n"), json);
        assertTrue(json.contains("\"X-Frame-Options\" : \"DENY\""), json);
        assertTrue(json.contains("\"name\" : \"X-Api-Key\",\n        \"matches\" : \"" + ConfigJson.REDACTED + "\""), json);
        assertFalse(json.contains("Basic abc") || json.contains("k3y"), json);
    }
}
