package io.gatehouse.proxy;

import io.undertow.server.HttpServerExchange;

import java.net.URI;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The proxy's log: one line per failed request, never a stack trace (the failures are expected conditions). */
final class ProxyLog {

    static final Logger LOG = Logger.getLogger("io.gatehouse.proxy");

    private ProxyLog() {
    }

    /** Logs that {@code exchange} was answered {@code status} (or cut off) because of {@code reason}. */
    static void failure(HttpServerExchange exchange, URI backend, int status, String reason) {
        if (LOG.isLoggable(Level.WARNING)) {
            String answer = status > 0 ? Integer.toString(status) : "connection closed";
            LOG.warning(exchange.getRequestMethod() + " " + exchange.getRequestURI()
                    + (backend == null ? "" : " -> " + backend) + ": " + answer + ", " + reason);
        }
    }

    /** Logs a change in whether {@code backend} takes requests. */
    static void backend(URI backend, String change) {
        LOG.warning("backend " + backend + ": " + change);
    }

    /** Logs that {@code exchange} failed on {@code from} because of {@code reason} and is sent to {@code to}. */
    static void retry(HttpServerExchange exchange, URI from, URI to, String reason) {
        LOG.warning(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " -> " + from + ": " + reason
                + "; trying " + to);
    }
}
