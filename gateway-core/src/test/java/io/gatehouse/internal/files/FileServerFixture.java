package io.gatehouse.internal.files;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.FilesConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.GatewayConfigBuilder;
import io.gatehouse.testing.RawHttp;
import io.undertow.Undertow;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Undertow listener on a free loopback port serving one {@link FileServer}, asked over a raw socket
 * ({@link RawHttp}) so request bytes go exactly as written (java.net.http would normalise away the inputs these
 * tests are about).
 */
final class FileServerFixture implements AutoCloseable {

    private final Undertow server;
    private final int port;

    private FileServerFixture(FilesConfig config) {
        server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setHandler(FileServer.create(config))
                .build();
        server.start();
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    static FileServerFixture serving(FilesConfig config) {
        return new FileServerFixture(config);
    }

    /** A config with root {@code root}, no fallback, index.html, the seed's deny list, no listing, no noRanges. */
    static FilesConfig config(Path root) {
        return files(root, f -> f.index("index.html").deny("~", ".inc"));
    }

    /**
     * A config built the way users build one, through {@link GatewayConfigBuilder.FilesBuilder} (so defaults and
     * validation are the loader's): {@code root} plus whatever {@code definition} sets.
     */
    static FilesConfig files(Path root, Consumer<GatewayConfigBuilder.FilesBuilder> definition) {
        try {
            GatewayConfig config = GatewayConfig.builder()
                    .vhost(v -> v.hosts("*").files(f -> definition.accept(f.root(root.toString()))))
                    .build();
            return (FilesConfig) config.vhosts().get(0).action();
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static FilesConfig withListing(FilesConfig c) {
        return with(c, c.root(), c.fallbackRoot(), c.index(), true, c.noRanges());
    }

    static FilesConfig withNoRanges(FilesConfig c, String regex) {
        return with(c, c.root(), c.fallbackRoot(), c.index(), c.listing(), List.of(Pattern.compile(regex)));
    }

    static FilesConfig withIndex(FilesConfig c, String... names) {
        return with(c, c.root(), c.fallbackRoot(), List.of(names), c.listing(), c.noRanges());
    }

    static FilesConfig withRoot(FilesConfig c, String rootPattern, Path fallback) {
        return with(c, rootPattern, Optional.ofNullable(fallback), c.index(), c.listing(), c.noRanges());
    }

    /** {@code c} with these settings; its other keys as they are. */
    private static FilesConfig with(FilesConfig c, String root, Optional<Path> fallbackRoot, List<String> index,
                                    boolean listing, List<Pattern> noRanges) {
        return new FilesConfig(root, fallbackRoot, index, c.deny(), c.staticExclude(), listing, noRanges, c.mimeTypes(),
                c.precompressed(), c.gzip(), c.cache(), c.dotfiles(), c.errorPages(), c.symlinks());
    }

    int port() {
        return port;
    }

    /** {@code GET target} with Host {@code localhost} and the given extra header lines. */
    RawHttp.Response get(String target, String... headerLines) throws IOException {
        return request("GET", target, "localhost", headerLines);
    }

    /** GET {@code target} is 403, and no byte of the answer (head or body) carries {@code secret}. */
    void assertForbiddenWithout(String target, String secret) throws IOException {
        RawHttp.Response response = get(target);
        assertEquals(403, response.status(), target);
        assertFalse((response.head() + response.body()).contains(secret), target + " leaked what it must hide");
    }

    /**
     * {@code method target} with Host {@code host}, the given extra header lines and {@code Connection: close};
     * the response is read to the close, its body unframed (see {@link RawHttp#exchangeToClose}).
     */
    RawHttp.Response request(String method, String target, String host, String... headerLines) throws IOException {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        return RawHttp.exchangeToClose(new InetSocketAddress("127.0.0.1", port), head.toString());
    }

    static Path write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    /** Waits up to 10 s for {@code file} to appear (a script's sign that it got somewhere); fails the test otherwise. */
    static void awaitFile(Path file) throws InterruptedException {
        for (int i = 0; i < 1000 && !Files.exists(file); i++) {
            Thread.sleep(10);
        }
        assertTrue(Files.exists(file), "never created: " + file);
    }

    @Override
    public void close() {
        server.stop();
    }
}
