package io.gatehouse.internal.tls;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * Sends a vhost's {@code Strict-Transport-Security} header (its {@code tls.hsts}) on every response, errors
 * included (nginx's {@code add_header ... always}), replacing a backend's own: the front door's setting is the one
 * that holds. Only ever in front of a vhost on a TLS listener: a browser ignores the header over plain HTTP
 * (RFC 6797 §8.1), and sending it there would only say the site was never reached securely. Thread-safe.
 */
public final class StrictTransportSecurity implements HttpHandler {

    private final String value;
    private final HttpHandler next;

    /**
     * Public for the handler tree in {@code io.gatehouse}.
     *
     * @param value the header's value as configured, such as {@code max-age=63072000; includeSubDomains}
     * @param next  the vhost's handler
     */
    public StrictTransportSecurity(String value, HttpHandler next) {
        this.value = value;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.addResponseCommitListener(committing ->
                committing.getResponseHeaders().put(Headers.STRICT_TRANSPORT_SECURITY, value));
        next.handleRequest(exchange);
    }
}
