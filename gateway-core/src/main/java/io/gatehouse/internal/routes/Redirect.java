package io.gatehouse.internal.routes;

import io.gatehouse.config.RedirectConfig;
import io.gatehouse.internal.config.ParsedTemplate;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * {@code redirect}: the configured status with a {@code Location} filled in by {@link Substitution#url} and an
 * empty body. A substitution that would change the target's meaning gets 400 instead.
 */
final class Redirect implements RouteAction {

    private final ParsedTemplate to;
    private final int status;

    Redirect(RedirectConfig config) {
        this.to = ParsedTemplate.of(config.to());
        this.status = config.status();
    }

    @Override
    public void serve(HttpServerExchange exchange, RequestValues values) {
        String location = Substitution.url(to, values);
        if (location == null) {
            RouteChain.refuseSubstitution(exchange, "redirect.to");
            return;
        }
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.LOCATION, location);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
        Respond.closeIfBodyUnread(exchange);
        exchange.endExchange();
    }
}
