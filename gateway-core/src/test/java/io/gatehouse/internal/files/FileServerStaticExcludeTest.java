package io.gatehouse.internal.files;

import io.gatehouse.config.GatewayConfigBuilder;
import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static io.gatehouse.internal.files.FileServerFixture.files;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code staticExclude}: a script is never sent as a file (lighttpd's {@code static-file.exclude-extensions}), by
 * whichever way a request reaches it: its own name in any case, an index file, a precompressed sibling, a range,
 * an error page, a symbolic link. Every script here holds {@value #SECRET}, which no refused answer may carry.
 */
@Timeout(30)
class FileServerStaticExcludeTest {

    private static final String SECRET = "DB_PASSWORD";
    private static final String SCRIPT = "<?php $db = new PDO('mysql:', 'app', '" + SECRET + "'); ?>\n";

    @TempDir
    Path root;

    @BeforeEach
    void tree() throws IOException {
        write(root.resolve("index.php"), SCRIPT);
        write(root.resolve("index.php.gz"), "GZIPPED " + SCRIPT);
        write(root.resolve("index.php.br"), "BROTLI " + SCRIPT);
        write(root.resolve("SHOUT.PHP"), SCRIPT);
        write(root.resolve("page.phtml"), SCRIPT);
        write(root.resolve("tool.pl"), SCRIPT);
        write(root.resolve("app.fcgi"), SCRIPT);
        write(root.resolve("form.cgi"), SCRIPT);
        write(root.resolve("shown.phps"), "highlighted source, published on purpose");
        write(root.resolve("notes.php.txt"), "a text file");
        write(root.resolve("tool.py"), "print('hello')");
        write(root.resolve("404.php"), SCRIPT);
        write(root.resolve("site/index.php"), SCRIPT);
        write(root.resolve("site/index.html"), "static index");
        write(root.resolve("only-html/index.html"), "static index");
        write(root.resolve("app.php/index.html"), "a directory named like a script");
        write(root.resolve("list/a.php"), SCRIPT);
        write(root.resolve("list/b.txt"), "b");
    }

    private FileServerFixture serving(Consumer<GatewayConfigBuilder.FilesBuilder> definition) {
        return FileServerFixture.serving(files(root, definition));
    }

    @Test
    void aScriptIsRefusedByDefaultAndItsSourceNotSent() throws IOException {
        try (FileServerFixture server = serving(f -> { })) {
            server.assertForbiddenWithout("/index.php", SECRET);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/page.phtml", "/tool.pl", "/app.fcgi", "/form.cgi"})
    void everyDefaultExtensionIsRefused(String target) throws IOException {
        try (FileServerFixture server = serving(f -> { })) {
            server.assertForbiddenWithout(target, SECRET);
        }
    }

    @Test
    void theExtensionIsComparedIgnoringCase() throws IOException {
        try (FileServerFixture server = serving(f -> { })) {
            server.assertForbiddenWithout("/SHOUT.PHP", SECRET);
        }
    }

    @Test
    void aHeadRequestAndARangeAreRefusedToo() throws IOException {
        try (FileServerFixture server = serving(f -> { })) {
            assertEquals(403, server.request("HEAD", "/index.php", "localhost").status());
            RawHttp.Response range = server.get("/index.php", "Range: bytes=0-15");
            assertEquals(403, range.status());
            assertFalse(range.body().contains("PDO"), range.body());
        }
    }

    @Test
    void aMissingScriptIsNotFoundAsInLighttpd() throws IOException {
        try (FileServerFixture server = serving(f -> { })) {
            assertEquals(404, server.get("/missing.php").status());
        }
    }

    @Test
    void anIndexScriptIsRefusedNotSkippedAsInLighttpd() throws IOException {
        try (FileServerFixture server = serving(f -> f.index("index.php", "index.html"))) {
            server.assertForbiddenWithout("/site/", SECRET);
            assertEquals("static index", server.get("/only-html/").bodyText());
        }
    }

    @Test
    void aPrecompressedSiblingOfAScriptIsNeverSent() throws IOException {
        try (FileServerFixture server = serving(f -> f.precompressed(true))) {
            RawHttp.Response negotiated = server.get("/index.php", "Accept-Encoding: gzip, br");
            assertEquals(403, negotiated.status());
            assertFalse(negotiated.body().contains(SECRET), negotiated.body());
            server.assertForbiddenWithout("/index.php.gz", SECRET);
            server.assertForbiddenWithout("/index.php.br", SECRET);
        }
    }

    @Test
    void aSiblingOfAScriptIsRefusedByItsOwnNameEvenWithPrecompressedOff() throws IOException {
        try (FileServerFixture server = serving(f -> { })) {
            server.assertForbiddenWithout("/index.php.gz", SECRET);
        }
    }

    @Test
    void aLinkToAScriptIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("readme.txt"), root.resolve("index.php"));
        try (FileServerFixture server = serving(f -> { })) {
            server.assertForbiddenWithout("/readme.txt", SECRET);
        }
    }

    @Test
    void aScriptIsNeverSentAsAnErrorPage() throws IOException {
        try (FileServerFixture server = serving(f -> f.errorPage(404, "/404.php"))) {
            RawHttp.Response response = server.get("/missing.html");
            assertEquals(404, response.status());
            assertFalse(response.body().contains(SECRET), response.body());
        }
    }

    @Test
    void aDirectoryNamedLikeAScriptIsStillADirectory() throws IOException {
        try (FileServerFixture server = serving(f -> { })) {
            assertEquals("a directory named like a script", server.get("/app.php/").bodyText());
        }
    }

    @Test
    void aListingStillNamesScriptsAsLighttpdDoes() throws IOException {
        try (FileServerFixture server = serving(f -> f.listing(true))) {
            String listing = server.get("/list/").bodyText();
            assertTrue(listing.contains("a.php") && listing.contains("b.txt"), listing);
            assertFalse(listing.contains(SECRET), listing);
        }
    }

    @Test
    void namesThatOnlyContainAnExtensionAreServed() throws IOException {
        try (FileServerFixture server = serving(f -> { })) {
            assertEquals("highlighted source, published on purpose", server.get("/shown.phps").bodyText());
            assertEquals("a text file", server.get("/notes.php.txt").bodyText());
        }
    }

    @Test
    void anEmptyListServesScriptsAsFilesAgain() throws IOException {
        try (FileServerFixture server = serving(f -> f.staticExclude())) {
            RawHttp.Response response = server.get("/index.php");
            assertEquals(200, response.status());
            assertEquals(SCRIPT, response.bodyText());
        }
    }

    @Test
    void aListGivenReplacesTheDefault() throws IOException {
        try (FileServerFixture server = serving(f -> f.staticExclude(".py"))) {
            server.assertForbiddenWithout("/tool.py", "print");
            assertEquals(SCRIPT, server.get("/index.php").bodyText());
        }
    }
}
