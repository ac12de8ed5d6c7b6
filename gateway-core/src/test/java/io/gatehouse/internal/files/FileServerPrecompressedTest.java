package io.gatehouse.internal.files;

import io.gatehouse.config.FilesConfig;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.gatehouse.internal.files.FileServerFixture.files;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@code precompressed: true}: {@code app.js.br} / {@code app.js.gz} are served for {@code /app.js} to clients
 * whose Accept-Encoding allows them, as nginx gzip_static / brotli_static and Caddy precompressed. The sibling
 * contents here are marker strings, not real compressed data: the server must pass them through untouched.
 */
@Timeout(30)
class FileServerPrecompressedTest {

    @TempDir
    Path root;
    private FileServerFixture server;

    @BeforeEach
    void start() throws IOException {
        write(root.resolve("app.js"), "plain javascript");
        write(root.resolve("app.js.br"), "BROTLI-BYTES");
        write(root.resolve("app.js.gz"), "GZIP-BYTES");
        write(root.resolve("style.css"), "plain css");
        write(root.resolve("style.css.gz"), "GZIP-CSS");
        write(root.resolve("lonely.txt"), "no siblings");
        server = FileServerFixture.serving(files(root, f -> f.precompressed(true)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void brotliSiblingIsPreferredWhenBothAreAcceptedEqually() throws IOException {
        RawHttp.Response response = server.get("/app.js", "Accept-Encoding: gzip, deflate, br");
        assertEquals(200, response.status());
        assertEquals("BROTLI-BYTES", response.bodyText());
        assertEquals("br", response.header("Content-Encoding"));
        assertEquals("text/javascript; charset=utf-8", response.header("Content-Type"));
        assertEquals("Accept-Encoding", response.header("Vary"));
        assertEquals("12", response.header("Content-Length"));
    }

    @Test
    void siblingIsServedUnderOwnerMatchWhenNoLinkIsOnTheWay() throws IOException {
        // The sibling's path differs from the requested one by its suffix, not by a link: owner-match has nothing
        // to refuse.
        try (FileServerFixture ownerMatch = FileServerFixture.serving(files(root,
                f -> f.precompressed(true).symlinks(FilesConfig.Symlinks.OWNER_MATCH)))) {
            RawHttp.Response response = ownerMatch.get("/app.js", "Accept-Encoding: gzip");
            assertEquals(200, response.status(), response.head());
            assertEquals("GZIP-BYTES", response.bodyText());
        }
    }

    @Test
    void gzipSiblingIsServedWhenOnlyGzipIsAccepted() throws IOException {
        RawHttp.Response response = server.get("/app.js", "Accept-Encoding: gzip");
        assertEquals("GZIP-BYTES", response.bodyText());
        assertEquals("gzip", response.header("Content-Encoding"));
        assertEquals("text/javascript; charset=utf-8", response.header("Content-Type"));
    }

    @Test
    void higherWeightWinsOverThePreferenceOrder() throws IOException {
        assertEquals("GZIP-BYTES", server.get("/app.js", "Accept-Encoding: br;q=0.5, gzip;q=0.9").bodyText());
    }

    @Test
    void codingWithQZeroIsNeverServed() throws IOException {
        assertEquals("GZIP-BYTES", server.get("/app.js", "Accept-Encoding: br;q=0, gzip").bodyText());
        RawHttp.Response none = server.get("/app.js", "Accept-Encoding: br;q=0, gzip;q=0.0");
        assertEquals("plain javascript", none.bodyText());
        assertNull(none.header("Content-Encoding"));
    }

    @Test
    void wildcardAcceptsEverySiblingUnlessACodingIsExcluded() throws IOException {
        assertEquals("BROTLI-BYTES", server.get("/app.js", "Accept-Encoding: *").bodyText());
        assertEquals("GZIP-BYTES", server.get("/app.js", "Accept-Encoding: br;q=0, *").bodyText());
        assertEquals("plain javascript", server.get("/app.js", "Accept-Encoding: *;q=0").bodyText());
    }

    @Test
    void uncompressedAnswerVariesOnAcceptEncodingWhenASiblingExists() throws IOException {
        RawHttp.Response response = server.get("/app.js");
        assertEquals("plain javascript", response.bodyText());
        assertNull(response.header("Content-Encoding"));
        assertEquals("Accept-Encoding", response.header("Vary"));
    }

    @Test
    void fileWithoutSiblingsDoesNotVary() throws IOException {
        RawHttp.Response response = server.get("/lonely.txt", "Accept-Encoding: gzip, br");
        assertEquals("no siblings", response.bodyText());
        assertNull(response.header("Vary"));
        assertNull(response.header("Content-Encoding"));
    }

    @Test
    void onlyTheSiblingsThatExistAreConsidered() throws IOException {
        RawHttp.Response response = server.get("/style.css", "Accept-Encoding: br, gzip");
        assertEquals("GZIP-CSS", response.bodyText());
        assertEquals("text/css; charset=utf-8", response.header("Content-Type"));
    }

    @Test
    void eachRepresentationHasItsOwnEtag() throws IOException {
        String plain = server.get("/app.js").header("ETag");
        String br = server.get("/app.js", "Accept-Encoding: br").header("ETag");
        String gzip = server.get("/app.js", "Accept-Encoding: gzip").header("ETag");
        assertNotEquals(plain, br);
        assertNotEquals(plain, gzip);
        assertNotEquals(br, gzip);
    }

    @Test
    void conditionalRequestIsEvaluatedAgainstTheChosenRepresentation() throws IOException {
        String br = server.get("/app.js", "Accept-Encoding: br").header("ETag");
        RawHttp.Response notModified = server.get("/app.js", "Accept-Encoding: br", "If-None-Match: " + br);
        assertEquals(304, notModified.status());
        assertEquals("Accept-Encoding", notModified.header("Vary"));
        assertEquals(200, server.get("/app.js", "If-None-Match: " + br).status());
    }

    @Test
    void rangeAppliesToTheCompressedBytes() throws IOException {
        RawHttp.Response response = server.get("/app.js", "Accept-Encoding: br", "Range: bytes=0-5");
        assertEquals(206, response.status());
        assertEquals("BROTLI", response.bodyText());
        assertEquals("bytes 0-5/12", response.header("Content-Range"));
        assertEquals("br", response.header("Content-Encoding"));
    }

    @Test
    void siblingThatIsASymbolicLinkIsIgnored() throws IOException {
        Path outside = Files.createTempFile("gatehouse-sibling", ".br");
        try {
            Files.writeString(outside, "LINKED");
            write(root.resolve("linked.txt"), "plain");
            Files.createSymbolicLink(root.resolve("linked.txt.br"), outside);
            assertEquals("plain", server.get("/linked.txt", "Accept-Encoding: br").bodyText());
        } finally {
            Files.delete(outside);
        }
    }

    @Test
    void siblingsAreIgnoredWhenPrecompressedIsOff() throws IOException {
        try (FileServerFixture off = FileServerFixture.serving(files(root, f -> { }))) {
            RawHttp.Response response = off.get("/app.js", "Accept-Encoding: br, gzip");
            assertEquals("plain javascript", response.bodyText());
            assertNull(response.header("Vary"));
        }
    }

    @Test
    void siblingRequestedByItsOwnNameIsAnOrdinaryFile() throws IOException {
        RawHttp.Response response = server.get("/app.js.gz", "Accept-Encoding: gzip");
        assertEquals("GZIP-BYTES", response.bodyText());
        assertEquals("application/gzip", response.header("Content-Type"));
        assertNull(response.header("Content-Encoding"));
    }
}
