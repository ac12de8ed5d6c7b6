package io.gatehouse.internal.forwarded;

import io.gatehouse.config.ForwardedConfig;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * The first handler of every listener: works out, once per request, who the client is ({@link ClientAddress}) and
 * the request's id ({@link RequestId}), so that the access log, metrics, balancing and the proxy all see the same
 * answers. With {@code forwarded.echoRequestId} the id is also returned to the client as {@code X-Request-Id}, unless
 * the response already carries one (a backend's own is left alone). Never fails a request.
 */
public final class RequestOrigin implements HttpHandler {

    private final ForwardedConfig config;
    private final HttpHandler next;

    /**
     * Public for the handler tree in {@code io.gatehouse}, which makes it the outermost handler of each listener.
     *
     * @param config whom to trust for {@code X-Forwarded-For} and {@code X-Request-Id}, and whether to echo the id
     * @param next   the rest of the tree
     */
    public RequestOrigin(ForwardedConfig config, HttpHandler next) {
        this.config = config;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ClientAddress.resolve(exchange, config);
        String id = RequestId.resolve(exchange, config);
        if (config.echoRequestId()) {
            exchange.addResponseCommitListener(committing -> {
                if (!committing.getResponseHeaders().contains(RequestId.HEADER)) {
                    committing.getResponseHeaders().put(RequestId.HEADER, id);
                }
            });
        }
        next.handleRequest(exchange);
    }
}
