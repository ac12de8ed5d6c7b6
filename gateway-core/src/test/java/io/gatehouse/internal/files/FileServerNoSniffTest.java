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

/**
 * Files and listings are sent with {@code X-Content-Type-Options: nosniff}: a browser takes the Content-Type the
 * server chose and does not run a tenant's upload as a script because its bytes look like one.
 */
@Timeout(30)
class FileServerNoSniffTest {

    @TempDir
    Path root;

    @BeforeEach
    void tree() throws IOException {
        write(root.resolve("notes.txt"), "alert(document.cookie)");
        write(root.resolve("dir/a.txt"), "a");
        write(root.resolve("404.html"), "not here");
    }

    @Test
    void aFileIsSentWithNoSniff() throws IOException {
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> { }))) {
            RawHttp.Response response = server.get("/notes.txt");
            assertEquals(200, response.status());
            assertEquals("nosniff", response.header("X-Content-Type-Options"));
        }
    }

    @Test
    void aListingIsSentWithNoSniff() throws IOException {
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> f.listing(true)))) {
            RawHttp.Response response = server.get("/dir/");
            assertEquals(200, response.status());
            assertEquals("nosniff", response.header("X-Content-Type-Options"));
        }
    }

    @Test
    void anErrorPageFromTheRootIsSentWithNoSniff() throws IOException {
        try (FileServerFixture server = FileServerFixture.serving(files(root, f -> f.errorPage(404, "/404.html")))) {
            RawHttp.Response response = server.get("/missing.txt");
            assertEquals(404, response.status());
            assertEquals("not here", response.bodyText());
            assertEquals("nosniff", response.header("X-Content-Type-Options"));
        }
    }
}
