package io.gatehouse.internal.files;

import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import static io.gatehouse.internal.files.FileServerFixture.files;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code cache: {maxAge, immutable}} becomes Cache-Control on file answers (200, 206, 304), like nginx expires. */
@Timeout(30)
class FileServerCacheControlTest {

    @TempDir
    Path root;

    @Test
    void maxAgeIsSentOnFileAnswers() throws IOException {
        write(root.resolve("a.css"), "a{}");
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> f.cache(c -> c.maxAge(Duration.ofHours(1)))))) {
            assertEquals("max-age=3600", server.get("/a.css").header("Cache-Control"));
            assertEquals("max-age=3600", server.get("/a.css", "Range: bytes=0-0").header("Cache-Control"));
        }
    }

    @Test
    void immutableIsAddedWhenAsked() throws IOException {
        write(root.resolve("app.1234.js"), "x");
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> f.cache(c -> c.maxAge(Duration.ofDays(365)).immutable(true))))) {
            assertEquals("max-age=31536000, immutable", server.get("/app.1234.js").header("Cache-Control"));
        }
    }

    @Test
    void notModifiedAnswerRepeatsCacheControl() throws IOException {
        write(root.resolve("a.css"), "a{}");
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> f.cache(c -> c.maxAge(Duration.ofMinutes(5)))))) {
            String etag = server.get("/a.css").header("ETag");
            RawHttp.Response response = server.get("/a.css", "If-None-Match: " + etag);
            assertEquals(304, response.status());
            assertEquals("max-age=300", response.header("Cache-Control"));
        }
    }

    @Test
    void errorAnswersCarryNoCacheControl() throws IOException {
        write(root.resolve("a.css"), "a{}");
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> f.cache(c -> c.maxAge(Duration.ofHours(1)))))) {
            assertNull(server.get("/missing.css").header("Cache-Control"));
            assertNull(server.get("/a.css", "If-Match: \"stale\"").header("Cache-Control"));
            assertNull(server.get("/a.css", "Range: bytes=99-").header("Cache-Control"));
        }
    }

    @Test
    void noCacheControlByDefault() throws IOException {
        write(root.resolve("a.css"), "a{}");
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> { }))) {
            assertNull(server.get("/a.css").header("Cache-Control"));
        }
    }
}
