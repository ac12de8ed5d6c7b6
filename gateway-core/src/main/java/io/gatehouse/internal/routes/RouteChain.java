package io.gatehouse.internal.routes;

import io.gatehouse.config.Action;
import io.gatehouse.config.Route;
import io.gatehouse.internal.http.ErrorResponses;
import io.gatehouse.internal.vhosts.ServedBy;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.Function;

/**
 * A vhost's routes: the first route whose conditions all hold serves the request.
 *
 * <p>Contract:
 * <ul>
 *   <li>Routes are tried in order; nothing like nginx's longest prefix is implied.</li>
 *   <li>{@code path} and {@code match} look at the decoded path normalised by {@link RoutePath}; a path that climbs
 *       above the root, or holds an encoded slash or a backslash, is answered 400 when a route needs to look at
 *       it.</li>
 *   <li>A matching route first applies its request header changes and registers its response header changes.</li>
 *   <li>A {@code rewrite} route gives the request its new target ({@link InternalRewrite}) and matching goes on
 *       with the next route, never an earlier one, so a request is rewritten at most once per route and can never
 *       loop.</li>
 *   <li>No route matches: 404.</li>
 *   <li>A substitution a request value would change the meaning of ({@link Substitution}): 400, logged at FINE
 *       (the access log has the request).</li>
 * </ul>
 * Immutable once created: one chain serves its vhost on every listener and IO thread; what a request adds (its
 * captures, its values) lives in that request's exchange.
 */
public final class RouteChain implements HttpHandler {

    private static final Logger LOG = System.getLogger(RouteChain.class.getName());

    private final List<CompiledRoute> routes;

    private RouteChain(List<CompiledRoute> routes) {
        this.routes = routes;
    }

    /**
     * Compiles a vhost's routes. Public for the handler tree in {@code io.gatehouse}, which builds one chain per
     * vhost.
     *
     * @param vhost    the vhost's mark, which each route's own mark extends
     * @param routes   a vhost's routes
     * @param handlers the handler of a proxy, files or echo action; called once per route that has one
     * @return the chain, ready to serve
     * @throws IllegalArgumentException when a route's action is of a kind this chain cannot serve
     */
    public static RouteChain create(ServedBy vhost, List<Route> routes, Function<Action, HttpHandler> handlers) {
        return new RouteChain(routes.stream().map(route -> new CompiledRoute(route, vhost, handlers)).toList());
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String path = null;
        for (CompiledRoute route : routes) {
            if (path == null && route.needsPath()) {
                path = RoutePath.normalise(exchange.getRelativePath());
                if (path == null) {
                    ErrorResponses.send(exchange, StatusCodes.BAD_REQUEST);
                    return;
                }
            }
            String[] groups = route.match(exchange, path);
            if (groups == null) {
                continue;
            }
            RequestValues values = new RequestValues(exchange, path, groups);
            route.changeHeaders(exchange, values);
            if (route.rewriteTo() == null) {
                route.servedBy.mark(exchange);
                route.action().serve(exchange, values);
                return;
            }
            String target = Substitution.url(route.rewriteTo(), values);
            if (target == null) {
                refuseSubstitution(exchange, "rewrite.to");
                return;
            }
            if (!InternalRewrite.apply(exchange, target)) {
                ErrorResponses.send(exchange, StatusCodes.BAD_REQUEST);
                return;
            }
            path = null;
        }
        ErrorResponses.send(exchange, StatusCodes.NOT_FOUND);
    }

    /** 400 for a request whose values would change what {@code key}'s template means. */
    static void refuseSubstitution(HttpServerExchange exchange, String key) {
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "vhost " + ServedBy.of(exchange).vhost() + ": 400, a value of the request would change the meaning of " + key);
        }
        ErrorResponses.send(exchange, StatusCodes.BAD_REQUEST);
    }
}
