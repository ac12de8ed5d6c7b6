package io.gatehouse.files;

import io.undertow.util.DateUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Date;

import static io.gatehouse.files.FileServerFixture.config;
import static io.gatehouse.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Last-Modified, the strong ETag derived from mtime and size, and the conditional requests built on them. */
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
    void etagIsStrongAndBuiltFromMtimeAndSizeInHexLikeNginx() throws IOException {
        String expected = "\"" + Long.toHexString(MTIME.getEpochSecond()) + "-a\"";
        assertEquals(expected, server.get("/f.txt").header("ETag"));
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
        RawResponse response = server.get("/f.txt", "If-None-Match: \"other\", " + etag);
        assertEquals(304, response.status());
        assertEquals(etag, response.header("ETag"));
        assertEquals(0, response.body().length);
    }

    @Test
    void weakFormOfTheEtagAlsoMatchesIfNoneMatch() throws IOException {
        String etag = server.get("/f.txt").header("ETag");
        assertEquals(304, server.get("/f.txt", "If-None-Match: W/" + etag).status());
    }

    @Test
    void staleIfNoneMatchServesTheFile() throws IOException {
        RawResponse response = server.get("/f.txt", "If-None-Match: \"1-1\"");
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
        RawResponse response = server.get("/f.txt", "If-None-Match: \"stale\"",
                "If-Modified-Since: Fri, 01 Mar 2024 12:00:00 GMT");
        assertEquals(200, response.status());
    }

    @Test
    void headHonoursConditionalsLikeGet() throws IOException {
        String etag = server.get("/f.txt").header("ETag");
        assertEquals(304, server.request("HEAD", "/f.txt", "localhost", "If-None-Match: " + etag).status());
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
