package io.gatehouse.internal.files;

import io.gatehouse.testing.CleanUp;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fastcgi.timeouts.read} on a real {@code php-cgi -b}: a script that flushed part of its answer and then
 * sends nothing for the read timeout has its response cut off (nginx's {@code fastcgi_read_timeout}); one that keeps
 * flushing is not. The FastCGI connection runs through an {@link AcceptCounter} that sees the gateway close it. The
 * client asks to keep its connection open, so a close it sees is the cut-off. Skipped when php-cgi is not installed.
 */
@Timeout(60)
class PhpReadTimeoutTest {

    private static final String KEEP_ALIVE = " HTTP/1.1\r\nHost: site.example\r\n\r\n";

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();
    @TempDir
    Path root;
    private AcceptCounter connections;
    private PhpSite site;

    @BeforeEach
    void start() throws Exception {
        PhpCgi php = cleanUp.add(PhpCgi.start(UnusedPort.next()));
        write(root.resolve("stalls.php"), "<?php echo 'first'; flush(); sleep(600);");
        write(root.resolve("trickles.php"), "<?php for ($i = 0; $i < 50; $i++) { echo $i % 10; flush(); usleep(40000); }");
        write(root.resolve("ok.php"), "<?php echo 'ok';");
        connections = cleanUp.add(new AcceptCounter(php.port()));
        site = cleanUp.add(PhpSite.serving(root, connections.port(), c -> c.readTimeout(Duration.ofMillis(300))));
    }

    @Test
    void aScriptSilentAfterAFlushHasItsResponseEndWithoutTheLastChunk() throws Exception {
        RawHttp.Response response = RawHttp.exchangeToClose(site.address(), "GET /stalls.php" + KEEP_ALIVE);

        assertEquals(200, response.status());
        assertEquals("chunked", response.header("Transfer-Encoding"));
        assertTrue(response.body().contains("first"), response.body());
        assertFalse(response.body().endsWith("0\r\n\r\n"), "no last chunk the script did not send: " + response.body());
    }

    @Test
    void theSilentScriptsFastCgiConnectionIsClosed() throws Exception {
        RawHttp.exchangeToClose(site.address(), "GET /stalls.php" + KEEP_ALIVE);

        connections.awaitClosedByGateway(1);
    }

    @Test
    void theNextScriptRunsAfterACutOff() throws Exception {
        RawHttp.exchangeToClose(site.address(), "GET /stalls.php" + KEEP_ALIVE);

        assertEquals("ok", PhpSite.ok(site.get("/ok.php")));
    }

    @Test
    void aScriptFlushingMoreOftenThanTheReadTimeoutIsRelayedWholeThoughItTakesLonger() throws Exception {
        // 50 flushes 40 ms apart: 2 s in all, more than this site's read timeout, whose pauses are a fortieth of it
        // (a wide margin for a loaded machine).
        PhpSite patient = cleanUp.add(PhpSite.serving(root, connections.port(), c -> c.readTimeout(Duration.ofMillis(1600))));
        RawHttp.Response response = RawHttp.exchange(patient.address(),
                "GET /trickles.php HTTP/1.1\r\nHost: site.example\r\nConnection: close\r\n\r\n");

        assertEquals(200, response.status());
        assertEquals("01234567890123456789012345678901234567890123456789", response.body());
    }
}
