package io.gatehouse.internal.files;

import io.gatehouse.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.gatehouse.internal.files.FileServerFixture.config;
import static io.gatehouse.internal.files.FileServerFixture.withIndex;
import static io.gatehouse.internal.files.FileServerFixture.withListing;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Index files, the trailing-slash redirect, directory listing, and 403 for an unlisted directory. */
@Timeout(30)
class FileServerDirectoryTest {

    @TempDir
    Path root;

    @Test
    void indexFilesAreTriedInOrder() throws IOException {
        write(root.resolve("both/default.htm"), "default");
        write(root.resolve("both/index.html"), "index");
        write(root.resolve("second/index.html"), "second only");
        try (FileServerFixture server = FileServerFixture.serving(withIndex(config(root), "default.htm", "index.html"))) {
            assertEquals("default", server.get("/both/").bodyText());
            assertEquals("second only", server.get("/second/").bodyText());
        }
    }

    @Test
    void directoryWithoutTrailingSlashIsRedirectedKeepingTheQuery() throws IOException {
        write(root.resolve("docs/index.html"), "docs");
        try (FileServerFixture server = FileServerFixture.serving(config(root))) {
            RawHttp.Response plain = server.get("/docs");
            assertEquals(301, plain.status());
            assertEquals("/docs/", plain.header("Location"));
            RawHttp.Response withQuery = server.get("/docs?a=1&b=%20");
            assertEquals(301, withQuery.status());
            assertEquals("/docs/?a=1&b=%20", withQuery.header("Location"));
        }
    }

    @Test
    void redirectNeverBecomesProtocolRelative() throws IOException {
        Files.createDirectories(root.resolve("evil.example"));
        try (FileServerFixture server = FileServerFixture.serving(config(root))) {
            RawHttp.Response response = server.get("//evil.example");
            assertEquals(301, response.status());
            assertEquals("/evil.example/", response.header("Location"));
        }
    }

    @Test
    void redirectLocationIsPercentEncoded() throws IOException {
        Files.createDirectories(root.resolve("a b"));
        try (FileServerFixture server = FileServerFixture.serving(config(root))) {
            assertEquals("/a%20b/", server.get("/a%20b").header("Location"));
        }
    }

    @Test
    void directoryWithoutIndexIsForbiddenWhenListingIsOff() throws IOException {
        write(root.resolve("plain/file.txt"), "x");
        try (FileServerFixture server = FileServerFixture.serving(config(root))) {
            RawHttp.Response response = server.get("/plain/");
            assertEquals(403, response.status());
            assertFalse(response.bodyText().contains("file.txt"));
        }
    }

    @Test
    void listingIsSortedWithDirectoriesFirst() throws IOException {
        write(root.resolve("list/b.txt"), "b");
        write(root.resolve("list/a.txt"), "a");
        Files.createDirectories(root.resolve("list/zdir"));
        try (FileServerFixture server = FileServerFixture.serving(withListing(config(root)))) {
            RawHttp.Response response = server.get("/list/");
            assertEquals(200, response.status());
            assertEquals("text/html; charset=utf-8", response.header("Content-Type"));
            String html = response.bodyText();
            int up = html.indexOf("href=\"../\"");
            int zdir = html.indexOf("href=\"zdir/\"");
            int a = html.indexOf("href=\"a.txt\"");
            int b = html.indexOf("href=\"b.txt\"");
            assertTrue(up >= 0 && up < zdir && zdir < a && a < b, html);
        }
    }

    @Test
    void listingEscapesNamesInTextAndEncodesThemInLinks() throws IOException {
        write(root.resolve("list/<img src=x onerror=alert('x')> & \"q\".txt"), "x");
        write(root.resolve("list/c:d.txt"), "x");
        try (FileServerFixture server = FileServerFixture.serving(withListing(config(root)))) {
            String html = server.get("/list/").bodyText();
            assertFalse(html.contains("<img"), html);
            assertTrue(html.contains(">&lt;img src=x onerror=alert(&#39;x&#39;)&gt; &amp; &quot;q&quot;.txt</a>"), html);
            assertTrue(html.contains("href=\"%3Cimg%20src%3Dx%20onerror%3Dalert%28%27x%27%29%3E%20%26%20%22q%22.txt\""), html);
            assertTrue(html.contains("href=\"c%3Ad.txt\""), html);
        }
    }

    @Test
    void listingHidesDotFilesDeniedNamesAndLinksOutOfTheRoot() throws IOException {
        Path site = root.resolve("site");
        write(site.resolve("list/shown.txt"), "x");
        write(site.resolve("list/.htpasswd"), "x");
        write(site.resolve("list/secret.inc"), "x");
        write(site.resolve("list/backup.txt~"), "x");
        write(root.resolve("outside.txt"), "x");
        Files.createSymbolicLink(site.resolve("list/escape.txt"), root.resolve("outside.txt"));
        try (FileServerFixture server = FileServerFixture.serving(withListing(config(site)))) {
            String html = server.get("/list/").bodyText();
            assertTrue(html.contains("shown.txt"), html);
            assertFalse(html.contains(".htpasswd"), html);
            assertFalse(html.contains("secret.inc"), html);
            assertFalse(html.contains("backup.txt~"), html);
            assertFalse(html.contains("escape.txt"), html);
        }
    }

    @Test
    void indexFileWinsOverListing() throws IOException {
        write(root.resolve("d/index.html"), "the index");
        try (FileServerFixture server = FileServerFixture.serving(withListing(config(root)))) {
            assertEquals("the index", server.get("/d/").bodyText());
        }
    }
}
