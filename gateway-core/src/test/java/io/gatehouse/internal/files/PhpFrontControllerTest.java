package io.gatehouse.internal.files;

import io.gatehouse.testing.CleanUp;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code fastcgi.frontController: /index.php} on a real {@code php-cgi -b}: a path that names no file runs the
 * controller as nginx's {@code try_files $uri $uri/ /index.php?$args} does, while files, scripts, index files and
 * refused paths keep their own answers. Skipped when php-cgi is not installed.
 */
@Timeout(60)
class PhpFrontControllerTest {

    private static final String CONTROLLER = "front uri=<?= $_SERVER['REQUEST_URI'] ?> script=<?= $_SERVER['SCRIPT_NAME'] ?>"
            + " file=<?= basename($_SERVER['SCRIPT_FILENAME']) ?> query=<?= $_SERVER['QUERY_STRING'] ?>"
            + " pathinfo=<?= $_SERVER['PATH_INFO'] ?? 'none' ?> method=<?= $_SERVER['REQUEST_METHOD'] ?>";

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();
    @TempDir
    Path root;
    private PhpSite site;

    @BeforeEach
    void start() throws Exception {
        PhpCgi php = cleanUp.add(PhpCgi.start(UnusedPort.next()));
        write(root.resolve("index.php"), CONTROLLER);
        write(root.resolve("other.php"), "other script=<?= $_SERVER['SCRIPT_NAME'] ?>");
        write(root.resolve("style.css"), "body { color: red }");
        write(root.resolve("x.jpg"), "<?php echo 'jpg ran';");
        write(root.resolve("docs/index.html"), "the docs index");
        write(root.resolve("secret.inc"), "password");
        site = cleanUp.add(PhpSite.serving(root, php.port(), c -> c.frontController("/index.php")));
    }

    @Test
    void aPathThatNamesNoFileRunsTheFrontControllerWithTheClientsTarget() throws IOException {
        assertEquals("front uri=/blog/2024/hello?x=1 script=/index.php file=index.php query=x=1 pathinfo=none method=GET",
                ran("/blog/2024/hello?x=1"));
    }

    @Test
    void aPostToAPrettyUrlRunsTheFrontController() throws IOException {
        RawHttp.Response response = RawHttp.exchangeToClose(site.address(), "POST /contact HTTP/1.1\r\n"
                + "Host: site.example\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=1");

        assertEquals("front uri=/contact script=/index.php file=index.php query= pathinfo=none method=POST",
                script(response));
    }

    @Test
    void anExistingFileIsStillServed() throws IOException {
        assertEquals("body { color: red }", sent("/style.css"));
    }

    @Test
    void anExistingScriptRunsItself() throws IOException {
        assertEquals("other script=/other.php", ran("/other.php"));
    }

    @Test
    void aDirectoryWithAnIndexStillServesItsIndex() throws IOException {
        assertEquals("the docs index", sent("/docs/"));
    }

    @Test
    void aPathGoingOnBelowAFileRunsTheControllerNeverTheFile() throws IOException {
        assertEquals("front uri=/x.jpg/foo.php script=/index.php file=index.php query= pathinfo=none method=GET",
                ran("/x.jpg/foo.php"));
    }

    @Test
    void deniedPathsStayForbiddenWhetherOrNotTheyExist() throws IOException {
        site.assertNotRun("/secret.inc", 403, "front");
        site.assertNotRun("/missing.inc", 403, "front");
        site.assertNotRun("/x~", 403, "front");
        site.assertNotRun("/.git/config", 403, "front");
    }

    @Test
    void aMissingFrontControllerIsNotFound() throws IOException {
        Files.delete(root.resolve("index.php"));

        site.assertNotRun("/blog/2024/hello", 404, "front");
    }

    /** What {@code GET target} printed, after a 200 from a script (php-cgi sends no length: it comes chunked). */
    private String ran(String target) throws IOException {
        return script(site.get(target));
    }

    /** The body of {@code GET target}, after a 200 from a file. */
    private String sent(String target) throws IOException {
        RawHttp.Response response = site.get(target);
        assertEquals(200, response.status(), target);
        return response.body();
    }

    private static String script(RawHttp.Response response) throws IOException {
        assertEquals(200, response.status());
        return new String(response.dechunkedBody(), StandardCharsets.UTF_8);
    }
}
