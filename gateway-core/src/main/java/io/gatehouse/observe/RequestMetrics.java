package io.gatehouse.observe;

import io.gatehouse.routing.VhostRoute;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Times every request into the {@code gatehouse.requests} timer, tagged {@code vhost} (the served vhost's name,
 * or {@code -}), {@code status} (the status class, {@code 2xx}) and {@code outcome} (Micrometer's names:
 * {@code SUCCESS}, {@code CLIENT_ERROR}, …). The clock runs from the request's arrival at this handler to the
 * end of the response.
 */
public final class RequestMetrics implements HttpHandler {

    public static final String REQUESTS = "gatehouse.requests";

    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    private static final String[] OUTCOMES = {"INFORMATIONAL", "SUCCESS", "REDIRECTION", "CLIENT_ERROR", "SERVER_ERROR"};

    private final MeterRegistry registry;
    private final HttpHandler next;
    private final ConcurrentMap<String, Timer[]> timersByVhost = new ConcurrentHashMap<>();

    public RequestMetrics(MeterRegistry registry, HttpHandler next) {
        this.registry = registry;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long start = System.nanoTime();
        exchange.addExchangeCompleteListener((ex, nextListener) -> {
            try {
                timerFor(VhostRoute.nameOf(ex), ex.getStatusCode()).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(exchange);
    }

    private Timer timerFor(String vhost, int status) {
        // Timers are resolved once per vhost and status class, not looked up in the registry per request.
        Timer[] timers = timersByVhost.computeIfAbsent(vhost, name -> new Timer[STATUS_CLASSES.length + 1]);
        int index = status >= 100 && status < 600 ? status / 100 - 1 : STATUS_CLASSES.length;
        Timer timer = timers[index];
        if (timer == null) {
            boolean known = index < STATUS_CLASSES.length;
            timer = Timer.builder(REQUESTS)
                    .description("Requests handled by the gateway, from arrival to the end of the response")
                    .tag("vhost", vhost)
                    .tag("status", known ? STATUS_CLASSES[index] : "unknown")
                    .tag("outcome", known ? OUTCOMES[index] : "UNKNOWN")
                    .register(registry);
            timers[index] = timer;
        }
        return timer;
    }
}
