package io.gatehouse.internal.vhosts;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * A virtual host as the router sees it: its mark for logs and metrics and the handler that serves it. Public only
 * so that the handler tree, in {@code io.gatehouse}, can build it.
 *
 * @param servedBy the vhost's {@link ServedBy#vhost mark}, attached to every request it takes
 * @param handler  its request handler
 */
public record VhostRoute(ServedBy servedBy, HttpHandler handler) {

    void serve(HttpServerExchange exchange) throws Exception {
        servedBy.mark(exchange);
        handler.handleRequest(exchange);
    }
}
