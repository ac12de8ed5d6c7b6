package io.gatehouse.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code files.fastcgi.frontController} as YAML and through the builder, and the errors a wrong one gets at load. */
class FastCgiFrontControllerKeysTest {

    @TempDir
    Path dir;

    @Test
    void thereIsNoFrontControllerByDefault() throws IOException {
        assertEquals(Optional.empty(), load("fastcgi: { backends: [\"127.0.0.1:9000\"] }").frontController());
    }

    @Test
    void theYamlNamesTheFrontController() throws IOException {
        FastCgiConfig fastcgi = load("fastcgi: { backends: [\"127.0.0.1:9000\"], frontController: /app/index.php }");

        assertEquals(Optional.of("/app/index.php"), fastcgi.frontController());
    }

    @Test
    void theBuilderWritesWhatTheYamlDoes() {
        GatewayConfig built = GatewayConfig.builder().vhost(v -> v.hosts("*").files(f -> f.root(dir.toString())
                .fastcgi(c -> c.backend("127.0.0.1:9000").frontController("/index.php")))).build();

        assertEquals(Optional.of("/index.php"),
                ((FilesConfig) built.vhosts().get(0).action()).fastcgi().orElseThrow().frontController());
    }

    @Test
    void aControllerWithoutAFastCgiExtensionIsAnErrorAtItsLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("fastcgi: { backends: [\"127.0.0.1:9000\"], frontController: /index.html }"));

        assertTrue(e.getMessage().contains("gatehouse.yaml:6:") && e.getMessage().contains("files.fastcgi.frontController")
                && e.getMessage().contains("[.php]"), e.getMessage());
    }

    @Test
    void aControllerOutsideTheRootIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("fastcgi: { backends: [\"127.0.0.1:9000\"], frontController: /../index.php }"));

        assertTrue(e.getMessage().contains("files.fastcgi.frontController")
                && e.getMessage().contains("inside the document root"), e.getMessage());
    }

    @Test
    void theRecordRefusesAControllerThatWouldNotRun() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FastCgiConfig(List.of(URI.create("fcgi://127.0.0.1:9000")), List.of(".php"),
                        Duration.ofSeconds(1), Duration.ofSeconds(1), Optional.empty(), Optional.of("/index.html")));

        assertTrue(e.getMessage().contains("frontController"), e.getMessage());
    }

    private FastCgiConfig load(String fastcgi) throws IOException {
        Path yaml = Files.writeString(dir.resolve("gatehouse.yaml"), "listen: [\"127.0.0.1:0\"]\nvhosts:\n"
                + "  - hosts: [\"*\"]\n    files:\n      root: " + dir + "\n      " + fastcgi + "\n");
        return ((FilesConfig) GatewayConfig.load(yaml).vhosts().get(0).action()).fastcgi().orElseThrow();
    }
}
