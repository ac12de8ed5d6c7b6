package io.gatehouse.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code files.fastcgi.keepAlive}: its default, the builder, and a value that would pin every spawned worker. */
class FastCgiKeepAliveKeysTest {

    @TempDir
    Path dir;

    @Test
    void noConnectionIsKeptByDefault() throws IOException {
        assertEquals(0, load("fastcgi: { backends: [\"127.0.0.1:9000\"] }").keepAlive());
        assertEquals(0, load("fastcgi: { spawn: { command: " + executable() + " } }").keepAlive());
    }

    @Test
    void spawnedProcessesMayKeepAllTheirWorkersButOne() throws IOException {
        assertEquals(7, load("fastcgi: { spawn: { command: " + executable() + ", children: 8 }, keepAlive: 7 }")
                .keepAlive());
    }

    @Test
    void theBuilderWritesWhatTheYamlDoes() throws IOException {
        GatewayConfig built = GatewayConfig.builder().vhost(v -> v.hosts("*").files(f -> f.root(dir.toString())
                .fastcgi(c -> c.backend("127.0.0.1:9000").keepAlive(16)))).build();

        assertEquals(16, ((FilesConfig) built.vhosts().get(0).action()).fastcgi().orElseThrow().keepAlive());
        assertEquals(16, load("fastcgi: { backends: [\"127.0.0.1:9000\"], keepAlive: 16 }").keepAlive());
    }

    @Test
    void keepingEverySpawnedWorkerIsAnErrorThatNamesTheKey() throws IOException {
        Path php = executable();
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("fastcgi: { spawn: { command: " + php + ", children: 4 }, keepAlive: 4 }"));

        assertTrue(e.getMessage().contains("files.fastcgi.keepAlive") && e.getMessage().contains("give 0 to 3"),
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
