package io.gatehouse.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code files.fastcgi.spawn} as YAML and through the builder: defaults, and the errors a typo gets at load. */
class FastCgiSpawnKeysTest {

    @TempDir
    Path dir;

    @Test
    void spawnTakesDebiansLighttpdDefaults() throws IOException {
        Path php = executable("php-cgi");
        FastCgiConfig fastcgi = load("fastcgi: { spawn: { command: " + php + " } }");

        assertEquals(Optional.of(new FastCgiConfig.Spawn(php.toString(), 1, 4, 10_000)), fastcgi.spawn());
        assertTrue(fastcgi.backends().isEmpty());
    }

    @Test
    void theBuilderWritesWhatTheYamlDoes() throws IOException {
        Path php = executable("php-cgi");
        GatewayConfig built = GatewayConfig.builder().vhost(v -> v.hosts("*").files(f -> f.root(dir.toString())
                .fastcgi(c -> c.spawn(s -> s.command(php + " -d x=1").processes(2).children(8).maxRequests(500))))).build();

        assertEquals(Optional.of(new FastCgiConfig.Spawn(php + " -d x=1", 2, 8, 500)),
                ((FilesConfig) built.vhosts().get(0).action()).fastcgi().orElseThrow().spawn());
    }

    @Test
    void spawnAndBackendsTogetherAreAnError() throws IOException {
        Path php = executable("php-cgi");
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("fastcgi: { backends: [\"127.0.0.1:9000\"], spawn: { command: " + php + " } }"));

        assertTrue(e.getMessage().contains("files.fastcgi.spawn") && e.getMessage().contains("not both"), e.getMessage());
    }

    @Test
    void neitherSpawnNorBackendsIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("fastcgi: { extensions: [.php] }"));

        assertTrue(e.getMessage().contains("files.fastcgi.backends") && e.getMessage().contains("or spawn"),
                e.getMessage());
    }

    @Test
    void aCommandThatIsNotExecutableIsAnErrorAtLoad() throws IOException {
        Path notExecutable = Files.writeString(dir.resolve("php-cgi.txt"), "");

        ConfigException e = assertThrows(ConfigException.class,
                () -> load("fastcgi: { spawn: { command: " + notExecutable + " -d x=1 } }"));

        assertTrue(e.getMessage().contains("files.fastcgi.spawn.command") && e.getMessage().contains("not an executable"),
                e.getMessage());
    }

    private Path executable(String name) throws IOException {
        return FastCgiKeysFixture.executable(dir, name);
    }

    private FastCgiConfig load(String fastcgi) throws IOException {
        return FastCgiKeysFixture.load(dir, fastcgi);
    }
}
