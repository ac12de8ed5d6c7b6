package io.gatehouse.internal.files;

import io.gatehouse.testing.CleanUp;
import io.gatehouse.testing.ExternalServer;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.gatehouse.internal.files.FileServerFixture.write;
import static io.gatehouse.internal.files.PhpSite.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code fastcgi.keepAlive}: connections to a real php-cgi or php-fpm kept open between requests
 * ({@code FCGI_KEEP_CONN}), counted by a relay in front of the server. Skipped when php-cgi (php-fpm) is not
 * installed.
 */
@Timeout(60)
class PhpFastCgiKeepAliveTest {

    private static final Path PHP_FPM = Path.of("/usr/sbin/php-fpm8.2");

    @RegisterExtension
    final CleanUp cleanUp = new CleanUp();
    @TempDir
    Path root;

    @BeforeEach
    void scripts() throws IOException {
        PhpSite.writeWorkerScripts(root);
    }

    @Test
    void sequentialRequestsShareOneKeptConnection() throws Exception {
        CountingRelay relay = relayToPhpCgi();
        PhpSite site = keeping(1, relay);
        Set<String> pids = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            pids.add(ok(site.get("/pid.php")));
        }
        assertEquals(1, relay.accepted(), "connections opened");
        assertEquals(1, pids.size(), "one worker served them all: " + pids);
    }

    @Test
    void withoutKeepAliveEachRequestHasAConnectionOfItsOwn() throws Exception {
        CountingRelay relay = relayToPhpCgi();
        PhpSite site = keeping(0, relay);
        for (int i = 0; i < 3; i++) {
            ok(site.get("/pid.php"));
        }
        relay.awaitClosedByGateway(3);
        assertEquals(3, relay.accepted(), "connections opened");
    }

    @Test
    void connectionsBeyondTheKeepAliveCapAreClosedOnceIdle() throws Exception {
        CountingRelay relay = relayToPhpCgi();
        PhpSite site = keeping(1, relay);
        List<CompletableFuture<RawHttp.Response>> waiting = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            waiting.add(CompletableFuture.supplyAsync(() -> site.getUnchecked("/wait.php")));
        }
        relay.awaitAccepted(2);
        Files.createFile(root.resolve("go"));
        for (CompletableFuture<RawHttp.Response> response : waiting) {
            assertTrue(ok(response.get()).contains("done"));
        }
        relay.awaitClosedByGateway(1);
        ok(site.get("/pid.php"));
        assertEquals(2, relay.accepted(), "the kept connection served the next request");
    }

    @Test
    void theCapCountsTheIdleConnectionsOfEveryPoolOfTheServer() throws Exception {
        CountingRelay relay = relayToPhpCgi();
        PhpSite first = keeping(1, relay);
        PhpSite second = keeping(1, relay);
        ok(first.get("/pid.php"));
        ok(second.get("/pid.php"));
        relay.awaitClosedByGateway(1);
        ok(first.get("/pid.php"));
        assertEquals(2, relay.accepted(), "the first site's connection stayed, the second's was closed");
    }

    @Test
    void aClientGoneBeforeItsShortAnswerLeavesTheKeptConnectionToTheNextRequest() throws Exception {
        CountingRelay relay = relayToPhpCgi();
        // One connection at most: the next request waits for the gone one's to be released or closed.
        PhpSite site = cleanUp.add(PhpSite.serving(root, relay.port(), c -> c.keepAlive(1).maxConnections(1)));
        try (Socket client = new Socket()) {
            client.connect(site.address(), 5_000);
            client.getOutputStream().write("GET /wait.php HTTP/1.1\r\nHost: site.example\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            relay.awaitAccepted(1);
            // Reset before the script answers: the gateway finds the client gone when it writes the answer.
            client.setSoLinger(true, 0);
        }
        Files.createFile(root.resolve("go"));

        ok(site.get("/pid.php"));
        assertEquals(1, relay.accepted(), "the next request went over the gone one's connection");
    }

    @Test
    void aKeptConnectionTheServerDropsAsTheRequestArrivesIsRetriedOnAFreshOne() throws Exception {
        CountingRelay relay = relayToPhpCgi();
        PhpSite site = keeping(1, relay);
        ok(site.get("/pid.php"));
        relay.dropTheNextRequestOnAKeptConnection();
        ok(site.get("/pid.php"));
        assertEquals(2, relay.accepted(), "sent again on a new connection");
    }

    @Test
    void workersThatExitAfterEachRequestNeverFailOne() throws Exception {
        PhpCgi php = cleanUp.add(PhpCgi.startReplacingWorkersAfter(1, UnusedPort.next()));
        PhpSite site = cleanUp.add(PhpSite.serving(root, php.port(), c -> c.keepAlive(1)));
        Set<String> pids = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            pids.add(ok(site.get("/pid.php")));
        }
        assertEquals(6, pids.size(), "each request had a new worker: " + pids);
    }

    @Test
    void phpFpmKeepsTheConnectionOpen() throws Exception {
        assumeTrue(Files.isExecutable(PHP_FPM), "php-fpm8.2 is not installed");
        int port = UnusedPort.next();
        Path conf = write(root.resolve("fpm/php-fpm.conf"), "[global]\nerror_log = " + root.resolve("fpm/error.log")
                + "\ndaemonize = no\n[test]\nlisten = 127.0.0.1:" + port + "\npm = static\npm.max_children = 2\n");
        Path output = root.resolve("fpm/output.log");
        List<String> command = new ArrayList<>(List.of(PHP_FPM.toString(), "-F", "-n", "-y", conf.toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("-R");
        }
        Process fpm = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        cleanUp.add(() -> ExternalServer.stop(fpm));
        ExternalServer.awaitListening(fpm, port, output);
        CountingRelay relay = relayTo(port);
        PhpSite site = keeping(1, relay);
        Set<String> pids = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            pids.add(ok(site.get("/pid.php")));
        }
        assertEquals(1, relay.accepted(), "connections opened");
        assertEquals(1, pids.size(), "one worker served them all: " + pids);
    }

    private CountingRelay relayTo(int port) throws IOException {
        return cleanUp.add(CountingRelay.to(port));
    }

    /** A relay in front of a php-cgi of its own, with two workers. */
    private CountingRelay relayToPhpCgi() throws Exception {
        return relayTo(cleanUp.add(PhpCgi.start(UnusedPort.next())).port());
    }

    /** A site whose scripts run through {@code relay}, keeping up to {@code keepAlive} idle connections. */
    private PhpSite keeping(int keepAlive, CountingRelay relay) {
        return cleanUp.add(PhpSite.serving(root, relay.port(), c -> c.keepAlive(keepAlive)));
    }
}
