package io.gatehouse.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code files.fastcgi.backends} on Unix-domain sockets ({@code unix:/path}, nginx's {@code fastcgi_pass unix:},
 * lighttpd's {@code "socket"}): read next to TCP servers, and the errors a path that can never work gets at load.
 */
class FastCgiUnixSocketKeysTest {

    @TempDir
    Path dir;

    @Test
    void aUnixSocketAndATcpServerAreReadTogether() throws IOException {
        FastCgiConfig fastcgi = load("[\"unix:/run/php/php8.2-fpm.sock\", \"127.0.0.1:9000\"]");

        assertEquals(List.of(URI.create("unix:/run/php/php8.2-fpm.sock"), URI.create("fcgi://127.0.0.1:9000")),
                fastcgi.backends());
        assertTrue(FastCgiConfig.isUnixSocket(fastcgi.backends().get(0)));
    }

    @Test
    void aSocketFileThatDoesNotExistYetIsNoError() throws IOException {
        Path later = dir.resolve("php-fpm-starts-later.sock");

        assertEquals(List.of(URI.create("unix:" + later)), load("[\"unix:" + later + "\"]").backends());
    }

    @Test
    void theBuilderTakesAUnixSocket() {
        GatewayConfig built = GatewayConfig.builder().vhost(v -> v.hosts("*").files(f -> f.root(dir.toString())
                .fastcgi(c -> c.backend("unix:/run/php/php8.2-fpm.sock")))).build();

        assertEquals(List.of(URI.create("unix:/run/php/php8.2-fpm.sock")),
                ((FilesConfig) built.vhosts().get(0).action()).fastcgi().orElseThrow().backends());
    }

    @Test
    void anEmptySocketPathIsAnErrorWithItsPlace() throws IOException {
        assertProblem("[\"unix:\"]", "give the socket's path after unix:, like \"unix:/run/php/php8.2-fpm.sock\"");
    }

    @Test
    void aRelativeSocketPathIsAnError() throws IOException {
        assertProblem("[\"unix:php.sock\"]", "give the socket's absolute path after unix:, "
                + "like \"unix:/run/php/php8.2-fpm.sock\"; 'php.sock' is not one");
    }

    @Test
    void aSocketPathTooLongForASocketAddressIsAnError() throws IOException {
        String path = "/run/" + "p".repeat(103);

        assertProblem("[\"unix:" + path + "\"]",
                "the socket's path is 108 bytes long; a Unix socket address holds at most 107: give a shorter one");
    }

    /** The one problem of {@code backends}, at the list's first item: line 5, column 29. */
    private void assertProblem(String backends, String message) throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> load(backends));

        assertEquals(List.of(new ConfigProblem(Optional.of(dir.resolve("gatehouse.yaml").toString()), 5, 29,
                "vhosts[0].files.fastcgi.backends[0]", message)), e.problems());
    }

    private FastCgiConfig load(String backends) throws IOException {
        Path yaml = Files.writeString(dir.resolve("gatehouse.yaml"), "listen: [\"127.0.0.1:0\"]\nvhosts:\n"
                + "  - hosts: [\"*\"]\n    files:\n      fastcgi: { backends: " + backends + " }\n      root: " + dir + "\n");
        return ((FilesConfig) GatewayConfig.load(yaml).vhosts().get(0).action()).fastcgi().orElseThrow();
    }
}
