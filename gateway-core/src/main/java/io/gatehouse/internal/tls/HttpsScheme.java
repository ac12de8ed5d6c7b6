package io.gatehouse.internal.tls;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * Gives every request of a TLS listener the scheme {@code https}, as nginx's {@code $scheme} is the connection's.
 * Undertow takes an HTTP/2 request's scheme from its {@code :scheme}, which the client writes: a client saying
 * {@code http} over TLS must not make backends ({@code X-Forwarded-Proto}, {@code Forwarded}, FastCGI's
 * {@code HTTPS}), routes ({@code $scheme}) or redirects believe the request came in plain. Thread-safe.
 */
public final class HttpsScheme implements HttpHandler {

    private final HttpHandler next;

    /**
     * Public for the handler tree in {@code io.gatehouse}, which puts it in front of each vhost on a TLS listener.
     *
     * @param next the vhost's handler
     */
    public HttpsScheme(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.setRequestScheme("https");
        next.handleRequest(exchange);
    }
}
