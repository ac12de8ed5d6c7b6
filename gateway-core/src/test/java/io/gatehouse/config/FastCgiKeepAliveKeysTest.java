package io.gatehouse.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code files.fastcgi.keepAlive} and {@code maxConnections}: their defaults, the builder, and the values that would
 * leave requests in a server's listen backlog.
 */
class FastCgiKeepAliveKeysTest {

    @TempDir
    Path dir;

    @Test
    void backendsAreNeitherCappedNorKeptByDefault() throws IOException {
        FastCgiConfig loaded = load("fastcgi: { backends: [\"127.0.0.1:9000\"] }");

        assertEquals(0, loaded.maxConnections());
        assertEquals(0, loaded.keepAlive());
    }

    @Test
    void spawnedProcessesAreCappedAtTheirWorkersAndKeepThemAllByDefault() throws IOException {
        FastCgiConfig loaded = load("fastcgi: { spawn: { command: " + executable() + ", children: 8 } }");

        assertEquals(8, loaded.maxConnections());
        assertEquals(8, loaded.keepAlive());
    }

    @Test
    void cappedBackendsKeepEveryConnectionByDefault() throws IOException {
        FastCgiConfig loaded = load("fastcgi: { backends: [\"127.0.0.1:9000\"], maxConnections: 16 }");

        assertEquals(16, loaded.keepAlive());
    }

    @Test
    void theBuilderWritesWhatTheYamlDoes() throws IOException {
        GatewayConfig built = GatewayConfig.builder().vhost(v -> v.hosts("*").files(f -> f.root(dir.toString())
                .fastcgi(c -> c.backend("127.0.0.1:9000").keepAlive(16).maxConnections(32)))).build();

        FastCgiConfig fastcgi = ((FilesConfig) built.vhosts().get(0).action()).fastcgi().orElseThrow();
        assertEquals(16, fastcgi.keepAlive());
        assertEquals(32, fastcgi.maxConnections());
        assertEquals(16, load("fastcgi: { backends: [\"127.0.0.1:9000\"], keepAlive: 16 }").keepAlive());
    }

    @Test
    void keepingMoreThanTheCapIsAnErrorThatNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("fastcgi: { backends: [\"127.0.0.1:9000\"], maxConnections: 4, keepAlive: 5 }"));

        assertTrue(e.getMessage().contains("files.fastcgi.keepAlive") && e.getMessage().contains("give 0 to 4"),
                e.getMessage());
    }

    @Test
    void uncappedSpawnedProcessesMayKeepAllTheirWorkersButOne() throws IOException {
        Path php = executable();
        assertEquals(3, load("fastcgi: { spawn: { command: " + php + ", children: 4 }, maxConnections: 0, keepAlive: 3 }")
                .keepAlive());
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("fastcgi: { spawn: { command: " + php + ", children: 4 }, maxConnections: 0, keepAlive: 4 }"));

        assertTrue(e.getMessage().contains("files.fastcgi.keepAlive") && e.getMessage().contains("give 0 to 3"),
                e.getMessage());
    }

    @Test
    void aCapAboveTheSpawnedWorkersIsAnErrorThatNamesTheKey() throws IOException {
        Path php = executable();
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("fastcgi: { spawn: { command: " + php + ", children: 4 }, maxConnections: 5 }"));

        assertTrue(e.getMessage().contains("files.fastcgi.maxConnections") && e.getMessage().contains("give 1 to 4"),
                e.getMessage());
    }

    @Test
    void aNegativeKeepAliveIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("fastcgi: { backends: [\"127.0.0.1:9000\"], keepAlive: -1 }"));

        assertTrue(e.getMessage().contains("files.fastcgi.keepAlive"), e.getMessage());
    }

    private Path executable() throws IOException {
        return FastCgiKeysFixture.executable(dir, "php-cgi");
    }

    private FastCgiConfig load(String fastcgi) throws IOException {
        return FastCgiKeysFixture.load(dir, fastcgi);
    }
}
