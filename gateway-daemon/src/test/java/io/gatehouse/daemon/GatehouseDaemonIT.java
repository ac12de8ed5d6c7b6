package io.gatehouse.daemon;

import io.gatehouse.daemon.RawGet.Response;
import io.gatehouse.testing.UnusedPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static io.gatehouse.daemon.RawGet.get;
import static io.gatehouse.daemon.RawGet.headerValues;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged daemon end to end: {@code java -jar gatehouse.jar} as a separate process, driven over real sockets
 * the way an operator and a client would. Runs in the integration-test phase, after the shaded jar is built.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GatehouseDaemonIT {

    private static final Path REPO = Path.of(System.getProperty("gatehouse.repo", ".."));

    @TempDir
    Path dir;

    private final List<DaemonProcess> processes = new ArrayList<>();
    private final List<Backend> backends = new ArrayList<>();

    @AfterEach
    void cleanUp() throws IOException {
        processes.forEach(DaemonProcess::close);
        for (Backend backend : backends) {
            backend.close();
        }
    }

    @Test
    void servesAProxiedAndALocalVhostThenExitsZeroOnSigterm() throws Exception {
        Backend backend = backend(new CountDownLatch(0));
        Files.createDirectory(dir.resolve("www"));
        Files.writeString(dir.resolve("www/hello.txt"), "hello from the files vhost\n");
        int front = UnusedPort.next();
        DaemonProcess daemon = startDaemon(twoVhosts(front, backend.port()), "listening on 127.0.0.1:" + front + " (2 vhosts)");

        Response proxied = get(front, "app.test", "/hello?x=1");
        Response file = get(front, "files.test", "/hello.txt");

        assertEquals(200, proxied.status(), proxied.toString());
        assertEquals("from the backend", proxied.body());
        String head = backend.received.poll(10, TimeUnit.SECONDS);
        assertNotNull(head, "the backend received nothing");
        assertTrue(head.startsWith("GET /hello?x=1 HTTP/1.1\r\n"), head);
        assertEquals(List.of("app.test"), headerValues(head, "Host"), head);
        assertEquals(List.of("127.0.0.1"), headerValues(head, "X-Forwarded-For"), head);
        assertEquals(200, file.status(), file.toString());
        assertEquals("hello from the files vhost\n", file.body());

        daemon.process().destroy(); // SIGTERM
        assertEquals(0, daemon.exitStatus(), daemon.log());
        assertTrue(daemon.log().contains(" INFO  stopped cleanly"), daemon.log());
    }

    @Test
    void sigtermLetsAnInFlightRequestFinishBeforeExitingZero() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Backend backend = backend(release);
        Files.createDirectory(dir.resolve("www"));
        int front = UnusedPort.next();
        DaemonProcess daemon = startDaemon(twoVhosts(front, backend.port()), "listening on 127.0.0.1:" + front);

        CompletableFuture<Response> inFlight = CompletableFuture.supplyAsync(() -> get(front, "app.test", "/slow"));
        assertNotNull(backend.received.poll(30, TimeUnit.SECONDS), "the request never reached the backend");
        daemon.process().destroy(); // SIGTERM while the backend still holds the response
        daemon.awaitLog("SIGTERM: stopping");
        release.countDown();

        Response response = inFlight.get(30, TimeUnit.SECONDS);
        assertEquals(200, response.status(), response.toString());
        assertEquals("from the backend", response.body());
        assertEquals(0, daemon.exitStatus(), daemon.log());
    }

    @Test
    void portInUseExitsTwoNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Path config = write("taken.yaml", """
                    listen: ["127.0.0.1:%d"]
                    vhosts:
                      - hosts: ["*"]
                        echo: {}
                    """.formatted(port));

            DaemonProcess daemon = launch("run", config.toString());

            assertEquals(Main.CANNOT_BIND, daemon.exitStatus(), daemon.log());
            assertTrue(daemon.log().contains(" ERROR cannot listen on 127.0.0.1:" + port + ": address already in use"), daemon.log());
        }
    }

    @Test
    void checkOnABadFileExitsOneWithFileLineColumnOnStandardError() throws Exception {
        Path config = write("bad.yaml", """
                listen: ["127.0.0.1:8080"]
                vhosts:
                  - hosts: [example.com]
                    proxy:
                      backends: ["ftp://127.0.0.1:21"]
                """);

        DaemonProcess check = launch("check", config.toString());

        assertEquals(Main.BAD_CONFIG, check.exitStatus(), check.log());
        assertTrue(Pattern.compile("(?m)^" + Pattern.quote(config.toString()) + ":5:\\d+: vhosts\\[0\\]\\.proxy\\.backends\\[0\\]: ")
                .matcher(check.log()).find(), check.log());
        assertEquals("", check.stdout());
    }

    @Test
    void shippedConfigurationsPassCheck() throws Exception {
        for (String name : new String[] {"demo.yaml", "gatehouse.yaml"}) {
            DaemonProcess check = launch("check", REPO.resolve("config").resolve(name).toString());

            assertEquals(Main.OK, check.exitStatus(), name + ":\n" + check.log());
            assertTrue(check.stdout().contains("configuration is valid"), check.stdout());
        }
    }

    @Test
    void versionComesFromTheJarManifest() throws Exception {
        DaemonProcess version = launch("--version");

        assertEquals(0, version.exitStatus());
        assertEquals("gatehouse " + System.getProperty("gatehouse.version"), version.stdout().strip());
    }

    @Test
    void sigusr1ReopensTheAccessLogSoARotationLosesNoLine() throws Exception {
        int front = UnusedPort.next();
        Path log = dir.resolve("logs/access.log");
        Path rotated = dir.resolve("logs/access.log.1");
        Path config = write("gatehouse.yaml", """
                listen: ["127.0.0.1:%d"]
                accessLog: { path: logs/access.log, format: common }
                vhosts:
                  - hosts: ["*"]
                    echo: {}
                """.formatted(front));
        DaemonProcess daemon = startDaemon(config, "listening on 127.0.0.1:" + front);

        assertEquals(200, get(front, "a.test", "/one").status());
        awaitLines(log, 1);
        Files.move(log, rotated); // what logrotate does first
        assertEquals(200, get(front, "a.test", "/two").status());
        awaitLines(rotated, 2); // still written to the renamed file until the reopen
        daemon.signal("USR1");
        daemon.awaitLog("SIGUSR1: reopening the access log");
        assertEquals(200, get(front, "a.test", "/three").status());
        awaitLines(log, 1);

        daemon.process().destroy();
        assertEquals(0, daemon.exitStatus(), daemon.log());
        List<String> old = Files.readAllLines(rotated);
        List<String> fresh = Files.readAllLines(log);
        assertEquals(2, old.size(), old.toString());
        assertTrue(old.get(0).contains("\"GET /one HTTP/1.1\" 200 ") && old.get(1).contains("\"GET /two HTTP/1.1\" 200 "), old.toString());
        assertEquals(1, fresh.size(), fresh.toString());
        assertTrue(fresh.get(0).contains("\"GET /three HTTP/1.1\" 200 "), fresh.toString());
    }

    @Test
    void adminEndpointServesHealthReadinessPrometheusMetricsAndTheConfig() throws Exception {
        int front = UnusedPort.next();
        int admin = UnusedPort.next();
        Path config = write("gatehouse.yaml", """
                listen: ["127.0.0.1:%d"]
                accessLog: { path: "off" }
                shutdown: { drainTimeout: 30s }
                admin: { listen: "127.0.0.1:%d" }
                vhosts:
                  - name: site
                    hosts: ["*"]
                    echo: {}
                """.formatted(front, admin));
        DaemonProcess daemon = startDaemon(config, "listening on 127.0.0.1:" + front);

        assertEquals(200, get(front, "a.test", "/").status());
        Response health = get(admin, "localhost", "/healthz");
        Response ready = get(admin, "localhost", "/readyz");
        String counted = "gatehouse_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\",protocol=\"HTTP/1.1\",route=\"any request\",status=\"2xx\",tls=\"none\",vhost=\"site\"} 1";
        Response metrics = metricsShowing(admin, counted);
        Response effective = get(admin, "localhost", "/config");

        assertEquals(200, health.status(), health.toString());
        assertEquals(200, ready.status(), ready.toString());
        assertEquals(200, metrics.status(), metrics.toString());
        assertEquals(List.of(AdminServer.PROMETHEUS_TEXT), headerValues(metrics.head(), "Content-Type"));
        assertTrue(metrics.body().contains(counted), metrics.body());
        assertTrue(metrics.body().contains("gatehouse_connections_active_connections{listener=\"127.0.0.1:" + front + "\"}"), metrics.body());
        assertTrue(metrics.body().contains("jvm_memory_used_bytes{"), "no JVM meters");
        assertTrue(metrics.body().contains("process_uptime_seconds "), "no process meters");
        assertEquals(200, effective.status(), effective.toString());
        assertTrue(effective.body().contains("\"drainTimeout\" : \"30s\""), effective.body());
        assertTrue(effective.body().contains("\"echo\" : { }"), effective.body());
        assertTrue(daemon.log().contains("admin endpoint on 127.0.0.1:" + admin), daemon.log());

        daemon.process().destroy();
        assertEquals(0, daemon.exitStatus(), daemon.log());
    }

    @Test
    void adminPathsAreServedOnlyOnTheAdminListener() throws Exception {
        int front = UnusedPort.next();
        int admin = UnusedPort.next();
        Path config = write("gatehouse.yaml", """
                listen: ["127.0.0.1:%d"]
                admin: { listen: "127.0.0.1:%d" }
                vhosts:
                  - hosts: ["*"]
                    echo: {}
                """.formatted(front, admin));
        startDaemon(config, "listening on 127.0.0.1:" + front);

        Response publicMetrics = get(front, "localhost", "/metrics");

        assertEquals(404, get(admin, "localhost", "/").status());
        assertEquals(200, get(admin, "localhost", "/metrics").status());
        assertFalse(publicMetrics.body().contains("# TYPE gatehouse_"), publicMetrics.body());
    }

    private static void awaitLines(Path file, int count) throws InterruptedException, IOException {
        // Polls only to learn when the writer thread wrote; the class-level @Timeout bounds the wait.
        while (!Files.exists(file) || Files.readAllLines(file).size() < count) {
            Thread.sleep(20);
        }
    }

    /** One listener with a proxied vhost {@code app.test} and a files vhost {@code files.test} over {@code www/}. */
    private Path twoVhosts(int front, int backendPort) throws IOException {
        return write("gatehouse.yaml", """
                listen: ["127.0.0.1:%d"]
                shutdown: { drainTimeout: 30s }
                vhosts:
                  - hosts: [app.test]
                    proxy:
                      backends: ["http://127.0.0.1:%d"]
                      preserveHost: true
                  - hosts: [files.test]
                    files:
                      root: www
                """.formatted(front, backendPort));
    }

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    private Backend backend(CountDownLatch release) throws IOException {
        Backend backend = new Backend(release);
        backends.add(backend);
        return backend;
    }

    /** Starts {@code gatehouse run} and waits for {@code ready} in its log, failing early if it exits instead. */
    private DaemonProcess startDaemon(Path config, String ready) throws Exception {
        DaemonProcess daemon = launch("run", config.toString());
        daemon.awaitLog(ready);
        return daemon;
    }

    private DaemonProcess launch(String... args) throws IOException {
        DaemonProcess process = DaemonProcess.startJar(dir, args);
        processes.add(process);
        return process;
    }

    /**
     * A backend on a raw socket that records each request head exactly as received and answers
     * {@code 200 from the backend} once {@code release} is open, so a test can hold a request in flight.
     */
    private static final class Backend implements AutoCloseable {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        private final CountDownLatch release;

        Backend(CountDownLatch release) throws IOException {
            this.release = release;
            Thread acceptor = new Thread(this::acceptLoop, "backend-" + server.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread handler = new Thread(() -> answer(socket));
                    handler.setDaemon(true);
                    handler.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void answer(Socket socket) {
            try (socket) {
                received.add(RawGet.readHead(socket.getInputStream()));
                release.await();
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 16\r\nConnection: close\r\n\r\nfrom the backend"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException | InterruptedException e) {
                // The test that owns this backend fails on what it did or did not receive.
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /**
     * The admin endpoint's /metrics once it shows {@code line}, or after about 5 s. A request is counted when its
     * exchange completes, on its IO thread, just after its last bytes went out: a scrape the client sends at once
     * can reach the admin listener's thread first.
     */
    private static Response metricsShowing(int admin, String line) throws InterruptedException {
        Response metrics = get(admin, "localhost", "/metrics");
        for (int tries = 0; tries < 50 && !metrics.body().contains(line); tries++) {
            Thread.sleep(100);
            metrics = get(admin, "localhost", "/metrics");
        }
        return metrics;
    }
}
