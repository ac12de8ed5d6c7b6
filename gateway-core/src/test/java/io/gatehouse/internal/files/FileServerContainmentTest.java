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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * No request reaches a file outside the document root: not with {@code ..} in any spelling, not through a
 * symbolic link. The tree is {@code <tmp>/site} (the root) next to {@code <tmp>/outside/secret.txt}.
 */
@Timeout(30)
class FileServerContainmentTest {

    private static final String SECRET = "OUTSIDE-THE-ROOT";

    @TempDir
    Path tmp;
    private Path root;
    private FileServerFixture server;

    @BeforeEach
    void start() throws IOException {
        root = tmp.resolve("site");
        write(root.resolve("public.txt"), "public");
        write(root.resolve("sub/inner.txt"), "inner");
        write(tmp.resolve("outside/secret.txt"), SECRET);
        server = FileServerFixture.serving(config(root));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RawHttp.Response rawGet(String target) throws IOException {
        RawHttp.Response response = server.get(target);
        assertFalse((response.head() + response.body()).contains(SECRET), target + " leaked a file outside the root");
        return response;
    }

    private void assertRefused(String target) throws IOException {
        int status = rawGet(target).status();
        assertTrue(status == 400 || status == 403 || status == 404, target + " answered " + status);
    }

    @Test
    void dotDotAboveTheRootIsABadRequest() throws IOException {
        assertEquals(400, rawGet("/../outside/secret.txt").status());
        assertEquals(400, rawGet("/sub/../../outside/secret.txt").status());
    }

    @Test
    void percentEncodedDotDotAboveTheRootIsRefused() throws IOException {
        assertRefused("/%2e%2e/outside/secret.txt");
        assertRefused("/sub/%2E%2E/%2e%2e/outside/secret.txt");
        assertRefused("/.%2e/outside/secret.txt");
    }

    @Test
    void encodedSlashDoesNotSplitADotDotSegment() throws IOException {
        assertRefused("/..%2foutside%2fsecret.txt");
        assertRefused("/sub/..%2F..%2Foutside%2Fsecret.txt");
        assertRefused("/%2e%2e%2foutside%2fsecret.txt");
    }

    @Test
    void backslashIsRefused() throws IOException {
        assertRefused("/..\\outside\\secret.txt");
        assertRefused("/sub/..%5c..%5coutside%5csecret.txt");
    }

    @Test
    void dotDotThatStaysInsideTheRootIsServed() throws IOException {
        RawHttp.Response response = rawGet("/sub/../public.txt");
        assertEquals(200, response.status());
        assertEquals("public", response.bodyText());
    }

    @Test
    void symbolicLinkToAFileOutsideTheRootIsForbidden() throws IOException {
        Files.createSymbolicLink(root.resolve("escape.txt"), tmp.resolve("outside/secret.txt"));
        assertEquals(403, rawGet("/escape.txt").status());
    }

    @Test
    void symbolicLinkToADirectoryOutsideTheRootIsForbidden() throws IOException {
        Files.createSymbolicLink(root.resolve("out"), tmp.resolve("outside"));
        assertEquals(403, rawGet("/out/secret.txt").status());
        assertEquals(403, rawGet("/out/").status());
    }

    @Test
    void relativeSymbolicLinkClimbingOutOfTheRootIsForbidden() throws IOException {
        Files.createSymbolicLink(root.resolve("sub/up.txt"), Path.of("../../outside/secret.txt"));
        assertEquals(403, rawGet("/sub/up.txt").status());
    }

    @Test
    void symbolicLinkInsideTheRootIsFollowed() throws IOException {
        Files.createSymbolicLink(root.resolve("alias.txt"), root.resolve("sub/inner.txt"));
        Files.createSymbolicLink(root.resolve("subalias"), Path.of("sub"));
        assertEquals("inner", rawGet("/alias.txt").bodyText());
        assertEquals("inner", rawGet("/subalias/inner.txt").bodyText());
    }

    @Test
    void danglingSymbolicLinkIsNotFound() throws IOException {
        Files.createSymbolicLink(root.resolve("dangling.txt"), root.resolve("gone.txt"));
        assertEquals(404, rawGet("/dangling.txt").status());
    }

    @Test
    void rootThatIsItselfASymbolicLinkServesItsTarget() throws IOException {
        Path link = tmp.resolve("site-link");
        Files.createSymbolicLink(link, root);
        try (FileServerFixture viaLink = FileServerFixture.serving(config(link))) {
            RawHttp.Response response = viaLink.get("/public.txt");
            assertEquals(200, response.status());
            assertEquals("public", response.bodyText());
        }
    }

    @Test
    void namedPipeIsNotFoundRatherThanOpened() throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("pipe").toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo is not available");
        assertEquals(404, rawGet("/pipe").status());
    }
}
