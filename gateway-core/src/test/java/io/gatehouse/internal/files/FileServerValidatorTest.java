package io.gatehouse.internal.files;

import io.gatehouse.testing.RawHttp;
import io.undertow.util.DateUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Date;

import static io.gatehouse.internal.files.FileServerFixture.config;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Last-Modified, the strong content-hash ETag, and the conditional requests built on them (RFC 9110 13.2.2). */
@Timeout(30)
class FileServerValidatorTest {

    private static final Instant MTIME = Instant.parse("2024-03-01T12:00:00Z");

    @TempDir
    Path root;
    private Path file;
    private FileServerFixture server;

    @BeforeEach
    void start() throws IOException {
        file = write(root.resolve("f.txt"), "0123456789");
        Files.setLastModifiedTime(file, FileTime.from(MTIME));
        server = FileServerFixture.serving(config(root));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void lastModifiedIsTheFileModificationTime() throws IOException {
        assertEquals("Fri, 01 Mar 2024 12:00:00 GMT", server.get("/f.txt").header("Last-Modified"));
    }

    @Test
    void etagIsStrongAndTheSameForTheSameContent() throws IOException {
        write(root.resolve("copy.txt"), "0123456789");
        String etag = server.get("/f.txt").header("ETag");
        assertTrue(etag.startsWith("\""), etag);
        assertEquals(etag, server.get("/copy.txt").header("ETag"));
    }

    @Test
    void etagStaysTheSameWhenTheFileIsOnlyTouched() throws IOException {
        String before = server.get("/f.txt").header("ETag");
        Files.setLastModifiedTime(file, FileTime.from(MTIME.plusSeconds(3600)));
        RawHttp.Response after = server.get("/f.txt");
        assertEquals("Fri, 01 Mar 2024 13:00:00 GMT", after.header("Last-Modified"));
        assertEquals(before, after.header("ETag"));
    }

    @Test
    void touchedFileStillAnswers304ToItsOldEtag() throws IOException {
        String etag = server.get("/f.txt").header("ETag");
        Files.setLastModifiedTime(file, FileTime.from(MTIME.plusSeconds(3600)));
        assertEquals(304, server.get("/f.txt", "If-None-Match: " + etag).status());
    }

    @Test
    void fileAboveTheHashLimitGetsAStrongMtimeAndSizeEtagLikeNginx() throws IOException {
        Path big = root.resolve("big.bin");
        try (RandomAccessFile sparse = new RandomAccessFile(big.toFile(), "rw")) {
            sparse.setLength(ContentHashes.HASH_LIMIT + 1);
        }
        Files.setLastModifiedTime(big, FileTime.from(MTIME));
        String expected = "\"" + Long.toHexString(MTIME.getEpochSecond()) + "-" + Long.toHexString(ContentHashes.HASH_LIMIT + 1) + "\"";
        assertEquals(expected, server.request("HEAD", "/big.bin", "localhost").header("ETag"));
    }

    @Test
    void etagChangesWhenTheFileChanges() throws IOException {
        String before = server.get("/f.txt").header("ETag");
        Files.writeString(file, "01234567890");
        Files.setLastModifiedTime(file, FileTime.from(MTIME));
        assertNotEquals(before, server.get("/f.txt").header("ETag"));
    }

    @Test
    void matchingIfNoneMatchAnswers304WithoutBody() throws IOException {
        String etag = server.get("/f.txt").header("ETag");
        RawHttp.Response response = server.get("/f.txt", "If-None-Match: \"other\", " + etag);
        assertEquals(304, response.status());
        assertEquals(etag, response.header("ETag"));
        assertEquals(0, response.bodyBytes().length);
    }

    @Test
    void weakFormOfTheEtagAlsoMatchesIfNoneMatch() throws IOException {
        String etag = server.get("/f.txt").header("ETag");
        assertEquals(304, server.get("/f.txt", "If-None-Match: W/" + etag).status());
    }

    @Test
    void staleIfNoneMatchServesTheFile() throws IOException {
        RawHttp.Response response = server.get("/f.txt", "If-None-Match: \"1-1\"");
        assertEquals(200, response.status());
        assertEquals("0123456789", response.bodyText());
    }

    @Test
    void ifModifiedSinceAtTheModificationTimeAnswers304() throws IOException {
        assertEquals(304, server.get("/f.txt", "If-Modified-Since: Fri, 01 Mar 2024 12:00:00 GMT").status());
    }

    @Test
    void ifModifiedSinceBeforeTheModificationTimeServesTheFile() throws IOException {
        String earlier = DateUtils.toDateString(Date.from(MTIME.minusSeconds(1)));
        assertEquals(200, server.get("/f.txt", "If-Modified-Since: " + earlier).status());
    }

    @Test
    void ifNoneMatchTakesPrecedenceOverIfModifiedSince() throws IOException {
        RawHttp.Response response = server.get("/f.txt", "If-None-Match: \"stale\"",
                "If-Modified-Since: Fri, 01 Mar 2024 12:00:00 GMT");
        assertEquals(200, response.status());
    }

    @Test
    void headHonoursConditionalsLikeGet() throws IOException {
        String etag = server.get("/f.txt").header("ETag");
        assertEquals(304, server.request("HEAD", "/f.txt", "localhost", "If-None-Match: " + etag).status());
    }

    @Test
    void ifNoneMatchStarAnswers304ForAnExistingFile() throws IOException {
        assertEquals(304, server.get("/f.txt", "If-None-Match: *").status());
    }

    @Test
    void ifNoneMatchSpreadOverSeveralHeaderLinesIsOneList() throws IOException {
        String etag = server.get("/f.txt").header("ETag");
        assertEquals(304, server.get("/f.txt", "If-None-Match: \"a\"", "If-None-Match: " + etag).status());
    }

    @Test
    void invalidIfModifiedSinceIsIgnored() throws IOException {
        assertEquals(200, server.get("/f.txt", "If-Modified-Since: yesterday").status());
    }

    @Test
    void matchingIfMatchServesTheFile() throws IOException {
        String etag = server.get("/f.txt").header("ETag");
        assertEquals(200, server.get("/f.txt", "If-Match: \"other\", " + etag).status());
    }

    @Test
    void weakIfMatchNeverMatchesBecauseIfMatchComparesStrongly() throws IOException {
        String etag = server.get("/f.txt").header("ETag");
        assertEquals(412, server.get("/f.txt", "If-Match: W/" + etag).status());
    }

    @Test
    void ifMatchTakesPrecedenceOverIfUnmodifiedSince() throws IOException {
        String etag = server.get("/f.txt").header("ETag");
        assertEquals(200, server.get("/f.txt", "If-Match: " + etag,
                "If-Unmodified-Since: Thu, 29 Feb 2024 12:00:00 GMT").status());
    }

    @Test
    void ifMatchIsEvaluatedBeforeIfNoneMatch() throws IOException {
        String etag = server.get("/f.txt").header("ETag");
        assertEquals(412, server.get("/f.txt", "If-Match: \"stale\"", "If-None-Match: " + etag).status());
    }

    @Test
    void ifUnmodifiedSinceAtTheModificationTimeServesTheFile() throws IOException {
        assertEquals(200, server.get("/f.txt", "If-Unmodified-Since: Fri, 01 Mar 2024 12:00:00 GMT").status());
    }

    @Test
    void failingIfMatchAnswers412() throws IOException {
        assertEquals(412, server.get("/f.txt", "If-Match: \"stale\"").status());
    }

    @Test
    void ifUnmodifiedSinceBeforeTheModificationTimeAnswers412() throws IOException {
        assertEquals(412, server.get("/f.txt", "If-Unmodified-Since: Thu, 29 Feb 2024 12:00:00 GMT").status());
    }
}
