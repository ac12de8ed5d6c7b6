package io.gatehouse.internal.files;

import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.gatehouse.internal.files.FileServerFixture.config;
import static io.gatehouse.internal.files.FileServerFixture.write;
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
        RawHttp.Response response = server.request(method, "/page.html", "localhost", "Content-Length: 0");
        assertEquals(405, response.status());
        assertEquals("GET, HEAD", response.header("Allow"));
    }

    @Test
    void headHasTheSameHeadersAsGetAndNoBody() throws IOException {
        RawHttp.Response get = server.get("/page.html");
        RawHttp.Response head = server.request("HEAD", "/page.html", "localhost");
        assertEquals(200, head.status());
        assertEquals(withoutDate(get), withoutDate(head));
        assertEquals("12", head.header("Content-Length"));
        assertEquals(0, head.bodyBytes().length);
    }

    @Test
    void headOfADirectoryIndexHasTheSameHeadersAsGet() throws IOException {
        RawHttp.Response get = server.get("/dir/");
        RawHttp.Response head = server.request("HEAD", "/dir/", "localhost");
        assertEquals(withoutDate(get), withoutDate(head));
        assertEquals(0, head.bodyBytes().length);
    }

    @Test
    void headIgnoresRangeAsRfc9110Requires() throws IOException {
        RawHttp.Response head = server.request("HEAD", "/page.html", "localhost", "Range: bytes=0-1");
        assertEquals(200, head.status());
        assertEquals("12", head.header("Content-Length"));
    }

    /** The header fields without Date, which legitimately differs between two responses. */
    private static Map<String, List<String>> withoutDate(RawHttp.Response response) {
        Map<String, List<String>> fields = response.headerFields();
        fields.remove("date");
        return fields;
    }
}
