package io.gatehouse.internal.files;

import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A path that continues below a regular file ({@code /x.jpg/anything}) names nothing a file server sends: 404, as
 * nginx and Apache answer, never the file's error as a 500 and never the file under a second name.
 */
@Timeout(30)
class FileServerPathInfoTest {

    @TempDir
    Path root;
    private FileServerFixture server;

    @BeforeEach
    void start() throws IOException {
        write(root.resolve("x.jpg"), "JPEG BYTES");
        write(root.resolve("dir/y.txt"), "Y BYTES");
        server = FileServerFixture.serving(FileServerFixture.config(root));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aPathBelowARegularFileIs404() throws IOException {
        RawHttp.Response response = server.get("/x.jpg/anything");
        assertEquals(404, response.status());
        assertFalse(response.body().contains("JPEG BYTES"), response.body());
    }

    @Test
    void aScriptNameBelowARegularFileIs404() throws IOException {
        assertEquals(404, server.get("/x.jpg/foo.php").status());
    }

    @Test
    void aDeeperPathBelowANestedFileIs404() throws IOException {
        assertEquals(404, server.get("/dir/y.txt/a/b/").status());
    }
}
