package io.gatehouse.routing;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/**
 * A virtual host as the router sees it: a name for logs and metrics and the handler that serves it.
 *
 * @param name    the vhost's label
 * @param handler its request handler
 */
public record VhostRoute(String name, HttpHandler handler) {

    /** What logs and metrics record for a request no vhost took (bad host, 404, 421). */
    public static final String NONE = "-";

    private static final AttachmentKey<String> NAME = AttachmentKey.create(String.class);

    /** The name of the vhost that served the request, or {@link #NONE}. */
    public static String nameOf(HttpServerExchange exchange) {
        String name = exchange.getAttachment(NAME);
        return name == null ? NONE : name;
    }

    void serve(HttpServerExchange exchange) throws Exception {
        exchange.putAttachment(NAME, name);
        handler.handleRequest(exchange);
    }
}
