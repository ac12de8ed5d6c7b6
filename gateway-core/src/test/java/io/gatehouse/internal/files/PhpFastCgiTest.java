package io.gatehouse.internal.files;

import io.gatehouse.config.FilesConfig;
import io.gatehouse.config.Limits;
import io.gatehouse.internal.observe.RepeatedEvents;
import io.gatehouse.internal.proxy.ReverseProxy;
import io.gatehouse.testing.RawHttp;
import io.gatehouse.testing.UnusedPort;
import io.undertow.Undertow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * PHP run through FastCGI on a real {@code php-cgi -b}, as the seed's lighttpd ran it: the CGI variables, the
 * path-info split, Status and Location, and a FastCGI server that is down. Skipped when php-cgi is not installed.
 */
@Timeout(60)
class PhpFastCgiTest {

    private static final Path PHP_CGI = Path.of("/usr/bin/php-cgi");

    @TempDir
    Path root;
    private Process php;
    private int phpPort;
    private Undertow server;
    private ReverseProxy scripts;
    private RepeatedEvents log;
    private int port;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(PHP_CGI), "php-cgi is not installed: the PHP FastCGI tests are skipped");
        write(root.resolve("server.php"), "<?php header('Content-Type: application/json'); echo json_encode($_SERVER);");
        write(root.resolve("hello.php"), "<?php echo 'hello ', $_GET['name'] ?? '';");
        write(root.resolve("gone.php"), "<?php header('Status: 404 Not Found'); echo 'no such thing';");
        write(root.resolve("moved.php"), "<?php header('Location: /elsewhere');");
        write(root.resolve("x.jpg"), "not a script");
        write(root.resolve("x.jpg.d/keep"), "");
        phpPort = UnusedPort.next();
        ProcessBuilder builder = new ProcessBuilder(PHP_CGI.toString(), "-b", "127.0.0.1:" + phpPort);
        builder.environment().put("PHP_FCGI_CHILDREN", "2");
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        php = builder.start();
        awaitAccepting(phpPort);
        serve(phpPort);
    }

    private void serve(int fastCgiPort) {
        FilesConfig files = FileServerFixture.files(root, f -> f.fastcgi(c -> c.backend("127.0.0.1:" + fastCgiPort)));
        log = ReverseProxy.failureLog(Duration.ZERO);
        scripts = ReverseProxy.fastCgi(files.fastcgi().orElseThrow(), Limits.DEFAULTS, log);
        server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(FileServer.create(files, scripts)).build();
        server.start();
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    private static void awaitAccepting(int port) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("php-cgi never accepted on " + port);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        if (scripts != null) {
            scripts.close();
        }
        if (log != null) {
            log.close();
        }
        if (php != null) {
            php.descendants().forEach(ProcessHandle::destroyForcibly);
            php.destroyForcibly();
        }
    }

    private RawHttp.Response get(String target) throws IOException {
        return RawHttp.exchangeToClose(new InetSocketAddress("127.0.0.1", port),
                "GET " + target + " HTTP/1.1\r\nHost: site.example\r\nX-Custom-Thing: yes\r\nProxy: http://evil/\r\n"
                        + "Connection: close\r\n\r\n");
    }

    @Test
    void theScriptSeesTheCgiVariablesLighttpdSets() throws IOException {
        RawHttp.Response response = get("/server.php/a/b?q=1");
        assertEquals(200, response.status(), response.body());
        String body = response.body();
        String real = root.toRealPath().toString();
        assertTrue(body.contains("\"SCRIPT_FILENAME\":\"" + (real + "/server.php").replace("/", "\\/") + "\""), body);
        assertTrue(body.contains("\"SCRIPT_NAME\":\"\\/server.php\""), body);
        assertTrue(body.contains("\"PATH_INFO\":\"\\/a\\/b\""), body);
        assertTrue(body.contains("\"PATH_TRANSLATED\":\"" + (real + "/a/b").replace("/", "\\/") + "\""), body);
        assertTrue(body.contains("\"DOCUMENT_ROOT\":\"" + real.replace("/", "\\/") + "\""), body);
        assertTrue(body.contains("\"REQUEST_URI\":\"\\/server.php\\/a\\/b?q=1\""), body);
        assertTrue(body.contains("\"QUERY_STRING\":\"q=1\""), body);
        assertTrue(body.contains("\"REQUEST_METHOD\":\"GET\""), body);
        assertTrue(body.contains("\"SERVER_NAME\":\"site.example\""), body);
        assertTrue(body.contains("\"SERVER_PORT\":\"" + port + "\""), body);
        assertTrue(body.contains("\"REMOTE_ADDR\":\"127.0.0.1\""), body);
        assertTrue(body.contains("\"GATEWAY_INTERFACE\":\"CGI\\/1.1\""), body);
        assertTrue(body.contains("\"REDIRECT_STATUS\":\"200\""), body);
        assertTrue(body.contains("\"HTTP_X_CUSTOM_THING\":\"yes\""), body);
        assertFalse(body.contains("HTTP_PROXY"), body);
        assertFalse(body.contains("\"HTTPS\""), body);
    }

    @Test
    void aGetWithAQueryRunsTheScript() throws IOException {
        RawHttp.Response response = get("/hello.php?name=world");
        assertEquals(200, response.status());
        assertTrue(response.body().contains("hello world"), response.body());
    }

    @Test
    void statusFromTheScriptIsTheResponseStatus() throws IOException {
        RawHttp.Response response = get("/gone.php");
        assertEquals(404, response.status());
        assertTrue(response.body().contains("no such thing"), response.body());
    }

    @Test
    void aLocalLocationWithoutStatusIsA302() throws IOException {
        RawHttp.Response response = get("/moved.php");
        assertEquals(302, response.status());
        assertTrue(response.head().contains("Location: /elsewhere"), response.head());
    }

    @Test
    void aScriptNameAfterAnExistingFileIsNeverRun() throws IOException {
        RawHttp.Response response = get("/x.jpg/hello.php");
        assertEquals(404, response.status(), "the static file path answers it, never the script");
        assertFalse(response.body().contains("hello"), response.body());
    }

    @Test
    void aMissingScriptIs404() throws IOException {
        assertEquals(404, get("/missing.php").status());
    }

    @Test
    void aFastCgiServerThatIsDownIs502() throws Exception {
        stop();
        php = null;
        serve(UnusedPort.next());
        assertEquals(502, get("/hello.php").status());
    }
}
