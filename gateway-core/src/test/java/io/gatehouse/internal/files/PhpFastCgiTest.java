package io.gatehouse.internal.files;

import io.gatehouse.testing.CleanUp;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PHP run through FastCGI on a real {@code php-cgi -b}, as the seed's lighttpd ran it: the CGI variables, the
 * path-info split, Status and Location, and a FastCGI server that is down. Skipped when php-cgi is not installed.
 */
@Timeout(60)
class PhpFastCgiTest {

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();
    @TempDir
    Path root;
    private PhpCgi php;
    private PhpSite site;

    @BeforeEach
    void start() throws Exception {
        php = cleanUp.add(PhpCgi.start(UnusedPort.next()));
        write(root.resolve("hello.php"), "<?php echo 'hello ', $_GET['name'] ?? '';");
        write(root.resolve("gone.php"), "<?php header('Status: 404 Not Found'); echo 'no such thing';");
        write(root.resolve("moved.php"), "<?php header('Location: /elsewhere');");
        write(root.resolve("x.jpg"), "not a script");
        write(root.resolve("x.jpg.d/keep"), "");
        site = cleanUp.add(PhpSite.serving(root, php.port(), c -> { }));
    }

    @Test
    void theScriptSeesTheCgiVariablesLighttpdSets() throws IOException {
        Map<?, ?> server = site.assertCgiVariables(root);
        assertFalse(server.containsKey("HTTPS"), "plain HTTP is no HTTPS");
    }

    @Test
    void aGetWithAQueryRunsTheScript() throws IOException {
        RawHttp.Response response = site.get("/hello.php?name=world");
        assertEquals(200, response.status());
        assertTrue(response.body().contains("hello world"), response.body());
    }

    @Test
    void statusFromTheScriptIsTheResponseStatus() throws IOException {
        RawHttp.Response response = site.get("/gone.php");
        assertEquals(404, response.status());
        assertTrue(response.body().contains("no such thing"), response.body());
    }

    @Test
    void aLocalLocationWithoutStatusIsA302() throws IOException {
        RawHttp.Response response = site.get("/moved.php");
        assertEquals(302, response.status());
        assertEquals("/elsewhere", response.header("Location"), response.head());
    }

    @Test
    void aScriptNameAfterAnExistingFileIsNeverRun() throws IOException {
        site.assertNotRun("/x.jpg/hello.php", 404, "hello");
    }

    @Test
    void aMissingScriptIs404() throws IOException {
        assertEquals(404, site.get("/missing.php").status());
    }

    @Test
    void aScriptWhosePathIsNotAsciiSeesItsNamesInUtf8() throws IOException {
        write(root.resolve("caf\u00e9/\u00fcber.php"), "<?php echo $_SERVER['SCRIPT_NAME'], ' ', $_SERVER['PATH_INFO'];");
        assertEquals("/caf\u00e9/\u00fcber.php /\u00e0", new String(
                PhpSite.ok(site.get("/caf%C3%A9/%C3%BCber.php/%C3%A0")).getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8));
    }

    @Test
    void headersLargerThanAnIoBufferReachTheScriptWhole() throws IOException {
        assertHeadersReachTheScript(2, 12_000);
    }

    @Test
    void headersLargerThanOneParamsRecordReachTheScriptWhole() throws IOException {
        // Over FastCGI's 65,535 bytes of content per record: the pairs go in several PARAMS records.
        assertHeadersReachTheScript(8, 12_000);
    }

    @Test
    void variablesLongerThanARecordAre502AndTheNextRequestIsServed() throws IOException {
        // A 70,000-byte header is a variable longer than FastCGI's 65,535-byte record: cut in two records, which
        // php-cgi does not join (it drops the connection). The request cannot succeed; it must end as a clean 502,
        // its connection given back. (How the records are laid out: FastCgiParamsRecordsTest.)
        StringBuilder request = new StringBuilder("GET /hello.php HTTP/1.1\r\nHost: site.example\r\n");
        for (int i = 0; i < 3; i++) {
            request.append("X-Big-").append(i).append(": ").append("b".repeat(70_000)).append("\r\n");
        }
        RawHttp.Response response = RawHttp.exchange(site.address(), request.append("Connection: close\r\n\r\n").toString());

        assertEquals(502, response.status());
        assertEquals("hello you", PhpSite.ok(site.get("/hello.php?name=you")));
    }

    /** {@code count} headers of {@code size} bytes each arrive in the script's variables as sent. */
    private void assertHeadersReachTheScript(int count, int size) throws IOException {
        write(root.resolve("headers.php"), "<?php for ($i = 0; $i < " + count + "; $i++)"
                + " echo $i, '=', md5($_SERVER['HTTP_X_BIG_' . $i]), ' ';");
        StringBuilder request = new StringBuilder("GET /headers.php HTTP/1.1\r\nHost: site.example\r\n");
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String value = String.valueOf((char) ('a' + i)).repeat(size - 1) + i;
            request.append("X-Big-").append(i).append(": ").append(value).append("\r\n");
            expected.append(i).append('=').append(md5(value)).append(' ');
        }
        RawHttp.Response response = RawHttp.exchange(site.address(), request.append("Connection: close\r\n\r\n").toString());
        assertEquals(expected.toString(), PhpSite.ok(response));
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aFastCgiServerThatIsDownIs502() throws Exception {
        site = cleanUp.add(PhpSite.serving(root, UnusedPort.next(), c -> { }));
        assertEquals(502, site.get("/hello.php").status());
    }
}
