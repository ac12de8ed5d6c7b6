package io.gatehouse.internal.files;

import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.gatehouse.internal.files.FileServerFixture.config;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Content-Type from the file name, and bodies of every size arriving intact. */
@Timeout(60)
class FileServerBodyTest {

    @TempDir
    Path root;
    private FileServerFixture server;

    @BeforeEach
    void start() {
        server = FileServerFixture.serving(config(root));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a.html | text/html; charset=utf-8",
            "a.css | text/css; charset=utf-8",
            "a.js | text/javascript; charset=utf-8",
            "a.json | application/json; charset=utf-8",
            "a.txt | text/plain; charset=utf-8",
            "a.svg | image/svg+xml; charset=utf-8",
            "a.xml | application/xml; charset=utf-8",
            "a.png | image/png",
            "a.JPG | image/jpeg",
            "a.gif | image/gif",
            "a.ico | image/x-icon",
            "a.webp | image/webp",
            "a.woff2 | font/woff2",
            "a.pdf | application/pdf",
            "a.mp4 | video/mp4",
            "a.zip | application/zip",
            "a.unknownext | application/octet-stream",
            "noextension | application/octet-stream",
    })
    void contentTypeFollowsTheFileName(String name, String contentType) throws IOException {
        write(root.resolve(name), "x");
        assertEquals(contentType, server.get("/" + name).header("Content-Type"));
    }

    @Test
    void emptyFileIsServedWithZeroLength() throws IOException {
        write(root.resolve("empty.txt"), "");
        RawHttp.Response response = server.get("/empty.txt");
        assertEquals(200, response.status());
        assertEquals("0", response.header("Content-Length"));
        assertEquals(0, response.bodyBytes().length);
    }

    @Test
    void largeFileArrivesCompleteAndIntact() throws IOException {
        // 48 MiB, sparse on disk, with markers at both ends so truncation or misplacement shows.
        Path big = root.resolve("big.bin");
        long size = 48L << 20;
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(size);
            file.seek(0);
            file.write("HEAD-MARK".getBytes(StandardCharsets.US_ASCII));
            file.seek(size - 9);
            file.write("TAIL-MARK".getBytes(StandardCharsets.US_ASCII));
        }
        RawHttp.Response response = server.get("/big.bin");
        assertEquals(200, response.status());
        assertEquals(String.valueOf(size), response.header("Content-Length"));
        assertEquals(size, response.bodyBytes().length);
        assertArrayEquals(Files.readAllBytes(big), response.bodyBytes());
    }

    @Test
    void rangeDeepInsideALargeFileIsTheRightBytes() throws IOException {
        Path big = root.resolve("big.bin");
        long size = 16L << 20;
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(size);
            file.seek(10_000_000);
            file.write("MIDDLE".getBytes(StandardCharsets.US_ASCII));
        }
        RawHttp.Response response = server.get("/big.bin", "Range: bytes=10000000-10000005");
        assertEquals(206, response.status());
        assertEquals("MIDDLE", response.bodyText());
    }
    @Test
    void longRangeSpanningManyBuffersIsTheRightBytes() throws IOException {
        byte[] content = new byte[3 << 20];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31 + (i >> 12));
        }
        Files.write(root.resolve("pattern.bin"), content);
        RawHttp.Response response = server.get("/pattern.bin", "Range: bytes=1000001-2999999");
        assertEquals(206, response.status());
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 1000001, 3000000), response.bodyBytes());
    }
}
