package io.gatehouse;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * A gateway mounted in another Undertow server (see {@link Gateway#handler}). Closing it releases backend
 * connections and flushes the access log; requests it receives after that fail.
 */
public final class GatewayHandler implements HttpHandler, AutoCloseable {

    private final HttpHandler root;
    private final GatewayHandlers handlers;

    GatewayHandler(HttpHandler root, GatewayHandlers handlers) {
        this.root = root;
        this.handlers = handlers;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        root.handleRequest(exchange);
    }

    @Override
    public void close() {
        handlers.close();
    }
}
