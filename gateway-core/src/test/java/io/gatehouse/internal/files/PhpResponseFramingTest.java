package io.gatehouse.internal.files;

import io.gatehouse.testing.CleanUp;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * How a script's output is framed to the client when the script sends no length, from a real php-cgi with its
 * connections kept: a response the gateway read to its end before writing anything gets a Content-Length, as
 * lighttpd gives it (php-cgi writes a short response and its end in one write, so it always arrives whole); a longer
 * one streams chunked. Skipped when php-cgi is not installed.
 */
@Timeout(60)
class PhpResponseFramingTest {

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();
    @TempDir
    Path root;
    private PhpSite site;

    @BeforeEach
    void start() throws Exception {
        write(root.resolve("hello.php"), "<?php echo 'hello';");
        write(root.resolve("big.php"), "<?php echo str_repeat('x', 65536);");
        write(root.resolve("huge.php"), "<?php for ($i = 0; $i < 64; $i++) { echo str_repeat(chr(97 + $i % 26), 16384); }");
        write(root.resolve("length.php"), "<?php header('Content-Length: 5'); echo 'hello';");
        site = cleanUp.add(PhpSite.serving(root, cleanUp.add(PhpCgi.start(UnusedPort.next())).port(),
                c -> c.maxConnections(1).keepAlive(1)));
    }

    @Test
    void aSmallResponseGetsAContentLengthInsteadOfChunks() throws Exception {
        RawHttp.Response response = site.get("/hello.php");
        assertEquals(200, response.status(), response.head());
        assertEquals("5", response.header("Content-Length"), response.head());
        assertNull(response.header("Transfer-Encoding"), response.head());
        assertEquals("hello", response.body());
    }

    @Test
    void aResponseLongerThanTheGatewayGathersStreamsChunkedAndWhole() throws Exception {
        RawHttp.Response response = site.get("/huge.php");
        assertEquals("chunked", response.header("Transfer-Encoding"), response.head());
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            expected.append(String.valueOf((char) ('a' + i % 26)).repeat(16384));
        }
        assertEquals(expected.toString(), new String(response.dechunkedBody(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void theScriptsOwnLengthIsKeptAndNotRepeated() throws Exception {
        RawHttp.Response response = site.get("/length.php");
        assertEquals(1, response.headerFields().get("content-length").size(), response.head());
        assertEquals("5", response.header("Content-Length"));
        assertEquals("hello", response.body());
    }

    @Test
    void responsesOfEitherFramingFollowEachOtherOnTheKeptConnection() throws Exception {
        for (int i = 0; i < 5; i++) {
            // Whole when it was all read before the first write, chunked when php-cgi was still writing then.
            assertEquals("x".repeat(65536), new String(site.get("/big.php").dechunkedBody(), StandardCharsets.ISO_8859_1));
            assertEquals("hello", site.get("/hello.php").body());
        }
    }
}
