package io.gatehouse.internal.routes;

import io.gatehouse.internal.forwarded.ClientAddress;
import io.gatehouse.internal.forwarded.RequestId;
import io.gatehouse.internal.vhosts.RequestHost;
import io.undertow.server.HttpServerExchange;

import java.util.Objects;

/**
 * What a route's templates may substitute for one request: the groups its {@code match} captured and the request's
 * variables. Values are raw here; {@link Substitution} makes them safe for where they land.
 */
final class RequestValues {

    private final HttpServerExchange exchange;
    private final String path;
    private final String[] groups;

    /**
     * @param path   the normalised path, or {@code null} when no condition needed it
     * @param groups {@code $0..$9}; missing or unmatched groups are empty
     */
    RequestValues(HttpServerExchange exchange, String path, String[] groups) {
        this.exchange = exchange;
        this.path = path;
        this.groups = groups;
    }

    HttpServerExchange exchange() {
        return exchange;
    }

    String path() {
        return path;
    }

    String group(int n) {
        return n < groups.length && groups[n] != null ? groups[n] : "";
    }

    /** The raw query string, without {@code ?}; empty when there is none. */
    String query() {
        return exchange.getQueryString();
    }

    /** One of {@link io.gatehouse.internal.config.ParsedTemplate#VARIABLES}. */
    String variable(String name) {
        return switch (name) {
            case "client_ip" -> Objects.requireNonNullElse(ClientAddress.clientText(exchange), "");
            case "host" -> RequestHost.of(exchange);
            case "scheme" -> exchange.getRequestScheme();
            case "request_id" -> {
                String id = RequestId.of(exchange);
                yield id == null ? "" : id;
            }
            default -> throw new IllegalArgumentException("unknown variable " + name);
        };
    }
}
