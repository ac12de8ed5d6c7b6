package io.gatehouse.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code admin.hosts}: the extra Host names the admin listener answers, written as a vhost's {@code hosts}. */
class AdminHostsKeyTest {

    private static final String VHOSTS = """
            vhosts:
              - hosts: ["*"]
                echo: {}
            """;

    @TempDir
    Path dir;

    @Test
    void noExtraNamesByDefault() throws ConfigException {
        assertEquals(List.of(), YamlFiles.load(dir, "admin: {}\n" + VHOSTS).admin().hosts());
    }

    @Test
    void namesAreReadLowerCaseWithoutATrailingDot() throws ConfigException {
        AdminConfig admin = YamlFiles.load(dir, "admin: { hosts: [Metrics.Internal., \"*.ops.example\"] }\n" + VHOSTS).admin();
        assertEquals(List.of("metrics.internal", "*.ops.example"), admin.hosts());
    }

    @Test
    void aNameWithAPortIsRefusedAtItsKey() {
        ConfigProblem problem = YamlFiles.problems(dir, "admin: { hosts: [\"metrics.internal:9901\"] }\n" + VHOSTS).get(0);
        assertEquals("admin.hosts[0]", problem.keyPath());
        assertTrue(problem.message().contains("no port here"), problem.message());
    }
}
