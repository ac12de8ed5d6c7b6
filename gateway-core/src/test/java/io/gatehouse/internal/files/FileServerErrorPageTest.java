package io.gatehouse.internal.files;

import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static io.gatehouse.internal.files.FileServerFixture.files;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code errorPages}: a page from the document root served with the original status, never in a loop. */
@Timeout(30)
class FileServerErrorPageTest {

    @TempDir
    Path root;

    @BeforeEach
    void pages() throws IOException {
        write(root.resolve("errors/404.html"), "<h1>custom not found</h1>");
        write(root.resolve("errors/403.html"), "<h1>custom forbidden</h1>");
        write(root.resolve("x.inc"), "secret");
        write(root.resolve("f.txt"), "file");
    }

    @Test
    void missingFileGetsTheCustomPageWithStatus404() throws IOException {
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> f.errorPage(404, "/errors/404.html")))) {
            RawHttp.Response response = server.get("/nope.html");
            assertEquals(404, response.status());
            assertEquals("<h1>custom not found</h1>", response.bodyText());
            assertEquals("text/html; charset=utf-8", response.header("Content-Type"));
            assertNull(response.header("ETag"));
        }
    }

    @Test
    void deniedFileGetsTheCustomPageWithStatus403() throws IOException {
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> f.deny(".inc")
                .errorPage(403, "/errors/403.html")))) {
            RawHttp.Response response = server.get("/x.inc");
            assertEquals(403, response.status());
            assertEquals("<h1>custom forbidden</h1>", response.bodyText());
        }
    }

    @Test
    void methodNotAllowedGetsItsPageAndKeepsAllow() throws IOException {
        write(root.resolve("errors/405.html"), "use GET");
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> f.errorPage(405, "/errors/405.html")))) {
            RawHttp.Response response = server.request("DELETE", "/f.txt", "localhost");
            assertEquals(405, response.status());
            assertEquals("use GET", response.bodyText());
            assertEquals("GET, HEAD", response.header("Allow"));
        }
    }

    @Test
    void headGetsTheStatusAndLengthWithoutBody() throws IOException {
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> f.errorPage(404, "/errors/404.html")))) {
            RawHttp.Response response = server.request("HEAD", "/nope.html", "localhost");
            assertEquals(404, response.status());
            assertEquals("25", response.header("Content-Length"));
            assertEquals(0, response.bodyBytes().length);
        }
    }

    @Test
    void missingErrorPageFallsBackToThePlainAnswer() throws IOException {
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> f.errorPage(404, "/errors/gone.html")))) {
            RawHttp.Response response = server.get("/nope.html");
            assertEquals(404, response.status());
            assertEquals("404 Not Found\n", response.bodyText());
        }
    }

    @Test
    void errorPageThatIsItselfForbiddenFallsBackToThePlainAnswerWithoutLooping() throws IOException {
        write(root.resolve(".errors/403.html"), "hidden page");
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> f.errorPage(403, "/.errors/403.html")))) {
            RawHttp.Response response = server.get("/.htpasswd");
            assertEquals(403, response.status());
            assertEquals("403 Forbidden\n", response.bodyText());
        }
    }

    @Test
    void statusWithoutAPageGetsThePlainAnswer() throws IOException {
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> f.errorPage(404, "/errors/404.html")))) {
            assertEquals("403 Forbidden\n", server.get("/.git/config").bodyText());
        }
    }
}
