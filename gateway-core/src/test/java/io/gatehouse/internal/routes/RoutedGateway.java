package io.gatehouse.internal.routes;

import io.gatehouse.Gateway;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.testing.RawHttp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real gateway on 127.0.0.1 started from YAML (listen and access log are added), for route tests that speak
 * raw HTTP to it.
 */
final class RoutedGateway implements AutoCloseable {

    private final Gateway gateway;

    private RoutedGateway(Gateway gateway) {
        this.gateway = gateway;
    }

    /** @param vhosts the {@code vhosts:} block, as YAML */
    static RoutedGateway start(Path dir, String vhosts) throws Exception {
        Path file = dir.resolve("gatehouse.yaml");
        try {
            Files.writeString(file, "listen: [\"127.0.0.1:0\"]\naccessLog: { path: off }\n" + vhosts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RoutedGateway(Gateway.start(GatewayConfig.load(file)));
    }

    /**
     * One vhost, {@code example.com}, whose one route proxies every path to {@code backendPort} with the route's
     * {@code headers} (YAML); {@code top} is YAML put before {@code vhosts:}, such as a {@code forwarded:} block.
     */
    static RoutedGateway proxying(Path dir, String top, int backendPort, String headers) throws Exception {
        return start(dir, top + """
                vhosts:
                  - hosts: [example.com]
                    routes:
                      - path: /
                        proxy: { backends: ["http://127.0.0.1:%d"] }
                        headers: %s
                """.formatted(backendPort, headers));
    }

    /** {@code GET target} for Host {@code example.com}, connection closed after. */
    RawHttp.Response get(String target) throws IOException {
        return send("GET " + target + " HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n");
    }

    /** Sends the request bytes exactly as given. */
    RawHttp.Response send(String request) throws IOException {
        return RawHttp.exchange(gateway.addresses().get(0), request);
    }

    @Override
    public void close() {
        gateway.stop(Duration.ofSeconds(1));
    }
}
