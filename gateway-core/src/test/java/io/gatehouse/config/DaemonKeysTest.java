package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.assertOnlyProblem;
import static io.gatehouse.config.YamlFiles.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's top-level keys {@code pidFile} and {@code watch}. */
class DaemonKeysTest {

    @TempDir
    Path dir;

    @Test
    void daemonKeysDefaultToNoPidFileAndNoWatch() throws ConfigException {
        GatewayConfig config = load(dir, "vhosts: [{hosts: ['*'], echo: {}}]\n");

        assertEquals(Optional.empty(), config.pidFile());
        assertFalse(config.watch());
    }

    @Test
    void relativePidFileIsTakenFromTheConfigurationsDirectory() throws ConfigException {
        GatewayConfig config = load(dir, """
                pidFile: run/gatehouse.pid
                watch: true
                vhosts: [{hosts: ['*'], echo: {}}]
                """);

        assertEquals(Optional.of(dir.toAbsolutePath().resolve("run/gatehouse.pid")), config.pidFile());
        assertTrue(config.watch());
    }

    @Test
    void watchThatIsNotABooleanIsReportedWhereItIs() {
        assertOnlyProblem(dir, """
                watch: sometimes
                vhosts: [{hosts: ['*'], echo: {}}]
                """, 1, 8, "watch", "expected true or false, got 'sometimes'");
    }

    @Test
    void builderSetsTheSameKeys() throws ConfigException {
        GatewayConfig config = GatewayConfig.builder().pidFile("/run/gatehouse/gatehouse.pid").watch(true)
                .vhost(v -> v.hosts("*").echo()).build();

        assertEquals(Optional.of(Path.of("/run/gatehouse/gatehouse.pid")), config.pidFile());
        assertTrue(config.watch());
    }
}
