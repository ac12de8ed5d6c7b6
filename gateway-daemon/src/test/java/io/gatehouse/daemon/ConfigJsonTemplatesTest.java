package io.gatehouse.daemon;

import io.gatehouse.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /config} shows every route template as it was written, substitutions and all. */
class ConfigJsonTemplatesTest {

    @Test
    void templatesAreShownAsWritten(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("gatehouse.yaml"), """
                vhosts:
                  - hosts: [app.test]
                    routes:
                      - match: ^/old/(.*)$
                        redirect: {to: "https://${host}/new/$1?from=%{QUERY}"}
                      - path: /legacy/
                        rewrite: {to: /v1/$$cost}
                      - match: ^/api/(.*)$
                        proxy: {backends: ["http://127.0.0.1:9000"], path: /internal/$1}
                        headers: {response: {set: {X-Served-For: "${client_ip}"}}}
                """);

        String json = ConfigJson.of(GatewayConfig.load(file));

        assertTrue(json.contains("\"to\" : \"https://${host}/new/$1?from=%{QUERY}\""), json);
        assertTrue(json.contains("\"to\" : \"/v1/$$cost\""), json);
        assertTrue(json.contains("\"path\" : \"/internal/$1\""), json);
        assertTrue(json.contains("\"X-Served-For\" : \"${client_ip}\""), json);
        assertFalse(json.contains("\"use\""), json);
        assertFalse(json.contains("\"source\""), json);
    }
}
