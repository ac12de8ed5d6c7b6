package io.gatehouse;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * A gateway mounted in another Undertow server (see {@link Gateway#handler}). Closing it releases backend
 * connections, flushes the access log and writes the summaries of repeated warnings still counted; requests it
 * receives after that fail.
 */
public final class GatewayHandler implements HttpHandler, AutoCloseable {

    private final HttpHandler root;
    private final GatewayHandlers handlers;
    private final GatewayLogs logs;

    GatewayHandler(HttpHandler root, GatewayHandlers handlers, GatewayLogs logs) {
        this.root = root;
        this.handlers = handlers;
        this.logs = logs;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        root.handleRequest(exchange);
    }

    @Override
    public void close() {
        handlers.close();
        logs.close();
    }
}
