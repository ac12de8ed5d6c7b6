package io.gatehouse.internal.proxy;

import io.gatehouse.internal.http.DrainCut;
import io.gatehouse.internal.observe.RepeatedEvents;
import io.undertow.server.HttpServerExchange;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;

/**
 * The proxy's log: one line per failed request, never a stack trace (the failures are expected conditions). A
 * failure that repeats (the same answer and reason from the same backend) is summarised with a count once per
 * {@code log.repeatInterval} ({@link RepeatedEvents}), so an outage under load writes a few lines, not one per
 * request; the access log and the metrics still count every request. One per proxy: the repeats are counted in the
 * {@link RepeatedEvents} of the proxy's owner, so two gateways in one JVM count theirs apart.
 */
final class ProxyLog {

    static final Logger LOG = System.getLogger("io.gatehouse.internal.proxy");

    private final RepeatedEvents repeated;

    /** Counts repeats in {@code repeated}, one made by {@link #repeatedEvents}. */
    ProxyLog(RepeatedEvents repeated) {
        this.repeated = repeated;
    }

    /** A log of the proxy's repeated warnings, summarised once per {@code interval}. */
    static RepeatedEvents repeatedEvents(Duration interval) {
        return new RepeatedEvents(LOG, Level.WARNING, interval);
    }

    /**
     * Logs that {@code exchange} was answered {@code status} (or cut off) because of {@code reason}: a fixed text or
     * one from the backend or the JDK, never one the client can vary, as it is the kind the repeats are counted under.
     */
    void failure(HttpServerExchange exchange, URI backend, int status, String reason) {
        if (LOG.isLoggable(Level.WARNING)) {
            failure(request(exchange), backend, status, reason);
        }
    }

    /**
     * {@link #failure(HttpServerExchange, URI, int, String)} for a request whose exchange is over (a switched
     * WebSocket connection), named by what {@link #request} kept of it.
     */
    void failure(String request, URI backend, int status, String reason) {
        if (LOG.isLoggable(Level.WARNING)) {
            String answer = status > 0 ? Integer.toString(status) : "connection closed";
            String kind = answer + ", " + reason;
            repeated.event(backend == null ? kind : backend + ": " + kind, request + (backend == null ? ":" : " ->"));
        }
    }

    /** How a line names {@code exchange}'s request: its method and target. */
    static String request(HttpServerExchange exchange) {
        return exchange.getRequestMethod() + " " + exchange.getRequestURI();
    }

    /**
     * Logs one line a script wrote to FastCGI's stderr for {@code exchange}: a line that repeats (the same notice on
     * every request) is summarised with a count like a failure.
     */
    void scriptError(HttpServerExchange exchange, URI backend, String line) {
        if (LOG.isLoggable(Level.WARNING)) {
            repeated.event(backend + ": script stderr: " + line,
                    request(exchange) + " ->");
        }
    }

    /** Logs a change in whether {@code backend} takes requests. */
    static void backend(URI backend, String change) {
        LOG.log(Level.WARNING, "backend " + backend + ": " + change);
    }

    /** Logs that {@code exchange} failed on {@code from} because of {@code reason} and is sent to {@code to}. */
    void retry(HttpServerExchange exchange, URI from, URI to, String reason) {
        if (LOG.isLoggable(Level.WARNING)) {
            repeated.event(from + ": " + reason + "; trying " + to,
                    request(exchange) + " ->");
        }
    }

    /** Logs that no backend left to try is in rotation, so {@code exchange} goes to the marked-out {@code to}. */
    void allMarkedOut(HttpServerExchange exchange, URI to) {
        if (LOG.isLoggable(Level.WARNING)) {
            repeated.event(to + ": no backend left to try is in rotation; trying this marked-out one",
                    request(exchange) + " ->");
        }
    }

    /** When a client connection closed: before the backend's response head reached the client. */
    static final String BEFORE_THE_RESPONSE = "before the response";
    /** When a client connection closed: while the backend's response was written to the client. */
    static final String DURING_THE_RESPONSE = "during the response";

    /**
     * The reason logged for a request whose client connection closed {@code when} ({@link #BEFORE_THE_RESPONSE},
     * {@link #DURING_THE_RESPONSE}): the gateway's own cut at {@code deadline} ("cut at the stop's drain deadline
     * during the response"), or, when that is null, the client's departure, nothing more being known.
     */
    static String closed(DrainCut.Deadline deadline, String when) {
        return (deadline != null ? "cut at " + deadline : "client went away") + " " + when;
    }

    /** The reason logged for a client gone while its response was written to it, from what the write threw. */
    static String clientWentAway(IOException failure) {
        return closed(null, DURING_THE_RESPONSE) + ": " + describe(failure);
    }

    /** An exception's message for a log line (its class name when it has none), never its stack trace. */
    static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
