package io.gatehouse.internal.files;

import io.gatehouse.config.FilesConfig;
import io.gatehouse.config.GatewayConfigBuilder;
import io.gatehouse.config.Limits;
import io.gatehouse.internal.observe.RepeatedEvents;
import io.gatehouse.internal.proxy.ReverseProxy;
import io.gatehouse.testing.RawHttp;
import io.undertow.Undertow;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A files action on a real Undertow listener whose scripts run on a FastCGI server: one IO thread, so that the
 * requests of one client connection share a FastCGI connection pool; every failure and stderr line logged as it
 * comes (no summary interval).
 */
final class PhpSite implements AutoCloseable {

    private final Undertow server;
    private final ReverseProxy scripts;
    private final RepeatedEvents log;
    private final int port;

    private PhpSite(FilesConfig files) {
        log = ReverseProxy.failureLog(Duration.ZERO);
        scripts = ReverseProxy.fastCgi(files.fastcgi().orElseThrow(), Limits.DEFAULTS, log);
        server = Undertow.builder().setIoThreads(1).addHttpListener(0, "127.0.0.1")
                .setHandler(FileServer.create(files, scripts)).build();
        server.start();
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** {@code root} with {@code index.php} as index, its scripts on {@code fastCgiPort}, plus {@code settings}. */
    static PhpSite serving(Path root, int fastCgiPort, Consumer<GatewayConfigBuilder.FastCgiBuilder> settings) {
        return serving(root, "127.0.0.1:" + fastCgiPort, settings);
    }

    /** Like {@link #serving(Path, int, Consumer)}, on {@code backend} as {@code fastcgi.backends} takes it. */
    static PhpSite serving(Path root, String backend, Consumer<GatewayConfigBuilder.FastCgiBuilder> settings) {
        return new PhpSite(FileServerFixture.files(root, f -> f.index("index.php", "index.html").deny("~", ".inc")
                .fastcgi(c -> settings.accept(c.backend(backend)))));
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
