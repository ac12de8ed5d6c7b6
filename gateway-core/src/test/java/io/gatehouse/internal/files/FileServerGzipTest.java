package io.gatehouse.internal.files;

import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static io.gatehouse.internal.files.FileServerFixture.files;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gzip: {enabled: true, minSize: 1KiB}}: compressible files are gzipped on the fly, streaming. */
@Timeout(30)
class FileServerGzipTest {

    @TempDir
    Path root;
    private FileServerFixture server;
    private String page;

    @BeforeEach
    void start() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 600_000; i++) {
            text.append("line ").append(i).append(" of a page that compresses well\n");
        }
        page = text.toString();
        write(root.resolve("page.html"), page);
        write(root.resolve("small.css"), "a{}");
        write(root.resolve("photo.png"), page);
        server = FileServerFixture.serving(files(root, f -> f.gzip(g -> g.minSize(1024))));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static byte[] gunzip(byte[] data) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
        }
    }

    @Test
    void compressibleFileAboveMinSizeIsGzippedAndDecompressesToTheFile() throws IOException {
        RawHttp.Response response = server.get("/page.html", "Accept-Encoding: gzip");
        assertEquals(200, response.status());
        assertEquals("gzip", response.header("Content-Encoding"));
        assertEquals("text/html; charset=utf-8", response.header("Content-Type"));
        assertEquals("Accept-Encoding", response.header("Vary"));
        byte[] compressed = response.dechunkedBody();
        assertTrue(compressed.length < page.length() / 4, "compressed to " + compressed.length);
        assertArrayEquals(page.getBytes(StandardCharsets.UTF_8), gunzip(compressed));
    }

    @Test
    void compressedStreamHasNoLengthAndNoRanges() throws IOException {
        RawHttp.Response response = server.get("/page.html", "Accept-Encoding: gzip");
        assertNull(response.header("Content-Length"));
        assertNull(response.header("Accept-Ranges"));
    }

    @Test
    void compressedStreamIsChunkedOnAPersistentConnection() throws IOException {
        RawHttp.Response response = RawHttp.exchange(new InetSocketAddress("127.0.0.1", server.port()),
                "GET /page.html HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\n\r\n");
        assertEquals("chunked", response.header("Transfer-Encoding"));
        assertFalse(response.closed());
        assertArrayEquals(page.getBytes(StandardCharsets.UTF_8),
                gunzip(response.body().getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void compressedStreamHasItsOwnWeakEtag() throws IOException {
        String plain = server.get("/page.html").header("ETag");
        String gzip = server.get("/page.html", "Accept-Encoding: gzip").header("ETag");
        assertTrue(gzip.startsWith("W/\""), gzip);
        assertNotEquals(plain, gzip);
        assertEquals(304, server.get("/page.html", "Accept-Encoding: gzip", "If-None-Match: " + gzip).status());
    }

    @Test
    void rangeRequestGetsTheUncompressedBytes() throws IOException {
        RawHttp.Response response = server.get("/page.html", "Accept-Encoding: gzip", "Range: bytes=0-3");
        assertEquals(206, response.status());
        assertEquals("line", response.bodyText());
        assertNull(response.header("Content-Encoding"));
        assertEquals("Accept-Encoding", response.header("Vary"));
    }

    @Test
    void clientWithoutGzipGetsTheFileAndVary() throws IOException {
        RawHttp.Response response = server.get("/page.html", "Accept-Encoding: br, gzip;q=0");
        assertNull(response.header("Content-Encoding"));
        assertEquals(page, response.bodyText());
        assertEquals("Accept-Encoding", response.header("Vary"));
    }

    @Test
    void fileBelowMinSizeIsSentAsItIs() throws IOException {
        RawHttp.Response response = server.get("/small.css", "Accept-Encoding: gzip");
        assertNull(response.header("Content-Encoding"));
        assertNull(response.header("Vary"));
        assertEquals("a{}", response.bodyText());
    }

    @Test
    void typeOutsideTheListIsSentAsItIs() throws IOException {
        RawHttp.Response response = server.get("/photo.png", "Accept-Encoding: gzip");
        assertNull(response.header("Content-Encoding"));
        assertEquals(page.length(), response.bodyBytes().length);
    }

    @Test
    void headOfACompressedResponseHasTheHeadersAndNoBody() throws IOException {
        RawHttp.Response response = server.request("HEAD", "/page.html", "localhost", "Accept-Encoding: gzip");
        assertEquals(200, response.status());
        assertEquals("gzip", response.header("Content-Encoding"));
        assertEquals(0, response.bodyBytes().length);
    }

    @Test
    void gzipIsOffByDefault() throws IOException {
        try (FileServerFixture off = FileServerFixture.serving(files(root, f -> { }))) {
            RawHttp.Response response = off.get("/page.html", "Accept-Encoding: gzip");
            assertNull(response.header("Content-Encoding"));
            assertEquals(page, response.bodyText());
        }
    }
}
