package io.gatehouse.internal.routes;

import io.undertow.server.HttpServerExchange;

/** What a matched route does, given the values its conditions captured. Rewrites are the chain's own business. */
@FunctionalInterface
interface RouteAction {

    void serve(HttpServerExchange exchange, RequestValues values) throws Exception;
}
