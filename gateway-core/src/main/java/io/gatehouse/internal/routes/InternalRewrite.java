package io.gatehouse.internal.routes;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.ParameterLimitException;
import io.undertow.util.URLUtils;

import java.nio.charset.StandardCharsets;

/**
 * Gives an exchange a new target, as if the client had asked for it: request URI, decoded request and relative
 * path, query string and query parameters all follow, so every handler after the rewrite (the file server, the
 * proxy) serves the new target. The Host and the method stay. The access log records the target as it stands when
 * the exchange ends: the rewritten one.
 */
final class InternalRewrite {

    /** Undertow's own default for {@code UndertowOptions.MAX_PARAMETERS}. */
    private static final int MAX_PARAMETERS = 1000;

    private InternalRewrite() {
    }

    /**
     * @param target an origin-form target made by {@link Substitution}: encoded, one leading slash
     * @return false when the new query has more parameters than a request may (the caller answers 400)
     */
    static boolean apply(HttpServerExchange exchange, String target) {
        int mark = target.indexOf('?');
        String path = mark < 0 ? target : target.substring(0, mark);
        String query = mark < 0 ? "" : target.substring(mark + 1);
        // Encoded slashes stay encoded in the decoded path, as Undertow decodes a request's own path by default.
        String decoded = URLUtils.decode(path, StandardCharsets.UTF_8.name(), false, false, new StringBuilder());
        exchange.setRequestURI(path, false);
        exchange.setRequestPath(decoded);
        exchange.setRelativePath(decoded);
        exchange.setQueryString(query);
        exchange.getQueryParameters().clear();
        try {
            URLUtils.parseQueryString(query, exchange, StandardCharsets.UTF_8.name(), true, MAX_PARAMETERS);
            return true;
        } catch (ParameterLimitException e) {
            return false;
        }
    }
}
