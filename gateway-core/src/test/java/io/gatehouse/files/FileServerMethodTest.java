package io.gatehouse.files;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;

import static io.gatehouse.files.FileServerFixture.config;
import static io.gatehouse.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Only GET and HEAD; HEAD answers exactly the GET headers without a body. */
@Timeout(30)
class FileServerMethodTest {

    @TempDir
    Path root;
    private FileServerFixture server;

    @BeforeEach
    void start() throws IOException {
        write(root.resolve("page.html"), "<p>hello</p>");
        write(root.resolve("dir/index.html"), "index");
        server = FileServerFixture.serving(config(root));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"})
    void otherMethodsAreNotAllowedAndNameTheAllowedOnes(String method) throws IOException {
        RawResponse response = server.request(method, "/page.html", "localhost", "Content-Length: 0");
        assertEquals(405, response.status());
        assertEquals("GET, HEAD", response.header("Allow"));
    }

    @Test
    void headHasTheSameHeadersAsGetAndNoBody() throws IOException {
        RawResponse get = server.get("/page.html");
        RawResponse head = server.request("HEAD", "/page.html", "localhost");
        assertEquals(200, head.status());
        assertEquals(get.headersWithoutDate(), head.headersWithoutDate());
        assertEquals("12", head.header("Content-Length"));
        assertEquals(0, head.body().length);
    }

    @Test
    void headOfADirectoryIndexHasTheSameHeadersAsGet() throws IOException {
        RawResponse get = server.get("/dir/");
        RawResponse head = server.request("HEAD", "/dir/", "localhost");
        assertEquals(get.headersWithoutDate(), head.headersWithoutDate());
        assertEquals(0, head.body().length);
    }

    @Test
    void headIgnoresRangeAsRfc9110Requires() throws IOException {
        RawResponse head = server.request("HEAD", "/page.html", "localhost", "Range: bytes=0-1");
        assertEquals(200, head.status());
        assertEquals("12", head.header("Content-Length"));
    }
}
