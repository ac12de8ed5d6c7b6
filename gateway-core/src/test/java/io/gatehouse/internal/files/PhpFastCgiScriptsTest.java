package io.gatehouse.internal.files;

import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.CleanUp;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static io.gatehouse.internal.files.FileServerFixture.awaitFile;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What PHP scripts do, on a real {@code php-cgi -b} behind a files action: request bodies, streamed output,
 * redirects, errors and their log lines, timeouts, a FastCGI server that dies, the path rules, and connection
 * reuse. Skipped when php-cgi is not installed.
 */
@Timeout(60)
class PhpFastCgiScriptsTest {

    private static final String PROXY_LOG = "io.gatehouse.internal.proxy";

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();
    @TempDir
    Path root;
    @TempDir
    Path signals;
    private PhpCgi php;
    private PhpSite site;

    @BeforeEach
    void start() throws Exception {
        php = cleanUp.add(PhpCgi.start(UnusedPort.next()));
        write(root.resolve("form.php"), "<?php echo 'a=', $_POST['a'] ?? '', ' b=', $_POST['b'] ?? '';");
        write(root.resolve("upload.php"),
                "<?php $in = file_get_contents('php://input'); echo strlen($in), ' ', sha1($in);");
        write(root.resolve("stream.php"), "<?php echo \"first\\n\"; flush();"
                + " for ($i = 0; $i < 2000 && !file_exists($_GET['go']); $i++) usleep(10000);"
                + " echo 'second';");
        write(root.resolve("away.php"), "<?php header('Location: https://other.example/landing?x=1');");
        write(root.resolve("fatal.php"), "<?php undefined_function_for_the_log();");
        write(root.resolve("slow.php"), "<?php touch($_GET['started']); sleep(30); echo 'late';");
        write(root.resolve("pid.php"), "<?php echo getmypid();");
        write(root.resolve("old~/index.php"), "<?php echo 'ran';");
        write(root.resolve(".private/x.php"), "<?php echo 'ran';");
        site = cleanUp.add(PhpSite.serving(root, php.port(), c -> c.responseTimeout(Duration.ofSeconds(2))));
    }

    @Test
    void aPostedFormReachesTheScript() throws IOException {
        String form = "a=1&b=two+words";
        RawHttp.Response response = RawHttp.exchange(site.address(), "POST /form.php HTTP/1.1\r\nHost: site.example\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
                + "\r\nConnection: close\r\n\r\n" + form);
        assertEquals(200, response.status());
        assertEquals("a=1 b=two words", response.body());
    }

    @Test
    void anEightMebibyteUploadArrivesWhole() throws Exception {
        byte[] body = new byte[8 << 20];
        new Random(18).nextBytes(body);
        String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
        try (Socket socket = new Socket("127.0.0.1", site.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /upload.php HTTP/1.1\r\nHost: site.example\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int offset = 0; offset < body.length; offset += 64 * 1024) {
                out.write(body, offset, 64 * 1024);
            }
            out.flush();
            RawHttp.Response response = RawHttp.read(socket);
            assertEquals(200, response.status(), response.body());
            assertEquals(body.length + " " + sha1, response.body());
        }
    }

    @Test
    void flushedOutputReachesTheClientChunkedBeforeTheScriptEnds() throws Exception {
        Path go = signals.resolve("go");
        try (Socket socket = new Socket("127.0.0.1", site.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET /stream.php?go=" + go + " HTTP/1.1\r\nHost: site.example\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String before = readUntil(in, "first");
            assertTrue(before.contains("Transfer-Encoding: chunked"), before);
            assertFalse(before.contains("second"), before);
            Files.createFile(go);
            String after = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(after.contains("second"), after);
            assertTrue(after.endsWith("0\r\n\r\n"), "the last chunk ends the body: " + after);
        }
    }

    @Test
    void anAbsoluteLocationWithoutStatusIsA302ToIt() throws IOException {
        RawHttp.Response response = site.get("/away.php");
        assertEquals(302, response.status());
        assertEquals("https://other.example/landing?x=1", response.header("Location"));
    }

    @Test
    void aFatalErrorIs500AndItsStderrLineIsLoggedAsAWarning() throws IOException {
        try (LogCapture log = LogCapture.on(PROXY_LOG)) {
            assertEquals(500, site.get("/fatal.php").status());
            LogRecord line = log.records().stream()
                    .filter(r -> r.getMessage().contains("undefined_function_for_the_log")).findFirst().orElse(null);
            assertTrue(line != null, "the script's error reaches the log: " + log.messages());
            assertEquals(Level.WARNING, line.getLevel());
            assertFalse(line.getMessage().contains("\n"), "one line per message: " + line.getMessage());
        }
    }

    @Test
    void aScriptSlowerThanTheResponseTimeoutIs504() throws IOException {
        assertEquals(504, site.get("/slow.php?started=" + signals.resolve("started")).status());
    }

    @Test
    void phpCgiKilledMidRequestIs502WithoutAStackTrace() throws Exception {
        Path started = signals.resolve("started");
        try (LogCapture log = LogCapture.on(PROXY_LOG); Socket socket = new Socket("127.0.0.1", site.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET /slow.php?started=" + started + " HTTP/1.1\r\nHost: site.example\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            awaitFile(started);
            php.close();
            assertEquals(502, RawHttp.read(socket).status());
            assertFalse(log.records().isEmpty(), "the failure is logged");
            for (LogRecord record : log.records()) {
                assertNull(record.getThrown(), record.getMessage());
                assertFalse(record.getMessage().contains("\tat "), record.getMessage());
            }
        }
    }

    @Test
    void anIndexScriptInADeniedDirectoryIs403() throws IOException {
        site.assertNotRun("/old~/", 403, "ran");
    }

    @Test
    void aScriptInADotDirectoryIs403() throws IOException {
        site.assertNotRun("/.private/x.php", 403, "ran");
    }

    @Test
    void eachScriptRunGetsAFastCgiConnectionThatIsClosedWhenItIsDone() throws Exception {
        try (AcceptCounter relay = new AcceptCounter(php.port())) {
            site = cleanUp.add(PhpSite.serving(root, relay.port(), c -> { }));
            try (Socket socket = new Socket("127.0.0.1", site.port())) {
                socket.setSoTimeout(30_000);
                String request = "GET /pid.php HTTP/1.1\r\nHost: site.example\r\n\r\n";
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                assertEquals(200, RawHttp.read(socket).status());
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                assertEquals(200, RawHttp.read(socket).status());
            }
            // An idle connection would pin a php-cgi child that another IO thread's request then waits for.
            relay.awaitClosedByGateway(2);
            assertEquals(2, relay.accepted());
        }
    }

    private static String readUntil(InputStream in, String marker) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (!seen.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before " + marker + ": " + seen);
            }
            seen.write(b);
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }
}
