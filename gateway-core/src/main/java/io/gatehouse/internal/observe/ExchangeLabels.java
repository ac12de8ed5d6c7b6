package io.gatehouse.internal.observe;

import io.gatehouse.internal.vhosts.ServedBy;
import io.undertow.server.HttpServerExchange;

import java.util.Set;

/** The labels logs and meters give an exchange, in one place so the access log and the meters agree. */
final class ExchangeLabels {

    /** Methods tagged as themselves; any other becomes {@code OTHER}, so a client cannot mint new time series. */
    private static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    private ExchangeLabels() {
    }

    /** The name of the vhost that served the request, or {@code -}. */
    static String vhost(HttpServerExchange exchange) {
        return ServedBy.of(exchange).vhost();
    }

    /** The route that served the request, by its conditions ({@code path /api/}), or {@code -}. */
    static String route(HttpServerExchange exchange) {
        return ServedBy.of(exchange).route();
    }

    /** The method as a bounded tag value: one of the standard methods, or {@code OTHER}. */
    static String method(String method) {
        return KNOWN_METHODS.contains(method) ? method : "OTHER";
    }
}
