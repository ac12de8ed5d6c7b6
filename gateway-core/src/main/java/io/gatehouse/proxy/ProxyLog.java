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
}
