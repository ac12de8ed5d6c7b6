package io.gatehouse.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.net.URI;
import java.util.function.ToDoubleFunction;

/**
 * The names of Gatehouse's meters, following Micrometer's conventions (dot-separated, lower case; a registry
 * renders them its own way, Prometheus as {@code gatehouse_requests_seconds_count}), and the registration of the
 * meters that other parts of the gateway feed: config reloads and backend health. What each meter means is in
 * src-docs/operations.md.
 */
public final class GatewayMeters {

    /** Timer: requests, tags vhost, route, method, status, outcome. */
    public static final String REQUESTS = "gatehouse.requests";
    /** Counter: request body bytes received, tag vhost. */
    public static final String BYTES_IN = "gatehouse.bytes.in";
    /** Counter: response body bytes sent, tag vhost. */
    public static final String BYTES_OUT = "gatehouse.bytes.out";
    /** Timer: proxied requests, tags backend, outcome. */
    public static final String UPSTREAM_REQUESTS = "gatehouse.upstream.requests";
    /** Timer: obtaining a backend connection, tags backend, outcome. */
    public static final String UPSTREAM_CONNECT = "gatehouse.upstream.connect";
    /** Gauge: open client connections, tag listener. */
    public static final String CONNECTIONS_ACTIVE = "gatehouse.connections.active";
    /** Gauge: 1 while a backend takes requests, 0 while it is taken out; tag backend. */
    public static final String BACKEND_UP = "gatehouse.backend.up";
    /** Counter: configuration reloads, tag result (success, failure). */
    public static final String CONFIG_RELOADS = "gatehouse.config.reloads";
    /** Counter: access-log lines dropped (queue full, or the destination failed). */
    public static final String ACCESS_LOG_DROPPED = "gatehouse.accesslog.dropped";

    private GatewayMeters() {
    }

    /**
     * Counts one configuration reload in {@code gatehouse.config.reloads}: {@code result=success} when the new
     * configuration was swapped in, {@code result=failure} when it was refused and the old one kept serving.
     */
    public static void configReloaded(MeterRegistry registry, boolean success) {
        Counter.builder(CONFIG_RELOADS)
                .description("Configuration reloads: success (swapped in) or failure (refused, the old one kept serving)")
                .tag("result", success ? "success" : "failure")
                .register(registry)
                .increment();
    }

    /**
     * Registers the {@code gatehouse.backend.up} gauge of {@code backend}: {@code up} applied to {@code state} gives 1
     * while the backend takes requests and 0 while it is taken out. The gauge holds {@code state} weakly, as Micrometer
     * gauges do, so the caller keeps it referenced for as long as the backend is configured.
     */
    public static <T> Gauge backendHealth(MeterRegistry registry, URI backend, T state, ToDoubleFunction<T> up) {
        return Gauge.builder(BACKEND_UP, state, up)
                .description("1 while the backend takes requests, 0 while it is taken out by health checks")
                .tag("backend", backend.toString())
                .register(registry);
    }
}
