package io.gatehouse.internal.files;

import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static io.gatehouse.internal.files.FileServerFixture.config;
import static io.gatehouse.internal.files.FileServerFixture.withNoRanges;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Single byte ranges, 416, the whole file for several ranges, and noRanges (lighttpd server.range-requests). */
@Timeout(30)
class FileServerRangeTest {

    private static final String CONTENT = "0123456789abcdefghij";

    @TempDir
    Path root;
    private FileServerFixture server;

    @BeforeEach
    void start() throws IOException {
        write(root.resolve("r.txt"), CONTENT);
        write(root.resolve("doc.pdf"), CONTENT);
        server = FileServerFixture.serving(withNoRanges(config(root), "\\.pdf$"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void assertPartial(String range, String contentRange, String body) throws IOException {
        RawHttp.Response response = server.get("/r.txt", "Range: " + range);
        assertEquals(206, response.status(), range);
        assertEquals(contentRange, response.header("Content-Range"), range);
        assertEquals("bytes", response.header("Accept-Ranges"), range);
        assertEquals(String.valueOf(body.length()), response.header("Content-Length"), range);
        assertEquals(body, response.bodyText(), range);
    }

    @Test
    void fullResponseAdvertisesByteRanges() throws IOException {
        assertEquals("bytes", server.get("/r.txt").header("Accept-Ranges"));
    }

    @Test
    void closedRangeIsServedPartially() throws IOException {
        assertPartial("bytes=0-9", "bytes 0-9/20", "0123456789");
    }

    @Test
    void suffixRangeIsServedPartially() throws IOException {
        assertPartial("bytes=-5", "bytes 15-19/20", "fghij");
    }

    @Test
    void openEndedRangeIsServedPartially() throws IOException {
        assertPartial("bytes=15-", "bytes 15-19/20", "fghij");
    }

    @Test
    void rangeBeyondTheEndIsClippedToTheFile() throws IOException {
        assertPartial("bytes=18-100", "bytes 18-19/20", "ij");
        assertPartial("bytes=-100", "bytes 0-19/20", CONTENT);
    }

    @Test
    void rangeStartingAfterTheEndIsUnsatisfiable() throws IOException {
        RawHttp.Response response = server.get("/r.txt", "Range: bytes=20-");
        assertEquals(416, response.status());
        assertEquals("bytes */20", response.header("Content-Range"));
    }

    @Test
    void emptySuffixRangeIsUnsatisfiable() throws IOException {
        assertEquals(416, server.get("/r.txt", "Range: bytes=-0").status());
    }

    @Test
    void severalRangesGetTheWholeFile() throws IOException {
        RawHttp.Response response = server.get("/r.txt", "Range: bytes=0-1,5-6");
        assertEquals(200, response.status());
        assertNull(response.header("Content-Range"));
        assertEquals(CONTENT, response.bodyText());
    }

    @Test
    void syntacticallyInvalidRangeIsIgnored() throws IOException {
        for (String range : new String[] {"bytes=5-2", "bytes=abc", "items=0-1", "bytes=1-2-3"}) {
            RawHttp.Response response = server.get("/r.txt", "Range: " + range);
            assertEquals(200, response.status(), range);
            assertEquals(CONTENT, response.bodyText(), range);
        }
    }

    @Test
    void noRangesPathIgnoresRangeAndDoesNotAdvertiseIt() throws IOException {
        RawHttp.Response response = server.get("/doc.pdf", "Range: bytes=0-3");
        assertEquals(200, response.status());
        assertNull(response.header("Accept-Ranges"));
        assertNull(response.header("Content-Range"));
        assertEquals(CONTENT, response.bodyText());
    }

    @Test
    void noRangesPathIgnoresAnUnsatisfiableRangeToo() throws IOException {
        assertEquals(200, server.get("/doc.pdf", "Range: bytes=100-").status());
    }

    @Test
    void ifRangeWithTheCurrentEtagServesTheRange() throws IOException {
        String etag = server.get("/r.txt").header("ETag");
        assertEquals(206, server.get("/r.txt", "Range: bytes=0-1", "If-Range: " + etag).status());
    }

    @Test
    void ifRangeWithAStaleEtagServesTheWholeFile() throws IOException {
        RawHttp.Response response = server.get("/r.txt", "Range: bytes=0-1", "If-Range: \"1-1\"");
        assertEquals(200, response.status());
        assertEquals(CONTENT, response.bodyText());
    }

    @Test
    void ifRangeWithTheLastModifiedDateServesTheRange() throws IOException {
        String lastModified = server.get("/r.txt").header("Last-Modified");
        assertEquals(206, server.get("/r.txt", "Range: bytes=0-1", "If-Range: " + lastModified).status());
    }
}
