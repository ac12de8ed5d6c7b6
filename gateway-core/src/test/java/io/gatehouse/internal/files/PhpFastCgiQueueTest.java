package io.gatehouse.internal.files;

import io.gatehouse.config.GatewayConfigBuilder;
import io.gatehouse.testing.CleanUp;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import static io.gatehouse.internal.files.FileServerFixture.write;
import static io.gatehouse.internal.files.PhpSite.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fastcgi.maxConnections}: the connections to a real php-cgi (two workers) capped over two IO threads, the
 * requests beyond them waiting in the gateway, in order, for at most the connect timeout. A relay in front of
 * php-cgi counts what reaches the server. Skipped when php-cgi is not installed.
 */
@Timeout(60)
class PhpFastCgiQueueTest {

    private static final int IO_THREADS = 2;

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();
    @TempDir
    Path root;

    @BeforeEach
    void scripts() throws IOException {
        PhpSite.writeWorkerScripts(root);
        write(root.resolve("order.php"), "<?php file_put_contents(__DIR__ . '/order.log', $_GET['i'] . ' ', FILE_APPEND);"
                + " echo 'ran ' . $_GET['i'];");
    }

    @Test
    void theServerNeverHasMoreRequestsThanTheCapOverAllIoThreads() throws Exception {
        CountingRelay relay = relayToPhpCgi();
        PhpSite site = site(relay, c -> c.maxConnections(2).keepAlive(2));
        List<CompletableFuture<RawHttp.Response>> responses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            responses.add(CompletableFuture.supplyAsync(() -> site.getUnchecked("/wait.php")));
        }
        awaitWaiting(site, 6);
        Files.createFile(root.resolve("go"));

        for (CompletableFuture<RawHttp.Response> response : responses) {
            assertTrue(ok(response.get()).contains("done"));
        }
        assertEquals(2, relay.peakInFlight(), "requests the server had at once");
    }

    @Test
    void waitingRequestsRunInTheOrderTheyArrived() throws Exception {
        CountingRelay relay = relayToPhpCgi();
        PhpSite site = site(relay, c -> c.maxConnections(1));
        CompletableFuture<RawHttp.Response> holding = CompletableFuture.supplyAsync(() -> site.getUnchecked("/wait.php"));
        relay.awaitAccepted(1);
        List<CompletableFuture<RawHttp.Response>> queued = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String target = "/order.php?i=" + i;
            queued.add(CompletableFuture.supplyAsync(() -> site.getUnchecked(target)));
            awaitWaiting(site, i);
        }
        Files.createFile(root.resolve("go"));

        assertTrue(ok(holding.get()).contains("done"));
        for (int i = 1; i <= 5; i++) {
            assertTrue(ok(queued.get(i - 1).get()).contains("ran " + i));
        }
        assertEquals("1 2 3 4 5 ", Files.readString(root.resolve("order.log")));
    }

    @Test
    void aRequestThatWaitsPastTheConnectTimeoutIsAnswered503() throws Exception {
        CountingRelay relay = relayToPhpCgi();
        PhpSite site = site(relay, c -> c.maxConnections(1).connectTimeout(Duration.ofMillis(300)));
        CompletableFuture<RawHttp.Response> holding = CompletableFuture.supplyAsync(() -> site.getUnchecked("/wait.php"));
        relay.awaitAccepted(1);

        RawHttp.Response waited = site.get("/pid.php");
        Files.createFile(root.resolve("go"));

        assertEquals(503, waited.status(), waited.body());
        assertEquals("1", waited.header("Retry-After"));
        assertTrue(ok(holding.get()).contains("done"));
        assertEquals(1, relay.accepted(), "the request that waited never reached the server");
    }

    @Test
    void anIdleConnectionOnAnotherIoThreadGivesUpItsSlot() throws Exception {
        CountingRelay relay = relayToPhpCgi();
        // One slot, kept idle by whichever thread served last; a request on the other thread needs it back, well
        // before the idle timeout, or it would wait out the connect timeout and fail.
        PhpSite site = site(relay, c -> c.maxConnections(1).keepAlive(1));
        for (int i = 0; i < 10; i++) {
            ok(site.get("/pid.php"));
        }
        assertEquals(1, relay.peakInFlight(), "requests the server had at once");
    }

    @Test
    void workersThatCloseEveryKeptConnectionNeverFailAWaitingRequest() throws Exception {
        PhpCgi php = cleanUp.add(PhpCgi.startReplacingWorkersAfter(1, UnusedPort.next()));
        PhpSite site = cleanUp.add(PhpSite.serving(root, "127.0.0.1:" + php.port(), IO_THREADS,
                c -> c.maxConnections(2).keepAlive(2)));
        List<CompletableFuture<RawHttp.Response>> responses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            responses.add(CompletableFuture.supplyAsync(() -> site.getUnchecked("/pid.php")));
        }
        for (CompletableFuture<RawHttp.Response> response : responses) {
            ok(response.get());
        }
    }

    @Test
    void aKeptConnectionTheServerDropsIsRetriedAheadOfTheQueue() throws Exception {
        CountingRelay relay = relayToPhpCgi();
        PhpSite site = site(relay, c -> c.maxConnections(1).keepAlive(1));
        ok(site.get("/pid.php"));
        relay.dropTheNextRequestOnAKeptConnection();

        ok(site.get("/pid.php"));
        assertEquals(2, relay.accepted(), "sent again on a new connection");
    }

    /** Waits until {@code count} requests wait in the gateway for a connection. */
    private static void awaitWaiting(PhpSite site, int count) throws InterruptedException {
        URI server = site.scripts().backends().get(0);
        for (int i = 0; i < 1000 && site.scripts().gaugeSource(server).queued() < count; i++) {
            Thread.sleep(10);
        }
        assertEquals(count, site.scripts().gaugeSource(server).queued(), "requests waiting in the gateway");
    }

    /** A relay in front of a php-cgi of its own, with two workers. */
    private CountingRelay relayToPhpCgi() throws Exception {
        return cleanUp.add(CountingRelay.to(cleanUp.add(PhpCgi.start(UnusedPort.next())).port()));
    }

    private PhpSite site(CountingRelay relay, Consumer<GatewayConfigBuilder.FastCgiBuilder> settings) {
        return cleanUp.add(PhpSite.serving(root, "127.0.0.1:" + relay.port(), IO_THREADS, settings));
    }
}
