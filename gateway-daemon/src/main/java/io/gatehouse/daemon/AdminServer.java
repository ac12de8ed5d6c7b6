package io.gatehouse.daemon;

import io.gatehouse.ListenerBindException;
import io.gatehouse.config.AdminConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import io.gatehouse.internal.http.ErrorResponses;
import org.xnio.Options;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The daemon's admin listener, on an address of its own ({@code admin.listen}) and its own small IO threads, so it
 * answers while the public listeners are saturated:
 * <ul>
 *   <li>{@code /metrics}: every meter in the Prometheus text format (version 0.0.4);</li>
 *   <li>{@code /healthz}: 200 while the process runs;</li>
 *   <li>{@code /readyz}: 200 while the configuration is loaded and the public listeners are bound, else 503 (before
 *       start-up finished, and while stopping, so a load balancer stops sending traffic first);</li>
 *   <li>{@code /config}: the effective configuration as JSON, secrets redacted ({@link ConfigJson}).</li>
 * </ul>
 * Only GET and HEAD are answered (405 otherwise); any other path is 404. A Host other than those {@link AdminHosts}
 * accepts is answered 403 and the connection closed, so a DNS-rebinding page cannot read it. There is no
 * authentication: keep the address on loopback or a management network.
 */
final class AdminServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AdminServer.class.getName());
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Undertow server;
    private final InetSocketAddress address;

    private AdminServer(Undertow server) {
        this.server = server;
        this.address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    }

    /**
     * Binds {@code listen} and serves.
     *
     * @param ready whether the gateway is ready for traffic, asked on each {@code /readyz}
     * @throws ListenerBindException when the address cannot be bound
     */
    static AdminServer start(AdminConfig admin, PrometheusMeterRegistry registry, Supplier<GatewayConfig> config,
                             BooleanSupplier ready) {
        ListenAddress listen = admin.listen().orElseThrow();
        Undertow server = Undertow.builder()
                .addHttpListener(listen.port(), listen.host(), new Endpoints(new AdminHosts(admin), registry, config, ready,
                        new AtomicBoolean()))
                .setIoThreads(1)
                .setWorkerThreads(2)
                .setWorkerOption(Options.WORKER_NAME, "gatehouse-admin")
                .setSocketOption(Options.REUSE_ADDRESSES, true)
                .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            server.stop();
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            throw new ListenerBindException(listen, cause);
        }
        return new AdminServer(server);
    }

    InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.stop();
    }

    /** @param hostRefused whether this endpoint has refused a Host yet: only its first refusal is a warning */
    private record Endpoints(AdminHosts hosts, PrometheusMeterRegistry registry, Supplier<GatewayConfig> config,
                             BooleanSupplier ready, AtomicBoolean hostRefused) implements HttpHandler {

        @Override
        public void handleRequest(HttpServerExchange exchange) throws IOException {
            if (!hosts.accepts(exchange)) {
                refuseHost(exchange);
                return;
            }
            if (exchange.isInIoThread()) {
                exchange.dispatch(this); // scraping and JSON take CPU time: not on the IO thread
                return;
            }
            String path = exchange.getRequestPath();
            boolean known = switch (path) {
                case "/metrics", "/healthz", "/readyz", "/config" -> true;
                default -> false;
            };
            if (!known) {
                ErrorResponses.send(exchange, StatusCodes.NOT_FOUND);
                return;
            }
            if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
                exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
                ErrorResponses.send(exchange, StatusCodes.METHOD_NOT_ALLOWED);
                return;
            }
            switch (path) {
                case "/metrics" -> send(exchange, StatusCodes.OK, PROMETHEUS_TEXT, registry.scrape());
                case "/healthz" -> send(exchange, StatusCodes.OK, "text/plain; charset=utf-8", "ok\n");
                case "/readyz" -> {
                    boolean isReady = ready.getAsBoolean();
                    send(exchange, isReady ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
                            isReady ? "ready\n" : "not ready\n");
                }
                default -> config(exchange);
            }
        }

        /** 403; the first refusal is logged as a warning (a scraper using a name not in admin.hosts), later ones at FINE. */
        private void refuseHost(HttpServerExchange exchange) {
            String message = "admin endpoint: 403 for Host '" + exchange.getRequestHeaders().getFirst(Headers.HOST)
                    + "' from " + exchange.getSourceAddress() + "; only loopback names, the listener's own address and"
                    + " admin.hosts are answered";
            if (hostRefused.compareAndSet(false, true)) {
                LOG.warning(message + " (further refusals are logged at FINE)");
            } else {
                LOG.fine(message);
            }
            exchange.setPersistent(false);
            ErrorResponses.send(exchange, StatusCodes.FORBIDDEN);
        }

        private void config(HttpServerExchange exchange) {
            String json;
            try {
                json = ConfigJson.of(config.get());
            } catch (IOException | IllegalArgumentException e) {
                LOG.warning("/config: cannot render the configuration as JSON: " + e.getMessage());
                ErrorResponses.send(exchange, StatusCodes.INTERNAL_SERVER_ERROR);
                return;
            }
            send(exchange, StatusCodes.OK, "application/json", json);
        }

        private static void send(HttpServerExchange exchange, int status, String contentType, String body) {
            exchange.setStatusCode(status);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            exchange.getResponseSender().send(body);
        }
    }
}
