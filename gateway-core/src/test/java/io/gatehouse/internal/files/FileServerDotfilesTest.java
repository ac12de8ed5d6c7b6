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

/**
 * {@code dotfiles: deny} (the default), as nginx users write {@code location ~ /\. { deny all; }}: every path with
 * a segment starting with a dot is 403, whatever spelling reaches it, except {@code /.well-known/}.
 */
@Timeout(30)
class FileServerDotfilesTest {

    private static final String SECRET = "DOTFILE-SECRET";

    @TempDir
    Path root;
    private FileServerFixture server;

    @BeforeEach
    void start() throws IOException {
        write(root.resolve(".htpasswd"), SECRET);
        write(root.resolve(".git/config"), SECRET);
        write(root.resolve("sub/.env"), SECRET);
        write(root.resolve(".well-known/acme-challenge/token"), "challenge");
        write(root.resolve(".well-known/.secret"), SECRET);
        write(root.resolve("visible.txt"), "visible");
        server = FileServerFixture.serving(files(root, f -> { }));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void assertForbidden(String target) throws IOException {
        server.assertForbiddenWithout(target, SECRET);
    }

    @Test
    void dotFileIsForbidden() throws IOException {
        assertForbidden("/.htpasswd");
        assertForbidden("/sub/.env");
    }

    @Test
    void fileInsideADotDirectoryIsForbidden() throws IOException {
        assertForbidden("/.git/config");
        assertForbidden("/.git/");
        assertForbidden("/.git");
    }

    @Test
    void dotFileIsForbiddenEvenWhenMissing() throws IOException {
        assertForbidden("/.svn/entries");
    }

    @Test
    void dotFileIsForbiddenWhenTheDotIsPercentEncoded() throws IOException {
        assertForbidden("/%2ehtpasswd");
        assertForbidden("/%2Egit/config");
        assertForbidden("/sub/%2eenv");
    }

    @Test
    void dotFileIsForbiddenThroughDotSegmentsAndDoubleSlashes() throws IOException {
        assertForbidden("/./.htpasswd");
        assertForbidden("//.git/config");
        assertForbidden("/sub/../.htpasswd");
        assertForbidden("/sub/%2e%2e/.git/config");
    }

    @Test
    void dotFileIsForbiddenInAnyLetterCaseAndBehindPathParameters() throws IOException {
        assertForbidden("/.GIT/config");
        assertForbidden("/.htpasswd;x=1");
    }

    @Test
    void dotFileIsForbiddenBehindAnInnocentSymbolicLink() throws IOException {
        Files.createSymbolicLink(root.resolve("innocent.txt"), root.resolve(".htpasswd"));
        assertForbidden("/innocent.txt");
    }

    @Test
    void wellKnownIsServedEvenUnderDeny() throws IOException {
        RawHttp.Response response = server.get("/.well-known/acme-challenge/token");
        assertEquals(200, response.status());
        assertEquals("challenge", response.bodyText());
    }

    @Test
    void dotFileBelowWellKnownIsStillForbidden() throws IOException {
        assertForbidden("/.well-known/.secret");
    }

    @Test
    void dotFilesAreServedWhenAllowed() throws IOException {
        try (FileServerFixture allowing = FileServerFixture.serving(files(root, f -> f.dotfiles(FilesConfig.Dotfiles.ALLOW)))) {
            assertEquals(SECRET, allowing.get("/.htpasswd").bodyText());
            assertEquals(SECRET, allowing.get("/.git/config").bodyText());
        }
    }

    @Test
    void ordinaryFileIsServed() throws IOException {
        assertEquals("visible", server.get("/visible.txt").bodyText());
    }
}
