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
    private final HandlerTree tree;
    private final GatewayLogs logs;

    GatewayHandler(HttpHandler root, HandlerTree tree, GatewayLogs logs) {
        this.root = root;
        this.tree = tree;
        this.logs = logs;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        root.handleRequest(exchange);
    }

    @Override
    public void close() {
        tree.close();
        logs.close();
    }
}
