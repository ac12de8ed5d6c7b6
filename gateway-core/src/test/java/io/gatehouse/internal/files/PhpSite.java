package io.gatehouse.internal.files;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.config.FilesConfig;
import io.gatehouse.config.GatewayConfigBuilder;
import io.gatehouse.config.Limits;
import io.gatehouse.internal.observe.RepeatedEvents;
import io.gatehouse.internal.proxy.ReverseProxy;
import io.gatehouse.testing.RawHttp;
import io.undertow.Undertow;
import org.xnio.Options;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import static io.gatehouse.internal.files.FileServerFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A files action on a real Undertow listener whose scripts run on a FastCGI server: one IO thread unless asked for
 * more, so that the requests of one client connection share a FastCGI connection pool; every failure and stderr line logged as it
 * comes (no summary interval).
 */
final class PhpSite implements AutoCloseable {

    private final Undertow server;
    private final ReverseProxy scripts;
    private final RepeatedEvents log;
    private final int port;

    private PhpSite(FilesConfig files, int ioThreads, int sendBuffer) {
        log = ReverseProxy.failureLog(Duration.ZERO);
        scripts = ReverseProxy.fastCgi(files.fastcgi().orElseThrow(), Limits.DEFAULTS, log);
        Undertow.Builder builder = Undertow.builder().setIoThreads(ioThreads).addHttpListener(0, "127.0.0.1")
                .setHandler(FileServer.create(files, scripts));
        if (sendBuffer > 0) {
            builder.setSocketOption(Options.SEND_BUFFER, sendBuffer);
        }
        server = builder.build();
        server.start();
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** {@code root} with {@code index.php} as index, its scripts on {@code fastCgiPort}, plus {@code settings}. */
    static PhpSite serving(Path root, int fastCgiPort, Consumer<GatewayConfigBuilder.FastCgiBuilder> settings) {
        return serving(root, "127.0.0.1:" + fastCgiPort, settings);
    }

    /** Like {@link #serving(Path, int, Consumer)}, on {@code backend} as {@code fastcgi.backends} takes it. */
    static PhpSite serving(Path root, String backend, Consumer<GatewayConfigBuilder.FastCgiBuilder> settings) {
        return serving(root, backend, 1, settings);
    }

    /** Like {@link #serving(Path, String, Consumer)}, with {@code ioThreads} IO threads instead of one. */
    static PhpSite serving(Path root, String backend, int ioThreads, Consumer<GatewayConfigBuilder.FastCgiBuilder> settings) {
        return new PhpSite(files(root, backend, settings), ioThreads, 0);
    }

    /**
     * Like {@link #serving(Path, String, Consumer)}, its connections to clients sending from a socket buffer of
     * {@code sendBuffer} bytes: a response much larger than that, to a client that receives into a small buffer too,
     * finds the client's socket full part-way through the gateway's writes, again and again.
     */
    static PhpSite servingWithSendBuffer(Path root, String backend, int sendBuffer) {
        return new PhpSite(files(root, backend, c -> { }), 1, sendBuffer);
    }

    private static FilesConfig files(Path root, String backend, Consumer<GatewayConfigBuilder.FastCgiBuilder> settings) {
        return FileServerFixture.files(root, f -> f.index("index.php", "index.html").deny("~", ".inc")
                .fastcgi(c -> settings.accept(c.backend(backend))));
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    int port() {
        return port;
    }

    /** The FastCGI proxy the scripts run through; closed with the site. */
    ReverseProxy scripts() {
        return scripts;
    }

    /** {@code GET target} for Host {@code site.example}, read to the close. */
    RawHttp.Response get(String target) throws IOException {
        return RawHttp.exchangeToClose(address(),
                "GET " + target + " HTTP/1.1\r\nHost: site.example\r\nConnection: close\r\n\r\n");
    }

    /**
     * Sends {@code GET target} for Host {@code site.example} from a socket that receives into a 4 KiB buffer: the
     * response soon fills it when the client reads slower than the gateway writes, or not at all.
     *
     * @return the connection, its response still to read; the caller closes it
     */
    Socket sendFromSmallReceiveBuffer(String target) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReceiveBufferSize(4096);
            socket.connect(address(), 5_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: site.example\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Writes the scripts that show how requests share connections: {@code pid.php} echoes the worker's process id,
     * {@code wait.php} runs until a file {@code go} appears in {@code root}, then echoes {@code done}.
     */
    static void writeWorkerScripts(Path root) throws IOException {
        write(root.resolve("pid.php"), "<?php echo getmypid();");
        write(root.resolve("wait.php"), "<?php while (!file_exists(__DIR__ . '/go')) { usleep(10000); } echo 'done';");
    }

    /** {@link #get}, for a task of its own: a failed exchange is an unchecked exception. */
    RawHttp.Response getUnchecked(String target) {
        try {
            return get(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body of a 200, as sent (chunked when the script gave no length); fails the test on another status. */
    static String ok(RawHttp.Response response) {
        assertEquals(200, response.status(), response.body());
        return response.body();
    }

    /**
     * Runs {@code server.php}, written into {@code root} now, as {@code GET /server.php/a/b?q=1} with an
     * {@code X-Custom-Thing} and a {@code Proxy} header, and asserts the CGI variables lighttpd sets for it, without
     * httpoxy's {@code HTTP_PROXY}.
     *
     * @return every variable the script saw, for more checks
     */
    Map<?, ?> assertCgiVariables(Path root) throws IOException {
        write(root.resolve("server.php"), "<?php header('Content-Type: application/json'); echo json_encode($_SERVER);");
        RawHttp.Response response = RawHttp.exchange(address(), "GET /server.php/a/b?q=1 HTTP/1.1\r\n"
                + "Host: site.example\r\nX-Custom-Thing: yes\r\nProxy: http://evil/\r\nConnection: close\r\n\r\n");
        assertEquals(200, response.status(), response.body());
        Map<?, ?> server = new ObjectMapper().readValue(response.bodyBytes(), Map.class);
        String real = root.toRealPath().toString();
        Map<String, String> expected = Map.ofEntries(
                Map.entry("SCRIPT_FILENAME", real + "/server.php"),
                Map.entry("SCRIPT_NAME", "/server.php"),
                Map.entry("PATH_INFO", "/a/b"),
                Map.entry("PATH_TRANSLATED", real + "/a/b"),
                Map.entry("DOCUMENT_ROOT", real),
                Map.entry("REQUEST_URI", "/server.php/a/b?q=1"),
                Map.entry("QUERY_STRING", "q=1"),
                Map.entry("REQUEST_METHOD", "GET"),
                Map.entry("SERVER_NAME", "site.example"),
                Map.entry("SERVER_PORT", Integer.toString(port)),
                Map.entry("REMOTE_ADDR", "127.0.0.1"),
                Map.entry("GATEWAY_INTERFACE", "CGI/1.1"),
                Map.entry("REDIRECT_STATUS", "200"),
                Map.entry("HTTP_X_CUSTOM_THING", "yes"));
        expected.forEach((name, value) -> assertEquals(value, server.get(name), name));
        assertFalse(server.containsKey("HTTP_PROXY"), "httpoxy: " + server.get("HTTP_PROXY"));
        return server;
    }

    /** {@code GET target} answers {@code status} and carries nothing of {@code output}: the script never ran. */
    void assertNotRun(String target, int status, String output) throws IOException {
        RawHttp.Response response = get(target);
        assertEquals(status, response.status(), target);
        assertFalse(response.body().contains(output), target + " ran: " + response.body());
    }

    @Override
    public void close() {
        server.stop();
        scripts.close();
        log.close();
    }
}
