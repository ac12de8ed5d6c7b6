package io.gatehouse.internal.files;

import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static io.gatehouse.internal.files.FileServerFixture.config;
import static io.gatehouse.internal.files.FileServerFixture.withRoot;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The document root chosen per request: the evhost pattern for the host, else fallbackRoot, else 404. */
@Timeout(30)
class FileServerRootTest {

    @TempDir
    Path tmp;

    private FileServerFixture serve(Path fallback) {
        return FileServerFixture.serving(withRoot(config(tmp), tmp.resolve("home") + "/%0/public_html", fallback));
    }

    @Test
    void hostPicksItsOwnDirectoryThroughTheEvhostPattern() throws IOException {
        write(tmp.resolve("home/example.com/public_html/index.html"), "example");
        write(tmp.resolve("home/example.org/public_html/index.html"), "org");
        try (FileServerFixture server = serve(null)) {
            assertEquals("example", server.request("GET", "/", "www.example.com").bodyText());
            assertEquals("example", server.request("GET", "/", "EXAMPLE.com:8080").bodyText());
            assertEquals("org", server.request("GET", "/", "example.org.").bodyText());
        }
    }

    @Test
    void hostWithoutADirectoryFallsBackToFallbackRoot() throws IOException {
        write(tmp.resolve("home/example.com/public_html/index.html"), "example");
        write(tmp.resolve("fallback/index.html"), "fallback");
        try (FileServerFixture server = serve(tmp.resolve("fallback"))) {
            assertEquals("fallback", server.request("GET", "/", "unknown.test").bodyText());
        }
    }

    @Test
    void patternNamingAFileRatherThanADirectoryFallsBack() throws IOException {
        write(tmp.resolve("home/example.com/public_html"), "not a directory");
        write(tmp.resolve("fallback/index.html"), "fallback");
        try (FileServerFixture server = serve(tmp.resolve("fallback"))) {
            assertEquals("fallback", server.request("GET", "/", "example.com").bodyText());
        }
    }

    @Test
    void hostWithNeitherDirectoryNorFallbackIsNotFound() throws IOException {
        try (FileServerFixture server = serve(tmp.resolve("no-such-fallback"))) {
            assertEquals(404, server.request("GET", "/", "unknown.test").status());
        }
    }

    @Test
    void invalidHostIsNeverPutIntoAPath() throws IOException {
        // A host that could climb directories is not valid; RequestHost gives "" and the fallback is used.
        write(tmp.resolve("home/public_html/index.html"), "climbed");
        write(tmp.resolve("fallback/index.html"), "fallback");
        try (FileServerFixture server = serve(tmp.resolve("fallback"))) {
            RawHttp.Response response = server.request("GET", "/", "..");
            assertEquals("fallback", response.bodyText());
        }
    }
}
