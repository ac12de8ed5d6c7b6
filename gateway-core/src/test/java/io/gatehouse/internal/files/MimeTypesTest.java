package io.gatehouse.internal.files;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.gatehouse.internal.files.FileServerFixture.files;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in Content-Type table, its charset rule, and per-vhost {@code mimeTypes} overrides on a real server. */
@Timeout(30)
class MimeTypesTest {

    /** Every extension in nginx 1.22's /etc/nginx/mime.types (Debian nginx-common), names only. */
    private static final List<String> NGINX_EXTENSIONS = Arrays.asList(("3gp 3gpp 7z ai asf asx atom avi avif bin bmp "
            + "cco crt css deb der dll dmg doc docx ear eot eps exe flv gif hqx htc htm html ico img iso jad jar jardiff "
            + "jng jnlp jpeg jpg js json kar kml kmz m3u8 m4a m4v mid midi mml mng mov mp3 mp4 mpeg mpg msi msm msp odg "
            + "odp ods odt ogg pdb pdf pem pl pm png ppt pptx prc ps ra rar rpm rss rtf run sea shtml sit svg svgz swf "
            + "tcl tif tiff tk ts txt war wasm wbmp webm webp wml wmlc wmv woff woff2 xhtml xls xlsx xml xpi xspf zip")
            .split(" "));

    @TempDir
    Path root;
    private FileServerFixture server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void builtInTableKnowsEveryExtensionNginxKnows() {
        List<String> missing = NGINX_EXTENSIONS.stream().filter(ext -> !MimeTypes.knows(ext)).toList();
        assertEquals(List.of(), missing);
    }

    @Test
    void textTypesCarryUtf8Charset() {
        MimeTypes types = new MimeTypes(Map.of());
        for (String name : List.of("a.html", "a.css", "a.js", "a.json", "a.xml", "a.svg", "a.txt", "a.csv", "a.rss",
                "a.webmanifest")) {
            assertTrue(types.of(name).endsWith("; charset=utf-8"), name + " -> " + types.of(name));
        }
    }

    @Test
    void binaryTypesCarryNoCharset() {
        MimeTypes types = new MimeTypes(Map.of());
        assertEquals("image/png", types.of("a.png"));
        assertEquals("application/pdf", types.of("a.pdf"));
        assertEquals("font/woff2", types.of("a.woff2"));
    }

    @Test
    void extensionIsMatchedCaseInsensitively() {
        assertEquals("image/jpeg", new MimeTypes(Map.of()).of("PHOTO.JPG"));
    }

    @Test
    void unknownOrMissingExtensionIsOctetStream() {
        MimeTypes types = new MimeTypes(Map.of());
        assertEquals(MimeTypes.DEFAULT, types.of("a.unknownext"));
        assertEquals(MimeTypes.DEFAULT, types.of("README"));
        assertEquals(MimeTypes.DEFAULT, types.of("trailing."));
    }

    @Test
    void overrideWinsOverTheBuiltInTableAndGetsTheCharsetRule() throws IOException {
        write(root.resolve("a.ts"), "let x: number = 1;");
        server = FileServerFixture.serving(files(root, f -> f.mimeType("ts", "text/x-typescript")));
        assertEquals("text/x-typescript; charset=utf-8", server.get("/a.ts").header("Content-Type"));
    }

    @Test
    void overrideWithParametersIsUsedAsWritten() throws IOException {
        write(root.resolve("old.html"), "<p>caf\u00e9</p>");
        server = FileServerFixture.serving(files(root, f -> f.mimeType(".html", "text/html; charset=iso-8859-1")));
        assertEquals("text/html; charset=iso-8859-1", server.get("/old.html").header("Content-Type"));
    }

    @Test
    void overrideMayNameADottedExtensionWhichBeatsTheLastOne() throws IOException {
        write(root.resolve("backup.tar.gz"), "x");
        server = FileServerFixture.serving(files(root, f -> f.mimeType("tar.gz", "application/x-gtar")));
        assertEquals("application/x-gtar", server.get("/backup.tar.gz").header("Content-Type"));
    }

    @Test
    void builtInTypeIsServedWithoutOverrides() throws IOException {
        write(root.resolve("app.mjs"), "export {}");
        server = FileServerFixture.serving(files(root, f -> { }));
        assertEquals("text/javascript; charset=utf-8", server.get("/app.mjs").header("Content-Type"));
    }
}
