package io.gatehouse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;


/**
 * The names of Gatehouse's meters, following Micrometer's conventions (dot-separated, lower case; a registry
 * renders them its own way, Prometheus as {@code gatehouse_requests_seconds_count}), and the registration of the
 * meters that other parts of the gateway feed: config reloads and backend health. What each meter means is in
 * src-docs/operations.md.
 */
public final class GatewayMeters {

    /** Timer: requests, tags vhost, route, method, status, outcome, protocol. */
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
    /** Gauge: 1 while a backend is in rotation, 0 while it is marked out; tag backend. */
    public static final String BACKEND_UP = "gatehouse.backend.up";
    /** Gauge: seconds a backend has been marked out, 0 while it is not; tags backend, reason (failures, check). */
    public static final String BACKEND_MARKED_OUT = "gatehouse.backend.marked.out";
    /** Gauge: connections to a backend, tags backend, state (active: opening or serving a request; idle: kept). */
    public static final String BACKEND_CONNECTIONS = "gatehouse.backend.connections";
    /** Gauge: requests waiting in the gateway for a connection to a backend, tag backend. */
    public static final String BACKEND_QUEUED = "gatehouse.backend.queued";
    /** Counter: configuration reloads, tag result (success, failure). */
    public static final String CONFIG_RELOADS = "gatehouse.config.reloads";
    /** Gauge: when a certificate of the tls listeners expires, seconds since the epoch; tag certificate (its file). */
    public static final String TLS_CERTIFICATE_EXPIRY = "gatehouse.tls.certificate.expiry";
    /** Counter: access-log lines dropped (queue full, or the destination failed). */
    public static final String ACCESS_LOG_DROPPED = "gatehouse.accesslog.dropped";

    private GatewayMeters() {
    }

    /**
     * Counts one configuration reload in {@code gatehouse.config.reloads}: {@code result=success} when the new
     * configuration was swapped in, {@code result=failure} when it was refused and the old one kept serving. For an
     * application that reloads as the daemon does; {@link Gateway#reload} does not count itself. Thread-safe.
     *
     * @param registry where the counter is
     * @param success whether the reload swapped the new configuration in
     */
    public static void configReloaded(MeterRegistry registry, boolean success) {
        Counter.builder(CONFIG_RELOADS)
                .description("Configuration reloads: success (swapped in) or failure (refused, the old one kept serving)")
                .tag("result", success ? "success" : "failure")
                .register(registry)
                .increment();
    }
}
