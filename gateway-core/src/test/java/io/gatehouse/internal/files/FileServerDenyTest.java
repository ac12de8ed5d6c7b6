package io.gatehouse.internal.files;

import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.gatehouse.internal.files.FileServerFixture.config;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code deny: ["~", ".inc"]} (lighttpd url.access-deny): every spelling that reaches a denied file answers 403
 * and never leaks its content. Requests are raw bytes on a socket so that nothing normalises them on the way.
 */
@Timeout(30)
class FileServerDenyTest {

    private static final String SECRET = "SECRET-INCLUDE-CONTENT";

    @TempDir
    Path root;
    private FileServerFixture server;

    @BeforeEach
    void start() throws IOException {
        write(root.resolve("x.inc"), SECRET);
        write(root.resolve("page.html~"), SECRET);
        write(root.resolve("sub/keep.txt"), "fine");
        write(root.resolve("visible.txt"), "visible");
        server = FileServerFixture.serving(config(root));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void assertDenied(String target) throws IOException {
        server.assertForbiddenWithout(target, SECRET);
    }

    @Test
    void deniedSuffixIsForbidden() throws IOException {
        assertDenied("/x.inc");
    }

    @Test
    void deniedTildeSuffixIsForbidden() throws IOException {
        assertDenied("/page.html~");
    }

    @Test
    void deniedSuffixIsForbiddenWhenTildeIsPercentEncoded() throws IOException {
        assertDenied("/page.html%7e");
        assertDenied("/page.html%7E");
    }

    @Test
    void deniedSuffixIsForbiddenWhenPercentEncoded() throws IOException {
        assertDenied("/x.in%63");
        assertDenied("/x%2einc");
    }

    @Test
    void deniedSuffixIsForbiddenInAnyLetterCase() throws IOException {
        assertDenied("/x.INC");
        assertDenied("/x.Inc");
    }

    @Test
    void deniedSuffixIsForbiddenForAFileWhoseOwnNameIsUpperCase() throws IOException {
        write(root.resolve("UPPER.INC"), SECRET);
        assertDenied("/UPPER.INC");
    }

    @Test
    void deniedSuffixIsForbiddenBehindPathParameters() throws IOException {
        assertDenied("/x.inc;jsessionid=1");
        assertDenied("/x.inc;a=b;c=d");
    }

    @Test
    void deniedSuffixIsForbiddenWithTrailingDots() throws IOException {
        assertDenied("/x.inc.");
        assertDenied("/x.inc..");
        assertDenied("/x.inc%2e");
    }

    @Test
    void deniedSuffixIsForbiddenWithTrailingSlashOrDotSegment() throws IOException {
        assertDenied("/x.inc/");
        assertDenied("/x.inc/.");
    }

    @Test
    void deniedSuffixIsForbiddenThroughDoubleSlashesAndDotSegments() throws IOException {
        assertDenied("//x.inc");
        assertDenied("/sub/../x.inc");
        assertDenied("/./x.inc");
        assertDenied("/sub/%2e%2e/x.inc");
    }

    @Test
    void deniedFileIsForbiddenWhenReachedThroughAnInnocentLookingSymbolicLink() throws IOException {
        Files.createSymbolicLink(root.resolve("innocent.txt"), root.resolve("x.inc"));
        assertDenied("/innocent.txt");
    }

    @Test
    void deniedFileIsForbiddenWhenItIsTheDirectoryIndex() throws IOException {
        write(root.resolve("inc/index.html"), "link target");
        Files.delete(root.resolve("inc/index.html"));
        Files.createSymbolicLink(root.resolve("inc/index.html"), root.resolve("x.inc"));
        assertDenied("/inc/");
    }

    @Test
    void allowedFileNextToDeniedOnesIsServed() throws IOException {
        RawHttp.Response response = server.get("/visible.txt");
        assertEquals(200, response.status());
        assertEquals("visible", response.bodyText());
    }
}
