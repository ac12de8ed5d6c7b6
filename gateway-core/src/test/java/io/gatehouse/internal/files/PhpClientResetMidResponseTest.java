package io.gatehouse.internal.files;

import io.gatehouse.testing.CleanUp;
import io.gatehouse.testing.LogCapture;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.gatehouse.internal.files.FileServerFixture.awaitFile;
import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that resets its connection in the middle of a large PHP response from a real php-cgi: an expected event, so no ERROR and no stack trace, and the site
 * goes on serving. Skipped when php-cgi is not installed.
 */
@Timeout(60)
class PhpClientResetMidResponseTest {

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();
    @TempDir
    Path root;
    private LogCapture log;
    private PhpSite site;

    @BeforeEach
    void start() throws Exception {
        // 32 KiB; once the test created "go" (after the client's reset), more until the gateway drops the FastCGI
        // connection, which aborts the script: its shutdown function then creates "ended".
        write(root.resolve("big.php"), "<?php register_shutdown_function(function () { touch(__DIR__ . '/ended'); });"
                + " echo str_repeat('a', 32768); flush();"
                + " while (!file_exists(__DIR__ . '/go')) { usleep(10000); }"
                + " while (true) { echo str_repeat('b', 16384); flush(); }");
        write(root.resolve("hello.php"), "<?php echo 'hello';");
        log = cleanUp.add(LogCapture.on(""));
        site = cleanUp.add(PhpSite.serving(root, cleanUp.add(PhpCgi.start(UnusedPort.next())).port(), c -> { }));
    }

    @Test
    void aClientResetMidResponseLogsNoErrorAndNoStackTrace() throws Exception {
        resetMidResponseThenAskAgain();
        log.assertNoErrorNorStackTrace();
    }

    @Test
    void theSiteServesTheNextRequestAfterAClientResetMidResponse() throws Exception {
        RawHttp.Response next = resetMidResponseThenAskAgain();
        assertEquals(200, next.status(), next.body());
        assertEquals("hello", new String(next.dechunkedBody(), StandardCharsets.UTF_8));
    }

    /**
     * The client takes the head and some body and resets; the script writes more, which the gateway cannot relay,
     * until the gateway closes the FastCGI connection; then another request. One IO thread: once it is answered,
     * whatever the broken relay logged is in the capture.
     */
    private RawHttp.Response resetMidResponseThenAskAgain() throws Exception {
        String head = RawHttp.readHeadThenReset(site.address(),
                "GET /big.php HTTP/1.1\r\nHost: site.example\r\nConnection: close\r\n\r\n");
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        Files.createFile(root.resolve("go"));
        awaitFile(root.resolve("ended"));
        return site.get("/hello.php");
    }
}
