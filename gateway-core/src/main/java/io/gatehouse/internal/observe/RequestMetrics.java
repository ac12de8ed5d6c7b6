package io.gatehouse.internal.observe;

import io.gatehouse.GatewayMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Meters every request when it completes (see {@link GatewayMeters} for the names and src-docs/operations.md for
 * what each means):
 * <ul>
 *   <li>{@code gatehouse.requests}, a timer tagged {@code vhost}, {@code route}, {@code method}, {@code status}
 *       (the class, {@code 2xx}), {@code outcome} (Micrometer's names: {@code SUCCESS}, {@code CLIENT_ERROR}, …) and
 *       {@code protocol} ({@code HTTP/1.1}, {@code HTTP/2.0}; {@code -} for a refused request, never parsed) and
 *       {@code tls} (the connection's TLS version as the JDK names it, {@code TLSv1.3}, {@code TLSv1.2}; {@code none}
 *       on a plain connection), from the request's arrival at the gateway to the end of its response;</li>
 *   <li>{@code gatehouse.bytes.in} and {@code gatehouse.bytes.out}, counters of body bytes per {@code vhost};</li>
 *   <li>for proxied requests, {@code gatehouse.upstream.requests} and {@code gatehouse.upstream.connect}, timers
 *       tagged {@code backend} and {@code outcome}, from the proxy's {@link UpstreamCall}.</li>
 * </ul>
 * Meters are resolved once per tag set and kept, never looked up in the registry per request.
 */
public final class RequestMetrics implements HttpHandler {

    /** The {@code tls} tag of a request on a plain connection. */
    static final String NO_TLS = "none";

    private record RequestKey(String vhost, String route, String method, StatusClass status, String protocol,
                              String tls) {
    }

    private record UpstreamKey(String backend, String outcome) {
    }

    private record Bytes(Counter in, Counter out) {
    }

    private final MeterRegistry registry;
    private final HttpHandler next;
    private final ConcurrentMap<RequestKey, Timer> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Bytes> bytes = new ConcurrentHashMap<>();
    private final ConcurrentMap<UpstreamKey, Timer> upstreamRequests = new ConcurrentHashMap<>();
    private final ConcurrentMap<UpstreamKey, Timer> upstreamConnects = new ConcurrentHashMap<>();
    private final Function<UpstreamKey, Timer> newUpstreamConnect = upstreamTimer(GatewayMeters.UPSTREAM_CONNECT,
            "Time to obtain a backend connection");
    private final Function<UpstreamKey, Timer> newUpstreamRequest = upstreamTimer(GatewayMeters.UPSTREAM_REQUESTS,
            "Proxied requests, from asking for a backend connection to the end of the relayed response");

    /**
     * Public for the handler tree in {@code io.gatehouse}. Thread-safe: one instance serves every IO thread of a
     * listener, its meters cached in concurrent maps.
     *
     * @param registry where the meters are registered
     * @param next     the handler whose requests are metered
     */
    public RequestMetrics(MeterRegistry registry, HttpHandler next) {
        this.registry = registry;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        RequestFacts facts = RequestFacts.capture(exchange);
        exchange.addExchangeCompleteListener((ex, nextListener) -> {
            try {
                record(ex, facts);
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(exchange);
    }

    private void record(HttpServerExchange exchange, RequestFacts facts) {
        String vhost = ExchangeLabels.vhost(exchange);
        RequestKey key = new RequestKey(vhost, ExchangeLabels.route(exchange), ExchangeLabels.method(facts.method),
                StatusClass.of(exchange.getStatusCode()), facts.protocol,
                facts.tlsVersion == null ? NO_TLS : facts.tlsVersion);
        requests.computeIfAbsent(key, this::requestTimer).record(System.nanoTime() - facts.startNanos, TimeUnit.NANOSECONDS);

        Bytes counters = bytes.computeIfAbsent(vhost, this::bytesCounters);
        counters.in().increment(facts.bytesIn());
        counters.out().increment(Math.max(0, exchange.getResponseBytesSent()));

        UpstreamCall call = UpstreamCall.of(exchange);
        if (call != null) {
            String backend = call.backend().toString();
            upstreamConnects.computeIfAbsent(new UpstreamKey(backend, call.gotConnection() ? "SUCCESS" : call.outcome()),
                    newUpstreamConnect).record(call.connectNanos(), TimeUnit.NANOSECONDS);
            upstreamRequests.computeIfAbsent(new UpstreamKey(backend, call.outcome()), newUpstreamRequest)
                    .record(call.durationNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private Timer requestTimer(RequestKey key) {
        return Timer.builder(GatewayMeters.REQUESTS)
                .description("Requests handled by the gateway, from arrival to the end of the response")
                .tag("vhost", key.vhost())
                .tag("route", key.route())
                .tag("method", key.method())
                .tag("status", key.status().tag())
                .tag("outcome", key.status().outcome())
                .tag("protocol", key.protocol())
                .tag("tls", key.tls())
                .register(registry);
    }

    private Bytes bytesCounters(String vhost) {
        return new Bytes(
                Counter.builder(GatewayMeters.BYTES_IN).description("Request body bytes received").baseUnit("bytes")
                        .tag("vhost", vhost).register(registry),
                Counter.builder(GatewayMeters.BYTES_OUT).description("Response body bytes sent").baseUnit("bytes")
                        .tag("vhost", vhost).register(registry));
    }

    private Function<UpstreamKey, Timer> upstreamTimer(String name, String description) {
        return key -> Timer.builder(name)
                .description(description)
                .tag("backend", key.backend())
                .tag("outcome", key.outcome())
                .register(registry);
    }
}
