package io.gatehouse.internal.routes;

import io.gatehouse.config.RespondConfig;
import io.gatehouse.internal.http.ErrorResponses;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;

import java.util.List;

/**
 * {@code respond}: a fixed status, headers and body. Without a body an error status gets the gateway's usual
 * plain-text error answer ({@link ErrorResponses}), any other status an empty body. A body without a
 * {@code Content-Type} header is sent as {@code text/plain; charset=utf-8}.
 */
final class Respond implements RouteAction {

    private final RespondConfig config;
    private final List<HeaderTemplate> headers;

    Respond(RespondConfig config) {
        this.config = config;
        this.headers = HeaderTemplate.of(config.headers());
    }

    @Override
    public void serve(HttpServerExchange exchange, RequestValues values) {
        HeaderMap headers = exchange.getResponseHeaders();
        for (HeaderTemplate header : this.headers) {
            headers.add(header.name(), header.fill(values));
        }
        if (config.body().isEmpty() && config.status() >= 400) {
            ErrorResponses.send(exchange, config.status());
            return;
        }
        exchange.setStatusCode(config.status());
        closeIfBodyUnread(exchange);
        if (config.body().isEmpty()) {
            exchange.endExchange();
            return;
        }
        if (!headers.contains(Headers.CONTENT_TYPE)) {
            headers.put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        }
        exchange.getResponseSender().send(config.body().get());
    }

    /**
     * An answer given without reading the request body closes the connection afterwards, so the unread bytes can
     * never be taken for the next request (the policy of {@link ErrorResponses}, for answers that are not errors).
     */
    static void closeIfBodyUnread(HttpServerExchange exchange) {
        if (!exchange.isRequestComplete()) {
            exchange.setPersistent(false);
        }
    }
}
