package io.gatehouse.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static io.gatehouse.daemon.MainTest.gatehouse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gatehouse check}, in-process, against the real YAML loader. */
class CheckCommandTest {

    @Test
    void badFileExitsOneWithEveryProblemAsFileLineColumn(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                listen: ["127.0.0.1:99999"]
                vhosts:
                  - hosts: [example.com]
                    files:
                      root: /srv/www
                      listng: true
                """);

        MainTest.Result result = gatehouse("check", file.toString());

        assertEquals(Main.BAD_CONFIG, result.status());
        assertEquals("", result.out());
        List<String> lines = result.err().lines().toList();
        String prefix = Pattern.quote(file.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches(prefix + ":1:\\d+: listen\\[0\\]: .+")), result.err());
        assertTrue(lines.stream().anyMatch(l -> l.matches(prefix + ":6:\\d+: vhosts\\[0\\]\\.files\\.listng: .*listing.*")), result.err());
        assertEquals("gatehouse: " + file + ": 2 problems, configuration is not valid", lines.get(lines.size() - 1));
    }

    @Test
    void missingFileExitsOneNamingIt(@TempDir Path dir) {
        Path file = dir.resolve("absent.yaml");

        MainTest.Result result = gatehouse("check", file.toString());

        assertEquals(Main.BAD_CONFIG, result.status());
        assertTrue(result.err().contains(file.toString()), result.err());
    }

    @Test
    void validFilePrintsEachListenerWithItsVhostsAndExitsZero(@TempDir Path dir) throws IOException {
        Files.createDirectory(dir.resolve("www"));
        Path file = dir.resolve("ok.yaml");
        Files.writeString(file, """
                listen: ["127.0.0.1:18080"]
                vhosts:
                  - hosts: [localhost]
                    files: { root: www }
                  - hosts: [app.localhost]
                    proxy: { backends: ["http://127.0.0.1:19000"] }
                  - hosts: ["*"]
                    listen: ["127.0.0.1:19000"]
                    echo: {}
                """);

        MainTest.Result result = gatehouse("check", file.toString());

        assertEquals(Main.OK, result.status(), result.err());
        assertTrue(result.out().contains("listen 127.0.0.1:18080 (2 vhosts)\n"), result.out());
        assertTrue(result.out().contains("listen 127.0.0.1:19000 (1 vhost)\n"), result.out());
        assertTrue(result.out().contains("hosts app.localhost\n"), result.out());
        assertTrue(result.out().contains("proxy http://127.0.0.1:19000, preserveHost on"), result.out());
        assertTrue(result.out().endsWith("gatehouse: " + file + ": configuration is valid" + System.lineSeparator()), result.out());
    }

    @Test
    void routesArePrintedWithTheirConditionsAndAShadowedRouteIsWarnedAbout(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("routes.yaml");
        Files.writeString(file, """
                listen: ["127.0.0.1:18080"]
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - path: /api/
                        respond: { status: 503 }
                      - path: /api/v2/
                        respond: { status: 200 }
                      - redirect: { to: /home, status: 301 }
                """);

        MainTest.Result result = gatehouse("check", file.toString());

        assertEquals(Main.OK, result.status(), result.err());
        assertTrue(result.out().contains("→ respond 503"), result.out());
        assertTrue(result.out().contains("redirect 301 /home"), result.out());
        assertTrue(result.out().lines().anyMatch(l -> l.startsWith("warning: " + file + ":7:") && l.contains("routes[1]")),
                result.out());
    }
}
